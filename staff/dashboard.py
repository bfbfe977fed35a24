"""The staff panels of the landing dashboard."""

from django.db.models import Count
from django.utils.translation import gettext_lazy

from collections_office.panels import PanelRegistry

from . import roles
from .models import StaffProfile
from .selectors import has_role, staff_list

# Each staff area (promotion reviews, attendance and leave, training, ...) registers its
# panels here from its own module (`@panels.register(...)`).
panels = PanelRegistry()


def dashboard_panels(user) -> list[dict]:
    return panels.panels_for(user)


@panels.register(
    "team",
    order=90,
    title=gettext_lazy("Team by position"),
    roles=(roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.HR, roles.DEPARTMENT_HEAD),
)
def _team(user) -> dict | None:
    if has_role(user, roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.HR, roles.DEPARTMENT_HEAD):
        by_position = dict(
            staff_list(user=user)
            .values_list("position")
            .annotate(n=Count("pk"))
            .values_list("position", "n")
        )
        rows = [
            (label, by_position.get(value, 0))
            for value, label in StaffProfile._meta.get_field("position").choices
        ]
        return {
            "template": "staff/_dashboard_team.html",
            "rows": rows,
            "total": sum(by_position.values()),
        }
    return None


def _decides_something(user) -> bool:
    from .approvals import kinds_decided_by

    return bool(kinds_decided_by(user))


@panels.register(
    "approvals-waiting",
    order=5,
    title=gettext_lazy("Waiting for your approval"),
    shown_to=_decides_something,
)
def _approvals_waiting(user) -> dict | None:
    """Deciders: how many requests wait for them, the longest-waiting first."""
    from .approvals import kinds_decided_by
    from .selectors_approvals import approvals_pending_for

    if not kinds_decided_by(user):
        return None
    waiting = approvals_pending_for(user).order_by("requested_at", "pk")
    return {
        "template": "staff/approvals/_dashboard.html",
        "waiting_count": waiting.count(),
        "oldest": list(waiting[:5]),
    }
