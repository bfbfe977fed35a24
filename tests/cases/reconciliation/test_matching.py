"""The pure matching rule (cases.reconciliation): every kind of line, and the ties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cases import reconciliation as r
from cases.reconciliation import AgencyPayment, BankRepaymentRow

D = dt.date(2026, 10, 10)


def pay(id, account, amount, day=0):
    return AgencyPayment(id, account, Decimal(amount), D + dt.timedelta(days=day))


def rep(id, account, amount, day=0, reference=None, placed=True):
    reference = reference or f"R{id:03d}"
    return BankRepaymentRow(
        id, account, Decimal(amount), D + dt.timedelta(days=day), reference, placed
    )


def by_kind(lines):
    out = {}
    for line in lines:
        out.setdefault(line.kind, []).append(
            (
                line.payment.id if line.payment else None,
                line.repayment.id if line.repayment else None,
            )
        )
    return {kind: sorted(pairs, key=str) for kind, pairs in out.items()}


def test_same_amount_same_day_is_matched_same_day():
    lines = r.match([pay(1, "A", "100.00")], [rep(10, "A", "100.00")], tolerance_days=3)
    assert [(line.kind, line.reason) for line in lines] == [(r.MATCHED, r.SAME_DAY)]
    assert lines[0].difference == Decimal("0.00")


def test_dates_within_the_tolerance_match_and_beyond_it_do_not():
    lines = r.match([pay(1, "A", "100.00")], [rep(10, "A", "100.00", day=3)], tolerance_days=3)
    assert [(line.kind, line.reason, line.days_apart) for line in lines] == [
        (r.MATCHED, r.WITHIN_TOLERANCE, 3)
    ]
    lines = r.match([pay(1, "A", "100.00")], [rep(10, "A", "100.00", day=4)], tolerance_days=3)
    assert sorted((line.kind, line.reason) for line in lines) == [
        (r.AGENCY_ONLY, r.NO_REPAYMENT_NEAR_DATE),
        (r.BANK_ONLY, r.NO_PAYMENT_NEAR_DATE),
    ]


def test_a_different_amount_near_the_date_is_an_amount_difference():
    lines = r.match([pay(1, "A", "100.00")], [rep(10, "A", "90.00", day=1)], tolerance_days=3)
    assert [(line.kind, line.reason) for line in lines] == [(r.AMOUNT_DIFFERENCE, r.AMOUNTS_DIFFER)]
    assert lines[0].difference == Decimal("-10.00")


def test_one_sided_lines_say_whether_the_account_had_anything_on_the_other_side():
    lines = r.match(
        [pay(1, "A", "100.00")],
        [rep(10, "B", "50.00"), rep(11, "X", "20.00", placed=False)],
        tolerance_days=3,
    )
    reasons = {(line.kind, line.account_no): line.reason for line in lines}
    assert reasons == {
        (r.AGENCY_ONLY, "A"): r.NO_REPAYMENT_FOR_ACCOUNT,
        (r.BANK_ONLY, "B"): r.NO_PAYMENT_FOR_ACCOUNT,
        (r.BANK_ONLY, "X"): r.ACCOUNT_NOT_PLACED,
    }


def test_exact_amount_wins_over_a_nearer_date_with_another_amount():
    # Repayment 10 is the same day but 5.00 off; repayment 11 is two days later, exact.
    lines = r.match(
        [pay(1, "A", "100.00")],
        [rep(10, "A", "95.00"), rep(11, "A", "100.00", day=2)],
        tolerance_days=3,
    )
    assert by_kind(lines) == {r.MATCHED: [(1, 11)], r.BANK_ONLY: [(None, 10)]}


def test_nearest_date_wins_among_exact_amounts():
    lines = r.match(
        [pay(1, "A", "100.00")],
        [rep(10, "A", "100.00", day=-2), rep(11, "A", "100.00", day=1)],
        tolerance_days=3,
    )
    assert by_kind(lines) == {r.MATCHED: [(1, 11)], r.BANK_ONLY: [(None, 10)]}


def test_equally_near_repayments_go_by_earliest_reference():
    lines = r.match(
        [pay(1, "A", "100.00")],
        [
            rep(10, "A", "100.00", day=1, reference="B-2"),
            rep(11, "A", "100.00", day=-1, reference="B-1"),
        ],
        tolerance_days=3,
    )
    assert by_kind(lines) == {r.MATCHED: [(1, 11)], r.BANK_ONLY: [(None, 10)]}


def test_equal_payments_tie_on_the_lowest_payment_id_and_each_repayment_matches_once():
    lines = r.match(
        [pay(2, "A", "100.00"), pay(1, "A", "100.00")],
        [rep(10, "A", "100.00")],
        tolerance_days=3,
    )
    assert by_kind(lines) == {r.MATCHED: [(1, 10)], r.AGENCY_ONLY: [(2, None)]}


def test_two_payments_two_repayments_pair_by_nearest_dates_not_first_come():
    # Payment 1 (day 0) could take either repayment; pairing it with day 2 would
    # leave payment 2 (day 4) without one. Nearest first pairs 1↔10 (0 days), 2↔11 (0 days).
    lines = r.match(
        [pay(1, "A", "100.00"), pay(2, "A", "100.00", day=4)],
        [rep(10, "A", "100.00"), rep(11, "A", "100.00", day=4)],
        tolerance_days=5,
    )
    assert by_kind(lines) == {r.MATCHED: [(1, 10), (2, 11)]}


def test_amount_differences_pair_nearest_date_then_smallest_gap():
    lines = r.match(
        [pay(1, "A", "100.00")],
        [rep(10, "A", "80.00", day=1), rep(11, "A", "99.00", day=1)],
        tolerance_days=3,
    )
    assert by_kind(lines) == {r.AMOUNT_DIFFERENCE: [(1, 11)], r.BANK_ONLY: [(None, 10)]}


def test_negative_tolerance_is_refused():
    with pytest.raises(ValueError):
        r.match([], [], tolerance_days=-1)


def test_totals_per_kind():
    lines = r.match(
        [pay(1, "A", "100.00"), pay(2, "B", "30.00"), pay(3, "C", "5.00")],
        [rep(10, "A", "100.00"), rep(11, "B", "31.00"), rep(12, "D", "7.00")],
        tolerance_days=0,
    )
    figures = r.totals(lines)
    assert figures[r.MATCHED] == {
        "count": 1,
        "agency": Decimal("100.00"),
        "bank": Decimal("100.00"),
    }
    assert figures[r.AMOUNT_DIFFERENCE] == {
        "count": 1,
        "agency": Decimal("30.00"),
        "bank": Decimal("31.00"),
    }
    assert figures[r.AGENCY_ONLY] == {
        "count": 1,
        "agency": Decimal("5.00"),
        "bank": Decimal("0.00"),
    }
    assert figures[r.BANK_ONLY] == {"count": 1, "agency": Decimal("0.00"), "bank": Decimal("7.00")}


def test_accounts_seen_twice_on_one_side_only_keep_their_reasons():
    lines = r.match(
        [pay(1, "A", "10.00"), pay(2, "A", "20.00"), pay(3, "C", "5.00")],
        [
            rep(10, "X", "1.00", placed=False),
            rep(11, "X", "2.00", placed=False),
            rep(12, "C", "5.00"),
        ],
        tolerance_days=3,
    )
    got = sorted((line.kind, line.reason, line.account_no) for line in lines)
    assert got == [
        (r.AGENCY_ONLY, r.NO_REPAYMENT_FOR_ACCOUNT, "A"),
        (r.AGENCY_ONLY, r.NO_REPAYMENT_FOR_ACCOUNT, "A"),
        (r.BANK_ONLY, r.ACCOUNT_NOT_PLACED, "X"),
        (r.BANK_ONLY, r.ACCOUNT_NOT_PLACED, "X"),
        (r.MATCHED, r.SAME_DAY, "C"),
    ]
