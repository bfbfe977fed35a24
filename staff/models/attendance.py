"""Attendance (考勤): a branch's working hours, each day's clock-in and clock-out, and the
monthly sheet the person signs and HR locks (front-desk rules, 考勤管理)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .organisation import Branch


class PeopleRecordQuerySet(models.QuerySet):
    """Rows about one person (`user`): they see their own, their managers their team,
    HR their branch, HQ HR everyone (staff/attendance/scope.py)."""

    def visible_to(self, user):
        from staff.attendance.scope import people_records_visible_to

        return people_records_visible_to(self, user=user)


class WorkingHours(models.Model):
    """A branch's working day (上下班時間); a branch without a row works 09:00–18:00."""

    branch = models.OneToOneField(
        Branch, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("branch")
    )
    starts_at = models.TimeField(_("work starts"), default=dt.time(9, 0))
    morning_ends_at = models.TimeField(_("lunch break starts"), default=dt.time(12, 0))
    afternoon_starts_at = models.TimeField(_("lunch break ends"), default=dt.time(13, 0))
    ends_at = models.TimeField(_("work ends"), default=dt.time(18, 0))
    # Minutes after the start that still count as on time (a lift queue is not lateness).
    grace_minutes = models.PositiveSmallIntegerField(_("grace minutes"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("morning_ends_at"))
                & models.Q(morning_ends_at__lte=models.F("afternoon_starts_at"))
                & models.Q(afternoon_starts_at__lt=models.F("ends_at")),
                name="working_hours_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(grace_minutes__lte=120), name="working_hours_grace_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch}: {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class AttendanceRecord(models.Model):
    """One person's working day: when they clocked in and out (server time, company zone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendance_records",
        verbose_name=_("person"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    work_date = models.DateField(_("date"))
    clocked_in_at = models.DateTimeField(_("clocked in at"))
    clocked_out_at = models.DateTimeField(_("clocked out at"), null=True, blank=True)
    # Set by the next morning's check; the person and HR see the day flagged.
    clock_out_missing_flagged_at = models.DateTimeField(
        _("missing clock-out flagged at"), null=True, blank=True
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("corrected by"),
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    objects = PeopleRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["-work_date", "user_id"]
        constraints = [
            # Clocking in twice on one day is refused by the schema too.
            models.UniqueConstraint(fields=["user", "work_date"], name="one_attendance_per_day"),
            models.CheckConstraint(
                condition=models.Q(clocked_out_at__isnull=True)
                | models.Q(clocked_out_at__gte=models.F("clocked_in_at")),
                name="clock_out_after_clock_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.work_date}"


class AttendanceMonth(models.Model):
    """A person's monthly attendance sheet: signed by the person, then checked and locked
    by HR; a locked month is never edited."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Signed by the person")
        LOCKED = "locked", _("Checked and locked by HR")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="attendance_months",
        verbose_name=_("person"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    confirmed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    objects = PeopleRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance month")
        verbose_name_plural = _("attendance months")
        ordering = ["-month", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="one_attendance_sheet_a_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="month_is_first_day"),
            models.CheckConstraint(
                condition=~models.Q(status="locked") | models.Q(locked_at__isnull=False),
                name="locked_month_has_locked_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.month:%Y-%m}"
