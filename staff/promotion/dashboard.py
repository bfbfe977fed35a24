"""The promotion panel of the landing dashboard: what waits for a reviewer, and where the
person's own open application stands."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ..dashboard import panels
from . import selectors


@panels.register("promotion", order=60, title=gettext_lazy("Promotion"))
def _promotion(user) -> dict | None:
    waiting = {
        "department": selectors.department_queue(user=user).count(),
        "hr": selectors.hr_queue(user=user).count(),
        "committee": selectors.committee_queue(user=user).count(),
    }
    mine = (
        selectors.my_applications(user=user)
        .filter(status__in=selectors.OPEN_STATUSES)
        .order_by("-submitted_at")
        .first()
    )
    if not any(waiting.values()) and mine is None:
        return None
    return {
        "template": "staff/promotion/_dashboard.html",
        "waiting": waiting,
        "waiting_total": sum(waiting.values()),
        "mine": mine,
    }
