"""Who may manage (correct, void, check out, route) a front-desk entry: the rule itself.

The views and services ask `is_desk` first too, so only the selectors alone show that
each rule holds on its own: the desk of the entry's branch and HQ's desk, no one else.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from frontdesk import selectors, services
from staff import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(desk, host, register_document):
    visit = services.visit_register(actor=desk, visitor_name="Li Lei", purpose="Meeting", host=host)
    message = services.message_take(
        actor=desk,
        caller_name="Mr Chen",
        caller_phone="021 5888 1234",
        message="Please call back.",
        recipient=host,
        taken_at=dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC),
    )
    return {
        "visit": (selectors.may_manage_visit, visit),
        "message": (selectors.may_manage_message, message),
        "document": (selectors.may_manage_document, register_document()),
    }


@pytest.mark.parametrize("kind", ["visit", "message", "document"])
def test_the_desk_of_the_branch_and_hqs_desk_manage_an_entry(entries, desk, staff_user, hq, kind):
    rule, entry = entries[kind]
    hq_desk = staff_user(roles.FRONT_DESK, branch=hq, username="desk.hq")
    assert rule(user=desk, **{kind: entry})
    assert rule(user=hq_desk, **{kind: entry})


@pytest.mark.parametrize("kind", ["visit", "message", "document"])
def test_no_one_else_manages_an_entry(entries, host, desk_b, staff_user, branch_a, hq, kind):
    rule, entry = entries[kind]
    # Each of them reads the entry or sees the whole branch (or all branches): none
    # of them is the desk of its branch.
    others = [
        host,
        desk_b,
        staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="mgr.a"),
        staff_user(roles.BRANCH_MANAGER, branch=hq, username="mgr.hq"),
    ]
    for user in others:
        assert not rule(user=user, **{kind: entry}), user.username


def test_a_message_for_a_department_is_handled_by_its_head_only(
    desk, host, department_head, collections_a, other_supervisor
):
    message = services.message_take(
        actor=desk,
        caller_name="Mr Chen",
        message="Please call back.",
        recipient_department=collections_a,
    )
    assert selectors.may_handle_message(user=department_head, message=message)
    for user in (host, other_supervisor, desk):
        assert not selectors.may_handle_message(user=user, message=message), user.username


def test_each_message_page_shows_its_own_message(client, desk, host):
    first, second = (
        services.message_take(
            actor=desk, caller_name=name, message=f"Call {name} back.", recipient=host
        )
        for name in ("Mr Chen", "Ms Wang")
    )
    client.force_login(host)
    for message, other in ((first, second), (second, first)):
        page = client.get(reverse("frontdesk:message_detail", args=[message.pk])).content.decode()
        assert message.message in page and other.message not in page
