"""The early-warning signals that read the attendance, leave and assessment areas.

Filled in through the registry (`signal_source`) from this module, listed in
staff.apps.AREA_MODULES. Each reads its area's models through `apps.get_model` guarded by
LookupError, so a deployment without that area still answers "not yet available".
A person with no records of that kind in the window is "not yet available" too — never
"off" (nothing recorded is not good news) and never "on" (nor is it bad news).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils.translation import gettext as _

from .signals import OFF, ON, UNAVAILABLE, Reading, signal_source


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


@signal_source("attendance_falling")
def attendance_falling(profiles, setting, today: dt.date) -> dict[int, Reading]:
    """Late arrivals, early departures and absent days in the window (the working-hours
    rules of the attendance sheet judge each day)."""
    if _model("staff.AttendanceRecord") is None:
        return {
            p.pk: Reading(UNAVAILABLE, _("Attendance records are not yet available."))
            for p in profiles
        }
    from staff.attendance.days import team_day_rows

    window = setting.window_days or 30
    first, last = today - dt.timedelta(days=window), today - dt.timedelta(days=1)
    counts = {p.user_id: [0, 0, 0, 0] for p in profiles}  # late, early, absent, clocked
    for month in _months(first, last):
        for user_id, rows in team_day_rows(profiles=profiles, month=month).items():
            for row in rows:
                if not (first <= row.date <= last) or row.not_employed or not row.working_day:
                    continue
                tally = counts[user_id]
                tally[0] += row.late_minutes > 0
                tally[1] += row.early_minutes > 0
                tally[2] += row.absent_days > 0
                tally[3] += row.record is not None
    limit = int(setting.threshold)
    readings = {}
    for profile in profiles:
        late, early, absent, clocked = counts[profile.user_id]
        if not clocked:
            readings[profile.pk] = Reading(
                UNAVAILABLE,
                _("No clock-in recorded in the last %(days)s days.") % {"days": window},
            )
            continue
        total = late + early + absent
        values = {
            "late": late,
            "early": early,
            "absent": absent,
            "days": window,
            "total": total,
            "limit": limit,
        }
        text = (
            _(
                "In the last %(days)s days: late %(late)s times, left early %(early)s times, "
                "absent %(absent)s days — %(total)s against a threshold of %(limit)s."
            )
            % values
        )
        readings[profile.pk] = Reading(ON if total >= limit else OFF, text)
    return readings


@signal_source("leave_pattern")
def leave_pattern(profiles, setting, today: dt.date) -> dict[int, Reading]:
    """Single days of leave next to a weekend or holiday (the classic pattern before
    someone leaves: interviews elsewhere), counted in the window."""
    leave_model = _model("staff.LeaveRequest")
    if leave_model is None:
        return {
            p.pk: Reading(UNAVAILABLE, _("Leave records are not yet available.")) for p in profiles
        }
    from collections_office.workdays import WorkingCalendar

    window = setting.window_days or 90
    first = today - dt.timedelta(days=window)
    calendar = WorkingCalendar(first - dt.timedelta(days=7), today + dt.timedelta(days=7))
    leaves = leave_model.objects.filter(
        user_id__in=[p.user_id for p in profiles],
        status__in=leave_model.AWAY_STATUSES,
        start_date__gte=first,
        start_date__lte=today,
    )
    bridging: dict[int, int] = {}
    for leave in leaves:
        if leave.start_date != leave.end_date:
            continue
        before = leave.start_date - dt.timedelta(days=1)
        after = leave.start_date + dt.timedelta(days=1)
        if not calendar.is_working_day(before) or not calendar.is_working_day(after):
            bridging[leave.user_id] = bridging.get(leave.user_id, 0) + 1
    limit = int(setting.threshold)
    readings = {}
    for profile in profiles:
        count = bridging.get(profile.user_id, 0)
        values = {"count": count, "days": window, "limit": limit}
        text = (
            _(
                "%(count)s single days of leave next to a weekend or holiday in the last %(days)s "
                "days (threshold %(limit)s)."
            )
            % values
        )
        readings[profile.pk] = Reading(ON if count >= limit else OFF, text)
    return readings


@signal_source("low_assessment")
def low_assessment(profiles, setting, today: dt.date) -> dict[int, Reading]:
    """The latest finalised assessment in the window, against the threshold."""
    assessment_model = _model("staff.Assessment")
    if assessment_model is None:
        return {
            p.pk: Reading(UNAVAILABLE, _("Assessments are not yet available.")) for p in profiles
        }
    window = setting.window_days or 365
    latest: dict[int, object] = {}
    rows = (
        assessment_model.objects.filter(
            subject_id__in=[p.user_id for p in profiles],
            status=assessment_model.Status.FINALISED,
            total__isnull=False,
            round__period_end__gte=today - dt.timedelta(days=window),
        )
        .select_related("round")
        .order_by("subject_id", "-round__period_end", "-pk")
    )
    for row in rows:
        latest.setdefault(row.subject_id, row)
    limit = setting.threshold
    readings = {}
    for profile in profiles:
        row = latest.get(profile.user_id)
        if row is None:
            readings[profile.pk] = Reading(
                UNAVAILABLE,
                _("No finalised assessment in the last %(days)s days.") % {"days": window},
            )
            continue
        values = {"period": row.round.label, "total": row.total, "limit": limit}
        if row.total < limit:
            text = _("Assessment %(period)s: %(total)s, below %(limit)s.") % values
            readings[profile.pk] = Reading(ON, text)
        else:
            text = _("Assessment %(period)s: %(total)s, %(limit)s or more.") % values
            readings[profile.pk] = Reading(OFF, text)
    return readings
