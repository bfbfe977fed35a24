"""GET /api/v1/cases/{id}/ shows the case's promises and confirmed payments, nothing about
who took or confirmed them; another bank's case stays a 404."""

from __future__ import annotations

import datetime as dt

from cases.services.payments import payment_claim, payment_confirm
from cases.services.promises import promise_record

from .conftest import TODAY


def test_case_detail_shows_promises_and_confirmed_payments_only(
    at_today, api_a, case_a, collector_a, supervisor_a
):
    promise = promise_record(
        case=case_a, actor=collector_a, amount="300", due_on=TODAY + dt.timedelta(days=4)
    )
    confirmed = payment_confirm(
        payment=payment_claim(
            case=case_a, actor=collector_a, amount="300", paid_on=TODAY, channel="to_bank"
        ),
        actor=supervisor_a,
    )
    payment_claim(case=case_a, actor=collector_a, amount="50", paid_on=TODAY, channel="to_bank")
    body = api_a.get(f"/api/v1/cases/{case_a.pk}/").json()
    assert [(p["id"], p["status"], p["amount_paid"]) for p in body["promises"]] == [
        (promise.pk, "kept", "300.00")
    ]
    assert [p["id"] for p in body["payments"]] == [confirmed.pk]
    text = str(body)
    for person in (collector_a, supervisor_a):
        assert person.username not in text
        assert person.last_name not in text
    assert "claimed_by" not in text and "made_by" not in text and "confirmed_by" not in text


def test_another_banks_case_is_a_404(at_today, api_b, case_a, collector_a):
    promise_record(
        case=case_a, actor=collector_a, amount="300", due_on=TODAY + dt.timedelta(days=4)
    )
    response = api_b.get(f"/api/v1/cases/{case_a.pk}/")
    assert response.status_code == 404
    assert "promises" not in response.json()
