"""A stand-in for the case side's figures function (settings.PERFORMANCE_FIGURES_FUNCTION),
so the engine's arithmetic is tested against hand-computed numbers."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

# {user id: {figure name: value}}; tests fill it.
FIGURES: dict[int, dict] = {}
CALLS: list[list[int]] = []


def month(completion):
    return SimpleNamespace(completion=None if completion is None else Decimal(str(completion)))


def figures(*, user_ids, start, end):
    CALLS.append(list(user_ids))
    result = {}
    for user_id in user_ids:
        data = FIGURES.get(user_id, {})
        result[user_id] = SimpleNamespace(
            user_id=user_id,
            amount_collected=_dec(data.get("amount", 0)),
            success_rate=_dec(data.get("success_rate", 0)),
            months=[month(c) for c in data.get("months", [])],
            violations=data.get("violations", 0),
        )
    return result


def _dec(value):
    return None if value is None else Decimal(str(value))
