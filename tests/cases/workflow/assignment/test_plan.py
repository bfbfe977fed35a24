"""The automatic distribution plan: a pure function, tested without a database."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from cases.services.assignment_plan import CollectorLoad, PlanCase, plan_distribution


def random_cases(count: int, *, seed: int, buckets=("",)) -> list[PlanCase]:
    rng = random.Random(seed)
    return [
        PlanCase(
            id=index + 1,
            balance=Decimal(rng.randint(100, 500_000)) / 100,
            bucket=rng.choice(buckets),
        )
        for index in range(count)
    ]


def spread(values) -> Decimal:
    values = list(values)
    return max(values) - min(values)


@pytest.mark.parametrize(
    ("cases", "collectors", "seed"), [(10, 3, 1), (97, 4, 2), (1000, 7, 3), (5, 8, 4)]
)
def test_balances_differ_by_at_most_the_largest_case_and_counts_by_at_most_one(
    cases, collectors, seed
):
    plan_cases = random_cases(cases, seed=seed)
    plan = plan_distribution(plan_cases, [CollectorLoad(id=n) for n in range(1, collectors + 1)])
    largest = max(case.balance for case in plan_cases)
    assert spread(share.after_balance for share in plan.shares) <= largest
    assert spread(share.count for share in plan.shares) <= 1


def test_every_case_goes_to_exactly_one_collector():
    plan_cases = random_cases(250, seed=5)
    plan = plan_distribution(plan_cases, [CollectorLoad(id=n) for n in (7, 8, 9)])
    dealt = [case_id for share in plan.shares for case_id in share.case_ids]
    assert sorted(dealt) == [case.id for case in plan_cases]
    assert plan.case_count == 250
    assert plan.balance == sum(case.balance for case in plan_cases)
    assert set(plan.moves().values()) == {7, 8, 9}


def test_collectors_with_fewer_open_cases_are_filled_first():
    plan_cases = [PlanCase(id=n, balance=Decimal(100)) for n in range(1, 11)]
    plan = plan_distribution(
        plan_cases,
        [
            CollectorLoad(id=1, case_count=8, balance=Decimal(800)),
            CollectorLoad(id=2, case_count=0),
            CollectorLoad(id=3, case_count=20, balance=Decimal(2000)),
        ],
    )
    counts = {share.collector_id: share.count for share in plan.shares}
    # 8 + 0 + 10 new = 18 → 9 each for the two below the third one's 20.
    assert counts == {1: 1, 2: 9, 3: 0}
    after = {share.collector_id: share.after_count for share in plan.shares}
    assert after[1] == after[2] == 9


def test_the_largest_case_goes_to_the_collector_with_the_lowest_open_balance():
    plan = plan_distribution(
        [PlanCase(id=1, balance=Decimal(9000)), PlanCase(id=2, balance=Decimal(10))],
        [
            CollectorLoad(id=1, case_count=5, balance=Decimal(50_000)),
            CollectorLoad(id=2, case_count=5, balance=Decimal(1_000)),
        ],
    )
    assert plan.moves() == {1: 2, 2: 1}


def test_by_bucket_every_collector_gets_a_fair_share_of_every_bucket():
    buckets = ("M1", "M2", "M3", "M4-6", "M6+")
    plan_cases = random_cases(301, seed=6, buckets=buckets)
    plan = plan_distribution(plan_cases, [CollectorLoad(id=n) for n in range(1, 5)], by_bucket=True)
    for bucket in buckets:
        assert spread(share.by_bucket.get(bucket, 0) for share in plan.shares) <= 1
    assert spread(share.count for share in plan.shares) <= 1
    assert plan.case_count == 301


def test_a_plan_needs_a_collector_and_each_only_once():
    with pytest.raises(ValueError):
        plan_distribution([PlanCase(id=1, balance=Decimal(1))], [])
    with pytest.raises(ValueError):
        plan_distribution([], [CollectorLoad(id=1), CollectorLoad(id=1)])


def test_no_cases_give_an_empty_plan():
    plan = plan_distribution([], [CollectorLoad(id=1, case_count=3)])
    assert plan.case_count == 0 and plan.shares[0].after_count == 3
