"""A stand-in for the case side's figures function (settings.PERFORMANCE_FIGURES_FUNCTION),
so the engine's arithmetic is tested against hand-computed numbers. It answers in the
contract's own shape (staff.performance.PerformanceFigures)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from staff.performance import MonthFigures, PerformanceFigures

# {user id: {figure name: value}}; tests fill it.
FIGURES: dict[int, dict] = {}
CALLS: list[list[int]] = []


def figures(*, user_ids, start, end):
    CALLS.append(list(user_ids))
    result = {}
    for user_id in user_ids:
        data = FIGURES.get(user_id, {})
        result[user_id] = PerformanceFigures(
            user_id=user_id,
            start=start,
            end=end,
            cases_worked=0,
            amount_collected=_dec(data.get("amount", 0)),
            cases_with_payment=0,
            success_rate=_dec(data.get("success_rate", 0)),
            complex_cases=0,
            campaigns_led=0,
            violations=data.get("violations", 0),
            months=[
                MonthFigures(
                    month=dt.date(start.year, n + 1, 1),
                    target=None if c is None else Decimal("1000"),
                    confirmed=None,
                    completion=_dec(c),
                )
                for n, c in enumerate(data.get("months", []))
            ],
        )
    return result


def _dec(value):
    return None if value is None else Decimal(str(value))
