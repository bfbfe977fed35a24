"""In a real browser: a supervisor returns a weekly report with a comment, the collector
edits and resubmits it, the supervisor accepts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import WeeklyReport
from cases.selectors.reports import last_complete_week
from cases.services import reports as services
from tests.conftest import browser_login, click_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_returns_collector_resubmits_supervisor_accepts(page, supervisor_a, collector_a):
    report = services.weekly_report_start(collector=collector_a, week_start=last_complete_week())
    services.weekly_report_submit(report=report, actor=collector_a, narrative="Quiet week.")

    browser_login(page, "sup.a")
    page.wait_for_load_state("load")
    expect(page.locator("#panel-weekly-reports")).to_contain_text("1")
    click_nav(page, "nav-reports")
    page.click(f'#weekly-report-table tr[data-report="{report.pk}"] a')
    expect(page.locator("#report-status")).to_have_text("Submitted")
    expect(page.locator("#report-narrative-text")).to_contain_text("Quiet week.")
    page.click("#return-report")  # without a comment: refused on the field
    expect(page.locator('.invalid-feedback[data-field="comment"]')).to_be_visible()
    page.fill("#review-comment-input", "Say which promises you followed up.")
    page.click("#return-report")
    expect(page.locator("#report-status")).to_have_text("Returned for changes")

    page.context.clear_cookies()
    browser_login(page, "col.a")
    page.goto(f"/cases/reports/weekly/{report.pk}/")
    expect(page.locator("#review-comment")).to_contain_text("Say which promises")
    page.fill("#report-narrative", "Quiet week. Followed up the two promises of Monday.")
    page.click("#submit-report")
    expect(page.locator(".alert-success")).to_contain_text("submitted")
    expect(page.locator("#report-status")).to_have_text("Submitted")

    page.context.clear_cookies()
    browser_login(page, "sup.a")
    page.goto(f"/cases/reports/weekly/{report.pk}/")
    page.click("#accept-report")
    expect(page.locator("#report-status")).to_have_text("Accepted")

    report.refresh_from_db()
    assert report.status == WeeklyReport.Status.ACCEPTED
    assert report.narrative.endswith("promises of Monday.")
    reasons = report.history.order_by("history_id").values_list("history_change_reason", flat=True)
    assert list(reasons) == ["Started", "Submitted", "Returned", "Submitted again", "Accepted"]
