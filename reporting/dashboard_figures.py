"""The landing dashboards' figures, read from the daily rollups (never the call log).

Each function answers one panel with a fixed number of queries whatever the number of
collectors, branches or days (tests/reporting/test_dashboards.py counts them):
- `collector_week`: a collector's week so far, day by day, against the week's target;
- `team_figures`: a supervisor's collectors, today and this week;
- `group_figures`: branches side by side (headquarters) or the teams of a branch (its
  manager), this week and this month, and the last 12 weeks' trend.

A week is Monday–Sunday, "today" the company's date. The rollups of today are at most a
refresh old (a beat job every five minutes); `as_of` says when they were computed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncWeek

from collections_office.workdays import WorkingCalendar

from .models import DailyCollectorFigures

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
TREND_WEEKS = 12

# The figures a panel sums, in the order its table shows them.
WEEK_FIGURES = (
    "calls",
    "contacts",
    "promises_made",
    "promises_kept",
    "amount_confirmed",
    "visits_requested",
    "visits_done",
    "sla_breaches",
    "overrides",
)
TODAY_FIGURES = ("calls", "contacts", "amount_confirmed", "sla_breaches")


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _zero(keys) -> dict:
    return {key: (ZERO if key == "amount_confirmed" else 0) for key in keys}


def _month_end(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


# --- A week's target --------------------------------------------------------------------


def week_target(user_id: int, week_start: dt.date) -> Decimal | None:
    """The share of the collector's monthly targets that falls in the week: for each
    month the week touches, the month's target × the week's working days in that month ÷
    the month's working days (the working-day calendar, with its holidays and make-up
    days). None when no month the week touches has a target. Two queries."""
    from staff.models import MonthlyTarget

    week_end = week_start + dt.timedelta(days=6)
    months = sorted({week_start.replace(day=1), week_end.replace(day=1)})
    targets = dict(
        MonthlyTarget.objects.filter(user_id=user_id, month__in=months).values_list(
            "month", "amount"
        )
    )
    if not targets:
        return None
    calendar = WorkingCalendar(months[0], _month_end(months[-1]))
    total = Decimal(0)
    for month, amount in targets.items():
        days = [month + dt.timedelta(days=n) for n in range((_month_end(month) - month).days + 1)]
        working = [day for day in days if calendar.is_working_day(day)]
        in_week = [day for day in working if week_start <= day <= week_end]
        if working:
            total += amount * len(in_week) / len(working)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


# --- A collector's week -------------------------------------------------------------------


@dataclass
class CollectorWeek:
    week_start: dt.date
    today: dt.date
    days: list[dict]  # Monday..Sunday: {"day", **figures}; days after today: None figures
    totals: dict
    target: Decimal | None
    as_of: dt.datetime | None

    @property
    def target_percent(self) -> Decimal | None:
        if not self.target:
            return None
        return (self.totals["amount_confirmed"] * 100 / self.target).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def still_to_collect(self) -> Decimal | None:
        if self.target is None:
            return None
        return max(self.target - self.totals["amount_confirmed"], ZERO)


def collector_week(*, user, today: dt.date) -> CollectorWeek:
    """The collector's week so far from their rollup rows (one query) and its target
    (two queries)."""
    start = week_start_of(today)
    rows = {
        row["day"]: row
        for row in DailyCollectorFigures.objects.filter(
            collector=user, day__gte=start, day__lte=today
        ).values("day", "computed_at", *WEEK_FIGURES)
    }
    days, totals = [], _zero(WEEK_FIGURES)
    for offset in range(7):
        day = start + dt.timedelta(days=offset)
        if day > today:
            days.append({"day": day, **dict.fromkeys(WEEK_FIGURES)})
            continue
        row = rows.get(day) or _zero(WEEK_FIGURES)
        days.append({"day": day, **{key: row[key] for key in WEEK_FIGURES}})
        for key in WEEK_FIGURES:
            totals[key] += row[key]
    as_of = max((row["computed_at"] for row in rows.values()), default=None)
    return CollectorWeek(
        week_start=start,
        today=today,
        days=days,
        totals=totals,
        target=week_target(user.pk, start),
        as_of=as_of,
    )


# --- A supervisor's team --------------------------------------------------------------------


@dataclass
class TeamRow:
    collector_id: int
    name: str
    today: dict
    week: dict


@dataclass
class TeamFigures:
    today: dt.date
    week_start: dt.date
    rows: list[TeamRow]
    totals_today: dict
    totals_week: dict
    as_of: dt.datetime | None = None


def _team_collectors(user) -> list[tuple[int, str]]:
    """(user id, name) of the active collectors whose work `user` leads: their branch (HQ:
    every branch), by name."""
    from staff import roles
    from staff.models import StaffProfile
    from staff.selectors import restrict_to_branch

    profiles = StaffProfile.objects.filter(
        status=StaffProfile.Status.ACTIVE,
        user__is_active=True,
        user__groups__name__in=[roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR],
    )
    profiles = restrict_to_branch(profiles, user=user)
    # Plain values, not model instances: a branch can have 2,000 collectors.
    return [
        (user_id, f"{first} {last}".strip() or username)
        for user_id, first, last, username in profiles.distinct()
        .order_by("user__first_name", "user__last_name", "user__username")
        .values_list("user_id", "user__first_name", "user__last_name", "user__username")
    ]


def team_figures(*, user, today: dt.date) -> TeamFigures:
    """Per collector of the user's branch: today's and this week's figures (two queries:
    the collectors, and the rollups summed per collector). A leaver with work this week
    keeps their row."""
    start = week_start_of(today)
    profiles = _team_collectors(user)
    aggregates = {f"week_{key}": Sum(key) for key in WEEK_FIGURES}
    aggregates.update({f"today_{key}": Sum(key, filter=Q(day=today)) for key in TODAY_FIGURES})
    aggregates["as_of"] = Max("computed_at")
    summed = {
        row["collector_id"]: row
        for row in DailyCollectorFigures.objects.visible_to(user)
        .filter(day__gte=start, day__lte=today)
        .values(
            "collector_id",
            "collector__first_name",
            "collector__last_name",
            "collector__username",
        )
        .annotate(**aggregates)
        .order_by()
    }
    names = dict(profiles)
    for collector_id, row in summed.items():
        if collector_id not in names:  # left the team this week
            full = f"{row['collector__first_name']} {row['collector__last_name']}".strip()
            names[collector_id] = full or row["collector__username"]
    rows = []
    totals_today, totals_week = _zero(TODAY_FIGURES), _zero(WEEK_FIGURES)
    for collector_id, name in names.items():
        row = summed.get(collector_id, {})
        week = {key: row.get(f"week_{key}") or _zero([key])[key] for key in WEEK_FIGURES}
        today_figures = {key: row.get(f"today_{key}") or _zero([key])[key] for key in TODAY_FIGURES}
        for key in WEEK_FIGURES:
            totals_week[key] += week[key]
        for key in TODAY_FIGURES:
            totals_today[key] += today_figures[key]
        rows.append(TeamRow(collector_id, name, today_figures, week))
    as_of = max((row["as_of"] for row in summed.values() if row["as_of"]), default=None)
    return TeamFigures(
        today=today,
        week_start=start,
        rows=rows,
        totals_today=totals_today,
        totals_week=totals_week,
        as_of=as_of,
    )


# --- Branches (or teams) side by side -------------------------------------------------------

GROUP_FIGURES = ("calls", "contacts", "promises_kept", "amount_confirmed", "sla_breaches")


@dataclass
class GroupFigures:
    by: str  # "branch" | "team"
    today: dt.date
    week_start: dt.date
    month_start: dt.date
    groups: list[dict]  # {"key", "name", "week": {...}, "month": {...}}
    weeks: list[dt.date]  # the trend's Mondays, oldest first
    trend: dict = field(default_factory=dict)  # group key → [amount confirmed per week]
    trend_calls: dict = field(default_factory=dict)  # group key → [calls per week]


def group_figures(*, user, today: dt.date, by: str) -> GroupFigures:
    """Branches (by="branch") or the teams of the user's branch (by="team") side by
    side: this week's and this month's figures (one query) and the amount confirmed and
    calls of each of the last 12 weeks (one query), from the rollups the user may read."""
    from staff.models import Branch
    from staff.selectors import restrict_to_branch

    week_start = week_start_of(today)
    month_start = today.replace(day=1)
    first_week = week_start - dt.timedelta(weeks=TREND_WEEKS - 1)
    if by == "branch":
        key, name = "branch_id", "branch__name"
        known = {
            branch.pk: branch.name
            for branch in restrict_to_branch(Branch.objects.filter(is_hq=False), user=user)
        }
    else:
        # Teams with work in the period or the trend (a branch's departments include
        # HR, finance … which collect nothing).
        key, name = (
            "collector__staff_profile__department_id",
            "collector__staff_profile__department__name",
        )
        known = {}
    rollups = DailyCollectorFigures.objects.visible_to(user)
    aggregates = {
        f"week_{figure}": Sum(figure, filter=Q(day__gte=week_start)) for figure in GROUP_FIGURES
    }
    aggregates.update(
        {f"month_{figure}": Sum(figure, filter=Q(day__gte=month_start)) for figure in GROUP_FIGURES}
    )
    period = (
        rollups.filter(day__gte=min(week_start, month_start), day__lte=today)
        .values(key, name)
        .annotate(**aggregates)
        .order_by()
    )
    names = dict(known)
    figures: dict = {}
    for row in period:
        names.setdefault(row[key], row[name])
        figures[row[key]] = row
    weeks = [first_week + dt.timedelta(weeks=n) for n in range(TREND_WEEKS)]
    trend = {group: [ZERO] * TREND_WEEKS for group in names}
    trend_calls = {group: [0] * TREND_WEEKS for group in names}
    for row in (
        rollups.filter(day__gte=first_week, day__lte=today)
        .annotate(week=TruncWeek("day"))
        .values(key, name, "week")
        .annotate(amount=Sum("amount_confirmed"), calls=Sum("calls"))
        .order_by()
    ):
        group = row[key]
        if group not in trend:
            names[group] = row[name]
            trend[group] = [ZERO] * TREND_WEEKS
            trend_calls[group] = [0] * TREND_WEEKS
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        index = (week - first_week).days // 7
        trend[group][index] = row["amount"] or ZERO
        trend_calls[group][index] = row["calls"] or 0
    groups = []
    for group, label in sorted(names.items(), key=lambda item: (item[1] or "", item[0] or 0)):
        row = figures.get(group, {})
        groups.append(
            {
                "key": group,
                "name": label or "—",
                "week": {f: row.get(f"week_{f}") or _zero([f])[f] for f in GROUP_FIGURES},
                "month": {f: row.get(f"month_{f}") or _zero([f])[f] for f in GROUP_FIGURES},
            }
        )
    return GroupFigures(
        by=by,
        today=today,
        week_start=week_start,
        month_start=month_start,
        groups=groups,
        weeks=weeks,
        trend={group["key"]: trend[group["key"]] for group in groups},
        trend_calls={group["key"]: trend_calls[group["key"]] for group in groups},
    )
