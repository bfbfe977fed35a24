"""The same battery for every page: anonymous, wrong role, success, bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdesk import services
from staff import roles
from tests.landing import landing_html, panel_html

pytestmark = pytest.mark.django_db

DESK_ONLY_PAGES = [
    "frontdesk:visit_register",
    "frontdesk:in_building",
    "frontdesk:in_building_live",
    "frontdesk:message_take",
    "frontdesk:document_register",
    "frontdesk:visitor_lookup",
]
STAFF_PAGES = [
    "frontdesk:visit_list",
    "frontdesk:visit_preregister",
    "frontdesk:message_list",
    "frontdesk:document_list",
    "frontdesk:my_items",
    "staff:notifications",
]


@pytest.mark.parametrize("name", DESK_ONLY_PAGES + STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", DESK_ONLY_PAGES)
def test_only_the_front_desk_runs_the_desk_pages(client, host, name):
    client.force_login(host)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", DESK_ONLY_PAGES + STAFF_PAGES)
def test_the_desk_opens_every_page(client, desk, name):
    client.force_login(desk)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_any_member_of_staff_opens_their_own_pages(client, host, name):
    client.force_login(host)
    assert client.get(reverse(name)).status_code == 200


def test_posts_need_a_csrf_token(desk, host):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(desk)
    response = strict.post(
        reverse("frontdesk:visit_register"),
        {"visitor_name": "A", "purpose": "B", "host": host.pk, "arrived_at": "2026-11-23T10:00"},
    )
    assert response.status_code == 403


def _fill(desk, people, count=15):
    for index in range(count):
        person = people[index % len(people)]
        services.visit_register(actor=desk, visitor_name=f"V{index}", purpose="p", host=person)
        services.message_take(actor=desk, caller_name=f"C{index}", message="m", recipient=person)
        document = services.document_register(
            actor=desk,
            title=f"D{index}",
            sender="s",
            receiving_unit="r",
            document_date="2026-11-20",
        )
        services.document_route(document=document, actor=desk, recipient=person)


@pytest.mark.parametrize(
    "name",
    [
        "frontdesk:visit_list",
        "frontdesk:message_list",
        "frontdesk:document_list",
        "frontdesk:in_building",
        "frontdesk:my_items",
    ],
)
def test_list_pages_use_a_bounded_number_of_queries(
    client, desk, host, department_head, django_assert_max_num_queries, name
):
    _fill(desk, [host, department_head])
    client.force_login(desk)
    with django_assert_max_num_queries(25):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_dashboard_panel_uses_a_bounded_number_of_queries(
    client, desk, host, department_head, django_assert_max_num_queries
):
    _fill(desk, [host, department_head])
    client.force_login(desk)
    with django_assert_max_num_queries(15):  # the panel as the page asks for it
        panel_html(client, "reception")
    page = landing_html(client)
    assert 'data-testid="in-building-count">15<' in page
    assert 'data-testid="unsigned-count">15<' in page


def test_a_branch_manager_reads_the_branch_registers_but_does_not_run_the_desk(
    client, desk, host, staff_user, branch_a
):
    visit = services.visit_register(actor=desk, visitor_name="V", purpose="p", host=host)
    manager = staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="manager.a")
    client.force_login(manager)
    assert client.get(reverse("frontdesk:visit_detail", args=[visit.pk])).status_code == 200
    assert client.post(reverse("frontdesk:visit_check_out", args=[visit.pk])).status_code == 403
