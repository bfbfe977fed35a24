"""The top navigation grouped into menus (collections_office/navigation.py): nobody lost
a link when the flat bar became menus, nobody gained one, and every link opens."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from collections_office.navigation import MENU_KEYS, NavLink, Viewer, registry
from staff import roles
from tests.factories import make_staff

# The links each role had in the flat bar before the menus (rendered from the old
# templates cases/_nav.html, frontdesk/_nav.html, reporting/_nav.html, staff/…/_nav*.html
# and base.html, one single-role user each). A link added later goes here too: the table
# is the statement of who sees what.
EVERYONE = {
    "dashboard",
    "promotion:mine",
    "staff:assessments",
    "staff:training_mine",
    "staff:approvals",
    "staff:attendance",
}
RECEPTION = {"frontdesk:my_items"}
LINKS_BEFORE_MENUS = {
    roles.ADMIN_STAFF: EVERYONE
    | RECEPTION
    | {
        "cases:case_list",
        "cases:bank_list",
        "cases:placement_list",
        "cases:repayment_file_list",  # added with the menus (issue 13)
        "reporting:index",
        "staff:directory",
    },
    roles.SUPERVISOR: EVERYONE
    | RECEPTION
    | {
        "cases:case_list",
        "cases:assignment",
        "cases:compliance",
        "cases:payments",
        "cases:weekly_reports",
        "cases:visit_list",
        "reporting:index",
        "staff:directory",
    },
    roles.PHONE_COLLECTOR: EVERYONE
    | RECEPTION
    | {"cases:compliance", "cases:queue", "cases:weekly_reports", "reporting:index"},
    roles.FIELD_COLLECTOR: EVERYONE
    | RECEPTION
    | {"cases:compliance", "cases:queue", "cases:visit_list", "reporting:index"},
    roles.HR: EVERYONE | RECEPTION | {"staff:directory"},
    roles.COMMITTEE: EVERYONE | RECEPTION | {"staff:directory"},
    roles.DEPARTMENT_HEAD: EVERYONE | RECEPTION | {"staff:directory"},
    roles.FRONT_DESK: EVERYONE | {"frontdesk:visit_list", "staff:directory"},
    roles.FINANCE: EVERYONE
    | RECEPTION
    | {"cases:payments", "cases:statements", "reporting:index"},  # statements: issue 13
    roles.BRANCH_MANAGER: EVERYONE
    | RECEPTION
    | {
        "cases:case_list",
        "cases:compliance",
        "cases:weekly_reports",
        "cases:visit_list",
        "reporting:index",
        "staff:directory",
    },
}
# A superuser (no staff profile, so no attendance of their own) saw every role's links.
SUPERUSER_LINKS_BEFORE_MENUS = (
    set().union(*LINKS_BEFORE_MENUS.values()) - RECEPTION - {"staff:attendance"}
) | {"admin:index"}


def nav_hrefs(html: str) -> list[str]:
    bar = html.split('id="nav-links"', 1)[1].split('id="language-form"', 1)[0]
    return re.findall(r'<a class="(?:nav-link|dropdown-item)[^"]*"[^>]*href="([^"]+)"', bar)


def menu_keys(html: str) -> list[str]:
    return re.findall(r'data-nav-menu="([a-z]+)"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_keeps_exactly_the_links_it_had_before_the_menus(client, branch_a, role):
    client.force_login(make_staff(role, branch=branch_a, username=f"nav.{role}"))

    hrefs = nav_hrefs(client.get("/").content.decode())

    assert len(hrefs) == len(set(hrefs)), "a link shown twice"
    assert set(hrefs) == {reverse(name) for name in LINKS_BEFORE_MENUS[role]}


@pytest.mark.django_db
def test_a_superuser_keeps_every_link_including_the_administration_site(client):
    superuser = get_user_model().objects.create_superuser("nav.root", "root@example.cn", "x")
    client.force_login(superuser)

    hrefs = set(nav_hrefs(client.get("/").content.decode()))

    assert hrefs == {reverse(name) for name in SUPERUSER_LINKS_BEFORE_MENUS}


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_every_link_a_role_is_shown_opens_for_that_role(client, branch_a, role):
    client.force_login(make_staff(role, branch=branch_a, username=f"nav.open.{role}"))

    for href in nav_hrefs(client.get("/").content.decode()):
        response = client.get(href, follow=True)  # attendance opens on this month's sheet
        assert response.status_code == 200, f"{role} is shown {href} but cannot open it"


@pytest.mark.django_db
def test_menus_nobody_can_open_are_left_out_and_the_rest_keep_their_order(client, branch_a):
    client.force_login(make_staff(roles.HR, branch=branch_a, username="nav.menus.hr"))
    assert menu_keys(client.get("/").content.decode()) == ["work", "desk", "people"]

    client.force_login(make_staff(roles.FINANCE, branch=branch_a, username="nav.menus.fin"))
    assert menu_keys(client.get("/").content.decode()) == [
        "work",
        "money",
        "reports",
        "desk",
        "people",
    ]


@pytest.mark.django_db
def test_the_current_page_and_its_menu_are_marked(client, branch_a):
    client.force_login(make_staff(roles.SUPERVISOR, branch=branch_a, username="nav.current"))

    html = client.get(reverse("cases:payments")).content.decode()

    current = r'class="dropdown-item active" aria-current="page"[^>]*id="nav-payments"'
    assert re.search(current, html)
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*id="nav-menu-money"', html)
    assert html.count('aria-current="page"') == 1


@pytest.mark.django_db
def test_the_bar_is_in_chinese_for_a_chinese_reader(client, branch_a):
    client.force_login(make_staff(roles.SUPERVISOR, branch=branch_a, username="nav.zh"))
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    html = client.get("/").content.decode()
    bar = html.split('id="nav-links"', 1)[1].split('id="language-form"', 1)[0]

    for label in ("工作", "款项", "报表", "人事"):
        assert label in bar
    for english in ("Work", "Money", "People", "Payments", "Weekly reports"):
        assert f"> {english}<" not in bar and f">{english}<" not in bar


def test_a_link_in_an_unknown_menu_is_refused():
    with pytest.raises(ValueError, match="unknown menu 'misc'"):
        registry.register(
            NavLink("nav-x", "misc", "X", "dashboard", lambda viewer: True),
        )
    assert "misc" not in MENU_KEYS


def test_a_viewer_without_roles_or_profile_sees_no_menu():
    nobody = Viewer(user=object(), roles=frozenset(), profile=None)
    assert registry.menus_for(nobody) == []
