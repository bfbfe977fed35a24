"""Scoped reads of collectors' reports (DESIGN §4.6): the week's figures the system
fills in, the weekly reports, the late ones, and the monthly case summary.

The week's figures are the sums of the daily figures of `cases.figures`, the one
definition reporting's daily rollups store too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import TEAM_LEAD_ROLES, TEAM_READER_ROLES
from cases.models import (
    Case,
    CaseAssignment,
    WeeklyReport,
)
from collections_office.workdays import company_tz, is_working_day
from staff import roles
from staff.models import StaffProfile
from staff.selectors import has_role, sees_all_branches, user_branch

User = get_user_model()

# A week's report is due at this hour (company time) of the first working day after
# the week (normally Monday 12:00); later it is late (docs/decisions.md).
REPORT_DUE_HOUR = 12
# How many past weeks the supervisor's "late reports" panel looks back.
LATE_WEEKS_SHOWN = 4

# The figures, in the order the report shows them: key → label.
FIGURES = {
    "cases_held": _("Cases held at the end of the week"),
    "calls": _("Calls"),
    "contacts": _("Conversations with the debtor"),
    "promises_made": _("Promises made"),
    "promises_kept": _("Promises kept (fell due this week)"),
    "amount_confirmed": _("Amount confirmed"),
    "visits_requested": _("Visits requested"),
    "visits_done": _("Visits done"),
    "sla_breaches": _("First-action service-level breaches"),
    "overrides": _("Compliance overrides granted"),
}
MONTHLY_FIGURES = {
    "cases_held": _("Cases held at the end of the month"),
    "cases_received": _("Cases received"),
    "cases_moved_away": _("Cases moved to others"),
    "cases_settled": _("Cases settled or closed"),
    **{key: label for key, label in FIGURES.items() if key not in ("cases_held",)},
}


def optional_model(name: str):
    """A model of the cases app that another area may not have installed yet, or None."""
    try:
        return apps.get_model("cases", name)
    except LookupError:
        return None


# --- Weeks and deadlines ------------------------------------------------------------------


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) in company time, as aware datetimes."""
    tz = company_tz()
    return (
        dt.datetime.combine(start, dt.time(0), tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tz),
    )


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return period_bounds(week_start, week_start + dt.timedelta(days=6))


def report_due_at(week_start: dt.date) -> dt.datetime:
    """Noon (company time) of the first working day after the week."""
    day = week_start + dt.timedelta(days=7)
    for _step in range(30):
        if is_working_day(day):
            break
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(REPORT_DUE_HOUR), company_tz())


def last_complete_week(now: dt.datetime | None = None) -> dt.date:
    today = timezone.localtime(now or timezone.now(), company_tz()).date()
    return week_start_of(today) - dt.timedelta(days=7)


# --- The figures ----------------------------------------------------------------------------


def cases_held_at(collector, moment: dt.datetime) -> int:
    """The open cases that were with `collector` at `moment` (cases.figures.cases_held, the
    one definition the daily rollups store at each day's end)."""
    from cases.figures import cases_held

    return cases_held(moments={"at": moment}, collector_ids=[collector.pk]).get(
        (collector.pk, "at"), 0
    )


def collector_figures(collector, *, start_day: dt.date, end_day: dt.date, now=None) -> dict:
    """The figures of `collector` for the days [start_day, end_day] (company time).

    Every figure but `cases_held` is the sum of the days of `cases.figures` — the same
    definition reporting's daily rollups store, so the weekly report and the reports and
    dashboards built on the rollups agree. `cases_held` is a moment's figure (at the end
    of the period, or now), not a sum of days."""
    from cases.figures import DAILY_FIGURES, period_figures

    now = now or timezone.now()
    _start, end = period_bounds(start_day, end_day)
    days = period_figures(collector_ids=[collector.pk], start=start_day, end=end_day, now=now)
    summed = days[collector.pk]
    figures = {"cases_held": cases_held_at(collector, min(end, now))}
    figures.update({key: summed[key] for key in DAILY_FIGURES})
    return {key: figures[key] for key in FIGURES}


def monthly_figures(collector, *, month: dt.date, now=None) -> dict:
    """The month's case summary of `collector` (month = any day of it)."""
    now = now or timezone.now()
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    figures = collector_figures(collector, start_day=first, end_day=last, now=now)
    start, end = period_bounds(first, last)
    moves = CaseAssignment.objects.filter(assigned_at__gte=start, assigned_at__lt=end)
    figures["cases_received"] = moves.filter(to_collector=collector).count()
    figures["cases_moved_away"] = moves.filter(from_collector=collector).count()
    figures["cases_settled"] = (
        Case.history.filter(
            history_date__gte=start,
            history_date__lt=end,
            assigned_to_id=collector.pk,
            status__in=(Case.Status.SETTLED, Case.Status.CLOSED),
        )
        .values("id")
        .distinct()
        .count()
    )
    return figures


def frozen(figures: dict) -> dict:
    """The figures as stored at submission (JSON: amounts as strings, None kept)."""
    return {
        key: (str(value) if isinstance(value, Decimal) else value) for key, value in figures.items()
    }


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    value: object  # None: not yet available


def figure_rows(figures: dict, labels: dict = FIGURES) -> list[FigureRow]:
    return [FigureRow(key, str(label), figures.get(key)) for key, label in labels.items()]


# --- Reports ----------------------------------------------------------------------------------


def report_list(*, user) -> QuerySet[WeeklyReport]:
    return WeeklyReport.objects.visible_to(user).select_related(
        "collector", "branch", "reviewed_by"
    )


def may_review_reports(user) -> bool:
    return has_role(user, *TEAM_LEAD_ROLES)


def may_read_team(user) -> bool:
    return has_role(user, *TEAM_READER_ROLES)


def team_collectors(user) -> QuerySet:
    """The active phone collectors whose reports `user` reads (their branch; HQ all;
    a collector: themself)."""
    collectors = User.objects.filter(
        is_active=True,
        groups__name=roles.PHONE_COLLECTOR,
        staff_profile__status=StaffProfile.Status.ACTIVE,
    ).select_related("staff_profile__branch")
    if may_read_team(user):
        if not sees_all_branches(user):
            collectors = collectors.filter(staff_profile__branch=user_branch(user))
    elif has_role(user, roles.PHONE_COLLECTOR):
        collectors = collectors.filter(pk=user.pk)
    else:
        collectors = collectors.none()
    return collectors.order_by("first_name", "last_name", "username").distinct()


@dataclass(frozen=True)
class LateReport:
    collector: object
    week_start: dt.date
    due_at: dt.datetime
    report: WeeklyReport | None  # None: not even started


def late_reports(*, user, now: dt.datetime | None = None) -> list[LateReport]:
    """Weeks of the last LATE_WEEKS_SHOWN whose report is past its deadline and was never
    submitted (no report, or a draft). A returned report is not late: it was on time."""
    now = now or timezone.now()
    newest = last_complete_week(now)
    weeks = [newest - dt.timedelta(days=7 * n) for n in range(LATE_WEEKS_SHOWN)]
    # Once per week, not per collector and week (each reads the working-day calendar).
    due = {week: report_due_at(week) for week in weeks}
    weeks = [week for week in weeks if due[week] <= now]
    collectors = list(team_collectors(user)) if may_read_team(user) else []
    if not weeks or not collectors:
        return []
    reports = {
        (report.collector_id, report.week_start): report
        for report in report_list(user=user).filter(week_start__in=weeks, collector__in=collectors)
    }
    late = []
    for week in weeks:
        for collector in collectors:
            # Nobody owes a report for a week before they joined.
            hired = getattr(collector.staff_profile, "hire_date", None)
            if hired and hired > week + dt.timedelta(days=6):
                continue
            report = reports.get((collector.pk, week))
            if report is None or report.status == WeeklyReport.Status.DRAFT:
                late.append(LateReport(collector, week, due[week], report))
    return late
