import pytest

from staff import roles
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_logs_in_switches_to_chinese_and_logs_out(page, staff_user, branch_a):
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.browser")

    browser_login(page, supervisor.username)
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator("#nav-menu-people").inner_text().strip() == "People"

    # The select submits its form (app.js, no inline script): wait for that navigation.
    with page.expect_navigation():
        page.select_option("#language-form select", "zh-hans")
    assert page.locator("h1").inner_text() == "工作台"
    assert page.locator("#nav-menu-people").inner_text().strip() == "人事"
    page.click("#nav-menu-people")
    assert page.locator("#nav-staff").inner_text() == "员工"
    supervisor.staff_profile.refresh_from_db()
    assert supervisor.staff_profile.language == "zh-hans"

    page.click("#user-menu")
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/**")
    page.goto("/")
    assert "/accounts/login/" in page.url


# --- Content Security Policy and phone width, in a real browser ----------------------------

# Runs before any page script: collects every CSP violation the browser reports.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watch_console(page) -> list[str]:
    problems = []
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def assert_no_csp_violation(page, problems: list[str]) -> None:
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], f"{page.url}: {violations}"
    assert problems == [], f"{page.url}: {problems}"


def test_login_page_dashboard_staff_and_api_docs_have_no_csp_violations(page, staff_user, branch_a):
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.csp")
    problems = watch_console(page)

    page.goto("/accounts/login/")
    assert_no_csp_violation(page, problems)

    browser_login(page, supervisor.username)
    assert page.locator("h1").inner_text() == "Dashboard"
    assert_no_csp_violation(page, problems)

    page.goto("/staff/")
    assert page.locator("#staff-table").is_visible()
    assert_no_csp_violation(page, problems)

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    assert_no_csp_violation(page, problems)

    # Bootstrap's JavaScript works under the CSP: the user menu opens.
    page.goto("/")
    page.click("#user-menu")
    assert page.locator("#logout-button").is_visible()
    assert_no_csp_violation(page, problems)


def test_at_phone_width_the_navigation_collapses_and_nothing_scrolls_sideways(
    browser, live_server, staff_user, branch_a
):
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.phone")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    try:
        phone = context.new_page()
        browser_login(phone, supervisor.username)
        staff_link = phone.locator("#nav-staff")
        assert phone.locator(".navbar-toggler").is_visible()
        assert not staff_link.is_visible()

        phone.click(".navbar-toggler")
        phone.click("#nav-menu-people")
        staff_link.wait_for(state="visible")
        staff_link.click()
        phone.wait_for_url("**/staff/")
        for url in ("/", "/staff/", "/accounts/login/"):
            phone.goto(url)
            overflow = phone.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 375px"
    finally:
        context.close()
