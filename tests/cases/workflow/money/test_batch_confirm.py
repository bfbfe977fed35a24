"""Confirming payments in one batch (a statement's approval) ends where confirming them one
at a time ends: balances, payments, promises, the cases' queue columns and history rows;
in a number of queries that does not grow with the payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Payment, Promise
from cases.services.payments import payment_claim, payment_confirm, payments_confirm
from cases.services.promises import promise_record

from .conftest import TODAY, assigned_case


def _twin(agreement, collector, label: str):
    """Three cases (balance 1000.00 + 50.50 fees + 10.00 interest each): two payments
    crossing fees, interest and principal on one with a promise they keep together, one
    payment short of a promise, one payment with no promise."""
    cases = [assigned_case(agreement, collector, account_no=f"{label}-{n}") for n in range(3)]
    promise_record(case=cases[0], actor=collector, amount="500.00", due_on=TODAY + dt.timedelta(3))
    promise_record(case=cases[1], actor=collector, amount="500.00", due_on=TODAY + dt.timedelta(3))
    claims = [
        (cases[0], "40.00", TODAY),
        (cases[0], "700.00", TODAY),
        (cases[1], "20.00", TODAY),
        (cases[2], "1200.00", TODAY),
    ]
    payments = [
        payment_claim(
            case=case,
            actor=collector,
            amount=amount,
            paid_on=paid_on,
            channel="to_bank",
            over_balance_reason="late fees",
        )
        for case, amount, paid_on in claims
    ]
    return cases, payments


def _outcome(cases, payments):
    """What a confirmation leaves, with the twins' own ids replaced by positions."""
    position = {payment.pk: n for n, payment in enumerate(payments)}
    out = []
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("account_no"):
        history = [
            (
                row.history_change_reason
                and row.history_change_reason.replace(
                    row.history_change_reason.split()[1],
                    str(position.get(int(row.history_change_reason.split()[1]), "?")),
                ),
                row.fees,
                row.interest,
                row.principal,
                row.history_user_id is not None,
            )
            for row in case.history.order_by("history_id")
            if (row.history_change_reason or "").startswith("Payment ")
        ]
        promises = [
            (p.status, p.amount_paid, p.settled_at is not None)
            for p in Promise.objects.filter(case=case).order_by("pk")
        ]
        last_promise_history = [
            (row.status, row.amount_paid)
            for row in Promise.history.filter(case_id=case.pk).order_by("-history_id")[:1]
        ]
        out.append(
            (
                case.fees,
                case.interest,
                case.principal,
                case.promise_due_on,
                case.promise_broken_on,
                history,
                promises,
                last_promise_history,
            )
        )
    for payment in Payment.objects.filter(pk__in=position).order_by("pk"):
        last = payment.history.order_by("-history_id")[0]
        out.append(
            (
                position[payment.pk],
                payment.status,
                payment.confirmed_by_id,
                payment.confirmed_at is not None,
                payment.applied_fees,
                payment.applied_interest,
                payment.applied_principal,
                (last.status, last.history_user_id, last.applied_principal),
                payment.history.count(),
            )
        )
    return out


@pytest.mark.django_db
def test_a_batch_confirmation_ends_where_one_at_a_time_ends(
    at_today, agreement_a, collector_a, supervisor_a
):
    one_cases, one_payments = _twin(agreement_a, collector_a, "ONE")
    batch_cases, batch_payments = _twin(agreement_a, collector_a, "BATCH")

    for payment in one_payments:
        payment_confirm(payment=payment, actor=supervisor_a)
    confirmed = payments_confirm(payments=batch_payments, actor=supervisor_a)

    assert [p.pk for p in confirmed] == sorted(p.pk for p in batch_payments)
    one, batch = _outcome(one_cases, one_payments), _outcome(batch_cases, batch_payments)
    assert batch == one
    # And the outcome is the one expected, not merely the same mistake twice.
    first = batch[0]
    assert (first[0], first[1], first[2]) == (Decimal("0.00"), Decimal("0.00"), Decimal("320.50"))
    assert first[6] == [("kept", Decimal("740.00"), True)]
    assert [reason for reason, *_ in first[5]] == ["Payment 0 confirmed", "Payment 1 confirmed"]
    assert batch[1][6] == [("open", Decimal("20.00"), False)]


@pytest.mark.django_db
def test_a_batch_confirmation_costs_the_same_queries_for_two_or_six_payments(
    at_today, agreement_a, collector_a, supervisor_a
):
    counts = []
    # The first batch also fills per-user caches (roles, scope): a warm-up.
    for label, size in (("WARM", 1), ("TWO", 2), ("SIX", 6)):
        cases = [
            assigned_case(agreement_a, collector_a, account_no=f"{label}-{n}") for n in range(size)
        ]
        payments = [
            payment_claim(
                case=case, actor=collector_a, amount="10.00", paid_on=TODAY, channel="to_bank"
            )
            for case in cases
        ]
        with CaptureQueriesContext(connection) as queries:
            payments_confirm(payments=payments, actor=supervisor_a)
        counts.append(len(queries))
        assert (
            Payment.objects.filter(pk__in=[p.pk for p in payments], status="confirmed").count()
            == size
        )
    assert counts[1] == counts[2]


@pytest.mark.django_db
def test_a_batch_with_another_branchs_payment_is_a_404_and_confirms_nothing(
    at_today, agreement_a, agreement_b, collector_a, supervisor_a, staff_user, branch_b
):
    from staff import roles

    collector_b = staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="col.b.batch")
    mine = assigned_case(agreement_a, collector_a, account_no="MINE-1")
    theirs = assigned_case(agreement_b, collector_b, account_no="THEIRS-1")
    ours = payment_claim(
        case=mine, actor=collector_a, amount="10.00", paid_on=TODAY, channel="to_bank"
    )
    foreign = payment_claim(
        case=theirs, actor=collector_b, amount="10.00", paid_on=TODAY, channel="to_bank"
    )
    with pytest.raises(Http404):
        payments_confirm(payments=[ours, foreign], actor=supervisor_a)
    ours.refresh_from_db()
    assert ours.status == Payment.Status.CLAIMED
    mine.refresh_from_db()
    assert mine.balance == Decimal("1060.50")
