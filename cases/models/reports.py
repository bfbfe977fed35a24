"""Collectors' reports (DESIGN §4.6): the weekly progress report each phone collector
submits and the supervisor reviews. The monthly case summary is computed on its page
(nothing to submit), see cases/selectors/reports.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class WeeklyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A collector their own reports; supervisors and branch managers their branch's
        (HQ all); anyone else nothing (cases.access.weekly_report_visibility)."""
        from cases.access import restrict, weekly_report_visibility

        return restrict(self, weekly_report_visibility(user))


class WeeklyReport(models.Model):
    """A phone collector's progress report for one week (Monday to Sunday, company time):
    figures filled in by the system, the narrative by the collector, reviewed by the
    supervisor. The figures are frozen when the report is submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", _("Accepted")

    # The state machine: what each status may become (services refuse anything else).
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.ACCEPTED: set(),
    }
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="weekly_reports",
        verbose_name=_("collector"),
    )
    # The collector's branch when the report was started: whose supervisors review it.
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    week_start = models.DateField(_("week of"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    narrative = models.TextField(_("narrative"), blank=True)
    # The system's figures as they were at submission (see cases.selectors.reports);
    # empty while the report is a draft (the page then shows them live).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_late = models.BooleanField(_("submitted late"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("supervisor's comment"), blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    history = HistoricalRecords()

    objects = WeeklyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start", "collector_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collector", "week_start"], name="one_weekly_report_per_week"
            ),
            models.CheckConstraint(
                condition=Q(week_start__iso_week_day=1), name="weekly_report_starts_monday"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="weekly_report_submitted_at_once_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_comment=""),
                name="weekly_report_returned_with_comment",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "-week_start"], name="weekly_report_branch_idx"),
        ]

    def __str__(self) -> str:
        return f"weekly report {self.collector_id} {self.week_start}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE
