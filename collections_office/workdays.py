"""Working-day arithmetic in the company's time zone.

Every SLA ("within 1 working day", "2 working days", "public notice for 5
working days") is computed here and nowhere else. A day is a working day when:
1. the admin-editable `staff.WorkdayOverride` table says so (read through the
   function settings.WORKDAY_OVERRIDES_SOURCE names, so this module imports no app) (for years the
   holiday library does not know yet, or last-minute government changes), else
2. the `chinesecalendar` library says so — it knows public holidays and the
   make-up working weekends (调休) — for the years it covers, else
3. it is Monday to Friday.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


def company_tz() -> ZoneInfo:
    return ZoneInfo(settings.COMPANY_TIME_ZONE)


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, company_tz()).date()


def company_today() -> dt.date:
    """Today in the company's time zone: what "today" means to every rule (due dates,
    visit dates, service levels, nightly jobs). Not `timezone.localdate()`: that is the
    active zone's date, UTC outside the pages, a day behind from 00:00 to 08:00 in China."""
    return local_date(timezone.now())


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """The overrides of the app named by settings.WORKDAY_OVERRIDES_SOURCE (none if unset).

    A setting, not an import: this module serves every app and imports none of them.
    """
    source = getattr(settings, "WORKDAY_OVERRIDES_SOURCE", "")
    if not source:
        return {}
    return import_string(source)(start, end)


def _library_says(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Outside the library's years: weekdays, unless an override says otherwise.
        return day.weekday() < 5


class WorkingCalendar:
    """Answers is-working-day for a range of dates with one query for overrides.

    A day after the range loads the next stretch of overrides instead of
    silently ignoring them (a long run of non-working overrides must not make
    a deadline fall on a day HR marked as off).
    """

    _EXTEND_BY = dt.timedelta(days=60)

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.overrides = _overrides(start, end)

    def is_working_day(self, day: dt.date) -> bool:
        if day < self.start or day > self.end:
            self._load(day)
        if day in self.overrides:
            return self.overrides[day]
        return _library_says(day)

    def _load(self, day: dt.date) -> None:
        if day > self.end:
            start, end = self.end + dt.timedelta(days=1), day + self._EXTEND_BY
            self.end = end
        else:
            start, end = day - self._EXTEND_BY, self.start - dt.timedelta(days=1)
            self.start = start
        self.overrides.update(_overrides(start, end))


def is_working_day(day: dt.date | dt.datetime) -> bool:
    """Whether `day` is a working day; a datetime counts by its company-local date."""
    if isinstance(day, dt.datetime):
        # datetime is a subclass of date: without this, an aware UTC moment
        # would be judged by its UTC date (00:30 Monday local is Sunday in UTC).
        day = local_date(day)
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """The deadline `days` working days after `moment`, as an aware datetime.

    Counted from `moment` at the same local time of day. Work that arrives on a
    non-working day starts counting at 00:00 of the next working day, so
    something received on a Sunday at 15:00 with one working day is due on
    Tuesday at 00:00 (the end of Monday).
    """
    if days < 0:
        raise ValueError("days must be zero or positive")
    tz = company_tz()
    local = timezone.localtime(moment, tz)
    # Holidays in China last at most ~10 days; 3x + 30 covers any span.
    calendar = WorkingCalendar(local.date(), local.date() + dt.timedelta(days=days * 3 + 30))
    day = local.date()
    time_of_day = local.time().replace(tzinfo=None)
    if not calendar.is_working_day(day):
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        time_of_day = dt.time(0, 0)
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return dt.datetime.combine(day, time_of_day, tz)


def working_days_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Working time between two moments, in days (e.g. 1.50), negative if end < start."""
    if end < start:
        return -working_days_between(end, start)
    tz = company_tz()
    local_start = timezone.localtime(start, tz)
    local_end = timezone.localtime(end, tz)
    calendar = WorkingCalendar(local_start.date(), local_end.date())
    seconds = 0.0
    day = local_start.date()
    while day <= local_end.date():
        if calendar.is_working_day(day):
            day_start = dt.datetime.combine(day, dt.time(0, 0), tz)
            day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tz)
            seconds += (min(day_end, local_end) - max(day_start, local_start)).total_seconds()
        day += dt.timedelta(days=1)
    return (Decimal(seconds) / Decimal(86400)).quantize(Decimal("0.01"))
