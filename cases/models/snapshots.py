"""Counts over the whole case table kept by a job, so a dashboard panel reads a few rows
instead of counting a million cases on every landing page."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatusCountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A branch's counts to the people of that branch (headquarters: every branch)."""
        from staff.selectors import restrict_to_branch

        return restrict_to_branch(self, user=user)


class CaseStatusCount(models.Model):
    """How many cases of a branch are in a status, as of `computed_at`: kept by
    `cases.snapshots.refresh_case_status_counts` (the five-minute rollup refresh); the
    case-status panel sums these rows (a branch, or all of them at headquarters)."""

    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    status = models.CharField(_("status"), max_length=12)
    count = models.PositiveIntegerField(_("cases"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    objects = CaseStatusCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("case count by status")
        verbose_name_plural = _("case counts by status")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "status"], name="one_case_status_count_per_branch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.status}: {self.count}"
