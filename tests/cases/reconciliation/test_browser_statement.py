"""In a real browser: finance finds the waiting statement on the dashboard, reviews its
lines (filtered to the ones to follow up), approves it and publishes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Payment, Statement
from cases.services.statements import statement_prepare
from tests.conftest import browser_login

from .conftest import NOVEMBER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_reviews_and_approves_a_statement(page, november, agreement_a, finance_a):
    statement = statement_prepare(agreement=agreement_a, month=NOVEMBER)
    browser_login(page, finance_a.username)
    page.goto("/")
    panel = page.locator("#panel-statements")
    expect(panel.get_by_test_id("statements-drafts")).to_have_text("1")
    panel.get_by_role("link", name="A-001").click()
    expect(page.locator("h1")).to_contain_text("A-001")
    expect(page.get_by_test_id("commission-total")).to_have_text("52.80")
    expect(page.locator("#statement-lines tbody tr")).to_have_count(9)

    page.select_option("#filter-kind", "agency_only")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#statement-lines tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("follow up")

    page.click("#approve-statement")
    expect(page.get_by_role("alert").first).to_contain_text("Statement approved")
    expect(page.get_by_test_id("statement-status")).to_have_text("Approved")
    assert Payment.objects.get(pk=november["payments"]["same"].pk).status == "confirmed"
    assert Payment.objects.get(pk=november["payments"]["agency"].pk).status == "claimed"

    page.click("#publish-statement")
    expect(page.get_by_test_id("statement-status")).to_have_text("Published")
    assert Statement.objects.get(pk=statement.pk).status == "published"


def test_finance_reconciles_a_month_and_notes_a_line_in_chinese(
    page, november, agreement_a, finance_a
):
    from reporting import services
    from reporting.models import ReportRun

    finance_a.staff_profile.language = "zh-hans"
    finance_a.staff_profile.save()
    browser_login(page, finance_a.username)
    page.goto("/cases/statements/")
    page.click("#reconcile-a-month")
    expect(page.locator("h1")).to_have_text("按月对账")
    page.select_option("#reconcile-agreement", str(agreement_a.pk))
    page.fill("#reconcile-month", "2026-12")  # not ended: today is 7 December
    page.click("#reconcile-submit")
    expect(page.locator('[data-field="month"]')).to_contain_text("2026")
    page.fill("#reconcile-month", "2026-11")
    page.click("#reconcile-submit")
    expect(page.get_by_role("alert").first).to_contain_text("对账已排队")
    # The worker's part (the test's broker is not a real one): the queued run, executed.
    services.run_execute(ReportRun.objects.get().pk)
    statement = Statement.objects.get(agreement=agreement_a, month=NOVEMBER)

    page.goto(f"/cases/statements/{statement.pk}/?kind=amount_difference")
    page.get_by_role("link", name="添加备注").click()
    page.fill("#line-note", "银行扣了手续费")
    page.click("#line-note-save")
    expect(page.get_by_test_id("line-note")).to_have_text("银行扣了手续费")
