"""The demo: a month of attendance with late arrivals, leave in each state, overtime."""

from __future__ import annotations

import datetime as dt

import pytest

from staff import demo as people_demo
from staff.attendance import demo
from staff.attendance.days import day_rows, month_totals, today
from staff.models import AttendanceRecord, LeaveRequest, OvertimeRequest

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once_with_lateness_every_leave_state_and_overtime():
    people_demo.seed()
    created = demo.seed()
    assert created["attendance days"] > 60
    assert demo.seed() == {"attendance days": 0, "leave requests": 0, "overtime requests": 0}
    assert set(LeaveRequest.objects.values_list("status", flat=True)) == set(
        LeaveRequest.Status.values
    )
    assert OvertimeRequest.objects.filter(status="requested").exists()
    collector = AttendanceRecord.objects.filter(user__username="sh.collector1").first().user
    last_month = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    totals = month_totals(day_rows(person=collector, month=last_month))
    assert totals.late_count == 2
    assert totals.absent_days == 0
