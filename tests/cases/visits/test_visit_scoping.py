"""Who sees visits and the cases on visit lists (DESIGN §3): a field collector only the
cases on their lists (while the visit is open), a phone collector their own cases' visits,
a supervisor the branch; another branch's rows never."""

from __future__ import annotations

import pytest
from django.apps import apps

from cases.models import Case, VisitNomination
from staff import roles
from tests.scoping.world import build_world

from .conftest import nominate
from .rows import field_collector_of, visit_rows

pytestmark = pytest.mark.django_db

VISIT_MODELS = {
    "cases.VisitNomination": "nomination",
    "cases.VisitPlan": "plan",
    "cases.VisitReport": "report",
    "cases.VisitPhoto": "photo",
    "cases.VisitDeadlineExtension": "visit_extension",
    "cases.SafetyAlert": "alert",
    "cases.SpecialProcedure": "procedure",
    "cases.SpecialProcedureDocument": "document",
    "cases.CollectionPeriodExtension": "period_extension",
}


@pytest.fixture
def world():
    world = build_world()
    world.home.rows = visit_rows(world.home)
    world.foreign.rows = visit_rows(world.foreign)
    return world


def test_a_supervisor_sees_the_branchs_rows_and_never_another_branchs(world):
    supervisor = world.users[roles.SUPERVISOR]
    for label, attribute in VISIT_MODELS.items():
        visible = set(apps.get_model(label).objects.visible_to(supervisor))
        assert getattr(world.home.rows, attribute) in visible, label
        assert getattr(world.foreign.rows, attribute) not in visible, label


def test_the_field_collector_of_the_visit_sees_its_rows_and_another_field_collector_none(world):
    owner = world.home.rows.field_collector
    other = world.users[roles.FIELD_COLLECTOR]
    for label in (
        "cases.VisitNomination",
        "cases.VisitPlan",
        "cases.VisitReport",
        "cases.VisitPhoto",
        "cases.VisitDeadlineExtension",
        "cases.SafetyAlert",
    ):
        model = apps.get_model(label)
        row = getattr(world.home.rows, VISIT_MODELS[label])
        assert row in model.objects.visible_to(owner), label
        assert not model.objects.visible_to(other).exists(), label


def test_a_field_collector_sees_a_case_only_while_it_is_on_their_open_list(world):
    nomination = world.home.rows.nomination
    owner = nomination.field_collector
    assert list(Case.objects.visible_to(owner)) == [world.home.case]
    assert not Case.objects.visible_to(field_collector_of(world.foreign)).filter(
        pk=world.home.case.pk
    )
    VisitNomination.objects.filter(pk=nomination.pk).update(status="closed")
    assert not Case.objects.visible_to(owner).exists()


def test_a_phone_collector_sees_the_visits_of_their_own_cases_only(world):
    assert world.home.rows.nomination in VisitNomination.objects.visible_to(world.home.collector)
    assert not VisitNomination.objects.visible_to(world.users[roles.PHONE_COLLECTOR]).exists()
    assert not apps.get_model("cases.VisitPlan").objects.visible_to(world.home.collector).exists()


def test_the_case_page_opens_for_the_field_collector_of_an_open_visit(
    client, case_a, phone_a, field_a, field_a2
):
    nominate(case_a, phone_a, field_a)
    client.force_login(field_a)
    assert client.get(f"/cases/{case_a.pk}/").status_code == 200
    client.force_login(field_a2)
    assert client.get(f"/cases/{case_a.pk}/").status_code == 404


def test_someone_both_field_and_phone_collector_sees_both_kinds_of_visit(
    agreement_a, branch_a, field_a, phone_a
):
    """A small branch's collector may phone and visit: they see the visits of their own
    cases (someone else visiting) and the visits on their own list (a colleague's case)."""
    from tests.factories import make_staff

    from .conftest import case_for

    both = make_staff(roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR, branch=branch_a)
    their_case = case_for(agreement_a, both)
    of_their_case = nominate(their_case, both, field_a)
    on_their_list = nominate(case_for(agreement_a, phone_a), phone_a, both)
    # Their own case and the colleague's case on their list, never one of the two alone.
    assert set(Case.objects.visible_to(both)) == {their_case, on_their_list.case}
    nominate(case_for(agreement_a, phone_a), phone_a, field_a)  # neither: not theirs
    assert set(VisitNomination.objects.visible_to(both)) == {of_their_case, on_their_list}
    # Once the visit is closed the colleague's case leaves their sight, their visit does not.
    VisitNomination.objects.filter(pk=on_their_list.pk).update(status="closed")
    assert set(VisitNomination.objects.visible_to(both)) == {of_their_case, on_their_list}
