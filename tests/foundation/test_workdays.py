"""Working days across the 2026 Spring Festival and National Day, in Asia/Shanghai.

2026 Spring Festival: off Feb 15 (Sun) - Feb 23 (Mon); make-up working
Saturdays Feb 14 and Feb 28. National Day: off Oct 1 - Oct 7; make-up working
Sunday Sep 20 and Saturday Oct 10.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from collections_office.workdays import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    local_date,
    working_days_between,
)
from staff.models import WorkdayOverride

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC

pytestmark = pytest.mark.django_db


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def in_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(UTC)


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 9, 20), dt.date(2026, 10, 10)],
    ids=["spring-sat-feb14", "spring-sat-feb28", "national-sun-sep20", "national-sat-oct10"],
)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert is_working_day(day) is True


@pytest.mark.parametrize(
    "day",
    [dt.date(2026, 2, 15) + dt.timedelta(days=n) for n in range(9)]
    + [dt.date(2026, 10, 1) + dt.timedelta(days=n) for n in range(7)],
    ids=str,
)
def test_public_holidays_are_not_working_days_even_on_weekdays(day):
    assert is_working_day(day) is False


def test_ordinary_weekend_after_the_holiday_is_not_a_working_day():
    assert is_working_day(dt.date(2026, 3, 1)) is False  # Sunday
    assert is_working_day(dt.date(2026, 10, 11)) is False  # Sunday after the make-up Saturday
    assert is_working_day(dt.date(2026, 2, 24)) is True  # first day back


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Friday before the Spring Festival: the next working day is the make-up Saturday.
        (local(2026, 2, 13, 10, 0), 1, local(2026, 2, 14, 10, 0)),
        # From the make-up Saturday the whole holiday is skipped.
        (local(2026, 2, 14, 10, 0), 1, local(2026, 2, 24, 10, 0)),
        (local(2026, 2, 13, 10, 0), 2, local(2026, 2, 24, 10, 0)),
        # Received during the holiday: counting starts at 00:00 of the first day back.
        (local(2026, 2, 18, 15, 0), 1, local(2026, 2, 25, 0, 0)),
        (local(2026, 2, 18, 15, 0), 0, local(2026, 2, 24, 0, 0)),
        # The Saturday after the festival is a working day too.
        (local(2026, 2, 27, 9, 0), 1, local(2026, 2, 28, 9, 0)),
        # National Day: Sep 30 + 1 skips Oct 1-7; + 3 lands on the make-up Saturday.
        (local(2026, 9, 30, 10, 0), 1, local(2026, 10, 8, 10, 0)),
        (local(2026, 9, 30, 10, 0), 3, local(2026, 10, 10, 10, 0)),
        (local(2026, 9, 30, 10, 0), 4, local(2026, 10, 12, 10, 0)),
        # The make-up Sunday before National Day.
        (local(2026, 9, 18, 10, 0), 1, local(2026, 9, 20, 10, 0)),
    ],
)
def test_add_working_days_across_the_holidays(start, days, due):
    assert add_working_days(start, days) == due
    # The same moment given in UTC gives the same deadline.
    assert add_working_days(in_utc(start), days) == due


def test_add_working_days_refuses_negative_days():
    with pytest.raises(ValueError):
        add_working_days(local(2026, 2, 13, 10, 0), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Feb 13 (Fri), Feb 14 (make-up Sat), Feb 24 (Tue) are the working days in between.
        (local(2026, 2, 13, 0, 0), local(2026, 2, 25, 0, 0), Decimal("3.00")),
        # Half of Sep 30, all of Oct 8, half of Oct 9.
        (local(2026, 9, 30, 12, 0), local(2026, 10, 9, 12, 0), Decimal("2.00")),
        # Only holiday time in between.
        (local(2026, 10, 1, 9, 0), local(2026, 10, 7, 18, 0), Decimal("0.00")),
        # The last 12 hours of the make-up Saturday and the first 12 of Feb 24.
        (local(2026, 2, 14, 12, 0), local(2026, 2, 24, 12, 0), Decimal("1.00")),
    ],
)
def test_working_days_between_across_the_holidays(start, end, expected):
    assert working_days_between(start, end) == expected
    assert working_days_between(in_utc(start), in_utc(end)) == expected
    assert working_days_between(end, start) == -expected


# --- Time-zone edges: the company-local date decides, not the UTC date -------------------


def test_late_evening_local_is_still_that_local_day():
    friday_2330 = local(2026, 2, 13, 23, 30)
    assert in_utc(friday_2330) == dt.datetime(2026, 2, 13, 15, 30, tzinfo=UTC)
    assert local_date(in_utc(friday_2330)) == dt.date(2026, 2, 13)
    # One working day later is the make-up Saturday at the same local time.
    assert add_working_days(in_utc(friday_2330), 1) == local(2026, 2, 14, 23, 30)


def test_half_past_midnight_monday_local_is_monday_although_utc_says_sunday():
    monday_0030 = local(2026, 2, 9, 0, 30)
    as_utc = in_utc(monday_0030)
    assert as_utc == dt.datetime(2026, 2, 8, 16, 30, tzinfo=UTC)
    assert as_utc.date().weekday() == 6  # Sunday in UTC
    assert local_date(as_utc) == dt.date(2026, 2, 9)
    assert is_working_day(as_utc) is True
    # Judged by the UTC date (a Sunday) the deadline would be Tuesday 00:00 instead.
    assert add_working_days(as_utc, 1) == local(2026, 2, 10, 0, 30)


def test_half_past_midnight_on_the_first_holiday_is_a_holiday_although_utc_is_a_make_up_day():
    # 00:30 on Sunday Feb 15 (holiday) is 16:30 on Saturday Feb 14 (make-up working day) in UTC.
    holiday_0030 = in_utc(local(2026, 2, 15, 0, 30))
    assert holiday_0030.date() == dt.date(2026, 2, 14)
    assert is_working_day(holiday_0030) is False
    assert add_working_days(holiday_0030, 1) == local(2026, 2, 25, 0, 0)


def test_last_half_hour_of_a_make_up_day_counts_and_the_holiday_does_not():
    start = in_utc(local(2026, 2, 14, 23, 30))
    end = in_utc(local(2026, 2, 24, 0, 30))
    # 30 minutes on Feb 14 + 30 minutes on Feb 24 = 1 hour = 0.04 day.
    assert working_days_between(start, end) == Decimal("0.04")


# --- Overrides and years the library does not know ----------------------------------------


def test_an_override_wins_over_the_library():
    WorkdayOverride.objects.create(
        date=dt.date(2026, 2, 24), is_working_day=False, note="extra day"
    )
    WorkdayOverride.objects.create(date=dt.date(2026, 2, 22), is_working_day=True, note="on duty")

    assert is_working_day(dt.date(2026, 2, 24)) is False
    assert is_working_day(dt.date(2026, 2, 22)) is True
    assert add_working_days(local(2026, 2, 14, 10, 0), 1) == local(2026, 2, 22, 10, 0)
    assert add_working_days(local(2026, 2, 14, 10, 0), 2) == local(2026, 2, 25, 10, 0)


def test_a_year_outside_the_library_falls_back_to_weekdays_without_crashing():
    assert is_working_day(dt.date(2027, 1, 4)) is True  # Monday
    assert is_working_day(dt.date(2027, 1, 2)) is False  # Saturday
    assert add_working_days(local(2027, 1, 8, 10, 0), 1) == local(2027, 1, 11, 10, 0)
    assert working_days_between(local(2027, 1, 4), local(2027, 1, 11)) == Decimal("5.00")


def test_an_override_teaches_a_holiday_the_library_does_not_know_yet():
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_working_day=False)
    assert is_working_day(dt.date(2027, 1, 1)) is False
    assert add_working_days(local(2026, 12, 31, 10, 0), 1) == local(2027, 1, 4, 10, 0)


def test_overrides_beyond_the_first_loaded_range_are_still_honoured():
    # Seven weeks marked off (an extreme case): the calendar must load them all.
    first = dt.date(2027, 3, 1)
    WorkdayOverride.objects.bulk_create(
        WorkdayOverride(date=first + dt.timedelta(days=n), is_working_day=False) for n in range(49)
    )
    assert add_working_days(local(2027, 2, 26, 10, 0), 1) == local(2027, 4, 19, 10, 0)


def test_the_calendar_reads_overrides_in_one_query_per_range(django_assert_num_queries):
    calendar_days = [dt.date(2026, 2, 1) + dt.timedelta(days=n) for n in range(28)]
    with django_assert_num_queries(1):
        calendar = WorkingCalendar(calendar_days[0], calendar_days[-1])
        working = [day for day in calendar_days if calendar.is_working_day(day)]
    # February 2026: 20 weekdays - 6 holiday weekdays (16-20, 23) + 2 make-up Saturdays.
    assert len(working) == 16
