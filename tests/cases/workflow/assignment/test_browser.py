"""In a real browser: a supervisor filters the new cases, distributes them over two
collectors, checks the preview, applies it, and the cases show as assigned."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseAssignmentBatch
from tests.cases.api.builders import make_case, make_placement
from tests.conftest import browser_login, click_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_distributes_new_cases_with_a_preview(
    page, agreement_a, supervisor_a, collector_a, collector_a2
):
    morning = make_placement(agreement_a)
    cases = [
        make_case(
            agreement_a, placement=morning, account_no=f"MORN-{n:02d}", principal=Decimal(n * 1000)
        )
        for n in range(1, 8)
    ]
    older = make_case(agreement_a, account_no="OLDER-01")  # another placement: stays unassigned

    browser_login(page, "sup.a")
    click_nav(page, "nav-assignment")
    # The filter submits itself from app.js: wait until the page's scripts have run.
    page.wait_for_load_state("load")
    page.select_option("#filter-placement", str(morning.pk))  # auto-submits
    page.wait_for_url(f"**placement={morning.pk}*")
    expect(page.locator("#unassigned-table tbody tr")).to_have_count(7)
    expect(page.locator("#unassigned-table")).not_to_contain_text("OLDER-01")

    page.check("#scope-filter")
    page.check(f"#distribute-{collector_a.pk}")
    page.check(f"#distribute-{collector_a2.pk}")
    page.click("#preview-button")

    page.wait_for_url("**/cases/assignment/preview/")
    expect(page.locator("#plan-table tbody tr")).to_have_count(2)
    counts = sorted(
        int(text) for text in page.locator('[data-testid="share-count"]').all_inner_texts()
    )
    assert counts == [3, 4]
    assert not Case.objects.filter(assigned_to__isnull=False).exists()  # only a preview

    page.click("#apply-button")
    page.wait_for_url("**/cases/assignment/?*")
    expect(page.locator(".alert-success")).to_contain_text("7 cases assigned.")
    expect(page.locator("#unassigned-table tbody")).to_contain_text("Nothing to show.")

    assigned = {
        case.pk: case.assigned_to_id for case in Case.objects.filter(last_placement=morning)
    }
    assert set(assigned) == {case.pk for case in cases}
    assert set(assigned.values()) == {collector_a.pk, collector_a2.pk}
    assert Case.objects.get(pk=older.pk).assigned_to is None
    assert CaseAssignmentBatch.objects.get().kind == CaseAssignmentBatch.Kind.AUTOMATIC

    # And the case page says so.
    page.goto(f"/cases/{cases[0].pk}/")
    expect(page.locator("#assigned-collector")).not_to_have_text("nobody yet")
    expect(page.locator("#case-status")).to_have_text("Assigned")


def test_supervisor_ticks_cases_on_a_phone_screen_and_assigns_them(
    page, agreement_a, supervisor_a, collector_a
):
    page.set_viewport_size({"width": 390, "height": 844})
    cases = [make_case(agreement_a, account_no=f"TICK-{n}") for n in range(3)]
    browser_login(page, "sup.a")
    page.goto("/cases/assignment/")
    page.check("#select-page")
    expect(page.locator("#selected-count")).to_have_text("3")
    page.uncheck(f"#case-{cases[2].pk}")
    expect(page.locator("#selected-count")).to_have_text("2")
    page.select_option("#assign-collector", str(collector_a.pk))
    page.click("#assign-button")
    expect(page.locator(".alert-success")).to_contain_text("2 cases assigned.")
    expect(page.locator("#unassigned-table")).to_contain_text("TICK-2")
    assert Case.objects.filter(assigned_to=collector_a).count() == 2


def test_supervisor_reassigns_from_the_case_page_with_the_list_fetched_on_demand(
    page, agreement_a, supervisor_a, collector_a, collector_a2
):
    from cases.services.assignment import case_assign

    case = make_case(agreement_a, account_no="REASSIGN-1")
    case_assign(case=case, collector=collector_a, actor=supervisor_a)
    browser_login(page, "sup.a")
    page.goto(f"/cases/{case.pk}/")
    page.wait_for_load_state("load")
    # The page carries a button, not the branch's collectors; they come when it is clicked.
    expect(page.locator("#case-assign-collector")).to_have_count(0)
    page.click("#case-assign-open")
    expect(page.locator("#case-assign-form")).to_be_visible()
    assert page.url.endswith(f"/cases/{case.pk}/")  # fetched into the panel, no navigation
    page.select_option("#case-assign-collector", str(collector_a2.pk))
    page.fill("#case-assign-reason", "Leave")
    page.click("#case-assign-button")
    expect(page.locator(".alert-success")).to_contain_text("REASSIGN-1 assigned.")
    expect(page.locator("#assigned-collector")).to_contain_text(collector_a2.get_full_name())
    assert Case.objects.get(pk=case.pk).assigned_to_id == collector_a2.pk
