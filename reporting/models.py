"""Report runs and their schedules (DESIGN §8).

Every run is a row (kind, period, scope, trigger, times, status, error); what a run
produces is one `ReportResult` per (kind, period, scope): a re-run of the same period
replaces it, and two runs of it at once take turns on a run lock, so there is never a
second artifact. Schedules are rows that admin staff edit on a page; Celery beat reads
them (reporting.beat.DatabaseScheduler).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Scope(models.TextChoices):
    COMPANY = "company", _("Company")
    BRANCH = "branch", _("Branch")
    TEAM = "team", _("Team")
    COLLECTOR = "collector", _("Collector")
    AGREEMENT = "agreement", _("Agreement")


def _validate_cron_field(value: str, *, low: int, high: int, name: str) -> None:
    """A crontab field: *, */n, a number, a range a-b, or a comma list of those."""
    if value == "*":
        return
    for part in value.split(","):
        body = part
        if part.startswith("*/"):
            body = part[2:]
            if not body.isdigit() or int(body) == 0:
                raise ValidationError(
                    _("%(name)s: “%(part)s” is not a step.") % {"name": name, "part": part}
                )
            continue
        bounds = body.split("-")
        if len(bounds) > 2 or not all(bound.isdigit() for bound in bounds):
            raise ValidationError(
                _("%(name)s: “%(part)s” is not a number, a range or */n.")
                % {"name": name, "part": part}
            )
        if not all(low <= int(bound) <= high for bound in bounds):
            raise ValidationError(
                _("%(name)s: %(part)s is outside %(low)s–%(high)s.")
                % {"name": name, "part": part, "low": low, "high": high}
            )


def validate_minute(value):
    _validate_cron_field(value, low=0, high=59, name=_("Minute"))


def validate_hour(value):
    _validate_cron_field(value, low=0, high=23, name=_("Hour"))


def validate_day_of_week(value):
    _validate_cron_field(value, low=0, high=6, name=_("Day of week"))


def validate_day_of_month(value):
    _validate_cron_field(value, low=1, high=31, name=_("Day of month"))


class ReportSchedule(models.Model):
    """When beat starts a kind of run, read in the company's time zone."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    kind = models.CharField(_("report"), max_length=40)
    description = models.CharField(_("description"), max_length=200, blank=True)
    minute = models.CharField(_("minute"), max_length=64, default="0", validators=[validate_minute])
    hour = models.CharField(_("hour"), max_length=64, default="6", validators=[validate_hour])
    day_of_week = models.CharField(
        _("day of week (0 = Sunday)"), max_length=64, default="*", validators=[validate_day_of_week]
    )
    day_of_month = models.CharField(
        _("day of month"), max_length=64, default="*", validators=[validate_day_of_month]
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def crontab_text(self) -> str:
        return f"{self.minute} {self.hour} {self.day_of_month} * {self.day_of_week}"


class ReportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Report runs are operations data: admin staff see the company's runs and their
        branch's; headquarters all."""
        from staff import roles
        from staff.selectors import has_role, sees_all_branches, user_branch

        if sees_all_branches(user):
            return self
        branch = user_branch(user)
        if branch is None or not has_role(user, roles.ADMIN_STAFF):
            return self.none()
        return self.filter(
            models.Q(scope=Scope.COMPANY) | models.Q(scope=Scope.BRANCH, scope_id=branch.pk)
        )


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        RETRYING = "retrying", _("Waiting to retry")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Started by hand")

    kind = models.CharField(_("report"), max_length=40)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    scope = models.CharField(
        _("scope"), max_length=12, choices=Scope.choices, default=Scope.COMPANY
    )
    # 0 for the company scope (a unique constraint treats NULLs as all different).
    scope_id = models.BigIntegerField(_("scope id"), default=0)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ReportRunQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-queued_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status"],
                condition=models.Q(status__in=["queued", "running", "retrying"]),
                name="report_run_open_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="report_run_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}–{self.period_end} ({self.status})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class ReportResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """HQ: all. Supervisors, branch managers, admin staff and finance: the company's
        results (pages filter the rows to their branch) and their branch's. Collectors:
        the company's results, where the pages show them their own row only."""
        from staff import roles
        from staff.selectors import has_role, profile_of, sees_all_branches

        if sees_all_branches(user):
            return self
        profile = profile_of(user)
        if profile is None:
            return self.none()
        company = models.Q(scope=Scope.COMPANY)
        if has_role(user, roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.ADMIN_STAFF, roles.FINANCE):
            return self.filter(company | models.Q(scope=Scope.BRANCH, scope_id=profile.branch_id))
        if has_role(user, roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR):
            return self.filter(company)
        return self.none()


class ReportResult(models.Model):
    """What a run produced: the figures (rows as JSON) and the files. One per (kind,
    period, scope): a re-run replaces it."""

    kind = models.CharField(_("report"), max_length=40)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices)
    scope_id = models.BigIntegerField(_("scope id"), default=0)
    run = models.ForeignKey(ReportRun, on_delete=models.PROTECT, related_name="results")
    generated_at = models.DateTimeField(_("generated at"))
    columns = models.JSONField(_("columns"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    summary = models.JSONField(_("summary"), default=dict)
    csv_file = models.FileField(_("CSV"), upload_to="reports/%Y/%m/", blank=True)
    xlsx_file = models.FileField(_("XLSX"), upload_to="reports/%Y/%m/", blank=True)

    objects = ReportResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("report result")
        verbose_name_plural = _("report results")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end", "scope", "scope_id"],
                name="one_report_result_per_kind_period_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period_start}–{self.period_end}"


class DailyCollectorFiguresQuerySet(models.QuerySet):
    def visible_to(self, user):
        """HQ: all; supervisors, branch managers, admin staff and finance: their branch;
        collectors: their own days."""
        from staff import roles
        from staff.selectors import has_role, profile_of, sees_all_branches

        if sees_all_branches(user):
            return self
        profile = profile_of(user)
        if profile is None:
            return self.none()
        if has_role(user, roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.ADMIN_STAFF, roles.FINANCE):
            return self.filter(branch_id=profile.branch_id)
        return self.filter(collector=user)


class DailyCollectorFigures(models.Model):
    """One collector's work on one company day: the rollup every report reads, so that a
    report over weeks or months never scans the call log. Recomputed whole for a day
    (reporting.rollups): today and yesterday on every refresh, and any earlier day whose
    data changed (a backdated call, a payment confirmed for an old date)."""

    day = models.DateField(_("day"))
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("collector"),
    )
    branch = models.ForeignKey(
        "staff.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    calls = models.PositiveIntegerField(_("calls"), default=0)
    contacts = models.PositiveIntegerField(_("conversations"), default=0)
    overrides = models.PositiveIntegerField(_("compliance overrides"), default=0)
    promises_made = models.PositiveIntegerField(_("promises made"), default=0)
    promises_kept = models.PositiveIntegerField(_("promises kept"), default=0)
    amount_confirmed = models.DecimalField(
        _("amount confirmed"), max_digits=14, decimal_places=2, default=0
    )
    visits_requested = models.PositiveIntegerField(_("visits requested"), default=0)
    visits_done = models.PositiveIntegerField(_("visits done"), default=0)
    sla_breaches = models.PositiveIntegerField(_("service-level breaches"), default=0)
    # The finance and compliance reports' columns (reporting.rollup_sources).
    commission = models.DecimalField(
        _("commission earned"), max_digits=14, decimal_places=2, default=0
    )
    refusals = models.PositiveIntegerField(_("compliance refusals"), default=0)
    violations = models.PositiveIntegerField(_("confirmed violations"), default=0)
    quality_reviews = models.PositiveIntegerField(_("quality reviews"), default=0)
    quality_low = models.PositiveIntegerField(_("quality reviews below threshold"), default=0)
    # A snapshot, not a day's work: the open cases the collector held at the day's end
    # (cases.figures.cases_held); reports read their period's last day, never a sum.
    cases_held = models.PositiveIntegerField(_("cases held at the day's end"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    objects = DailyCollectorFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily collector figures")
        verbose_name_plural = _("daily collector figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "collector"], name="one_rollup_per_collector_day"
            )
        ]
        indexes = [models.Index(fields=["branch", "day"], name="rollup_branch_day_idx")]

    def __str__(self) -> str:
        return f"{self.collector_id} {self.day}"


class RollupDirtyDay(models.Model):
    """A company day whose source data changed since its rollup was computed."""

    day = models.DateField(_("day"), unique=True)
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("day to recompute")
        verbose_name_plural = _("days to recompute")

    def __str__(self) -> str:
        return str(self.day)
