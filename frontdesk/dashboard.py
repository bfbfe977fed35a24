"""The front desk's panels on the landing dashboard (collections_office.panels registry)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from collections_office.panels import PanelRegistry
from collections_office.workdays import company_today
from staff import roles
from staff.attendance.selectors import away_today

from .models import Visit
from .selectors import (
    is_desk,
    messages_for_me,
    messages_unhandled_too_long,
    steps_awaiting_signature,
    unhandled_message_threshold,
    visit_list,
    visits_in_building,
)

panels = PanelRegistry()


def dashboard_panels(user) -> list[dict]:
    return panels.panels_for(user)


@panels.register(
    "reception",
    order=10,
    title=gettext_lazy("In the building now"),
    roles=(roles.FRONT_DESK,),
)
def _reception(user) -> dict | None:
    if not is_desk(user):
        return None
    in_building = visits_in_building(user=user)
    late_messages = messages_unhandled_too_long(user=user)
    steps = steps_awaiting_signature(user=user)
    return {
        "template": "frontdesk/_dashboard_desk.html",
        "in_building_count": in_building.count(),
        "in_building": in_building[:8],
        "late_message_count": late_messages.count(),
        "late_messages": late_messages[:5],
        "threshold_minutes": int(unhandled_message_threshold().total_seconds() // 60),
        "unsigned_count": steps.count(),
        "unsigned": steps[:5],
        "now": timezone.now(),
    }


@panels.register(
    "away-for-visitors",
    order=20,
    title=gettext_lazy("Away today (cannot meet visitors)"),
    roles=(roles.FRONT_DESK,),
)
def _away_for_visitors(user) -> dict | None:
    """Whom a visitor cannot meet today: the desk says so before calling up."""
    if not is_desk(user):
        return None
    return {
        "template": "frontdesk/_dashboard_away.html",
        "away_today": away_today(user=user, day=company_today()),
    }


@panels.register(
    "from-the-desk",
    order=30,
    title=gettext_lazy("From the front desk"),
    shown_to=lambda user: not is_desk(user),
)
def _from_the_desk(user) -> dict | None:
    """Everyone but the desk: visitors waiting for them, messages, papers to sign."""
    if is_desk(user):
        return None  # the desk's own panels above say it all
    visitors = visit_list(user=user).filter(host=user, status=Visit.Status.ON_SITE)
    messages = messages_for_me(user=user)
    steps = steps_awaiting_signature(user=user)
    counts = (visitors.count(), messages.count(), steps.count())
    if not any(counts):
        return None
    return {
        "template": "frontdesk/_dashboard_mine.html",
        "visitor_count": counts[0],
        "message_count": counts[1],
        "unsigned_count": counts[2],
    }
