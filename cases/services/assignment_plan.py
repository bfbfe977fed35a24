"""The automatic distribution of cases over collectors, as a pure function (no database).

`plan_distribution(cases, collectors, by_bucket=...)` deals the cases out so that
afterwards the collectors' loads are as even as possible:

- case counts: the collectors with the fewest open cases are filled first, then
  everyone gets one case per round, so the counts after the plan differ by at most
  1 whenever the current loads allow it (a collector already above the level gets
  nothing);
- balances: each round gives the largest remaining case to the collector with the
  lowest open balance, the next largest to the next lowest, and so on. Starting
  from equal loads, the balances then differ by at most the largest case (the
  classic bound of sorted round-robin dealing);
- by bucket (optional): every overdue bucket is dealt separately, so each collector
  gets a fair share (within 1) of every bucket's cases; who gets a bucket's odd
  cases is whoever has had the fewest cases of this plan so far, so the plan's
  counts stay within 1 overall too.

The service turns the plan into assignments; the page shows it as the preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PlanCase:
    """An unassigned case as the plan sees it."""

    id: int
    balance: Decimal
    bucket: str = ""


@dataclass(frozen=True)
class CollectorLoad:
    """A collector and the open cases they already have."""

    id: int
    case_count: int = 0
    balance: Decimal = Decimal(0)


@dataclass
class PlanShare:
    """What one collector gets from the plan, with their load before and after."""

    collector_id: int
    before_count: int
    before_balance: Decimal
    case_ids: list[int] = field(default_factory=list)
    balance: Decimal = Decimal(0)
    by_bucket: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.case_ids)

    @property
    def after_count(self) -> int:
        return self.before_count + self.count

    @property
    def after_balance(self) -> Decimal:
        return self.before_balance + self.balance

    def take(self, case: PlanCase) -> None:
        self.case_ids.append(case.id)
        self.balance += case.balance
        self.by_bucket[case.bucket] = self.by_bucket.get(case.bucket, 0) + 1


@dataclass
class DistributionPlan:
    shares: list[PlanShare]
    by_bucket: bool

    @property
    def case_count(self) -> int:
        return sum(share.count for share in self.shares)

    @property
    def balance(self) -> Decimal:
        return sum((share.balance for share in self.shares), Decimal(0))

    def moves(self) -> dict[int, int]:
        """case id → collector id."""
        return {case_id: share.collector_id for share in self.shares for case_id in share.case_ids}


def _largest_first(cases: list[PlanCase]) -> list[PlanCase]:
    return sorted(cases, key=lambda case: (-case.balance, case.id))


def _deal_round(shares: list[PlanShare], cases: list[PlanCase]) -> None:
    """Largest case to the lowest balance, next largest to the next lowest …"""
    by_balance = sorted(shares, key=lambda share: (share.after_balance, share.collector_id))
    for share, case in zip(by_balance, cases, strict=False):
        share.take(case)


def _deal_levelling_counts(shares: list[PlanShare], cases: list[PlanCase]) -> None:
    """Rounds over the collectors with the fewest open cases (everyone, once counts are even)."""
    remaining = _largest_first(cases)
    position = 0
    while position < len(remaining):
        lowest = min(share.after_count for share in shares)
        level = [share for share in shares if share.after_count == lowest]
        _deal_round(level, remaining[position : position + len(level)])
        position += len(level)


def _deal_one_bucket(shares: list[PlanShare], cases: list[PlanCase]) -> None:
    """Full rounds to everyone; a last short round to those with the fewest plan cases."""
    remaining = _largest_first(cases)
    size = len(shares)
    for position in range(0, len(remaining), size):
        chunk = remaining[position : position + size]
        receivers = shares
        if len(chunk) < size:
            receivers = sorted(
                shares, key=lambda share: (share.count, share.after_balance, share.collector_id)
            )[: len(chunk)]
        _deal_round(receivers, chunk)


def plan_distribution(
    cases: list[PlanCase], collectors: list[CollectorLoad], *, by_bucket: bool = False
) -> DistributionPlan:
    """Which collector gets which case (see the module docstring for the rules)."""
    if not collectors:
        raise ValueError("a distribution needs at least one collector")
    if len({collector.id for collector in collectors}) != len(collectors):
        raise ValueError("a collector is listed twice")
    shares = [
        PlanShare(
            collector_id=collector.id,
            before_count=collector.case_count,
            before_balance=Decimal(collector.balance),
        )
        for collector in collectors
    ]
    if by_bucket:
        buckets: dict[str, list[PlanCase]] = {}
        for case in cases:
            buckets.setdefault(case.bucket, []).append(case)
        for bucket in sorted(buckets):
            _deal_one_bucket(shares, buckets[bucket])
    else:
        _deal_levelling_counts(shares, cases)
    return DistributionPlan(shares=shares, by_bucket=by_bucket)
