"""The assessment's dashboard panel: a person's latest finalised result, and for HR and
reviewers a link to the assessments."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from staff.dashboard import panels
from staff.models import Assessment

from .access import may_review


@panels.register("assessments", order=80, title=gettext_lazy("Assessments"))
def _assessments(user) -> dict | None:
    latest = (
        Assessment.objects.visible_to(user)
        .filter(subject=user, status=Assessment.Status.FINALISED)
        .select_related("round__template")
        .order_by("-round__period_end")
        .first()
    )
    reviewer = may_review(user)
    if latest is None and not reviewer:
        return None
    return {"template": "staff/assessment/_dashboard.html", "latest": latest, "reviewer": reviewer}
