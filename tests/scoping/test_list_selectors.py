"""List search and filters live in the selectors (the views only parse the query string),
and they narrow the user's visible rows, never widen them."""

import pytest

from cases import selectors as case_selectors
from cases.models import Placement
from frontdesk import selectors as desk_selectors
from staff import roles
from staff import selectors as staff_selectors

from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_case_search_finds_only_visible_cases(world):
    supervisor = world.home.supervisor
    home, foreign = world.home.case, world.foreign.case
    assert list(case_selectors.case_list_filtered(user=supervisor, query=home.account_no)) == [home]
    assert not case_selectors.case_list_filtered(user=supervisor, query=foreign.account_no)
    by_phone = case_selectors.case_list_filtered(user=supervisor, query="13812345678")
    assert list(by_phone) == [home]
    assert not case_selectors.case_list_filtered(user=supervisor, query="13912345678")


def test_placement_and_agreement_filters(world):
    admin = world.users[roles.ADMIN_STAFF]
    assert list(case_selectors.placement_list(user=admin, status="completed")) == [
        world.home.placement
    ]
    assert not case_selectors.placement_list(user=admin, status=Placement.Status.FAILED)
    assert not case_selectors.placement_list(user=admin, bank_id=world.foreign.bank.pk)
    assert list(case_selectors.agreement_list(user=admin, bank_id=world.home.bank.pk)) == [
        world.home.agreement
    ]
    assert list(case_selectors.bank_list(user=admin, query="bankb")) == [world.foreign.bank]


def test_front_desk_list_filters(world):
    desk = world.home.desk
    assert list(desk_selectors.visit_list_filtered(user=desk, query="Visitor")) == [
        world.home.visit
    ]
    assert not desk_selectors.visit_list_filtered(user=desk, query="Visitor B")
    assert list(desk_selectors.message_list_filtered(user=desk, query="Caller")) == [
        world.home.message
    ]
    assert not desk_selectors.message_list_filtered(user=desk, status="handled")
    assert list(desk_selectors.document_list_filtered(user=desk, query="Court notice")) == [
        world.home.document
    ]


def test_staff_directory_search(world):
    hr = world.users[roles.HR]
    found = staff_selectors.staff_directory(user=hr, query="coll.")
    assert list(found) == [world.home.staff_profile]
