"""The top navigation's menus in a real browser: one line on a laptop and a small laptop
for the person with the most links, a collapsed menu on a 390 px phone, the keyboard."""

import pytest

from staff import roles
from tests.conftest import browser_login
from tests.factories import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The bar's items and its right-hand side (bell, language, user menu) on one line.
BAR_LINES = """() => {
  const tops = new Set();
  let right = 0;
  const items = [...document.querySelectorAll(
    "#nav-links > li, .navbar-brand, #notification-bell, #language-form, #user-menu")];
  for (const el of items) {
    const box = el.getBoundingClientRect();
    tops.add(Math.round(box.top + box.height / 2));
    right = Math.max(right, box.right);
  }
  const spread = Math.max(...tops) - Math.min(...tops);
  return {spread, items: items.length, right, width: document.documentElement.clientWidth,
          height: document.querySelector("nav.navbar").getBoundingClientRect().height};
}"""


@pytest.fixture
def everything_user(branch_a):
    """Every role, a staff profile, the administration site: the most links anyone has,
    and a long name in the user menu."""
    user = make_staff(*roles.ALL_ROLES, branch=branch_a, username="nav.everything")
    user.is_staff = user.is_superuser = True
    user.first_name, user.last_name = "Alexandrina", "Montgomery-Wellington"
    user.save()
    return user


def viewport(browser, live_server, width, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}, **options
    )
    context.set_default_timeout(15_000)
    return context


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_bar_is_one_line_for_the_person_with_the_most_links(
    browser, live_server, everything_user, width
):
    context = viewport(browser, live_server, width, locale="en-US")
    try:
        page = context.new_page()
        browser_login(page, everything_user.username)
        for language in ("en", "zh-hans"):
            if language == "zh-hans":
                with page.expect_navigation():
                    page.select_option("#language-form select", "zh-hans")
            assert page.locator(".navbar-toggler").is_hidden()
            # Dashboard + six menus (work, money, reports, desk, people, admin).
            assert page.locator("#nav-links > li").count() == 7
            bar = page.evaluate(BAR_LINES)
            assert bar["items"] == 11
            assert bar["spread"] <= 4, f"{language} at {width}px: the bar wraps ({bar})"
            assert bar["height"] < 70, f"{language} at {width}px: the bar is {bar['height']}px"
            assert bar["right"] <= bar["width"], f"{language} at {width}px: the bar overflows"
    finally:
        context.close()


def test_a_menu_opens_and_is_followed_with_the_keyboard(page, everything_user):
    browser_login(page, everything_user.username)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.focus("#nav-menu-people")
    page.keyboard.press("Enter")
    assert page.locator("#nav-attendance").is_visible()
    assert page.get_attribute("#nav-menu-people", "aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert page.locator("#nav-attendance").is_hidden()
    assert page.evaluate("document.activeElement.id") == "nav-menu-people"

    page.keyboard.press("ArrowDown")  # opens the menu on its first link
    page.wait_for_function("document.activeElement.id === 'nav-attendance'")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "nav-talent"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/staff/training/mine/")
    # The page's own menu says where we are.
    assert "active" in page.get_attribute("#nav-menu-people", "class")


def test_on_a_phone_the_menu_collapses_opens_and_a_link_works(
    browser, live_server, staff_user, branch_a
):
    collector = staff_user(roles.FIELD_COLLECTOR, branch=branch_a, username="nav.phone")
    context = viewport(browser, live_server, 390, is_mobile=True, locale="en-US")
    try:
        phone = context.new_page()
        browser_login(phone, collector.username)
        assert phone.locator(".navbar-toggler").is_visible()
        assert phone.locator("#nav-menu-work").is_hidden()

        phone.click(".navbar-toggler")
        phone.click("#nav-menu-work")
        phone.locator("#nav-visits").wait_for(state="visible")
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the open menu scrolls sideways by {overflow}px"

        phone.click("#nav-visits")
        phone.wait_for_url("**/cases/visits/")
        assert phone.locator("#nav-menu-work").is_hidden()  # collapsed again on the new page
    finally:
        context.close()
