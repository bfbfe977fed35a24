"""Assigning and reassigning cases: history rows, state, and refused input."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseAssignment, CaseAssignmentBatch
from cases.services.assignment import (
    AssignmentConflict,
    case_assign,
    cases_assign,
    cases_reassign,
)
from tests.cases.api.builders import make_case

pytestmark = pytest.mark.django_db


def test_assigning_a_case_records_history_and_starts_the_work(
    new_cases_a, collector_a, supervisor_a
):
    case = new_cases_a[0]
    Case.objects.filter(pk=case.pk).update(first_action_at=timezone.now())
    case.refresh_from_db()
    case_assign(case=case, collector=collector_a, actor=supervisor_a)
    case.refresh_from_db()
    assert case.assigned_to == collector_a
    assert case.status == Case.Status.ASSIGNED
    assert case.assigned_at is not None and case.first_action_at is None
    row = CaseAssignment.objects.get(case=case)
    assert (row.from_collector, row.to_collector, row.assigned_by) == (
        None,
        collector_a,
        supervisor_a,
    )
    assert row.batch.kind == CaseAssignmentBatch.Kind.SINGLE
    assert row.first_after_placement is True
    history = case.history.order_by("-history_id").first()
    assert history.assigned_to_id == collector_a.pk
    assert history.history_user == supervisor_a


def test_a_selection_goes_to_one_collector_in_one_batch(new_cases_a, collector_a, supervisor_a):
    result = cases_assign(cases=new_cases_a, collector=collector_a, actor=supervisor_a)
    assert result.assigned_count == 5 and not result.taken
    assert Case.objects.filter(assigned_to=collector_a).count() == 5
    assert CaseAssignment.objects.filter(batch=result.batch).count() == 5
    assert result.batch.case_count == 5


def test_reassignment_needs_a_reason_and_keeps_who_had_it(
    new_cases_a, collector_a, collector_a2, supervisor_a
):
    case = new_cases_a[0]
    case_assign(case=case, collector=collector_a, actor=supervisor_a)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        case_assign(
            case=case,
            collector=collector_a2,
            actor=supervisor_a,
            expected_collector_id=collector_a.pk,
            reason="  ",
        )
    assert "reason" in refused.value.error_dict
    case_assign(
        case=case,
        collector=collector_a2,
        actor=supervisor_a,
        expected_collector_id=collector_a.pk,
        reason="Li Lei is on leave",
    )
    row = CaseAssignment.objects.filter(case=case).first()
    assert (row.from_collector, row.to_collector, row.reason) == (
        collector_a,
        collector_a2,
        "Li Lei is on leave",
    )
    assert row.first_after_placement is False
    assert row.batch.kind == CaseAssignmentBatch.Kind.REASSIGNMENT


def test_reassigning_a_selection_of_a_collectors_cases(
    new_cases_a, collector_a, collector_a2, supervisor_a
):
    cases_assign(cases=new_cases_a, collector=collector_a, actor=supervisor_a)
    moved = Case.objects.filter(pk__in=[c.pk for c in new_cases_a[:3]])
    result = cases_reassign(
        cases=list(moved),
        from_collector=collector_a,
        to_collector=collector_a2,
        actor=supervisor_a,
        reason="Workload",
    )
    assert result.assigned_count == 3
    assert Case.objects.filter(assigned_to=collector_a2).count() == 3
    assert Case.objects.filter(assigned_to=collector_a).count() == 2


@pytest.mark.parametrize(
    ("collector_fixture", "field", "words"),
    [
        (None, "collector", "Choose a collector"),
        ("collector_b", "collector", "works in"),
        ("inactive_collector_a", "collector", "no longer active"),
        ("supervisor_a2", "collector", "not a phone collector"),
    ],
)
def test_a_wrong_collector_is_refused_and_nothing_is_written(
    request, new_cases_a, supervisor_a, collector_fixture, field, words
):
    collector = request.getfixturevalue(collector_fixture) if collector_fixture else None
    with pytest.raises(ValidationError) as refused:
        cases_assign(cases=new_cases_a, collector=collector, actor=supervisor_a)
    assert words in " ".join(refused.value.message_dict[field])
    assert not CaseAssignment.objects.exists()
    assert not Case.objects.filter(assigned_to__isnull=False).exists()


def test_a_recalled_case_cannot_be_assigned(agreement_a, collector_a, supervisor_a):
    open_case = make_case(agreement_a)
    recalled = make_case(agreement_a, status=Case.Status.RECALLED, recalled_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        cases_assign(cases=[open_case, recalled], collector=collector_a, actor=supervisor_a)
    assert recalled.account_no in refused.value.message_dict["cases"][0]
    assert not CaseAssignment.objects.exists()
    open_case.refresh_from_db()
    assert open_case.assigned_to is None


def test_an_empty_selection_is_refused(collector_a, supervisor_a):
    with pytest.raises(ValidationError) as refused:
        cases_assign(cases=[], collector=collector_a, actor=supervisor_a)
    assert "cases" in refused.value.message_dict


def test_a_case_taken_since_it_was_seen_is_reported_not_overwritten(
    new_cases_a, collector_a, collector_a2, supervisor_a, supervisor_a2
):
    first = new_cases_a[0]
    case_assign(case=first, collector=collector_a, actor=supervisor_a2)
    # supervisor_a still holds the objects as they were on the list (unassigned).
    stale = Case.objects.get(pk=first.pk)
    stale.assigned_to = None
    with pytest.raises(AssignmentConflict) as conflict:
        case_assign(case=stale, collector=collector_a2, actor=supervisor_a)
    assert first.account_no in str(conflict.value.messages[0])
    assert "Li Lei" in str(conflict.value.messages[0])
    result = cases_assign(cases=new_cases_a, collector=collector_a2, actor=supervisor_a)
    assert result.assigned_count == 4
    assert [taken.account_no for taken in result.taken] == [first.account_no]
    assert "Li Lei" in result.summary()
    assert Case.objects.get(pk=first.pk).assigned_to == collector_a


def test_five_thousand_cases_are_assigned_in_a_few_statements(
    agreement_a, placement_a, collector_a, supervisor_a
):
    from cases.models import Debtor

    debtor = Debtor.objects.create(name="Bulk Debtor")
    Case.objects.bulk_create(
        [
            Case(
                bank=agreement_a.bank,
                agreement=agreement_a,
                branch=agreement_a.branch,
                debtor=debtor,
                last_placement=placement_a,
                account_no=f"BULK{n:05d}",
                placed_at=timezone.now(),
            )
            for n in range(5000)
        ]
    )
    cases = list(Case.objects.filter(account_no__startswith="BULK"))
    with CaptureQueriesContext(connection) as queries:
        result = cases_assign(cases=cases, collector=collector_a, actor=supervisor_a)
    assert result.assigned_count == 5000
    assert len(queries) < 40  # statements, not one per case
    assert Case.history.filter(assigned_to=collector_a).count() == 5000


def test_an_assignment_after_the_deadline_is_marked_late(agreement_a, collector_a, supervisor_a):
    from tests.cases.api.builders import make_placement

    with time_machine.travel(dt.datetime(2026, 9, 30, 10, 0, tzinfo=dt.UTC), tick=False):
        placement = make_placement(agreement_a)
        case = make_case(agreement_a, placement=placement)
    # Due 1 working day later: after the National Day holiday, Thursday 8 October.
    with time_machine.travel(dt.datetime(2026, 10, 8, 11, 0, tzinfo=dt.UTC), tick=False):
        case_assign(case=case, collector=collector_a, actor=supervisor_a)
    row = CaseAssignment.objects.get(case=case)
    assert row.first_after_placement and row.assignment_late
