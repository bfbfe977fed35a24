"""Dashboard panels of attendance and leave: my clock for today (everyone), and who is
away for those who plan the team's work (supervisors, managers, HR)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from staff import roles
from staff.dashboard import panels
from staff.models import AttendanceRecord
from staff.selectors import has_role, profile_of

from .days import today
from .selectors import away_between


@panels.register(
    "attendance-clock",
    order=5,
    title=gettext_lazy("My attendance today"),
    shown_to=lambda user: profile_of(user) is not None,  # the profile the page loaded
)
def _clock(user) -> dict | None:
    if profile_of(user) is None:
        return None
    day = today()
    return {
        "template": "staff/attendance/_dashboard_clock.html",
        "today": day,
        "today_record": AttendanceRecord.objects.filter(user=user, work_date=day).first(),
        "flagged": AttendanceRecord.objects.filter(
            user=user,
            clocked_out_at__isnull=True,
            clock_out_missing_flagged_at__isnull=False,
            work_date__gte=day.replace(day=1) - dt.timedelta(days=31),
        ).count(),
    }


@panels.register(
    "away",
    order=20,
    title=gettext_lazy("Away today"),
    roles=(roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD, roles.HR),
)
def _away(user) -> dict | None:
    if not has_role(user, roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD, roles.HR):
        return None
    day = today()
    away = list(away_between(user=user, start=day, end=day + dt.timedelta(days=6))[:20])
    return {
        "template": "staff/attendance/_dashboard_away.html",
        "away_today": [leave for leave in away if leave.start_date <= day <= leave.end_date],
        "away_soon": [leave for leave in away if leave.start_date > day],
    }
