"""The commission rule (cases/commission.py): flat or by the bucket on the payment day,
only while the case was placed with the agency; Python and SQL forms agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cases.commission import commission_on, commission_rate, with_commission
from cases.models import Agreement, AgreementCommissionRate, Case, Payment, overdue_bucket

from .conftest import shanghai

PLACED = dt.date(2026, 1, 10)
OVERDUE_SINCE = dt.date(2025, 12, 1)
BUCKET_RATES = {"M1": "0.080000", "M2": "0.100000", "M3": "0.120000", "M4-6": "0.150000"}
# No rate for M6+: such money earns nothing under this agreement.


@pytest.fixture
def by_bucket(agreement_a):
    Agreement.objects.filter(pk=agreement_a.pk).update(commission_type="by_bucket")
    for bucket, rate in BUCKET_RATES.items():
        AgreementCommissionRate.objects.create(
            agreement=agreement_a, bucket=bucket, rate=Decimal(rate)
        )
    agreement_a.refresh_from_db()
    return agreement_a


def _placed(case, *, recalled: dt.datetime | None = None) -> Case:
    Case.objects.filter(pk=case.pk).update(
        placed_at=shanghai(PLACED.year, PLACED.month, PLACED.day, 9),
        overdue_since=OVERDUE_SINCE,
        recalled_at=recalled,
    )
    case.refresh_from_db()
    return case


def _payments(case, collector, days: list[dt.date], amount="1000.00") -> None:
    """Claimed payments: the rule does not look at the status (its callers choose rows)."""
    Payment.objects.bulk_create(
        Payment(
            case=case,
            amount=Decimal(amount),
            paid_on=day,
            channel="to_bank",
            claimed_by=collector,
        )
        for day in days
    )


def _sql(case) -> dict[dt.date, tuple[Decimal, Decimal]]:
    rows = with_commission(Payment.objects.filter(case=case)).values_list(
        "paid_on", "commission_rate", "commission"
    )
    return {day: (Decimal(rate), Decimal(amount)) for day, rate, amount in rows}


def test_bucket_rate_of_the_payment_day_in_python_and_sql_for_every_day(
    by_bucket, case_a, collector_a
):
    case = _placed(case_a)
    days = [PLACED + dt.timedelta(days=n) for n in range(0, 400)]
    _payments(case, collector_a, days)
    in_sql = _sql(case)
    for day in days:
        bucket = overdue_bucket(OVERDUE_SINCE, day)
        expected = Decimal(BUCKET_RATES.get(bucket, "0"))
        assert commission_rate(by_bucket, case, day) == expected, day
        assert in_sql[day] == (expected, commission_on(Decimal("1000.00"), expected)), day


def test_bucket_edges_move_the_rate(by_bucket, case_a, collector_a):
    case = _placed(case_a)
    # 60 days overdue on 30 January (M2), 61 on the 31st (M3), 91 on 2 March (M4-6).
    edge_days = [dt.date(2026, 1, 30), dt.date(2026, 1, 31), dt.date(2026, 3, 2)]
    _payments(case, collector_a, edge_days, amount="200.00")
    in_sql = _sql(case)
    assert in_sql[dt.date(2026, 1, 30)] == (Decimal("0.100000"), Decimal("20.00"))
    assert in_sql[dt.date(2026, 1, 31)] == (Decimal("0.120000"), Decimal("24.00"))
    assert in_sql[dt.date(2026, 3, 2)] == (Decimal("0.150000"), Decimal("30.00"))
    assert overdue_bucket(OVERDUE_SINCE, dt.date(2026, 3, 2)) == "M4-6"


def test_flat_rate_rounds_half_up_to_the_cent(agreement_a, case_a, collector_a):
    Agreement.objects.filter(pk=agreement_a.pk).update(
        commission_type="flat", flat_rate=Decimal("0.050000")
    )
    agreement_a.refresh_from_db()
    case = _placed(case_a)
    _payments(case, collector_a, [dt.date(2026, 2, 1)], amount="0.10")  # 0.005 → 0.01
    _payments(case, collector_a, [dt.date(2026, 2, 2)], amount="10.09")  # 0.5045 → 0.50
    in_sql = _sql(case)
    assert in_sql[dt.date(2026, 2, 1)][1] == Decimal("0.01")
    assert in_sql[dt.date(2026, 2, 2)][1] == Decimal("0.50")
    assert commission_on(Decimal("0.10"), Decimal("0.05")) == Decimal("0.01")
    assert commission_rate(agreement_a, case, dt.date(2026, 2, 1)) == Decimal("0.050000")


def test_no_commission_before_placement_or_after_a_recall(agreement_a, case_a, collector_a):
    Agreement.objects.filter(pk=agreement_a.pk).update(
        commission_type="flat", flat_rate=Decimal("0.100000")
    )
    agreement_a.refresh_from_db()
    recalled = shanghai(2026, 3, 5, 16)  # recalled in the afternoon of 5 March
    case = _placed(case_a, recalled=recalled)
    before, first, recall_day, after = (
        PLACED - dt.timedelta(days=1),
        PLACED,
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 6),
    )
    _payments(case, collector_a, [before, first, recall_day, after])
    in_sql = _sql(case)
    for day, earns in ((before, False), (first, True), (recall_day, True), (after, False)):
        rate = Decimal("0.100000") if earns else Decimal("0")
        assert in_sql[day][0] == rate, day
        assert in_sql[day][1] == (Decimal("100.00") if earns else Decimal("0")), day
        assert commission_rate(agreement_a, case, day) == rate, day
