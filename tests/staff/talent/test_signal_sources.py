"""The signals read from attendance, leave and assessments, on and off at their thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from collections_office.workdays import WorkingCalendar
from staff.models import AttendanceRecord
from staff.succession.signals import OFF, ON, read_signals

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def reading(profile, key):
    (row,) = read_signals([profile], today=TODAY)
    return {signal.key: value for signal, value in row.readings}[key]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _attend(user, branch, *, late_days: int) -> None:
    first = TODAY - dt.timedelta(days=30)
    calendar = WorkingCalendar(first, TODAY)
    days = [
        first + dt.timedelta(days=n)
        for n in range(30)
        if calendar.is_working_day(first + dt.timedelta(days=n))
    ]
    for index, day in enumerate(days):
        AttendanceRecord.objects.create(
            user=user,
            branch=branch,
            work_date=day,
            clocked_in_at=_at(day, 9, 30) if index < late_days else _at(day, 8, 50),
            clocked_out_at=_at(day, 18, 10),
        )


@pytest.mark.parametrize(("late_days", "status"), [(4, ON), (3, OFF)])
def test_attendance_falling_at_its_threshold(org, late_days, status):
    _attend(org.collector, org.branch, late_days=late_days)
    value = reading(org.collector.staff_profile, "attendance_falling")
    assert value.status == status, value.explanation
    assert f"late {late_days} times" in value.explanation


def _single_day_leave(org, day: dt.date):
    from staff.models import LeaveRequest, LeaveType

    leave_type, _created = LeaveType.objects.get_or_create(
        code="annual-test", defaults={"name": "Annual", "days_per_year": Decimal("10")}
    )
    return LeaveRequest.objects.create(
        user=org.collector,
        branch=org.branch,
        leave_type=leave_type,
        start_date=day,
        end_date=day,
        days=Decimal("1"),
        reason="personal",
        status=LeaveRequest.Status.APPROVED,
    )


@pytest.mark.parametrize(("fridays", "status"), [(3, ON), (2, OFF)])
def test_leave_next_to_weekends_at_its_threshold(org, fridays, status):
    for week in range(fridays):
        _single_day_leave(org, dt.date(2026, 11, 27) - dt.timedelta(weeks=week))
    _single_day_leave(org, dt.date(2026, 11, 18))  # a Wednesday: not next to a weekend
    value = reading(org.collector.staff_profile, "leave_pattern")
    assert value.status == status, value.explanation


def _assessment(org, total):
    from staff.models import Assessment, AssessmentRound, AssessmentTemplate

    template = AssessmentTemplate.objects.create(
        kind="annual_collector", year=2026, name="Annual 2026", created_by=org.hr
    )
    round_ = AssessmentRound.objects.create(
        template=template,
        label="2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 10, 31),
        created_by=org.hr,
    )
    return Assessment.objects.create(
        round=round_,
        subject=org.collector,
        branch=org.branch,
        status=Assessment.Status.FINALISED,
        total=Decimal(total),
    )


@pytest.mark.parametrize(("total", "status"), [("59.99", ON), ("60", OFF)])
def test_low_assessment_at_its_threshold(org, total, status):
    _assessment(org, total)
    value = reading(org.collector.staff_profile, "low_assessment")
    assert value.status == status, value.explanation
