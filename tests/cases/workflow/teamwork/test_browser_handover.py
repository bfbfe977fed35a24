"""In a real browser: a supervisor hands a leaving collector's cases to two colleagues,
with a preview and a reason; the cases move and their history says why."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseAssignment
from tests.conftest import browser_login

from .conftest import assigned_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_hands_over_a_leavers_cases_with_a_preview(
    page, agreement_a, supervisor_a, collector_a, collector_a2, collector_a3
):
    cases = [assigned_case(agreement_a, collector_a) for _ in range(5)]
    browser_login(page, "sup.a")
    page.goto(f"/cases/assignment/collectors/{collector_a.pk}/")
    page.click("#handover-link")
    expect(page.locator("#handover-load")).to_contain_text("5")
    page.check(f"#receiver-{collector_a2.pk}")
    page.check(f"#receiver-{collector_a3.pk}")
    page.click("#handover-preview-button")  # no reason: refused on the field
    expect(page.locator('.invalid-feedback[data-field="reason"]')).to_be_visible()
    page.fill("#handover-reason", "Li Lei moves to the legal team")
    page.click("#handover-preview-button")
    expect(page.locator("#handover-plan-table tbody tr")).to_have_count(2)
    counts = sorted(
        int(text) for text in page.locator('[data-testid="share-count"]').all_inner_texts()
    )
    assert counts == [2, 3]
    assert Case.objects.filter(assigned_to=collector_a).count() == 5  # only a preview
    page.click("#handover-apply-button")
    expect(page.locator(".alert-success")).to_contain_text("5 cases assigned.")
    assert not Case.objects.filter(assigned_to=collector_a).exists()
    reasons = set(CaseAssignment.objects.filter(case__in=cases).values_list("reason", flat=True))
    assert reasons == {"Li Lei moves to the legal team"}
    page.goto(f"/cases/{cases[0].pk}/")
    expect(page.locator("body")).to_contain_text("Handed over from Li Lei")
