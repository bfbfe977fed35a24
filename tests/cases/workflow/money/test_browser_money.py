"""In a real browser: a collector records a promise with a call and claims the payment; a
supervisor confirms it from the payments list; the promise shows kept."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Payment, Promise
from tests.conftest import browser_login, click_nav

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def today_at(hour: int, minute: int = 0) -> dt.datetime:
    today = timezone.now().astimezone(SHANGHAI).date()
    return dt.datetime.combine(today, dt.time(hour, minute), tzinfo=SHANGHAI)


def test_promise_claimed_payment_confirmed_promise_kept(
    page, clock, case_a, collector_a, supervisor_a, workflow_defaults
):
    clock(today_at(15))
    today = timezone.now().astimezone(SHANGHAI).date()
    due = today + dt.timedelta(days=3)

    browser_login(page, collector_a.username)
    page.goto(f"/cases/{case_a.pk}/")
    page.wait_for_load_state("load")
    # The promise's fields show for the "promise to pay" outcome only.
    expect(page.locator("#call-promise-fields")).to_be_hidden()
    page.select_option("#call-outcome", label="Promise to pay")
    expect(page.locator("#call-promise-fields")).to_be_visible()
    page.fill("#call-started-at", today_at(14, 50).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#call-duration-seconds", "180")
    page.fill("#call-telephony-recording-id", "PBX-4711")
    page.fill("#call-promise-amount", "500.00")
    page.fill("#call-promise-due-on", due.isoformat())
    page.click("#call-log-submit")
    expect(page.get_by_role("alert").first).to_contain_text("Call and promise logged.")
    promise_row = page.locator("#case-promises tr[data-promise]").first
    expect(promise_row).to_contain_text("500.00")
    expect(promise_row).to_contain_text("Open")

    page.click("#payment-open")
    expect(page.locator("#payment-form")).to_be_visible()
    page.fill("#payment-amount", "500.00")
    page.fill("#payment-paid-on", today.isoformat())
    page.select_option("#payment-channel", "to_bank")
    page.fill("#payment-reference", "ICBC-20261130-01")
    page.click("#payment-submit")
    expect(page.get_by_role("alert").first).to_contain_text("Payment claimed")
    expect(page.locator("#case-payments tr[data-payment]").first).to_contain_text("Claimed")

    page.context.clear_cookies()
    browser_login(page, supervisor_a.username)
    click_nav(page, "nav-payments")
    payment = Payment.objects.get()
    row = page.locator(f"#payment-list tr[data-payment='{payment.pk}']")
    expect(row).to_contain_text("ICBC-20261130-01")
    row.locator("button[type=submit]").click()
    expect(page.get_by_role("alert").first).to_contain_text("Payment confirmed")
    expect(page.locator(f"#payment-list tr[data-payment='{payment.pk}']")).to_have_count(0)

    page.goto(f"/cases/{case_a.pk}/")
    expect(page.locator("#case-promises tr[data-promise]").first).to_contain_text("Kept")
    promise = Promise.objects.get()
    assert promise.status == Promise.Status.KEPT and promise.call_id is not None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CONFIRMED and payment.confirmed_by == supervisor_a
