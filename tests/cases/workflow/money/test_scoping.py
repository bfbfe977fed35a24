"""Who sees which promises, plans and payments: a collector their own cases' only, a
supervisor their branch's, finance their branch's payments (not the cases), HQ all."""

from __future__ import annotations

import pytest

from cases.models import Payment, PaymentPlan, Promise
from staff import roles
from tests.factories import make_staff
from tests.scoping.routes.money import _money_on
from tests.scoping.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = build_world()
    _money_on(world.home)
    _money_on(world.foreign)
    return world


def _ids(model, user) -> set[int]:
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_each_reader_sees_home_rows_and_never_foreign_ones(world):
    home, foreign = world.home.money, world.foreign.money
    readers = [
        (Promise, world.home.collector, "promise"),
        (Promise, world.home.supervisor, "promise"),
        (PaymentPlan, world.home.collector, "plan"),
        (PaymentPlan, world.home.supervisor, "plan"),
        (Payment, world.home.collector, "payment"),
        (Payment, world.home.supervisor, "payment"),
        (Payment, world.users[roles.FINANCE], "payment"),
    ]
    for model, user, key in readers:
        visible = _ids(model, user)
        assert home[key].pk in visible, (model, user.username)
        assert foreign[key].pk not in visible, (model, user.username)


def test_a_colleagues_collector_sees_none(world):
    colleague = make_staff(roles.PHONE_COLLECTOR, branch=world.home.branch)
    for model in (Promise, PaymentPlan, Payment):
        assert not model.objects.visible_to(colleague).exists()


def test_finance_sees_payments_but_no_promises_or_plans(world):
    finance = world.users[roles.FINANCE]
    assert not Promise.objects.visible_to(finance).exists()
    assert not PaymentPlan.objects.visible_to(finance).exists()


def test_hq_finance_sees_every_branchs_payments(world):
    from tests.factories import hq_branch

    finance_hq = make_staff(roles.FINANCE, branch=hq_branch())
    assert {world.home.money["payment"].pk, world.foreign.money["payment"].pk} <= _ids(
        Payment, finance_hq
    )


def test_front_desk_sees_no_money(world):
    desk = world.home.desk
    for model in (Promise, PaymentPlan, Payment):
        assert not model.objects.visible_to(desk).exists()
