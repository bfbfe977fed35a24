"""Leave (請假 → 銷假) and overtime (加班): the types of leave with their yearly
entitlements, each request and its states, each overtime request and its hours."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .attendance import PeopleRecordQuerySet
from .organisation import Branch

# The names of the types the migration creates, so that they show translated; a type HR
# adds shows as typed.
DEFAULT_LEAVE_TYPE_NAMES = (
    gettext_noop("Annual leave"),
    gettext_noop("Sick leave"),
    gettext_noop("Personal leave (unpaid)"),
    gettext_noop("Marriage leave"),
    gettext_noop("Bereavement leave"),
)


class LeaveType(models.Model):
    """A kind of leave (annual, sick, personal …) and its rules, edited by HR as data."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    # Empty: no yearly limit (unpaid personal leave is still approved, never "used up").
    days_per_year = models.DecimalField(
        _("days per year"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Unused days moved into the next year, at most this many (0: they lapse on 31 Dec).
    carry_over_days = models.DecimalField(
        _("days carried into the next year"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # A leave longer than this is approved by HR instead of the line manager.
    hr_approval_over_days = models.DecimalField(
        _("HR approves leave longer than (days)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("3"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    paid = models.BooleanField(_("paid"), default=True)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return gettext(self.name) if self.name in DEFAULT_LEAVE_TYPE_NAMES else self.name


class LeaveRequest(models.Model):
    """One leave: applied for → approved (or rejected / withdrawn) → taken → returned (銷假)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Withdrawn")
        TAKEN = "taken", _("On leave")
        RETURNED = "returned", _("Returned from leave")

    class Half(models.TextChoices):
        MORNING = "am", _("Morning")
        AFTERNOON = "pm", _("Afternoon")

    # States whose days count against the balance and block overlapping leave: a request
    # waiting for approval reserves its days, so two requests cannot spend them twice.
    ACTIVE_STATUSES = (Status.REQUESTED, Status.APPROVED, Status.TAKEN, Status.RETURNED)
    # States in which the person is away (the calendar; attendance: not absent).
    AWAY_STATUSES = (Status.APPROVED, Status.TAKEN, Status.RETURNED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="leave_requests",
        verbose_name=_("person"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    leave_type = models.ForeignKey(
        LeaveType, on_delete=models.PROTECT, related_name="requests", verbose_name=_("leave type")
    )
    start_date = models.DateField(_("from"))
    start_half = models.CharField(
        _("from (half day)"), max_length=2, choices=Half.choices, default=Half.MORNING
    )
    end_date = models.DateField(_("to"))
    end_half = models.CharField(
        _("to (half day)"), max_length=2, choices=Half.choices, default=Half.AFTERNOON
    )
    # Working days charged (half days count 0.5); recomputed when the person returns early.
    days = models.DecimalField(_("working days"), max_digits=5, decimal_places=1)
    reason = models.TextField(_("reason"))
    cover = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leave_covered",
        verbose_name=_("who covers the work"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    needs_hr = models.BooleanField(_("approved by HR"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    returned_on = models.DateField(_("back at work on"), null=True, blank=True)
    return_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return recorded by"),
    )
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    objects = PeopleRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["user", "start_date"], name="leave_user_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="leave_ends_after_start",
            ),
            models.CheckConstraint(condition=models.Q(days__gte=0), name="leave_days_not_negative"),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | models.Q(returned_on__isnull=False),
                name="returned_leave_has_return_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.leave_type} {self.start_date}–{self.end_date}"


class OvertimeRequest(models.Model):
    """Overtime (加班): asked for in advance → approved → hours recorded by the person →
    confirmed by their manager (then it counts for payroll)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Withdrawn")
        RECORDED = "recorded", _("Hours recorded")
        CONFIRMED = "confirmed", _("Confirmed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="overtime_requests",
        verbose_name=_("person"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    work_date = models.DateField(_("date"))
    expected_hours = models.DecimalField(
        _("expected hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    actual_hours = models.DecimalField(
        _("actual hours"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("16"))],
    )
    work_done = models.TextField(_("work done"), blank=True)
    recorded_at = models.DateTimeField(_("hours recorded at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    objects = PeopleRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overtime request")
        verbose_name_plural = _("overtime requests")
        ordering = ["-work_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_hours__gt=0), name="overtime_expected_hours_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["recorded", "confirmed"])
                | models.Q(actual_hours__gt=0),
                name="recorded_overtime_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.work_date} · {self.expected_hours} h"
