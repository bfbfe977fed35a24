"""Clocking in and out, the missing clock-out flag, and the sheet's lateness and absence
across a public holiday and a make-up working day (National Day 2025)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from staff.attendance.clock import (
    attendance_clock_in,
    attendance_clock_out,
    attendance_correct,
    attendance_flag_missing_clock_outs,
    attendance_month_confirm,
    attendance_month_lock,
)
from staff.attendance.days import day_rows, month_totals
from staff.attendance.leave import leave_apply, leave_decided
from staff.models import (
    AttendanceMonth,
    AttendanceRecord,
    Notification,
    WorkdayOverride,
    WorkingHours,
)

from .conftest import local

pytestmark = pytest.mark.django_db


def _clock_day(time_machine, user, day, in_at, out_at=None):
    time_machine.move_to(local(day.year, day.month, day.day, *in_at))
    attendance_clock_in(user=user)
    if out_at:
        time_machine.move_to(local(day.year, day.month, day.day, *out_at))
        attendance_clock_out(user=user)


def test_clock_in_records_the_server_time_in_company_time(team, time_machine):
    time_machine.move_to(local(2025, 10, 9, 0, 30))  # 16:30 UTC the day before
    record = attendance_clock_in(user=team.collector)
    assert record.work_date == dt.date(2025, 10, 9)
    assert record.branch == team.branch


def test_clocking_in_twice_is_refused_with_the_first_time(team, time_machine):
    time_machine.move_to(local(2025, 10, 9, 8, 55))
    attendance_clock_in(user=team.collector)
    time_machine.move_to(local(2025, 10, 9, 9, 40))
    with pytest.raises(ValidationError, match="already clocked in today at 08:55"):
        attendance_clock_in(user=team.collector)
    assert AttendanceRecord.objects.filter(user=team.collector).count() == 1


def test_clocking_out_without_clocking_in_or_twice_is_refused(team, time_machine):
    time_machine.move_to(local(2025, 10, 9, 18, 5))
    with pytest.raises(ValidationError, match="not clocked in"):
        attendance_clock_out(user=team.collector)
    attendance_clock_in(user=team.collector)
    attendance_clock_out(user=team.collector)
    with pytest.raises(ValidationError, match="already clocked out today at 18:05"):
        attendance_clock_out(user=team.collector)


def test_a_forgotten_clock_out_is_flagged_next_morning_once(team, time_machine):
    time_machine.move_to(local(2025, 10, 9, 9, 0))
    attendance_clock_in(user=team.collector)
    assert attendance_flag_missing_clock_outs() == 0  # the same day: not forgotten yet
    time_machine.move_to(local(2025, 10, 10, 8, 30))
    assert attendance_flag_missing_clock_outs() == 1
    assert attendance_flag_missing_clock_outs() == 0  # a second run tells nobody again
    assert Notification.objects.filter(recipient=team.collector).count() == 1
    row = next(
        r
        for r in day_rows(person=team.collector, month=dt.date(2025, 10, 1))
        if r.date == dt.date(2025, 10, 9)
    )
    assert row.clock_out_missing


def test_lateness_early_leave_and_absence_across_national_day_and_its_make_up_days(
    team, time_machine
):
    """Sun 28 Sep 2025 is a make-up working day; 1–8 Oct are the holiday; Sat 11 Oct
    works again. The collector works 29 and 30 Sep (late once), skips the Sunday make-up
    day, works 9 Oct (leaves early) and 10 Oct, and misses Sat 11 Oct."""
    WorkingHours.objects.create(branch=team.branch, grace_minutes=5)
    _clock_day(time_machine, team.collector, dt.date(2025, 9, 29), (9, 4), (18, 0))  # in grace
    _clock_day(time_machine, team.collector, dt.date(2025, 9, 30), (9, 20), (18, 30))  # late 20
    _clock_day(time_machine, team.collector, dt.date(2025, 10, 9), (8, 50), (17, 15))  # early 45
    _clock_day(time_machine, team.collector, dt.date(2025, 10, 10), (8, 59), (18, 1))
    time_machine.move_to(local(2025, 11, 3, 10, 0))

    september = {r.date: r for r in day_rows(person=team.collector, month=dt.date(2025, 9, 1))}
    assert september[dt.date(2025, 9, 28)].working_day  # the Sunday make-up day
    assert september[dt.date(2025, 9, 28)].absent_days == 1
    assert september[dt.date(2025, 9, 29)].late_minutes == 0
    assert september[dt.date(2025, 9, 30)].late_minutes == 20
    assert september[dt.date(2025, 9, 27)].status == "day_off"  # an ordinary Saturday

    october = {r.date: r for r in day_rows(person=team.collector, month=dt.date(2025, 10, 1))}
    for holiday in range(1, 9):
        assert october[dt.date(2025, 10, holiday)].status == "day_off"
        assert october[dt.date(2025, 10, holiday)].absent_days == 0
    assert october[dt.date(2025, 10, 9)].early_minutes == 45
    assert october[dt.date(2025, 10, 11)].working_day  # Saturday make-up day
    assert october[dt.date(2025, 10, 11)].absent_days == 1
    totals = month_totals(list(october.values()))
    # October 2025: 23 weekdays − 6 holiday weekdays (1–3, 6–8) + Sat 11 = 18 working days.
    assert totals.working_days == 18
    assert totals.days_present == 2
    assert totals.early_count == 1
    assert totals.absent_days == 16


def test_an_hr_override_turns_a_weekday_into_a_day_off(team, time_machine):
    WorkdayOverride.objects.create(date=dt.date(2025, 10, 10), is_working_day=False, note="typhoon")
    time_machine.move_to(local(2025, 10, 20, 10, 0))
    rows = {r.date: r for r in day_rows(person=team.collector, month=dt.date(2025, 10, 1))}
    assert rows[dt.date(2025, 10, 10)].status == "day_off"
    assert rows[dt.date(2025, 10, 13)].absent_days == 1


def test_approved_leave_is_not_absence_and_a_morning_off_moves_the_start(team, time_machine):
    time_machine.move_to(local(2025, 10, 13, 10, 0))
    full = leave_apply(
        user=team.collector,
        leave_type=team.annual,
        start_date=dt.date(2025, 10, 14),
        start_half="am",
        end_date=dt.date(2025, 10, 14),
        end_half="pm",
        reason="family",
    )
    morning = leave_apply(
        user=team.collector,
        leave_type=team.annual,
        start_date=dt.date(2025, 10, 15),
        start_half="am",
        end_date=dt.date(2025, 10, 15),
        end_half="am",
        reason="doctor",
    )
    waiting = leave_apply(
        user=team.collector,
        leave_type=team.annual,
        start_date=dt.date(2025, 10, 16),
        start_half="am",
        end_date=dt.date(2025, 10, 16),
        end_half="pm",
        reason="not decided",
    )
    leave_decided(leave=full, approved=True, decider=team.head)
    leave_decided(leave=morning, approved=True, decider=team.head)
    _clock_day(time_machine, team.collector, dt.date(2025, 10, 15), (13, 10), (18, 0))
    time_machine.move_to(local(2025, 10, 20, 10, 0))
    rows = {r.date: r for r in day_rows(person=team.collector, month=dt.date(2025, 10, 1))}
    assert rows[dt.date(2025, 10, 14)].status == "leave"
    assert rows[dt.date(2025, 10, 14)].absent_days == 0
    assert rows[dt.date(2025, 10, 15)].late_minutes == 10  # due at 13:00, not 09:00
    assert rows[dt.date(2025, 10, 16)].absent_days == 1  # not approved: still absence
    assert waiting.status == "requested"


def test_the_person_signs_the_month_once_it_is_over_and_hr_locks_it(team, time_machine):
    _clock_day(time_machine, team.collector, dt.date(2025, 10, 9), (9, 0))
    october = dt.date(2025, 10, 1)
    with pytest.raises(ValidationError, match="once it is over"):
        attendance_month_confirm(user=team.collector, month=october)
    time_machine.move_to(local(2025, 11, 1, 9, 0))
    with pytest.raises(ValidationError, match="not signed"):
        attendance_month_lock(actor=team.hr, person=team.collector, month=october)
    attendance_month_confirm(user=team.collector, month=october)
    with pytest.raises(ValidationError, match="Only HR"):
        attendance_month_lock(actor=team.foreign_hr, person=team.collector, month=october)
    sheet = attendance_month_lock(actor=team.hr, person=team.collector, month=october)
    assert sheet.status == AttendanceMonth.Status.LOCKED
    assert sheet.history.count() == 3


def test_editing_a_locked_month_is_refused_and_nothing_changes(team, time_machine):
    _clock_day(time_machine, team.collector, dt.date(2025, 10, 9), (9, 0))
    record = AttendanceRecord.objects.get()
    time_machine.move_to(local(2025, 11, 1, 9, 0))
    attendance_month_confirm(user=team.collector, month=dt.date(2025, 10, 1))
    attendance_month_lock(actor=team.hr, person=team.collector, month=dt.date(2025, 10, 1))
    with pytest.raises(ValidationError, match="locked by HR"):
        attendance_correct(
            record=record,
            actor=team.hr2,
            clocked_in_at=local(2025, 10, 9, 8, 0),
            clocked_out_at=local(2025, 10, 9, 18, 0),
            reason="forgot",
        )
    record.refresh_from_db()
    assert record.clocked_out_at is None
    with pytest.raises(ValidationError) as refused:
        leave_apply(
            user=team.collector,
            leave_type=team.sick,
            start_date=dt.date(2025, 10, 20),
            start_half="am",
            end_date=dt.date(2025, 10, 20),
            end_half="pm",
            reason="ill",
        )
    assert "start_date" in refused.value.error_dict


def test_hr_corrects_a_day_with_a_reason_and_the_signed_month_is_reopened(team, time_machine):
    _clock_day(time_machine, team.collector, dt.date(2025, 10, 9), (9, 0))
    record = AttendanceRecord.objects.get()
    time_machine.move_to(local(2025, 11, 1, 9, 0))
    attendance_month_confirm(user=team.collector, month=dt.date(2025, 10, 1))
    with pytest.raises(ValidationError) as refused:
        attendance_correct(
            record=record,
            actor=team.hr,
            clocked_in_at=local(2025, 10, 9, 9, 0),
            clocked_out_at=local(2025, 10, 9, 18, 0),
            reason=" ",
        )
    assert "reason" in refused.value.error_dict
    attendance_correct(
        record=record,
        actor=team.hr,
        clocked_in_at=local(2025, 10, 9, 9, 0),
        clocked_out_at=local(2025, 10, 9, 18, 0),
        reason="forgot to clock out",
    )
    record.refresh_from_db()
    assert record.corrected_by == team.hr
    assert record.history.first().history_change_reason == "forgot to clock out"
    assert AttendanceMonth.objects.get().status == AttendanceMonth.Status.OPEN
