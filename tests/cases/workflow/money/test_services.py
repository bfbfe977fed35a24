"""Promises, plans and payments: bad input refused on the field with nothing written, the
payment state machine, maker-checker, and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from cases.models import Case, Payment, PaymentPlan, Promise
from cases.services import payments as payment_services
from cases.services.payments import (
    payment_claim,
    payment_confirm,
    payment_reject,
    payment_reverse,
    transition_allowed,
)
from cases.services.promises import plan_cancel, plan_decided, plan_propose, promise_record

from .conftest import TODAY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Promises ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "due_on", "field"),
    [
        ("500", TODAY - dt.timedelta(days=1), "due_on"),
        ("0", TODAY + dt.timedelta(days=2), "amount"),
        ("-5", TODAY + dt.timedelta(days=2), "amount"),
        ("abc", TODAY + dt.timedelta(days=2), "amount"),
        ("1.005", TODAY + dt.timedelta(days=2), "amount"),
        ("500", None, "due_on"),
    ],
)
def test_bad_promise_is_refused_on_its_field(at_today, case_a, collector_a, amount, due_on, field):
    with pytest.raises(ValidationError) as excinfo:
        promise_record(case=case_a, actor=collector_a, amount=amount, due_on=due_on)
    assert field in _errors(excinfo)
    assert not Promise.objects.exists()


def test_a_new_promise_replaces_the_open_one(at_today, case_a, collector_a):
    first = promise_record(
        case=case_a, actor=collector_a, amount="300", due_on=TODAY + dt.timedelta(days=2)
    )
    second = promise_record(
        case=case_a, actor=collector_a, amount="400", due_on=TODAY + dt.timedelta(days=5)
    )
    first.refresh_from_db()
    assert first.status == Promise.Status.CANCELLED
    assert second.status == Promise.Status.OPEN
    case_a.refresh_from_db()
    assert case_a.promise_due_on == second.due_on


def test_another_collectors_case_is_a_404(at_today, case_a, collector_a2):
    with pytest.raises(Http404):
        promise_record(
            case=case_a, actor=collector_a2, amount="300", due_on=TODAY + dt.timedelta(days=2)
        )


def test_promise_on_a_recalled_case_is_refused(at_today, case_a, collector_a):
    Case.objects.filter(pk=case_a.pk).update(status="recalled", recalled_at=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        promise_record(
            case=case_a, actor=collector_a, amount="300", due_on=TODAY + dt.timedelta(days=2)
        )
    assert "recalled" in str(excinfo.value)


# --- Payment plans -----------------------------------------------------------------------------


def _schedule(*amounts, start=TODAY):
    return [(amount, start + dt.timedelta(days=30 * n)) for n, amount in enumerate(amounts)]


def test_plan_within_terms_is_active_with_its_instalments(at_today, case_a, collector_a):
    case_a.agreement.plan_min_down_payment_percent = Decimal("20")
    case_a.agreement.plan_max_instalments = 6
    case_a.agreement.save()
    plan = plan_propose(
        case=case_a, actor=collector_a, total_amount="900", instalments=_schedule(300, 300, 300)
    )
    assert plan.status == PaymentPlan.Status.ACTIVE
    assert plan.within_terms
    instalments = list(plan.instalments.order_by("plan_instalment"))
    assert [i.amount for i in instalments] == [Decimal("300.00")] * 3
    # Windows follow each other: a payment counts for one instalment only.
    assert instalments[1].counts_from == instalments[0].due_on + dt.timedelta(days=1)


def test_instalments_that_do_not_add_up_are_refused(at_today, case_a, collector_a):
    with pytest.raises(ValidationError) as excinfo:
        plan_propose(
            case=case_a, actor=collector_a, total_amount="900", instalments=_schedule(300, 300)
        )
    assert "600.00" in _errors(excinfo)["instalments"][0]
    assert not PaymentPlan.objects.exists()
    assert not Promise.objects.exists()


def test_instalments_out_of_order_are_refused(at_today, case_a, collector_a):
    rows = [("300", TODAY + dt.timedelta(days=30)), ("300", TODAY + dt.timedelta(days=10))]
    with pytest.raises(ValidationError) as excinfo:
        plan_propose(case=case_a, actor=collector_a, total_amount="600", instalments=rows)
    assert "instalments" in _errors(excinfo)


def test_plan_outside_terms_needs_a_reason_and_waits(at_today, case_a, collector_a, supervisor_a):
    case_a.agreement.plan_max_instalments = 2
    case_a.agreement.save()
    with pytest.raises(ValidationError) as excinfo:
        plan_propose(
            case=case_a,
            actor=collector_a,
            total_amount="900",
            instalments=_schedule(300, 300, 300),
        )
    assert "reason" in _errors(excinfo)
    plan = plan_propose(
        case=case_a,
        actor=collector_a,
        total_amount="900",
        instalments=_schedule(300, 300, 300),
        reason="Lost his job; three months is what he can do.",
    )
    assert plan.status == PaymentPlan.Status.PENDING_APPROVAL
    assert "at most 2" in plan.terms_breached
    assert not plan.instalments.exists()
    plan_decided(plan=plan, approved=True, actor=supervisor_a)
    plan.refresh_from_db()
    assert plan.status == PaymentPlan.Status.ACTIVE
    assert plan.instalments.count() == 3


def test_cancelling_a_plan_cancels_its_open_instalments(at_today, case_a, collector_a):
    plan = plan_propose(
        case=case_a, actor=collector_a, total_amount="600", instalments=_schedule(300, 300)
    )
    plan_cancel(plan=plan, actor=collector_a, reason="Debtor asked for a new plan")
    assert set(plan.instalments.values_list("status", flat=True)) == {"cancelled"}
    case_a.refresh_from_db()
    assert case_a.promise_due_on is None


def test_no_separate_promise_while_a_plan_runs(at_today, case_a, collector_a):
    plan_propose(case=case_a, actor=collector_a, total_amount="300", instalments=_schedule(300))
    with pytest.raises(ValidationError) as excinfo:
        promise_record(
            case=case_a, actor=collector_a, amount="100", due_on=TODAY + dt.timedelta(days=3)
        )
    assert "payment plan" in str(excinfo.value)


# --- Payments ------------------------------------------------------------------------------------


def _claim(case, collector, amount="100.00", **kwargs):
    kwargs.setdefault("paid_on", TODAY)
    kwargs.setdefault("channel", "to_bank")
    return payment_claim(case=case, actor=collector, amount=amount, **kwargs)


def test_payment_larger_than_the_balance_needs_a_reason(at_today, case_a, collector_a):
    with pytest.raises(ValidationError) as excinfo:
        _claim(case_a, collector_a, amount="5000.00")
    assert "over_balance_reason" in _errors(excinfo)
    assert not Payment.objects.exists()
    payment = _claim(
        case_a, collector_a, amount="5000.00", over_balance_reason="Bank's new late fees"
    )
    assert payment.over_balance_reason == "Bank's new late fees"


def test_payment_on_a_recalled_case_is_refused(at_today, case_a, collector_a):
    Case.objects.filter(pk=case_a.pk).update(status="recalled", recalled_at=timezone.now())
    with pytest.raises(ValidationError) as excinfo:
        _claim(case_a, collector_a)
    assert "recalled" in str(excinfo.value)
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-10"}, "amount"),
        ({"paid_on": TODAY + dt.timedelta(days=1)}, "paid_on"),
        ({"channel": "cash_in_hand"}, "channel"),
    ],
)
def test_bad_payment_is_refused_on_its_field(at_today, case_a, collector_a, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        _claim(case_a, collector_a, **changes)
    assert field in _errors(excinfo)
    assert not Payment.objects.exists()


def test_receipt_must_be_an_image_or_pdf_by_its_bytes(at_today, case_a, collector_a):
    fake = SimpleUploadedFile("receipt.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as excinfo:
        _claim(case_a, collector_a, receipt=fake)
    assert "receipt" in _errors(excinfo)
    assert not Payment.objects.exists()
    payment = _claim(
        case_a, collector_a, receipt=SimpleUploadedFile("r.bin", PNG, content_type="x/y")
    )
    assert payment.receipt_content_type == "image/png"
    assert payment.receipt.name.endswith(".png")


def test_payment_state_machine():
    allowed = {
        ("claimed", "confirmed"),
        ("claimed", "rejected"),
        ("confirmed", "reversed"),
    }
    for current in Payment.Status.values:
        for wanted in Payment.Status.values:
            assert transition_allowed(current, wanted) == ((current, wanted) in allowed)


def test_refused_transitions_say_so(at_today, case_a, collector_a, supervisor_a):
    payment = _claim(case_a, collector_a)
    payment_reject(payment=payment, actor=supervisor_a, reason="Not on the bank statement")
    with pytest.raises(ValidationError):
        payment_confirm(payment=payment, actor=supervisor_a)
    confirmed = payment_confirm(payment=_claim(case_a, collector_a), actor=supervisor_a)
    with pytest.raises(ValidationError):
        payment_confirm(payment=confirmed, actor=supervisor_a)
    with pytest.raises(ValidationError):
        payment_reject(payment=confirmed, actor=supervisor_a, reason="x")
    payment_reverse(payment=confirmed, actor=supervisor_a, reason="Bounced")
    with pytest.raises(ValidationError):
        payment_reverse(payment=confirmed, actor=supervisor_a, reason="again")
    case_a.refresh_from_db()
    assert case_a.balance == Decimal("1060.50")


def test_reject_and_reverse_need_a_reason(at_today, case_a, collector_a, supervisor_a):
    payment = _claim(case_a, collector_a)
    with pytest.raises(ValidationError) as excinfo:
        payment_reject(payment=payment, actor=supervisor_a, reason=" ")
    assert "reason" in _errors(excinfo)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CLAIMED


def test_claimer_cannot_confirm_their_own_payment(at_today, case_a, supervisor_a):
    payment = _claim(case_a, supervisor_a)
    with pytest.raises(PermissionDenied):
        payment_confirm(payment=payment, actor=supervisor_a)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CLAIMED
    case_a.refresh_from_db()
    assert case_a.balance == Decimal("1060.50")


def test_collector_cannot_confirm(at_today, case_a, collector_a, collector_a2):
    payment = _claim(case_a, collector_a)
    with pytest.raises(PermissionDenied):
        payment_confirm(payment=payment, actor=collector_a)


def test_finance_of_the_branch_confirms(at_today, case_a, collector_a, finance_a):
    payment = payment_confirm(payment=_claim(case_a, collector_a), actor=finance_a)
    assert payment.status == Payment.Status.CONFIRMED
    assert payment.confirmed_by == finance_a


def test_another_branch_cannot_confirm(at_today, case_a, collector_a, finance_b, supervisor_b):
    payment = _claim(case_a, collector_a)
    for checker in (finance_b, supervisor_b):
        with pytest.raises(Http404):
            payment_confirm(payment=payment, actor=checker)


def test_payment_visibility(at_today, case_a, collector_a, collector_a2, finance_a, finance_b):
    payment = _claim(case_a, collector_a)
    assert list(Payment.objects.visible_to(collector_a)) == [payment]
    assert not Payment.objects.visible_to(collector_a2).exists()
    assert list(payment_services.payments_for_checking(finance_a)) == [payment]
    assert not Payment.objects.visible_to(finance_b).exists()
