"""Demo data for `manage.py seed_demo`: last month's attendance of the Shanghai branch
(some late arrivals, a forgotten clock-out), leave in each state, overtime requests.

Requests still waiting go through the services (so the supervisor finds them in the
approvals list); settled past rows are written as they would stand today. A person who
already has attendance last month is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from collections_office.workdays import WorkingCalendar, company_tz
from staff.models import AttendanceRecord, LeaveRequest, OvertimeRequest
from staff.services import demo_data_mark

from .days import leave_working_days, month_bounds, today
from .leave import default_leave_types_ensure, leave_apply
from .overtime import overtime_apply

PEOPLE = ["sh.collector1", "sh.collector2", "sh.field", "sh.desk"]
# (person, day of the month's working days, minutes late): the late arrivals.
LATE = {("sh.collector1", 3): 12, ("sh.collector1", 11): 25, ("sh.collector2", 6): 7}


def _moment(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), company_tz())


def _month_of_attendance(user, month: dt.date) -> int:
    first, last = month_bounds(month)
    calendar = WorkingCalendar(first, last)
    working = [
        first + dt.timedelta(days=n)
        for n in range((last - first).days + 1)
        if calendar.is_working_day(first + dt.timedelta(days=n))
    ]
    made = 0
    for index, day in enumerate(working, start=1):
        late = LATE.get((user.username, index), 0)
        forgot = user.username == "sh.collector2" and index == 9
        AttendanceRecord.objects.create(
            user=user,
            branch=user.staff_profile.branch,
            work_date=day,
            clocked_in_at=_moment(day, 8, 50 + index % 9) + dt.timedelta(minutes=late),
            clocked_out_at=None if forgot else _moment(day, 18, 2 + index % 20),
            clock_out_missing_flagged_at=timezone.now() if forgot else None,
        )
        made += 1
    return made


def _settled_leave(user, leave_type, start, end, status, decider, **extra) -> LeaveRequest:
    leave = LeaveRequest.objects.create(
        user=user,
        branch=user.staff_profile.branch,
        leave_type=leave_type,
        start_date=start,
        end_date=end,
        days=leave_working_days(start, "am", end, "pm"),
        reason=extra.pop("reason", "Family matters"),
        status=status,
        decided_by=decider if status != LeaveRequest.Status.CANCELLED else None,
        decided_at=timezone.now() if status != LeaveRequest.Status.CANCELLED else None,
        **extra,
    )
    demo_data_mark(obj=leave)
    return leave


@transaction.atomic
def seed(*, stdout=None) -> dict:
    created = {"attendance days": 0, "leave requests": 0, "overtime requests": 0}
    users = {u.username: u for u in User.objects.filter(username__in=[*PEOPLE, "sh.supervisor"])}
    if len(users) < len(PEOPLE) + 1:
        return created  # the people demo did not run
    types = default_leave_types_ensure()
    supervisor = users["sh.supervisor"]
    now = today()
    last_month = (now.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    collector1, collector2, field = (
        users[n] for n in ("sh.collector1", "sh.collector2", "sh.field")
    )
    if AttendanceRecord.objects.filter(user=collector1, work_date__gte=last_month).exists():
        return created
    for username in PEOPLE:
        created["attendance days"] += _month_of_attendance(users[username], last_month)
    # Leave in each state: returned (last month), taken (now), approved (next week),
    # rejected and withdrawn, and one waiting for the supervisor.
    first, last = month_bounds(last_month)
    _settled_leave(
        field,
        types["sick"],
        first + dt.timedelta(days=20),
        first + dt.timedelta(days=20),
        LeaveRequest.Status.RETURNED,
        supervisor,
        returned_on=first + dt.timedelta(days=21),
        reason="Flu",
    )
    _settled_leave(
        users["sh.desk"],
        types["annual"],
        now - dt.timedelta(days=1),
        now + dt.timedelta(days=1),
        LeaveRequest.Status.TAKEN,
        supervisor,
        cover=collector2,
    )
    _settled_leave(
        collector2,
        types["annual"],
        now + dt.timedelta(days=7),
        now + dt.timedelta(days=8),
        LeaveRequest.Status.APPROVED,
        supervisor,
        cover=collector1,
    )
    _settled_leave(
        collector2,
        types["personal"],
        now + dt.timedelta(days=14),
        now + dt.timedelta(days=14),
        LeaveRequest.Status.REJECTED,
        supervisor,
        reason="Moving house",
    )
    _settled_leave(
        field,
        types["annual"],
        now + dt.timedelta(days=10),
        now + dt.timedelta(days=10),
        LeaveRequest.Status.CANCELLED,
        supervisor,
    )
    start = now + dt.timedelta(days=21)
    waiting = leave_apply(
        user=collector1,
        leave_type=types["annual"],
        start_date=start,
        start_half="am",
        end_date=start + dt.timedelta(days=1),
        end_half="pm",
        reason="Wedding of a friend",
        cover=collector2,
    )
    demo_data_mark(obj=waiting)
    created["leave requests"] = 6
    # Overtime: one waiting for approval, one confirmed last month.
    waiting_overtime = overtime_apply(
        user=collector1,
        work_date=now + dt.timedelta(days=1),
        expected_hours=Decimal("2"),
        reason="Month-end calls",
    )
    demo_data_mark(obj=waiting_overtime)
    done = OvertimeRequest.objects.create(
        user=field,
        branch=field.staff_profile.branch,
        work_date=last - dt.timedelta(days=1),
        expected_hours=Decimal("3"),
        reason="Field visits backlog",
        status="confirmed",
        decided_by=supervisor,
        decided_at=timezone.now(),
        actual_hours=Decimal("3.5"),
        work_done="Four visits",
        recorded_at=timezone.now(),
        confirmed_by=supervisor,
        confirmed_at=timezone.now(),
    )
    demo_data_mark(obj=done)
    created["overtime requests"] = 2
    if stdout:
        stdout.write(
            "attendance: {attendance days} attendance days, {leave requests} leave requests, "
            "{overtime requests} overtime requests created".format(**created)
        )
    return created
