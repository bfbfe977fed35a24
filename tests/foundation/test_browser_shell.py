import pytest

from staff import roles
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_logs_in_switches_to_chinese_and_logs_out(page, staff_user, branch_a):
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.browser")

    browser_login(page, supervisor.username)
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("#nav-links").get_by_text("Staff").is_visible()

    # The select submits its form (app.js, no inline script): wait for that navigation.
    with page.expect_navigation():
        page.select_option("#language-form select", "zh-hans")
    assert page.locator("h1").inner_text() == "工作台"
    assert page.locator("#nav-links").get_by_text("员工").is_visible()
    supervisor.staff_profile.refresh_from_db()
    assert supervisor.staff_profile.language == "zh-hans"

    page.click("#user-menu")
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/**")
    page.goto("/")
    assert "/accounts/login/" in page.url
