"""Handover: all of a leaver's open cases go to others in one supervised step, balanced
like the automatic distribution, and nothing hanging on a case is lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey
from django.utils import timezone

from cases.models import (
    Campaign,
    CampaignCase,
    Case,
    CaseAssignment,
    CaseAssignmentBatch,
    CaseHold,
    ComplianceOverride,
)
from cases.selectors.assignment import supervised_cases
from cases.services import handover as services

from .conftest import assigned_case, completed_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver_cases(agreement_a, collector_a):
    return [
        assigned_case(agreement_a, collector_a, principal=Decimal(1000 * (n + 1))) for n in range(6)
    ]


def _plan(supervisor, leaver, receivers):
    cases = list(
        services.handover_cases(leaver=leaver, supervised_cases=supervised_cases(supervisor))
    )
    return cases, services.handover_plan(leaver=leaver, cases=cases, receivers=receivers)


def _apply(supervisor, leaver, receivers, plan, reason="Li Lei left the company"):
    return services.handover_apply(
        leaver=leaver,
        moves=plan.moves(),
        receivers=receivers,
        branch_id=supervisor.staff_profile.branch_id,
        actor=supervisor,
        reason=reason,
    )


def _open_items(case_ids) -> dict[int, set]:
    """Every row of every model with a foreign key to Case, per case, as its values; and
    the callback on the case itself. Assignment history is left out: it grows by design."""
    items: dict[int, set] = {case_id: set() for case_id in case_ids}
    for relation in Case._meta.related_objects:
        model = relation.related_model
        if model is CaseAssignment or not isinstance(relation.remote_field, ForeignKey):
            continue
        field = relation.remote_field.name
        for row in model._base_manager.filter(**{f"{field}__in": case_ids}):
            values = tuple(
                (field.attname, repr(getattr(row, field.attname)))
                for field in model._meta.concrete_fields
            )
            items[getattr(row, f"{field}_id")].add((model._meta.label, row.pk, values))
    for case_id, callback in Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "next_callback_at"
    ):
        items[case_id].add(("callback", case_id, repr(callback)))
    return items


def test_handover_moves_every_open_case_balanced_with_the_reason_in_history(
    supervisor_a, collector_a, collector_a2, collector_a3, leaver_cases, agreement_a
):
    closed = assigned_case(agreement_a, collector_a, status=Case.Status.SETTLED)
    receivers = [collector_a2, collector_a3]
    cases, plan = _plan(supervisor_a, collector_a, receivers)
    assert {case.pk for case in cases} == {case.pk for case in leaver_cases}
    assert sorted(share.count for share in plan.shares) == [3, 3]
    balances = sorted(share.balance for share in plan.shares)
    assert balances[1] - balances[0] <= Decimal(6000)  # at most the largest case

    result = _apply(supervisor_a, collector_a, receivers, plan)
    assert result.assigned_count == 6
    assert not Case.objects.open().filter(assigned_to=collector_a).exists()
    assert Case.objects.get(pk=closed.pk).assigned_to == collector_a  # closed cases stay
    batch = CaseAssignmentBatch.objects.get()
    assert batch.kind == CaseAssignmentBatch.Kind.HANDOVER
    assert batch.reason == "Li Lei left the company"
    rows = CaseAssignment.objects.filter(batch=batch)
    assert rows.count() == 6
    assert set(rows.values_list("from_collector", flat=True)) == {collector_a.pk}
    assert set(rows.values_list("reason", flat=True)) == {"Li Lei left the company"}
    history = Case.history.filter(id=leaver_cases[0].pk).order_by("-history_id").first()
    assert "Handover" in history.history_change_reason
    # The case's timeline says so.
    from cases.selectors.assignment import assignment_timeline

    entry = assignment_timeline(Case.objects.get(pk=leaver_cases[0].pk), supervisor_a, 5)[0]
    assert entry.title.startswith("Handed over from Li Lei to ")
    assert entry.detail == "Li Lei left the company"


def test_handover_loses_nothing_that_hangs_on_a_case(
    supervisor_a, collector_a, collector_a2, collector_a3, leaver_cases
):
    now = timezone.now()
    first, second = leaver_cases[0], leaver_cases[1]
    call = completed_call(first, collector_a, started_at=now - dt.timedelta(hours=2))
    call.notes = "Debtor asked to be called after payday."
    call.callback_at = now + dt.timedelta(days=2)
    call.save()
    Case.objects.filter(pk=first.pk).update(next_callback_at=now + dt.timedelta(days=2))
    CaseHold.objects.create(
        case=second,
        kind=CaseHold.Kind.DISPUTE,
        reason="Disputes the fee",
        placed_by=collector_a,
        placed_at=now,
    )
    ComplianceOverride.objects.create(
        case=second,
        collector=collector_a,
        reason="urgent",
        granted_by=supervisor_a,
        granted_at=now,
        valid_until=now + dt.timedelta(hours=4),
    )
    campaign = Campaign.objects.create(
        name="Year end",
        branch=first.branch,
        lead=collector_a2,
        starts_on=now.date(),
        ends_on=now.date(),
        target_amount=Decimal(100),
        created_by=supervisor_a,
    )
    CampaignCase.objects.create(campaign=campaign, case=first, added_by=supervisor_a)
    case_ids = [case.pk for case in leaver_cases]
    before = _open_items(case_ids)
    assert sum(len(rows) for rows in before.values()) >= len(case_ids) + 4

    _cases, plan = _plan(supervisor_a, collector_a, [collector_a2, collector_a3])
    _apply(supervisor_a, collector_a, [collector_a2, collector_a3], plan)

    assert _open_items(case_ids) == before
    # And each case has exactly one more assignment row: the handover.
    assert CaseAssignment.objects.filter(case_id__in=case_ids).count() == len(case_ids)


def test_handing_over_to_the_leaver_themself_is_refused(
    supervisor_a, collector_a, collector_a2, leaver_cases
):
    cases = list(
        services.handover_cases(leaver=collector_a, supervised_cases=supervised_cases(supervisor_a))
    )
    with pytest.raises(ValidationError) as error:
        services.handover_plan(
            leaver=collector_a, cases=cases, receivers=[collector_a, collector_a2]
        )
    assert "collectors" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.handover_apply(
            leaver=collector_a,
            moves={cases[0].pk: collector_a.pk},
            receivers=[collector_a],
            branch_id=supervisor_a.staff_profile.branch_id,
            actor=supervisor_a,
            reason="moving",
        )
    assert "collectors" in error.value.message_dict
    assert not CaseAssignment.objects.exists()


def test_a_handover_needs_a_reason_and_receivers_of_the_branch(
    supervisor_a, collector_a, collector_a2, collector_b, leaver_cases
):
    cases, plan = _plan(supervisor_a, collector_a, [collector_a2])
    with pytest.raises(ValidationError) as error:
        _apply(supervisor_a, collector_a, [collector_a2], plan, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.handover_plan(leaver=collector_a, cases=cases, receivers=[])
    assert "collectors" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.handover_plan(leaver=collector_a, cases=cases, receivers=[collector_b])
    assert "collectors" in error.value.message_dict
    assert not CaseAssignment.objects.exists()
    assert Case.objects.filter(assigned_to=collector_a).count() == 6


def test_a_case_moved_since_the_preview_is_reported_not_overwritten(
    supervisor_a, collector_a, collector_a2, collector_a3, leaver_cases
):
    from cases.services.assignment import case_assign

    _cases, plan = _plan(supervisor_a, collector_a, [collector_a2])
    case_assign(
        case=leaver_cases[0],
        collector=collector_a3,
        actor=supervisor_a,
        expected_collector_id=collector_a.pk,
        reason="urgent",
    )
    result = _apply(supervisor_a, collector_a, [collector_a2], plan)
    assert result.assigned_count == 5
    assert [taken.case_id for taken in result.taken] == [leaver_cases[0].pk]
    assert Case.objects.get(pk=leaver_cases[0].pk).assigned_to == collector_a3


def test_nothing_to_hand_over_is_said_on_the_cases(supervisor_a, collector_a2, collector_a3):
    with pytest.raises(ValidationError) as error:
        services.handover_plan(leaver=collector_a2, cases=[], receivers=[collector_a3])
    assert "cases" in error.value.message_dict
