"""In a real browser: a collector opens a case, adds a number, marks another invalid,
places a dispute hold (the banner shows) and reveals the ID (recorded)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import CaseHold, ContactPoint
from staff.models import PersonalDataView
from tests.cases.api.builders import ID_NUMBER
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_collector_works_the_case_page(page, case, collector_a):
    browser_login(page, collector_a.username)
    page.goto(f"/cases/{case.pk}/")
    expect(page.locator("#debtor-id")).to_have_text("110101********8515")
    page.wait_for_load_state("load")  # the toggles need Bootstrap's script, loaded deferred

    # Add a relative's number.
    page.click("#add-number-toggle")
    expect(page.locator("#add-number-form")).to_be_visible()
    page.fill("#id_value", "139 0000 3333")
    page.select_option("#id_relation", "relative")
    page.fill("#id_contact_name", "brother, Zhang Wei")
    page.select_option("#id_source", "debtor")
    with page.expect_navigation():
        page.click("#add-number-submit")
    page.wait_for_url(f"**/cases/{case.pk}/#contact-points")
    expect(page.locator("#contact-point-table")).to_contain_text("3333")
    expect(page.locator("#contact-point-table")).to_contain_text("brother, Zhang Wei")
    added = ContactPoint.objects.get(debtor=case.debtor, relation="relative")
    assert added.value == "+8613900003333"

    # Mark the second original number invalid; a missing reason is refused first.
    old = next(
        point
        for point in ContactPoint.objects.filter(debtor=case.debtor)
        if point.value == "+8613900001111"
    )
    page.click(f"#invalid-toggle-{old.pk}")
    page.click(f"#mark-invalid-{old.pk}")
    expect(page.locator(f'tr[data-contact-point="{old.pk}"]')).to_contain_text(
        "Say why the number is invalid."
    )
    page.fill(f"#invalid-reason-{old.pk}", "Number no longer in service")
    page.click(f"#mark-invalid-{old.pk}")
    row = page.locator(f'tr[data-contact-point="{old.pk}"]')
    expect(row).to_contain_text("invalid")
    expect(row).to_contain_text("Number no longer in service")
    old.refresh_from_db()
    assert not old.is_valid

    # Place a dispute hold: the banner shows.
    page.click("#place-hold-toggle")
    page.select_option("#id_kind", "dispute")
    page.fill("#holds #id_reason", "Debtor says the card was stolen")
    page.click("#place-hold-submit")
    banner = page.locator(".hold-banner")
    expect(banner).to_contain_text("No contact: Dispute since")
    expect(banner).to_contain_text("Debtor says the card was stolen")
    assert CaseHold.objects.get(case=case).placed_by == collector_a
    expect(page.locator("#case-timeline")).to_contain_text("Hold placed: Dispute")

    # Reveal the ID number: shown in full, and recorded.
    page.click("#reveal-personal-data")
    expect(page.locator("#debtor-id")).to_have_text(ID_NUMBER)
    expect(page.locator("#revealed-note")).to_be_visible()
    expect(page.locator("#contact-point-table")).to_contain_text("+8613900003333")
    assert PersonalDataView.objects.filter(user=collector_a, object_id=str(case.pk)).count() == 1
