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
