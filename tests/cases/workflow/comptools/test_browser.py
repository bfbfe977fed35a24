"""In a real browser: a supervisor grants an override from the refusals page and sees it counted."""

from __future__ import annotations

import pytest

from cases.models import ComplianceOverride
from staff.models import Notification

from .conftest import make_refusal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_grants_an_override_from_the_refusals_page(page, supervisor, collector, case):
    from tests.conftest import browser_login, click_nav

    refusal = make_refusal(case, collector)
    browser_login(page, supervisor.username)

    click_nav(page, "nav-compliance")
    page.click("#subnav-refusals")
    row = page.locator(f'tr[data-refusal="{refusal.pk}"]')
    assert "Contact window" in row.inner_text()
    row.locator('[data-action="grant-override"]').click()

    page.wait_for_url(f"**/cases/compliance/refusals/{refusal.pk}/override/")
    assert page.locator("#id_rules_0").is_checked()  # filled in from the refusal
    page.click("#grant-override")  # no reason yet: refused on the field
    assert (
        page.locator('[data-field="reason"]').count() == 1
        or page.locator("#id_reason:invalid").count() == 1
    )
    page.fill("#id_reason", "The debtor asked to be called after his night shift.")
    page.click("#grant-override")

    page.wait_for_url("**/cases/compliance/refusals/")
    assert "Override granted" in page.locator(".alert-success").inner_text()
    override = ComplianceOverride.objects.get()
    assert override.granted_by == supervisor and override.collector == collector
    assert Notification.objects.filter(recipient=collector).count() == 1

    page.click("#subnav-compliance")
    figures = page.locator(f'tr[data-collector="{collector.pk}"]')
    assert figures.locator('[data-figure="overrides"]').inner_text().startswith("1")
    assert figures.locator('[data-figure="refusals"]').inner_text() == "1"
    figures.get_by_role("link").first.click()
    page.wait_for_url(f"**/cases/compliance/collectors/{collector.pk}/**")
    overrides = page.locator("#overrides").inner_text()
    assert "The debtor asked to be called after his night shift." in overrides
    assert case.account_no in overrides
