"""Collector performance for finance, and the compliance report (issue 13).

- `collector_finance`: per collector per calendar month of the period — amount confirmed,
  the agency's commission on it (the rollups' `commission`, computed with
  `cases.commission.with_commission`), the supervisor's monthly target and whether it was
  met. Finance reads every branch's rows, branch managers their branch's.
- `compliance_monthly` / `compliance_team_monthly`: per collector (per team) — refusals,
  overrides, confirmed violations, quality reviews and those below the threshold.
  Supervisors and branch managers read their branch's rows (HQ's every branch's).

Both read the daily rollups only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from staff import roles

from .kinds import Column, ReportData, collector_profiles, person_columns, prepare, report_kind

FINANCE_READERS = (roles.FINANCE, roles.BRANCH_MANAGER)
COMPLIANCE_READERS = (roles.SUPERVISOR, roles.BRANCH_MANAGER)
ZERO = Decimal("0.00")


def months_of(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the calendar months the period touches."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


FINANCE_COLUMNS = [
    Column("collector", _("Collector"), numeric=False),
    Column("employee_number", _("Employee number"), numeric=False),
    Column("branch", _("Branch"), numeric=False),
    Column("team", _("Team"), numeric=False),
    Column("month", _("Month"), numeric=False),
    Column("amount_confirmed", _("Amount confirmed")),
    Column("commission", _("Commission earned")),
    Column("target", _("Monthly target")),
    Column("target_share", _("Share of target"), numeric=False),
    Column("target_met", _("Target met"), numeric=False),
]


@report_kind(
    "collector_finance",
    label=_("Collector performance for finance"),
    period="month",
    columns=FINANCE_COLUMNS,
    chart=("amount_confirmed", "commission"),
    readers=FINANCE_READERS,
    company_wide=(roles.FINANCE,),
)
def collector_finance(run) -> ReportData:
    from staff.models import MonthlyTarget

    from .models import DailyCollectorFigures

    prepare(run)
    start, end = run.period_start, run.period_end
    sums = {
        (row["collector_id"], row["month"]): row
        for row in DailyCollectorFigures.objects.filter(day__gte=start, day__lte=end)
        .annotate(month=TruncMonth("day"))
        .values("collector_id", "month")
        .annotate(amount=Sum("amount_confirmed"), commission_sum=Sum("commission"))
    }
    months = months_of(start, end)
    profiles = list(collector_profiles({collector for collector, _month in sums}))
    targets = {
        (user_id, month): amount
        for user_id, month, amount in MonthlyTarget.objects.filter(
            month__in=months, user_id__in=[profile.user_id for profile in profiles]
        ).values_list("user_id", "month", "amount")
    }
    rows = []
    for profile in profiles:
        for month in months:
            found = sums.get((profile.user_id, month), {})
            amount = found.get("amount") or ZERO
            commission = found.get("commission_sum") or ZERO
            target = targets.get((profile.user_id, month))
            # Met or not only for a whole month: part of one says nothing yet.
            whole = start <= month and month_end(month) <= end
            rows.append(
                {
                    **person_columns(profile),
                    "month": f"{month:%Y-%m}",
                    "amount_confirmed": str(amount),
                    "commission": str(commission),
                    "target": str(target) if target is not None else None,
                    "target_share": f"{amount / target:.1%}" if target else None,
                    "target_met": (amount >= target) if (target and whole) else None,
                }
            )
    summary = {
        "collectors": len(profiles),
        "amount_confirmed": str(sum((Decimal(row["amount_confirmed"]) for row in rows), ZERO)),
        "commission": str(sum((Decimal(row["commission"]) for row in rows), ZERO)),
        "targets_met": sum(1 for row in rows if row["target_met"]),
    }
    return ReportData(columns=FINANCE_COLUMNS, rows=rows, summary=summary)


COMPLIANCE_FIGURES = (
    "calls",
    "refusals",
    "overrides",
    "violations",
    "quality_reviews",
    "quality_low",
)
COMPLIANCE_FIGURE_COLUMNS = [
    Column("calls", _("Calls")),
    Column("refusals", _("Compliance refusals")),
    Column("overrides", _("Compliance overrides")),
    Column("violations", _("Confirmed violations")),
    Column("quality_reviews", _("Quality reviews")),
    Column("quality_low", _("Reviews below threshold")),
]
COMPLIANCE_COLUMNS = [
    Column("collector", _("Collector"), numeric=False),
    Column("employee_number", _("Employee number"), numeric=False),
    Column("branch", _("Branch"), numeric=False),
    Column("team", _("Team"), numeric=False),
    *COMPLIANCE_FIGURE_COLUMNS,
]
COMPLIANCE_TEAM_COLUMNS = [
    Column("team", _("Team"), numeric=False),
    Column("branch", _("Branch"), numeric=False),
    Column("collectors", _("Collectors")),
    *COMPLIANCE_FIGURE_COLUMNS,
]


def _compliance_rows(run) -> tuple[list[dict], dict]:
    from .rollups import period_figures

    prepare(run)
    figures = period_figures(run.period_start, run.period_end)
    rows = []
    for profile in collector_profiles(figures):
        done = figures.get(profile.user_id, {})
        rows.append(
            {
                **person_columns(profile),
                **{key: done.get(key) or 0 for key in COMPLIANCE_FIGURES},
            }
        )
    summary = {"collectors": len(rows)}
    summary.update({key: sum(row[key] for row in rows) for key in COMPLIANCE_FIGURES})
    return rows, summary


@report_kind(
    "compliance_monthly",
    label=_("Compliance report"),
    period="month",
    columns=COMPLIANCE_COLUMNS,
    chart=("refusals", "overrides", "violations", "quality_low"),
    readers=COMPLIANCE_READERS,
)
def compliance_monthly(run) -> ReportData:
    rows, summary = _compliance_rows(run)
    return ReportData(columns=COMPLIANCE_COLUMNS, rows=rows, summary=summary)


@report_kind(
    "compliance_team_monthly",
    label=_("Compliance report by team"),
    period="month",
    columns=COMPLIANCE_TEAM_COLUMNS,
    chart=("refusals", "overrides", "violations", "quality_low"),
    readers=COMPLIANCE_READERS,
    rows_are="team",
    drill_kind="compliance_monthly",
)
def compliance_team_monthly(run) -> ReportData:
    rows, summary = _compliance_rows(run)
    teams: dict[tuple, dict] = {}
    for row in rows:
        team = teams.setdefault(
            (row["branch"], row["team"]),
            {
                "team": row["team"] or "—",
                "team_id": row["team_id"],
                "branch": row["branch"],
                "branch_id": row["branch_id"],
                "collectors": 0,
                **dict.fromkeys(COMPLIANCE_FIGURES, 0),
            },
        )
        team["collectors"] += 1
        for key in COMPLIANCE_FIGURES:
            team[key] += row[key]
    return ReportData(
        columns=COMPLIANCE_TEAM_COLUMNS,
        rows=[teams[key] for key in sorted(teams)],
        summary=summary,
    )
