"""Promise settlement with a moved clock: kept, partly kept, broken; a confirmation after the
due date still keeps the promise; a reversal re-opens it; the nightly run is safe to run twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import time_machine

from cases.models import Case, Promise
from cases.selectors.queue import collector_queue
from cases.services.payments import payment_claim, payment_confirm, payment_reverse
from cases.services.promise_settlement import promises_settle
from cases.services.promises import promise_record
from cases.tasks import promises_settle_task

from .conftest import TODAY, shanghai


def _promise(case, collector, amount="500.00", due_on=None):
    return promise_record(
        case=case, actor=collector, amount=amount, due_on=due_on or TODAY + dt.timedelta(days=3)
    )


def _paid(case, collector, supervisor, amount, paid_on):
    payment = payment_claim(
        case=case, actor=collector, amount=amount, paid_on=paid_on, channel="to_bank"
    )
    return payment_confirm(payment=payment, actor=supervisor)


def _night_after(day: dt.date):
    """The nightly run, shortly after midnight following `day` (company time)."""
    following = day + dt.timedelta(days=1)
    with time_machine.travel(shanghai(following.year, following.month, following.day, 0, 10)):
        promises_settle_task.apply()
    return following


def test_full_payment_keeps_the_promise_at_once(at_today, case_a, collector_a, supervisor_a):
    promise = _promise(case_a, collector_a)
    _paid(case_a, collector_a, supervisor_a, "500.00", TODAY)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.KEPT
    assert promise.amount_paid == Decimal("500.00")
    case_a.refresh_from_db()
    assert case_a.promise_due_on is None


def test_unpaid_promise_is_broken_the_night_after_its_due_date(at_today, case_a, collector_a):
    promise = _promise(case_a, collector_a)
    case_a.refresh_from_db()
    assert case_a.promise_due_on == promise.due_on
    _night_after(promise.due_on - dt.timedelta(days=1))
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN  # due today: still open
    _night_after(promise.due_on)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.BROKEN
    assert promise.history.filter(status="broken").count() == 1
    # The morning after, the case leads the collector's queue as a broken promise …
    morning = shanghai(2026, 12, 11, 9)
    with time_machine.travel(morning):
        case = collector_queue(user=collector_a, now=morning).get(pk=case_a.pk)
    assert case.queue_reason == "promise_broken"
    # … until the collector has called.
    Case.objects.filter(pk=case_a.pk).update(last_call_at=morning)
    with time_machine.travel(morning):
        case = collector_queue(user=collector_a, now=morning).get(pk=case_a.pk)
    assert case.queue_reason != "promise_broken"


def test_part_payment_leaves_the_promise_partly_kept(at_today, case_a, collector_a, supervisor_a):
    promise = _promise(case_a, collector_a)
    _paid(case_a, collector_a, supervisor_a, "200.00", TODAY)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN
    _night_after(promise.due_on)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.PARTLY_KEPT
    assert promise.amount_paid == Decimal("200.00")


def test_payment_before_the_promise_was_made_does_not_count(
    at_today, case_a, collector_a, supervisor_a
):
    _paid(case_a, collector_a, supervisor_a, "500.00", TODAY - dt.timedelta(days=2))
    promise = _promise(case_a, collector_a)
    _night_after(promise.due_on)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.BROKEN


def test_confirmation_after_the_due_date_still_keeps_the_promise(
    at_today, case_a, collector_a, supervisor_a
):
    promise = _promise(case_a, collector_a)
    with time_machine.travel(shanghai(2026, 12, 10, 15)):
        payment = payment_claim(
            case=case_a,
            actor=collector_a,
            amount="500.00",
            paid_on=promise.due_on,
            channel="to_agency",
        )
    _night_after(promise.due_on)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.BROKEN  # the money was not confirmed yet
    with time_machine.travel(shanghai(2026, 12, 14, 11)):
        payment_confirm(payment=payment, actor=supervisor_a)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.KEPT
    case_a.refresh_from_db()
    assert case_a.promise_broken_on is None and case_a.promise_due_on is None


def test_reversal_reopens_the_kept_promise(at_today, case_a, collector_a, supervisor_a):
    promise = _promise(case_a, collector_a)
    payment = _paid(case_a, collector_a, supervisor_a, "500.00", TODAY)
    promise.refresh_from_db()
    assert promise.status == Promise.Status.KEPT
    payment_reverse(payment=payment, actor=supervisor_a, reason="Cheque bounced")
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN
    assert promise.amount_paid == Decimal("0.00")
    case_a.refresh_from_db()
    assert case_a.promise_due_on == promise.due_on


def test_reversal_after_the_due_date_breaks_the_promise(
    at_today, case_a, collector_a, supervisor_a
):
    promise = _promise(case_a, collector_a)
    payment = _paid(case_a, collector_a, supervisor_a, "500.00", TODAY)
    with time_machine.travel(shanghai(2026, 12, 20, 9)):
        payment_reverse(payment=payment, actor=supervisor_a, reason="Booked to the wrong case")
    promise.refresh_from_db()
    assert promise.status == Promise.Status.BROKEN


def test_nightly_settlement_is_safe_to_run_twice(at_today, case_a, collector_a, supervisor_a):
    promise = _promise(case_a, collector_a)
    _paid(case_a, collector_a, supervisor_a, "100.00", TODAY)
    following = promise.due_on + dt.timedelta(days=1)
    assert promises_settle(today=following) == 1
    history = promise.history.count()
    assert promises_settle(today=following) == 0
    assert promise.history.count() == history
    promise.refresh_from_db()
    assert promise.status == Promise.Status.PARTLY_KEPT


def test_confirmed_payment_takes_fees_then_interest_then_principal(
    at_today, case_a, collector_a, supervisor_a
):
    before = Case.objects.get(pk=case_a.pk)  # 1000.00 + 50.50 + 10.00
    payment = _paid(case_a, collector_a, supervisor_a, "100.00", TODAY)
    case_a.refresh_from_db()
    assert (case_a.fees, case_a.interest, case_a.principal) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("960.50"),
    )
    assert case_a.history.first().history_change_reason == f"Payment {payment.pk} confirmed"
    payment_reverse(payment=payment, actor=supervisor_a, reason="Bounced")
    case_a.refresh_from_db()
    assert case_a.balance == before.balance
    assert (case_a.fees, case_a.interest) == (before.fees, before.interest)


def test_a_plans_next_instalment_follows_a_broken_one(at_today, case_a, collector_a):
    from cases.services.promises import plan_propose

    plan = plan_propose(
        case=case_a,
        actor=collector_a,
        total_amount="600",
        instalments=[("300", TODAY + dt.timedelta(days=1)), ("300", TODAY + dt.timedelta(days=31))],
    )
    first, second = plan.instalments.order_by("plan_instalment")
    _night_after(first.due_on)
    first.refresh_from_db()
    assert first.status == Promise.Status.BROKEN
    case_a.refresh_from_db()
    assert case_a.promise_due_on == second.due_on
    assert case_a.promise_broken_on == first.due_on + dt.timedelta(days=1)
    day = second.due_on
    morning = shanghai(day.year, day.month, day.day, 9)
    with time_machine.travel(morning):
        case = collector_queue(user=collector_a, now=morning).get(pk=case_a.pk)
    assert case.queue_reason == "promise_due"
