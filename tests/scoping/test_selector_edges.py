"""Edges of the case and bank selectors and of the personal-data rule that the mutation run
(docs/quality.md) found untested: each test fails on a small change to the rule it names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from cases import selectors as case_selectors
from cases.access import may_see_personal_data
from cases.models import Case
from staff import roles
from tests.factories import make_staff

from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def hq_user(world, hq):
    return make_staff(roles.SUPERVISOR, roles.ADMIN_STAFF, branch=hq)


def test_the_case_filter_offers_the_banks_of_the_branchs_agreements_only(world, hq_user):
    home, foreign = world.home.bank, world.foreign.bank
    assert case_selectors.case_filter_banks(user=world.home.supervisor) == [(home.pk, home.name)]
    assert case_selectors.case_filter_banks(user=world.foreign.supervisor) == [
        (foreign.pk, foreign.name)
    ]
    assert case_selectors.case_filter_banks(user=hq_user) == [
        (home.pk, home.name),
        (foreign.pk, foreign.name),
    ]


def test_the_case_list_without_filters_is_every_visible_case_and_the_bank_filter_narrows(
    world, hq_user
):
    assert list(case_selectors.case_list_filtered(user=world.home.supervisor)) == [world.home.case]
    assert set(case_selectors.case_list_filtered(user=hq_user)) == {
        world.home.case,
        world.foreign.case,
    }
    assert list(case_selectors.case_list_filtered(user=hq_user, bank=world.foreign.bank)) == [
        world.foreign.case
    ]


def test_the_case_lists_balance_is_principal_plus_interest_plus_fees(world):
    Case.objects.filter(pk=world.home.case.pk).update(
        principal=Decimal("1000.00"), interest=Decimal("200.00"), fees=Decimal("30.00")
    )
    (case,) = case_selectors.case_list_with_balance(user=world.home.supervisor)
    assert case.total_balance == Decimal("1230.00")


def test_banks_are_found_by_name_as_well_as_by_code(world):
    admin = world.users[roles.ADMIN_STAFF]
    assert list(case_selectors.bank_list(user=admin, query="Bank B")) == [world.foreign.bank]
    assert list(case_selectors.bank_list(user=admin, query="banka")) == [world.home.bank]
    assert set(case_selectors.bank_list(user=admin)) >= {world.home.bank, world.foreign.bank}


def test_a_placements_row_errors_are_listed_in_row_order_whatever_order_they_were_written(world):
    placement = world.home.placement  # row 2 written first by the world
    later_first_row = placement.row_errors.create(row_number=1, column="y", message="bad too")
    rows = [error.row_number for error in case_selectors.placement_errors(placement=placement)]
    assert rows == [1, 2]
    assert case_selectors.placement_errors(placement=placement)[0] == later_first_row


def test_full_personal_data_only_for_supervisors_and_the_assigned_collector(world):
    case = world.home.case
    field_collector = make_staff(roles.FIELD_COLLECTOR, branch=world.home.branch)
    colleague = make_staff(roles.PHONE_COLLECTOR, branch=world.home.branch)
    assert may_see_personal_data(world.home.supervisor, case)
    assert may_see_personal_data(world.home.collector, case)
    assert not may_see_personal_data(colleague, case)
    assert not may_see_personal_data(field_collector, case)
    assert not may_see_personal_data(world.users[roles.BRANCH_MANAGER], case)
    assert not may_see_personal_data(AnonymousUser(), case)
    assert not may_see_personal_data(None, case)  # code with no user at all


def test_an_unassigned_case_shows_full_personal_data_to_no_collector_and_no_anonymous_user(world):
    case = world.home.case
    case.assigned_to = None
    assert not may_see_personal_data(AnonymousUser(), case)  # its pk is None too
    assert not may_see_personal_data(None, case)
    assert not may_see_personal_data(world.home.collector, case)


def test_a_collector_moved_to_another_branch_no_longer_sees_the_old_branchs_cases(world):
    """Until a handover moves them, the old branch's cases stay assigned to the collector;
    after the move they are out of sight (the branch clause of the collector's rule)."""
    from django.contrib.auth.models import User

    from staff.models import StaffProfile

    collector = world.home.collector
    assert list(Case.objects.visible_to(collector)) == [world.home.case]
    StaffProfile.objects.filter(user=collector).update(branch=world.foreign.branch)
    moved = User.objects.get(pk=collector.pk)  # read afresh: no profile cached on it
    assert not Case.objects.visible_to(moved).exists()
