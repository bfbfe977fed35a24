"""The front desk's panels on the landing dashboard."""

from django.utils import timezone

from collections_office.workdays import company_tz
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


def dashboard_panels(user) -> list[dict]:
    if is_desk(user):
        in_building = visits_in_building(user=user)
        late_messages = messages_unhandled_too_long(user=user)
        steps = steps_awaiting_signature(user=user)
        return [
            {
                "template": "frontdesk/_dashboard_desk.html",
                "in_building_count": in_building.count(),
                "in_building": in_building[:8],
                "late_message_count": late_messages.count(),
                "late_messages": late_messages[:5],
                "threshold_minutes": int(unhandled_message_threshold().total_seconds() // 60),
                "unsigned_count": steps.count(),
                "unsigned": steps[:5],
                "now": timezone.now(),
            },
            {
                # Whom a visitor cannot meet today: the desk says so before calling up.
                "template": "frontdesk/_dashboard_away.html",
                "away_today": away_today(
                    user=user, day=timezone.localdate(timezone.now(), company_tz())
                ),
            },
        ]
    if not getattr(user, "is_authenticated", False):
        return []
    visitors = visit_list(user=user).filter(host=user, status=Visit.Status.ON_SITE)
    messages = messages_for_me(user=user)
    steps = steps_awaiting_signature(user=user)
    counts = (visitors.count(), messages.count(), steps.count())
    if not any(counts):
        return []
    return [
        {
            "template": "frontdesk/_dashboard_mine.html",
            "visitor_count": counts[0],
            "message_count": counts[1],
            "unsigned_count": counts[2],
        }
    ]
