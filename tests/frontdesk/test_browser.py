"""The desk's day in a real browser (Playwright + Debian Chromium)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from frontdesk.models import Document, RoutingStep, Visit
from staff.models import Notification
from tests.conftest import browser_login, click_nav
from tests.frontdesk.conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_registers_a_visitor_with_the_keyboard_and_checks_them_out(page, desk, host):
    browser_login(page, desk.username)
    click_nav(page, "nav-frontdesk")
    page.click("#register-visitor")
    # The name field has the focus when the page opens: the desk just types.
    page.wait_for_selector("#id_visitor_name:focus")
    page.keyboard.type("Li Lei")
    assert page.evaluate("document.activeElement.name") == "visitor_name"
    page.fill("#id_phone", "13800138000")
    page.fill("#id_organisation", "ICBC")
    page.select_option("#id_host", str(host.pk))
    page.fill("#id_purpose", "Reconciliation")
    page.fill("#id_badge_number", "V-12")
    page.press("#id_badge_number", "Enter")  # Enter saves

    page.wait_for_url("**/frontdesk/visitors/in-building/")
    assert "has been notified" in page.inner_text(".alert-success")
    row = page.locator("#in-building-table tbody tr", has_text="Li Lei")
    assert row.count() == 1
    assert page.inner_text("#in-building-count") == "1"
    assert Notification.objects.filter(recipient=host).count() == 1

    row.get_by_role("button", name="Check out").click()
    page.wait_for_load_state()
    assert page.inner_text("#in-building-count") == "0"
    assert page.locator("#in-building-table tbody tr", has_text="Li Lei").count() == 0
    assert Visit.objects.get().status == Visit.Status.LEFT


def test_a_bad_phone_number_is_shown_on_the_field(page, desk, host):
    browser_login(page, desk.username)
    page.goto("/frontdesk/visitors/new/")
    page.fill("#id_visitor_name", "Li Lei")
    page.fill("#id_phone", "12345")
    page.select_option("#id_host", str(host.pk))
    page.fill("#id_purpose", "Meeting")
    page.click("#save-visit")
    assert "valid phone number" in page.inner_text('[data-field="phone"]')
    assert page.locator("#id_phone.is-invalid").count() == 1
    assert page.input_value("#id_visitor_name") == "Li Lei"  # nothing typed is lost
    assert Visit.objects.count() == 0


def test_desk_registers_and_routes_a_document_and_the_recipient_signs_for_it(
    page, browser, live_server, desk, department_head, tmp_path
):
    scan = tmp_path / "court-notice.pdf"
    scan.write_bytes(PDF_BYTES)

    browser_login(page, desk.username)
    page.goto("/frontdesk/documents/")
    page.click("#register-document")
    page.fill("#id_title", "Court notice 118")
    page.fill("#id_reference_number", "(2026) Hu 0115 Zhi 118")
    page.fill("#id_sender", "Pudong District Court")
    page.fill("#id_receiving_unit", "Collections")
    page.select_option("#id_confidentiality", "confidential")
    page.set_input_files("#id_files", str(scan))
    page.click("#save-document")
    page.wait_for_url("**/frontdesk/documents/*/")
    document = Document.objects.get()
    assert document.attachments.get().encrypted

    page.select_option("#id_recipient", str(department_head.pk))
    page.fill("#id_instructions", "Please reply to the court")
    page.click("#route-document")
    page.wait_for_load_state()
    assert "awaiting" in page.inner_text('[data-testid="step-1-signature"]')

    # The recipient, in a browser of their own, follows the notification and signs.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    recipient_page = context.new_page()
    try:
        browser_login(recipient_page, department_head.username)
        assert recipient_page.inner_text('[data-testid="unread-count"]') == "1"
        recipient_page.click("#notification-bell")
        recipient_page.get_by_role("button", name="Open").first.click()
        recipient_page.wait_for_url(f"**/frontdesk/documents/{document.pk}/")
        with recipient_page.expect_download() as download:
            recipient_page.click("#attachments a")
        assert download.value.suggested_filename == "court-notice.pdf"
        recipient_page.click("#sign-for-document")
        recipient_page.wait_for_load_state()
        signature = recipient_page.inner_text('[data-testid="step-1-signature"]')
        assert department_head.get_full_name() in signature
    finally:
        context.close()

    step = RoutingStep.objects.get()
    assert step.signed_by == department_head and step.signed_at is not None
    document.refresh_from_db()
    assert document.status == Document.Status.IN_PROGRESS


def test_a_returning_visitor_is_offered_and_fills_the_form(page, desk, host):
    from frontdesk import services

    services.visit_register(
        actor=desk,
        visitor_name="Wang Fang",
        phone="13912345678",
        organisation="Bank of Shanghai",
        purpose="Audit",
        host=host,
    )
    browser_login(page, desk.username)
    page.goto("/frontdesk/visitors/new/")
    page.fill("#id_phone", "13912345678")
    page.locator(".returning-visitor", has_text="Wang Fang").click()
    assert page.input_value("#id_visitor_name") == "Wang Fang"
    assert page.input_value("#id_organisation") == "Bank of Shanghai"
    assert page.input_value("#id_host") == str(host.pk)
    page.click("#save-visit")
    page.wait_for_url("**/frontdesk/visitors/in-building/")
    assert Visit.objects.filter(visitor_name="Wang Fang").count() == 2


def test_a_visitor_checked_out_elsewhere_leaves_the_in_building_list_without_a_reload(
    page, browser, live_server, desk, host, settings
):
    from frontdesk import services

    settings.FRONTDESK_IN_BUILDING_REFRESH_SECONDS = 1
    services.visit_register(actor=desk, visitor_name="Li Lei", purpose="Audit", host=host)
    leaving = services.visit_register(
        actor=desk, visitor_name="Han Meimei", purpose="Interview", host=host
    )
    browser_login(page, desk.username)
    page.goto("/frontdesk/visitors/in-building/")
    assert page.get_attribute("#in-building", "data-refresh-seconds") == "1"
    assert page.inner_text("#in-building-count") == "2"
    # A mark on the page: a reload (or a navigation) would wipe it.
    page.evaluate("window.__stillTheSamePage = true")

    # A colleague checks the visitor out at the other desk computer.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    other_desk = context.new_page()
    try:
        browser_login(other_desk, desk.username)
        other_desk.goto("/frontdesk/visitors/in-building/")
        other_desk.click(f'[data-testid="check-out-{leaving.pk}"]')
        other_desk.wait_for_load_state()
    finally:
        context.close()
    assert Visit.objects.get(pk=leaving.pk).status == Visit.Status.LEFT

    # The first page picks it up at its next poll.
    han = page.locator("#in-building-table tbody tr", has_text="Han Meimei")
    han.wait_for(state="detached", timeout=10_000)
    expect(page.locator("#in-building-count")).to_have_text("1", timeout=10_000)
    assert page.locator("#in-building-table tbody tr", has_text="Li Lei").count() == 1
    assert page.evaluate("window.__stillTheSamePage") is True
    # It keeps polling after the swap (the new list carries the trigger again).
    services.visit_check_out(visit=Visit.objects.get(visitor_name="Li Lei"), actor=desk)
    expect(page.locator("#in-building-count")).to_have_text("0", timeout=10_000)
    assert page.evaluate("window.__stillTheSamePage") is True


def test_an_untouched_in_building_page_stops_polling_so_the_idle_session_still_ends(
    page, desk, host, settings
):
    from frontdesk import services

    settings.FRONTDESK_IN_BUILDING_REFRESH_SECONDS = 1
    settings.SESSION_COOKIE_AGE = 4  # the session's idle time, shortened for the test
    visit = services.visit_register(actor=desk, visitor_name="Li Lei", purpose="Audit", host=host)
    browser_login(page, desk.username)
    page.goto("/frontdesk/visitors/in-building/")
    assert page.get_attribute("#in-building", "data-idle-seconds") == "4"

    # Nobody touches the page: after the idle time the polls stop and the page says so.
    expect(page.locator("#in-building-paused")).to_be_visible(timeout=10_000)
    services.visit_check_out(visit=visit, actor=desk)
    page.wait_for_timeout(2_500)
    assert page.locator("#in-building-table tbody tr", has_text="Li Lei").count() == 1
    # Meanwhile the session has expired; the next touch resumes polling, whose answer
    # is the login page: the page reloads to the login form instead of showing it inline.
    page.wait_for_timeout(3_000)
    page.mouse.move(200, 200)
    page.mouse.move(300, 300)
    page.wait_for_url("**/accounts/login/**", timeout=10_000)
    assert page.locator("#id_username").count() == 1
