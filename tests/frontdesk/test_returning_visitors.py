"""The desk's "returning visitor" suggestions: matches, one per person, newest first."""

from __future__ import annotations

import pytest

from frontdesk import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(desk, host):
    def register(name: str, phone: str = "", *, actor=None):
        return services.visit_register(
            actor=actor or desk, visitor_name=name, purpose="Meeting", host=host, phone=phone
        )

    return register


def names(visits) -> list[str]:
    return [v.visitor_name for v in visits]


def test_a_name_or_a_phone_finds_the_person_once_newest_visit_first(desk, visit):
    visit("Wang Fang", "139 1234 5678")
    latest = visit("wang fang ", "13912345678")  # the same person, typed differently
    visit("Li Lei", "138 0013 8000")

    for query in ("wa", "WANG", "139 1234 5678", "5678", "56 78"):
        assert selectors.returning_visitors(user=desk, query=query) == [latest], query
    for query in ("", " w ", "678", "Nobody"):  # 3 digits: too short for an ending
        assert selectors.returning_visitors(user=desk, query=query) == [], query


def test_suggestions_stop_at_the_limit_and_skip_void_visits(desk, visit):
    for n in range(10):
        visit(f"Guest {n}")
        if n == 5:
            visit("Guest 4")  # a second visit of Guest 4 among the others
    services.visit_void(visit=visit("Guest void"), actor=desk, reason="Typed twice")

    found = selectors.returning_visitors(user=desk, query="guest")

    assert names(found) == [
        "Guest 9",
        "Guest 8",
        "Guest 7",
        "Guest 6",
        "Guest 4",
        "Guest 5",
        "Guest 3",
        "Guest 2",
    ]
    assert names(selectors.returning_visitors(user=desk, query="guest", limit=3)) == [
        "Guest 9",
        "Guest 8",
        "Guest 7",
    ]


def test_another_branchs_visitors_are_not_suggested(desk, desk_b, visit, staff_user, branch_b):
    from staff import roles

    host_b = staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="host.b")
    services.visit_register(
        actor=desk_b, visitor_name="Wang Fang", purpose="Meeting", host=host_b, phone="13912345678"
    )
    assert selectors.returning_visitors(user=desk, query="13912345678") == []


def test_a_phone_typed_with_its_country_code_finds_the_visitor(desk, visit):
    # "+86 …" is not all digits: only the exact (normalised) phone finds it.
    wang = visit("Wang Fang", "139 1234 5678")
    visit("Li Lei", "138 0013 8000")
    for query in ("+86 139 1234 5678", "+8613912345678", "0086 139 1234 5678"):
        assert selectors.returning_visitors(user=desk, query=query) == [wang], query
