"""In a real browser: the supervisor's landing page loads its panels after the page, and a
panel that fails says which one it was."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from staff import roles
from tests.conftest import TEST_PASSWORD, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supervisors_landing_page_shows_its_panels_after_loading(page, staff_user, branch_a):
    staff_user(roles.SUPERVISOR, branch=branch_a, username="landing.supervisor")
    staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="landing.collector")
    browser_login(page, "landing.supervisor")
    page.goto("/")
    # Every placeholder is replaced by its panel, or removed when it has nothing to show.
    expect(page.locator(".dashboard-slot")).to_have_count(0)
    for panel in ("#panel-team-week", "#panel-supervisor", "#panel-cases"):
        assert page.locator(panel).is_visible(), panel
    assert page.locator("#panel-team-week tr[data-collector]").count() == 1
    page.wait_for_selector("#panel-cases canvas[data-drawn]")  # charts drawn after the swap
    assert page.locator("[role=alert]").count() == 0

    # A panel whose URL fails names itself; the others still load.
    page.route("**/dashboard/panels/case-status/", lambda route: route.fulfill(status=500))
    page.goto("/")
    page.wait_for_selector("#slot-case-status [role=alert]")
    assert page.locator("#slot-case-status").inner_text().strip() == (
        "Cases by status could not be loaded."
    )
    page.wait_for_selector("#panel-team-week")


def test_a_page_whose_panels_all_answer_empty_says_so(page, django_user_model):
    # An account without a staff profile or a role: every panel answers empty.
    django_user_model.objects.create_user("landing.bare", password=TEST_PASSWORD)
    browser_login(page, "landing.bare")
    page.goto("/")
    expect(page.locator(".dashboard-slot")).to_have_count(0)
    expect(page.locator("#dashboard-empty")).to_be_visible()
