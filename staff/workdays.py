"""The staff app's part of the working-day calendar: HR's overrides (WorkdayOverride).

`collections_office.workdays` imports no app; settings.WORKDAY_OVERRIDES_SOURCE names
this function, which it calls for the days HR marked as working or not.
"""

from __future__ import annotations

import datetime as dt

from .models import WorkdayOverride


def workday_overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """{date: is it a working day} for the overrides between `start` and `end`."""
    return dict(
        WorkdayOverride.objects.filter(date__range=(start, end)).values_list(
            "date", "is_working_day"
        )
    )
