"""Nominating a case for a field visit: the visit list, the 2-working-day deadline across a
public holiday and a make-up working day (moved clock), overdue visits, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases.models import VisitNomination
from cases.selectors import visits as visit_selectors
from staff.models import Notification

from .conftest import case_for, nominate, shanghai

pytestmark = pytest.mark.django_db


def test_a_nomination_puts_the_case_on_todays_list_of_the_chosen_field_collector(
    clock, case_a, phone_a, field_a, field_a2
):
    clock(shanghai(2026, 11, 25, 10, 0))
    nomination = nominate(case_a, phone_a, field_a2)
    assert nomination.list_day == dt.date(2026, 11, 25)
    assert nomination.field_collector == field_a2
    assert nomination.status == VisitNomination.Status.NOMINATED
    assert list(visit_selectors.visit_list(user=field_a2)) == [nomination]
    assert list(visit_selectors.visit_list(user=field_a)) == []
    assert Notification.objects.filter(recipient=field_a2).count() == 1
    assert nomination.history.count() == 1


def test_the_visit_is_due_two_working_days_later_across_the_national_day_holiday(
    clock, case_a, phone_a, field_a
):
    # Wed 30 Sep 2026; 1–7 Oct are the holiday: the two working days are Thu 8 and Fri 9.
    clock(shanghai(2026, 9, 30, 15, 0))
    nomination = nominate(case_a, phone_a, field_a)
    assert nomination.due_at.astimezone(shanghai(2026, 1, 1).tzinfo).replace(
        second=0, microsecond=0
    ) == shanghai(2026, 10, 9, 15, 0)


def test_a_make_up_working_saturday_counts_towards_the_deadline(clock, case_a, phone_a, field_a):
    # Fri 9 Oct 2026; Sat 10 Oct is a make-up working day (调休): Sat and Mon are the two.
    clock(shanghai(2026, 10, 9, 11, 0))
    nomination = nominate(case_a, phone_a, field_a)
    due = nomination.due_at.astimezone(shanghai(2026, 1, 1).tzinfo)
    assert due.replace(second=0, microsecond=0) == shanghai(2026, 10, 12, 11, 0)


def test_a_visit_shows_as_overdue_only_after_its_due_time(
    clock, case_a, phone_a, field_a, supervisor_a
):
    clock(shanghai(2026, 10, 9, 11, 0))
    nomination = nominate(case_a, phone_a, field_a)
    clock(shanghai(2026, 10, 12, 10, 59))
    assert list(visit_selectors.overdue_visits(user=supervisor_a)) == []
    clock(shanghai(2026, 10, 12, 11, 1))
    assert list(visit_selectors.overdue_visits(user=supervisor_a)) == [nomination]


def test_the_field_collector_must_be_of_the_cases_branch(case_a, phone_a, staff_user, branch_b):
    from staff import roles

    stranger = staff_user(roles.FIELD_COLLECTOR, branch=branch_b, username="field.b")
    with pytest.raises(ValidationError) as error:
        nominate(case_a, phone_a, stranger)
    assert "field_collector" in error.value.message_dict
    assert not VisitNomination.objects.exists()


def test_a_phone_collector_cannot_nominate_a_colleagues_case(
    agreement_a, staff_user, branch_a, phone_a, field_a
):
    from staff import roles

    colleague = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="phone.a2")
    case = case_for(agreement_a, colleague)
    with pytest.raises(ValidationError):
        nominate(case, phone_a, field_a)
    assert not VisitNomination.objects.exists()


def test_empty_fields_are_named(case_a, phone_a, field_a):
    with pytest.raises(ValidationError) as error:
        nominate(case_a, phone_a, field_a, reason=" ", address="", find_out="")
    assert set(error.value.message_dict) == {"reason", "address", "find_out"}


def test_a_case_is_on_one_visit_list_at_a_time(case_a, phone_a, field_a, field_a2):
    nominate(case_a, phone_a, field_a)
    with pytest.raises(ValidationError):
        nominate(case_a, phone_a, field_a2)
    assert VisitNomination.objects.count() == 1


def test_the_nomination_state_machine():
    allowed = VisitNomination.TRANSITIONS
    status = VisitNomination.Status
    assert allowed[status.NOMINATED] == {status.REPORTED, status.CANCELLED}
    assert allowed[status.REPORTED] == {status.CLOSED, status.NOMINATED}
    assert allowed[status.CLOSED] == set()
    assert allowed[status.CANCELLED] == set()


def test_cancelling_needs_a_reason_and_a_cancelled_visit_cannot_be_cancelled_again(
    case_a, phone_a, field_a
):
    from cases.services.visits import visit_nomination_cancel

    nomination = nominate(case_a, phone_a, field_a)
    with pytest.raises(ValidationError) as error:
        visit_nomination_cancel(nomination=nomination, actor=phone_a, reason="")
    assert "cancel_reason" in error.value.message_dict
    visit_nomination_cancel(nomination=nomination, actor=phone_a, reason="Debtor called back")
    with pytest.raises(ValidationError) as error:
        visit_nomination_cancel(nomination=nomination, actor=phone_a, reason="again")
    assert "status" in error.value.message_dict
