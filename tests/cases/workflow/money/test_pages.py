"""Promises, plans and payments through the pages: the case page panel's forms (refusals on
the field, nothing written), a call that records a promise, the payments list and a
payment's page (confirm, reject, reverse; maker-checker), the queue and the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import CallLog, CallOutcome, Case, ContactPoint, Payment, PaymentPlan, Promise
from cases.selectors.queue import collector_queue
from cases.services.payments import payment_claim
from cases.services.promises import promise_record
from cases.timeline import case_timeline
from staff import roles
from tests.landing import landing_html

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_collector_records_a_promise_on_the_case_page(at_today, as_user, case_a, collector_a):
    response = as_user(collector_a).post(
        f"/cases/{case_a.pk}/promises/new/",
        {"amount": "800.00", "due_on": "2026-12-10", "notes": "After payday"},
    )
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert (promise.amount, promise.due_on, promise.made_by) == (
        Decimal("800.00"),
        dt.date(2026, 12, 10),
        collector_a,
    )
    page = as_user(collector_a).get(f"/cases/{case_a.pk}/")
    assert b"case-promises" in page.content and b"800.00" in page.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "800", "due_on": "2026-12-01"}, "in the past"),
        ({"amount": "0", "due_on": "2026-12-10"}, "more than zero"),
        ({"amount": "-3", "due_on": "2026-12-10"}, "more than zero"),
    ],
)
def test_bad_promise_is_shown_on_its_field(at_today, as_user, case_a, collector_a, data, message):
    response = as_user(collector_a).post(f"/cases/{case_a.pk}/promises/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert b'data-field-error="' in response.content
    assert not Promise.objects.exists()


def test_payment_over_the_balance_without_reason_is_refused_on_the_field(
    at_today, as_user, case_a, collector_a
):
    response = as_user(collector_a).post(
        f"/cases/{case_a.pk}/payments/new/",
        {"amount": "99999.00", "paid_on": "2026-12-07", "channel": "to_bank"},
    )
    assert response.status_code == 400
    assert b'data-field-error="over_balance_reason"' in response.content
    assert not Payment.objects.exists()


def test_payment_on_a_recalled_case_is_refused(at_today, as_user, case_a, supervisor_a):
    Case.objects.filter(pk=case_a.pk).update(status="recalled", recalled_at=timezone.now())
    response = as_user(supervisor_a).post(
        f"/cases/{case_a.pk}/payments/new/",
        {"amount": "10.00", "paid_on": "2026-12-07", "channel": "to_bank"},
    )
    assert response.status_code in (400, 403)
    assert not Payment.objects.exists()


def test_payment_claim_with_a_receipt(at_today, as_user, case_a, collector_a):
    receipt = SimpleUploadedFile("bank slip.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    response = as_user(collector_a).post(
        f"/cases/{case_a.pk}/payments/new/",
        {
            "amount": "300.00",
            "paid_on": "2026-12-06",
            "channel": "to_agency",
            "reference": "TX-99",
            "receipt": receipt,
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.CLAIMED and payment.receipt_sha256
    download = as_user(collector_a).get(f"/cases/payments/{payment.pk}/receipt/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_instalments_not_adding_up_are_shown_on_the_field(at_today, as_user, case_a, collector_a):
    response = as_user(collector_a).post(
        f"/cases/{case_a.pk}/plans/new/",
        {"total_amount": "900", "instalments": "2026-12-10 300\n2027-01-10 300"},
    )
    assert response.status_code == 400
    assert b'data-field-error="instalments"' in response.content
    assert not PaymentPlan.objects.exists()


def test_plan_recorded_from_the_case_page(at_today, as_user, case_a, collector_a):
    response = as_user(collector_a).post(
        f"/cases/{case_a.pk}/plans/new/",
        {"total_amount": "600", "instalments": "2026-12-10 300\n2027-01-10 300"},
    )
    plan = PaymentPlan.objects.get()
    assert response.status_code == 302 and response.url == f"/cases/plans/{plan.pk}/"
    assert plan.status == PaymentPlan.Status.ACTIVE
    page = as_user(collector_a).get(f"/cases/plans/{plan.pk}/")
    assert page.status_code == 200 and b"plan-instalments" in page.content


def test_call_with_promise_outcome_records_the_promise(
    at_today, as_user, case_a, collector_a, workflow_defaults
):
    phone = case_a.debtor.contact_points.get(kind=ContactPoint.Kind.PHONE)
    outcome = CallOutcome.objects.get(code="promise_to_pay")
    data = {
        "contact_point": str(phone.pk),
        "party": "debtor",
        "started_at": "2026-12-07T09:50",
        "duration_seconds": "120",
        "outcome": str(outcome.pk),
        "telephony_recording_id": "PBX-77",
        "action": "complete",
    }
    refused = as_user(collector_a).post(f"/cases/{case_a.pk}/calls/new/", data)
    assert refused.status_code == 422
    assert b'data-field-error="promise_amount"' in refused.content
    assert not CallLog.objects.exists()
    data.update({"promise_amount": "1200.00", "promise_due_on": "2026-12-12"})
    response = as_user(collector_a).post(f"/cases/{case_a.pk}/calls/new/", data)
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert promise.call == CallLog.objects.get()
    assert promise.amount == Decimal("1200.00")


def test_payments_list_and_confirm_by_finance(
    at_today, as_user, case_a, collector_a, finance_a, supervisor_b
):
    payment = payment_claim(
        case=case_a, actor=collector_a, amount="100", paid_on=TODAY, channel="to_bank"
    )
    listing = as_user(finance_a).get("/cases/payments/")
    assert listing.status_code == 200 and f'data-payment="{payment.pk}"'.encode() in listing.content
    assert as_user(supervisor_b).get("/cases/payments/").content.count(b"data-payment=") == 0
    response = as_user(finance_a).post(f"/cases/payments/{payment.pk}/confirm/", {"next": "list"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CONFIRMED
    # Filtered by status: confirmed ones are out of the default (claimed) list.
    listing = as_user(finance_a).get("/cases/payments/")
    assert f'data-payment="{payment.pk}"'.encode() not in listing.content
    listing = as_user(finance_a).get("/cases/payments/?status=confirmed&sort=-amount")
    assert f'data-payment="{payment.pk}"'.encode() in listing.content


def test_collector_cannot_open_the_payments_list_or_confirm(
    at_today, as_user, case_a, collector_a, collector_a2
):
    payment = payment_claim(
        case=case_a, actor=collector_a, amount="100", paid_on=TODAY, channel="to_bank"
    )
    assert as_user(collector_a).get("/cases/payments/").status_code == 403
    assert as_user(collector_a).post(f"/cases/payments/{payment.pk}/confirm/").status_code == 403
    assert as_user(collector_a2).get(f"/cases/payments/{payment.pk}/").status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CLAIMED


def test_supervisor_cannot_confirm_own_claim_on_the_page(at_today, as_user, case_a, supervisor_a):
    payment = payment_claim(
        case=case_a, actor=supervisor_a, amount="100", paid_on=TODAY, channel="to_bank"
    )
    page = as_user(supervisor_a).get(f"/cases/payments/{payment.pk}/")
    assert b"own-claim" in page.content and b"payment-confirm-form" not in page.content
    as_user(supervisor_a).post(f"/cases/payments/{payment.pk}/confirm/")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CLAIMED


def test_reject_without_reason_is_refused_on_the_field(
    at_today, as_user, case_a, collector_a, supervisor_a
):
    payment = payment_claim(
        case=case_a, actor=collector_a, amount="100", paid_on=TODAY, channel="to_bank"
    )
    response = as_user(supervisor_a).post(f"/cases/payments/{payment.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and b'data-field-error="reason"' in response.content
    response = as_user(supervisor_a).post(
        f"/cases/payments/{payment.pk}/reject/", {"reason": "Not on the statement"}
    )
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REJECTED


def test_promise_sources_lead_the_queue(at_today, case_a, collector_a, agreement_a):
    from .conftest import assigned_case

    other = assigned_case(agreement_a, collector_a, next_callback_at=timezone.now())
    promise_record(case=case_a, actor=collector_a, amount="10", due_on=TODAY)
    ordered = list(collector_queue(user=collector_a))
    assert [c.pk for c in ordered[:2]] == [case_a.pk, other.pk]
    assert ordered[0].queue_reason == "promise_due"


def test_broken_promise_leads_the_queue_until_called(at_today, case_a, collector_a):
    Case.objects.filter(pk=case_a.pk).update(
        promise_broken_on=TODAY, last_call_at=timezone.now() - dt.timedelta(days=2)
    )
    assert collector_queue(user=collector_a).get(pk=case_a.pk).queue_reason == "promise_broken"
    Case.objects.filter(pk=case_a.pk).update(last_call_at=timezone.now())
    assert collector_queue(user=collector_a).get(pk=case_a.pk).queue_reason != "promise_broken"


def test_timeline_shows_promises_and_payments(at_today, case_a, collector_a, supervisor_a):
    promise_record(case=case_a, actor=collector_a, amount="10", due_on=TODAY)
    payment_claim(case=case_a, actor=collector_a, amount="10", paid_on=TODAY, channel="to_bank")
    kinds = {entry.kind for entry in case_timeline(case_a, user=supervisor_a).entries}
    assert {"promise", "payment"} <= kinds


def test_finance_role_is_not_a_case_page_viewer(at_today, as_user, case_a, finance_a):
    assert roles.FINANCE
    assert as_user(finance_a).get(f"/cases/{case_a.pk}/").status_code in (403, 404)


def test_a_payment_links_to_its_case_only_for_those_who_may_open_it(
    at_today, as_user, case_a, collector_a, finance_a, supervisor_a
):
    payment = payment_claim(
        case=case_a, actor=collector_a, amount="100", paid_on=TODAY, channel="to_bank"
    )
    for_finance = as_user(finance_a).get(f"/cases/payments/{payment.pk}/").content.decode()
    assert case_a.account_no in for_finance
    assert f"/cases/{case_a.pk}/" not in for_finance  # the case page is a 403 for finance
    for_supervisor = as_user(supervisor_a).get(f"/cases/payments/{payment.pk}/").content.decode()
    assert f'href="/cases/{case_a.pk}/#money-panel"' in for_supervisor


def test_collector_cancels_an_open_promise_with_a_reason(at_today, as_user, case_a, collector_a):
    promise = promise_record(
        case=case_a, actor=collector_a, amount="10", due_on=TODAY + dt.timedelta(days=2)
    )
    page = as_user(collector_a).get(f"/cases/{case_a.pk}/")
    assert f'data-cancel-promise="{promise.pk}"'.encode() in page.content
    as_user(collector_a).post(f"/cases/promises/{promise.pk}/cancel/", {"reason": ""})
    promise.refresh_from_db()
    assert promise.status == Promise.Status.OPEN
    as_user(collector_a).post(
        f"/cases/promises/{promise.pk}/cancel/", {"reason": "Debtor withdrew it"}
    )
    promise.refresh_from_db()
    assert promise.status == Promise.Status.CANCELLED
    case_a.refresh_from_db()
    assert case_a.promise_due_on is None


def test_admin_staff_set_the_agreements_plan_terms(at_today, as_user, case_a, staff_user):
    admin = staff_user(roles.ADMIN_STAFF, branch=case_a.branch)
    agreement = case_a.agreement
    form = as_user(admin).get(f"/cases/agreements/{agreement.pk}/edit/")
    assert b"plan_max_instalments" in form.content
    data = {
        "number": agreement.number,
        "signed_on": agreement.signed_on.isoformat(),
        "effective_from": agreement.effective_from.isoformat(),
        "branch": agreement.branch_id,
        "commission_type": agreement.commission_type,
        "flat_rate": str(agreement.flat_rate),
        "reconciliation_day": agreement.reconciliation_day,
        "collection_period_days": agreement.collection_period_days,
        "plan_min_down_payment_percent": "25",
        "plan_max_instalments": "6",
        "plan_max_term_months": "12",
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
    }
    response = as_user(admin).post(f"/cases/agreements/{agreement.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement.refresh_from_db()
    assert (
        agreement.plan_min_down_payment_percent,
        agreement.plan_max_instalments,
        agreement.plan_max_term_months,
    ) == (Decimal("25.00"), 6, 12)
    page = as_user(admin).get(f"/cases/agreements/{agreement.pk}/")
    assert "At most 6 instalments" in page.content.decode()


def test_finance_dashboard_shows_the_claims_waiting(
    at_today, as_user, case_a, collector_a, finance_a
):
    payment_claim(case=case_a, actor=collector_a, amount="120", paid_on=TODAY, channel="to_bank")
    page = landing_html(as_user(finance_a))
    assert 'id="panel-payments-to-confirm"' in page
    assert 'data-testid="claims-waiting">1<' in page
    assert "120.00" in page
    collector_page = landing_html(as_user(collector_a))
    assert 'id="panel-payments-to-confirm"' not in collector_page
