"""In a real browser: a collector works the queue and logs a call; a refused call shows the rule."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.audio import tone_wav
from cases.models import CallLog, ComplianceRefusal
from tests.conftest import browser_login, click_nav

from .conftest import assigned_case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def today_at(hour: int, minute: int = 0) -> dt.datetime:
    today = timezone.now().astimezone(SHANGHAI).date()
    return dt.datetime.combine(today, dt.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def recording(tmp_path):
    path = tmp_path / "call-recording.wav"
    path.write_bytes(tone_wav(seconds=1.0))
    return path


def test_collector_works_the_queue_and_lands_on_the_next_case(
    page, clock, agreement_a, collector_a, recording
):
    clock(today_at(15))
    now = timezone.now()
    first = assigned_case(
        agreement_a,
        collector_a,
        next_callback_at=now - dt.timedelta(minutes=30),
        first_action_at=now - dt.timedelta(days=2),
        last_call_at=now - dt.timedelta(days=1),
        status="in_progress",
        account_no="QUEUE-FIRST",
    )
    second = assigned_case(
        agreement_a,
        collector_a,
        assigned_at=now - dt.timedelta(minutes=20),
        account_no="QUEUE-SECOND",
    )

    browser_login(page, collector_a.username)
    click_nav(page, "nav-queue")
    rows = page.locator("tr[data-queue-row]")
    expect(rows.nth(0)).to_contain_text("QUEUE-FIRST")
    expect(rows.nth(0)).to_contain_text("Callback due")
    expect(rows.nth(1)).to_contain_text("QUEUE-SECOND")
    # The first row is selected; Enter opens it.
    expect(rows.nth(0)).to_have_class(re.compile("table-active"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/cases/{first.pk}/?queue=*")

    page.select_option("#call-outcome", label="Contacted")
    page.fill("#call-duration-seconds", "95")
    page.fill("#call-notes", "Will pay on Friday")
    page.set_input_files("#call-recording", str(recording))
    page.click("#call-log-submit")

    page.wait_for_url(f"**/cases/{second.pk}/?queue=*")
    expect(page.locator("#case-account")).to_have_text("QUEUE-SECOND")
    expect(page.get_by_role("alert").first).to_contain_text("Call logged.")
    call = CallLog.objects.get()
    assert call.case_id == first.pk and call.status == "completed"
    assert call.recording_content_type == "audio/wav" and call.duration_seconds == 95


def test_an_out_of_window_call_is_refused_and_the_page_shows_the_rule(
    page, clock, case_a, collector_a, recording
):
    clock(today_at(23))
    browser_login(page, collector_a.username)
    page.goto(f"/cases/{case_a.pk}/")
    # The callback time is shown only for outcomes that need one.
    expect(page.locator("#id_callback_at-wrapper")).to_be_hidden()
    page.select_option("#call-outcome", label="Call back")
    expect(page.locator("#id_callback_at-wrapper")).to_be_visible()
    page.select_option("#call-outcome", label="No answer")
    page.fill("#call-started-at", today_at(22, 14).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#call-duration-seconds", "0")
    page.set_input_files("#call-recording", str(recording))
    page.click("#call-log-submit")

    refusal = page.locator("#call-refused")
    expect(refusal).to_contain_text("22:14 is outside the contact window 08:00–22:00")
    expect(refusal).to_contain_text("supervisor can grant an override")
    assert not CallLog.objects.exists()
    assert ComplianceRefusal.objects.get().rules == ["contact_window"]


def test_a_collector_clicks_call_on_a_number_outside_the_window_and_sees_the_rule(
    page, clock, case_a, collector_a
):
    clock(today_at(22, 14))
    point = case_a.debtor.contact_points.get(kind="phone")
    browser_login(page, collector_a.username)
    page.goto(f"/cases/{case_a.pk}/")
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.click(f"#call-start-{point.pk}")

    refusal = page.locator("#call-refused")
    expect(refusal).to_contain_text("Do not dial")
    expect(refusal).to_contain_text("22:14 is outside the contact window 08:00–22:00")
    assert not CallLog.objects.exists()
    refused = ComplianceRefusal.objects.get()
    assert refused.rules == ["contact_window"] and refused.contact_point_id == point.pk


def test_a_collector_dials_then_logs_the_same_call(page, clock, case_a, collector_a, recording):
    clock(today_at(15))
    point = case_a.debtor.contact_points.get(kind="phone")
    browser_login(page, collector_a.username)
    page.goto(f"/cases/{case_a.pk}/")
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.click(f"#call-start-{point.pk}")
    expect(page.locator("#call-started")).to_contain_text("log the call below")
    # The number and the start time are the dial's: shown, not editable.
    expect(page.locator("#call-contact-point")).to_be_disabled()
    page.select_option("#call-outcome", label="Contacted")
    page.fill("#call-duration-seconds", "80")
    page.set_input_files("#call-recording", str(recording))
    with page.expect_navigation():
        page.click("#call-log-submit")
    expect(page.get_by_role("alert").first).to_contain_text("Call logged.")
    call = CallLog.objects.get()
    assert call.status == "completed" and call.duration_seconds == 80
