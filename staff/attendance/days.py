"""What each day of a person's month was: worked, late, left early, absent, on leave, or a
day off — computed from the branch's working hours, the working-day calendar (public
holidays, make-up working days, HR's overrides) and approved leave. Nothing here is
stored: the sheet is always the computation of today's data (locking freezes the data).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from collections_office.workdays import WorkingCalendar, company_tz, local_date
from staff.models import AttendanceRecord, LeaveRequest, WorkingHours
from staff.selectors import profile_of

AM, PM = LeaveRequest.Half.MORNING, LeaveRequest.Half.AFTERNOON
BOTH_HALVES = frozenset({AM, PM})


def today() -> dt.date:
    return local_date(timezone.now())


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    return first, last


def working_hours_for(branch) -> WorkingHours:
    """The branch's hours, or the company default (09:00–18:00) when HR set none."""
    try:
        return branch.working_hours
    except WorkingHours.DoesNotExist:
        return WorkingHours(branch=branch)


def halves_of_leave_on(leave, day: dt.date) -> frozenset:
    """The halves of `day` that `leave` covers (empty outside it)."""
    if day < leave.start_date or day > leave.end_date:
        return frozenset()
    halves = set(BOTH_HALVES)
    if day == leave.start_date and leave.start_half == PM:
        halves.discard(AM)
    if day == leave.end_date and leave.end_half == AM:
        halves.discard(PM)
    return frozenset(halves)


def leave_working_days(
    start: dt.date, start_half: str, end: dt.date, end_half: str, *, calendar=None
) -> Decimal:
    """Working days between two half days, inclusive (a half day counts 0.5)."""
    calendar = calendar or WorkingCalendar(start, end)
    probe = LeaveRequest(start_date=start, start_half=start_half, end_date=end, end_half=end_half)
    total = Decimal("0")
    day = start
    while day <= end:
        if calendar.is_working_day(day):
            total += Decimal("0.5") * len(halves_of_leave_on(probe, day))
        day += dt.timedelta(days=1)
    return total


@dataclass
class DayRow:
    """One day of the sheet."""

    date: dt.date
    working_day: bool
    record: AttendanceRecord | None = None
    leave_halves: frozenset = frozenset()
    leaves: list = field(default_factory=list)
    late_minutes: int = 0
    early_minutes: int = 0
    absent_days: Decimal = Decimal("0")
    clock_out_missing: bool = False
    not_yet: bool = False  # today or later: nothing is judged yet
    not_employed: bool = False

    @property
    def on_leave_days(self) -> Decimal:
        return Decimal("0.5") * len(self.leave_halves) if self.working_day else Decimal("0")

    @property
    def status(self) -> str:
        """A key for the template: the one thing to show first."""
        if self.not_employed:
            return "not_employed"
        if not self.working_day:
            return "worked_day_off" if self.record else "day_off"
        if self.leave_halves == BOTH_HALVES:
            return "leave"
        if self.not_yet and not self.record:
            return "not_yet"
        if self.absent_days:
            return "absent"
        problems = self.late_minutes or self.early_minutes or self.clock_out_missing
        return "irregular" if problems else "present"


def _minutes(delta: dt.timedelta) -> int:
    return int(delta.total_seconds() // 60)


def day_rows(*, person, month: dt.date) -> list[DayRow]:
    """Every day of `person`'s month, judged (three queries, whatever the month's length)."""
    return team_day_rows(profiles=[profile_of(person)], month=month)[person.pk]


def team_day_rows(*, profiles, month: dt.date) -> dict[int, list[DayRow]]:
    """{user id: the month's rows} for several people with two queries in all (the team
    page), each person judged by their branch's working hours."""
    first, last = month_bounds(month)
    user_ids = [profile.user_id for profile in profiles]
    calendar = WorkingCalendar(first, last)
    records: dict[int, dict] = {user_id: {} for user_id in user_ids}
    for record in AttendanceRecord.objects.filter(
        user_id__in=user_ids, work_date__range=(first, last)
    ):
        records[record.user_id][record.work_date] = record
    leaves: dict[int, list] = {user_id: [] for user_id in user_ids}
    for leave in LeaveRequest.objects.filter(
        user_id__in=user_ids,
        status__in=LeaveRequest.AWAY_STATUSES,
        start_date__lte=last,
        end_date__gte=first,
    ).select_related("leave_type"):
        leaves[leave.user_id].append(leave)
    hours_by_branch: dict[int, WorkingHours] = {}
    result = {}
    for profile in profiles:
        if profile.branch_id not in hours_by_branch:
            hours_by_branch[profile.branch_id] = working_hours_for(profile.branch)
        result[profile.user_id] = _rows_of(
            profile=profile,
            first=first,
            last=last,
            calendar=calendar,
            hours=hours_by_branch[profile.branch_id],
            records=records[profile.user_id],
            leaves=leaves[profile.user_id],
        )
    return result


def _rows_of(*, profile, first, last, calendar, hours, records, leaves) -> list[DayRow]:
    now_date = today()
    tz = company_tz()
    rows = []
    day = first
    while day <= last:
        row = DayRow(date=day, working_day=calendar.is_working_day(day), record=records.get(day))
        halves: set = set()
        for leave in leaves:
            covered = halves_of_leave_on(leave, day)
            if covered:
                halves |= covered
                row.leaves.append(leave)
        row.leave_halves = frozenset(halves)
        row.not_yet = day >= now_date
        row.not_employed = day < profile.hire_date or (
            profile.left_on is not None and day > profile.left_on
        )
        if row.working_day and not row.not_employed:
            _judge(row, hours=hours, tz=tz, now_date=now_date)
        rows.append(row)
        day += dt.timedelta(days=1)
    return rows


def _judge(row: DayRow, *, hours: WorkingHours, tz, now_date: dt.date) -> None:
    if row.leave_halves == BOTH_HALVES:
        return
    expected_start = hours.afternoon_starts_at if AM in row.leave_halves else hours.starts_at
    expected_end = hours.morning_ends_at if PM in row.leave_halves else hours.ends_at
    record = row.record
    if record is None:
        if not row.not_yet:
            row.absent_days = Decimal("1") - Decimal("0.5") * len(row.leave_halves)
        return
    start_at = dt.datetime.combine(row.date, expected_start, tz) + dt.timedelta(
        minutes=hours.grace_minutes
    )
    clocked_in = timezone.localtime(record.clocked_in_at, tz)
    if clocked_in > start_at:
        # Lateness counts from the start of work, not from the end of the grace.
        row.late_minutes = _minutes(
            clocked_in - (start_at - dt.timedelta(minutes=hours.grace_minutes))
        )
    if record.clocked_out_at is None:
        row.clock_out_missing = row.date < now_date
        return
    end_at = dt.datetime.combine(row.date, expected_end, tz)
    clocked_out = timezone.localtime(record.clocked_out_at, tz)
    if clocked_out < end_at:
        row.early_minutes = _minutes(end_at - clocked_out)


@dataclass
class MonthTotals:
    working_days: int = 0
    days_present: int = 0
    late_count: int = 0
    late_minutes: int = 0
    early_count: int = 0
    early_minutes: int = 0
    absent_days: Decimal = Decimal("0")
    leave_days: Decimal = Decimal("0")
    clock_out_missing: int = 0


def month_totals(rows: list[DayRow]) -> MonthTotals:
    totals = MonthTotals()
    for row in rows:
        if not row.working_day or row.not_employed:
            continue
        totals.working_days += 1
        totals.days_present += row.record is not None
        totals.late_count += row.late_minutes > 0
        totals.late_minutes += row.late_minutes
        totals.early_count += row.early_minutes > 0
        totals.early_minutes += row.early_minutes
        totals.absent_days += row.absent_days
        totals.leave_days += row.on_leave_days
        totals.clock_out_missing += row.clock_out_missing
    return totals
