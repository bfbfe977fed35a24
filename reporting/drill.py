"""The drill-down's reads: one collector's figures on a period (from the rollups) and the
cases behind them (from the sources, for that one collector: indexed by collector and
time, bounded by the period picker's longest period)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from .kinds import period_bounds
from .models import DailyCollectorFigures
from .rollup_sources import EXTRA_FIGURES
from .rollups import FIGURES

ZERO = Decimal("0.00")
# The most cases a drill-down lists (the most active first); the figures count them all.
CASE_LIMIT = 1000


def collector_period_figures(collector_id: int, start: dt.date, end: dt.date) -> dict:
    """The collector's sums over the period, from the daily rollups (zeros when none)."""
    keys = (*FIGURES, *EXTRA_FIGURES)
    sums = DailyCollectorFigures.objects.filter(
        collector_id=collector_id, day__gte=start, day__lte=end
    ).aggregate(**{key: Sum(key) for key in keys})
    out = {key: value or 0 for key, value in sums.items()}
    out["amount_confirmed"] = sums["amount_confirmed"] or ZERO
    out["commission"] = sums["commission"] or ZERO
    return out


def collector_cases(*, user, collector_id: int, start: dt.date, end: dt.date):
    """(rows, hidden): per case the collector worked in the period — calls, conversations,
    promises made, confirmed payments (paid in the period) and their commission — for the
    cases `user` may see; `hidden` counts the cases behind the figures they may not (a
    case since reassigned, for a collector)."""
    from cases.commission import with_commission
    from cases.models import CallLog, Case, Party, Payment, Promise

    begin, finish = period_bounds(start, end)
    per_case: dict[int, dict] = defaultdict(
        lambda: {
            "calls": 0,
            "contacts": 0,
            "promises_made": 0,
            "amount_confirmed": ZERO,
            "commission": ZERO,
        }
    )
    calls = (
        CallLog.objects.filter(
            collector_id=collector_id, started_at__gte=begin, started_at__lt=finish
        )
        .values("case_id")
        # The same definitions as cases.figures (the rollups' figures).
        .annotate(
            calls=Count("pk"),
            contacts=Count("pk", filter=Q(party=Party.DEBTOR, outcome__conversation=True)),
        )
    )
    for row in calls:
        per_case[row["case_id"]].update(calls=row["calls"], contacts=row["contacts"])
    promises = (
        Promise.objects.filter(
            made_by_id=collector_id, created_at__gte=begin, created_at__lt=finish
        )
        .values("case_id")
        .annotate(n=Count("pk"))
    )
    for row in promises:
        per_case[row["case_id"]]["promises_made"] = row["n"]
    payments = (
        with_commission(
            Payment.objects.filter(
                claimed_by_id=collector_id,
                status="confirmed",
                paid_on__gte=start,
                paid_on__lte=end,
            )
        )
        .values("case_id")
        .annotate(amount_sum=Sum("amount"), commission_sum=Sum("commission"))
    )
    for row in payments:
        per_case[row["case_id"]].update(
            amount_confirmed=row["amount_sum"] or ZERO, commission=row["commission_sum"] or ZERO
        )
    visible = {
        case.pk: case
        for case in Case.objects.visible_to(user)
        .filter(pk__in=list(per_case))
        .select_related("bank")
        .only("pk", "account_no", "status", "bank__name")
    }
    rows = []
    for case_id, figures in per_case.items():
        case = visible.get(case_id)
        if case is None:
            continue
        rows.append(
            {
                "case_id": case_id,
                "account_no": case.account_no,
                "bank": case.bank.name,
                "status": case.get_status_display(),
                **figures,
            }
        )
    rows.sort(key=lambda row: (-row["amount_confirmed"], -row["calls"], row["account_no"]))
    return rows[:CASE_LIMIT], len(per_case) - len(rows)
