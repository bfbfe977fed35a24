"""Writes for attendance: clocking in and out, the next morning's missing clock-out flag,
HR's corrections, and the monthly sheet signed by the person and locked by HR."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from collections_office.workdays import company_tz
from staff.models import AttendanceMonth, AttendanceRecord
from staff.selectors import profile_of
from staff.services import notification_send

from .days import month_bounds, today
from .scope import is_hr_for


def _local_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment, company_tz()).strftime("%H:%M")


def _profile_or_refuse(user):
    profile = profile_of(user)
    if profile is None:
        raise ValidationError(_("Only members of staff keep attendance."))
    return profile


def month_locked(*, person, day: dt.date) -> bool:
    return AttendanceMonth.objects.filter(
        user=person, month=day.replace(day=1), status=AttendanceMonth.Status.LOCKED
    ).exists()


def ensure_month_open(*, person, day: dt.date, field: str | None = None) -> None:
    """Refuses any change to a day of a month HR has locked."""
    if month_locked(person=person, day=day):
        message = _("The attendance of %(month)s is locked by HR; it cannot be changed.") % {
            "month": day.strftime("%Y-%m")
        }
        raise ValidationError({field: message} if field else message)


def _reopen_signed_month(*, person, day: dt.date) -> None:
    # A change after the person signed: they sign again what they now see.
    AttendanceMonth.objects.filter(
        user=person, month=day.replace(day=1), status=AttendanceMonth.Status.CONFIRMED
    ).update(status=AttendanceMonth.Status.OPEN, confirmed_at=None)


def attendance_clock_in(*, user) -> AttendanceRecord:
    """Today's clock-in at the server's time; a second one the same day is refused."""
    profile = _profile_or_refuse(user)
    now = timezone.now()
    work_date = timezone.localtime(now, company_tz()).date()
    existing = AttendanceRecord.objects.filter(user=user, work_date=work_date).first()
    if existing is not None:
        raise ValidationError(
            _("You already clocked in today at %(time)s.")
            % {"time": _local_time(existing.clocked_in_at)}
        )
    ensure_month_open(person=user, day=work_date)
    try:
        with transaction.atomic():
            return AttendanceRecord.objects.create(
                user=user, branch=profile.branch, work_date=work_date, clocked_in_at=now
            )
    except IntegrityError:
        # Two clicks at once: the other one won; the unique constraint refused this one.
        raise ValidationError(_("You already clocked in today.")) from None


@transaction.atomic
def attendance_clock_out(*, user) -> AttendanceRecord:
    """Today's clock-out at the server's time (once; a mistake is corrected by HR)."""
    _profile_or_refuse(user)
    now = timezone.now()
    work_date = timezone.localtime(now, company_tz()).date()
    record = (
        AttendanceRecord.objects.select_for_update().filter(user=user, work_date=work_date).first()
    )
    if record is None:
        raise ValidationError(_("You have not clocked in today."))
    if record.clocked_out_at is not None:
        raise ValidationError(
            _("You already clocked out today at %(time)s.")
            % {"time": _local_time(record.clocked_out_at)}
        )
    record.clocked_out_at = now
    record.save(update_fields=["clocked_out_at"])
    return record


def attendance_flag_missing_clock_outs() -> int:
    """Flags every past day clocked in but not out and tells the person; safe to run twice
    (each day is claimed by a conditional update, so nobody is told twice)."""
    flagged = 0
    candidates = AttendanceRecord.objects.filter(
        work_date__lt=today(),
        clocked_out_at__isnull=True,
        clock_out_missing_flagged_at__isnull=True,
    ).select_related("user")
    for record in candidates.iterator():
        with transaction.atomic():
            claimed = AttendanceRecord.objects.filter(
                pk=record.pk, clock_out_missing_flagged_at__isnull=True
            ).update(clock_out_missing_flagged_at=timezone.now())
            if not claimed:
                continue
            notification_send(
                recipient=record.user,
                title=_("You did not clock out on %(date)s")
                % {"date": date_format(record.work_date)},
                body=_("Ask HR to correct the day, or the day shows as not clocked out."),
                url=reverse("staff:attendance"),
                email=False,
            )
            flagged += 1
    return flagged


@transaction.atomic
def attendance_correct(
    *,
    record: AttendanceRecord,
    actor,
    clocked_in_at: dt.datetime,
    clocked_out_at: dt.datetime | None,
    reason: str,
) -> AttendanceRecord:
    """HR puts right a day (a forgotten clock-out); the reason and the old times stay in
    the history. Refused in a locked month and on one's own record."""
    record = AttendanceRecord.objects.select_for_update().get(pk=record.pk)
    if not is_hr_for(actor, record.user):
        raise ValidationError(_("Only HR of the person's branch corrects attendance."))
    if actor.pk == record.user_id:
        raise ValidationError(
            _("You cannot correct your own attendance; another HR colleague does.")
        )
    ensure_month_open(person=record.user, day=record.work_date)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the day is corrected.")})
    tz = company_tz()
    if timezone.localtime(clocked_in_at, tz).date() != record.work_date:
        raise ValidationError(
            {"clocked_in_at": _("The clock-in must be on the day of the record.")}
        )
    if clocked_out_at is not None and clocked_out_at < clocked_in_at:
        raise ValidationError({"clocked_out_at": _("The clock-out must be after the clock-in.")})
    record.clocked_in_at = clocked_in_at
    record.clocked_out_at = clocked_out_at
    record.corrected_by = actor
    record.correction_reason = reason.strip()[:300]
    record._change_reason = record.correction_reason
    record.save()
    _reopen_signed_month(person=record.user, day=record.work_date)
    return record


def _month_for_update(*, person, month: dt.date) -> AttendanceMonth:
    profile = _profile_or_refuse(person)
    sheet, _created = AttendanceMonth.objects.get_or_create(
        user=person, month=month.replace(day=1), defaults={"branch": profile.branch}
    )
    return AttendanceMonth.objects.select_for_update().get(pk=sheet.pk)


@transaction.atomic
def attendance_month_confirm(*, user, month: dt.date) -> AttendanceMonth:
    """The person signs their sheet (考勤記錄表本人簽字確認) once the month is over."""
    _first, last = month_bounds(month)
    if today() <= last:
        raise ValidationError(_("A month is signed once it is over."))
    sheet = _month_for_update(person=user, month=month)
    if sheet.status == AttendanceMonth.Status.LOCKED:
        raise ValidationError(_("HR has already locked this month."))
    if sheet.status == AttendanceMonth.Status.CONFIRMED:
        raise ValidationError(_("You have already signed this month."))
    sheet.status = AttendanceMonth.Status.CONFIRMED
    sheet.confirmed_at = timezone.now()
    sheet.save(update_fields=["status", "confirmed_at"])
    return sheet


@transaction.atomic
def attendance_month_lock(*, actor, person, month: dt.date) -> AttendanceMonth:
    """HR checks a signed sheet and locks it: from then on nothing in the month changes."""
    if not is_hr_for(actor, person):
        raise ValidationError(_("Only HR of the person's branch locks their attendance."))
    if actor.pk == person.pk:
        raise ValidationError(_("You cannot lock your own attendance; another HR colleague does."))
    sheet = _month_for_update(person=person, month=month)
    if sheet.status == AttendanceMonth.Status.LOCKED:
        raise ValidationError(_("This month is already locked."))
    if sheet.status != AttendanceMonth.Status.CONFIRMED:
        raise ValidationError(_("The person has not signed this month yet."))
    sheet.status = AttendanceMonth.Status.LOCKED
    sheet.locked_at = timezone.now()
    sheet.locked_by = actor
    sheet.save(update_fields=["status", "locked_at", "locked_by"])
    return sheet
