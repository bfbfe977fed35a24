"""Training: needs → plan → (approval) → sessions with attendance → evaluation → record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from staff.models import SessionAttendance, TrainingEnrolment, TrainingNeed, TrainingPlan
from staff.training import services
from staff.training.selectors import training_history

pytestmark = pytest.mark.django_db


def make_plan(org, *, people=None, **overrides) -> TrainingPlan:
    fields = {
        "actor": org.hr,
        "branch": org.branch,
        "title": "Negotiation skills",
        "goal": "Fewer broken promises",
        "content": "Empathy, listening, objections",
        "method": TrainingPlan.Method.WORKSHOP,
        "trainer": "Ms Li",
        "starts_on": dt.date(2026, 12, 1),
        "ends_on": dt.date(2026, 12, 10),
        "budget": Decimal("3000.00"),
        "participants": people
        if people is not None
        else [org.collector.staff_profile, org.colleague.staff_profile],
    }
    fields.update(overrides)
    return services.plan_create(**fields)


def approve(plan: TrainingPlan) -> TrainingPlan:
    """As the approver's decision does (the approvals framework calls plan_decided)."""
    TrainingPlan.objects.filter(pk=plan.pk).update(status=TrainingPlan.Status.APPROVED)
    plan.refresh_from_db()
    return plan


def test_a_managers_request_becomes_a_plan_and_the_persons_record(org):
    need = services.need_raise(
        actor=org.supervisor,
        profile=org.collector.staff_profile,
        source=TrainingNeed.Source.MANAGER_REQUEST,
        topic="Handling angry debtors",
    )
    plan = make_plan(org, people=[], needs=[need])
    need.refresh_from_db()
    assert need.status == TrainingNeed.Status.PLANNED and need.plan == plan
    assert list(plan.enrolments.values_list("profile", flat=True)) == [
        org.collector.staff_profile.pk
    ]

    approve(plan)
    session = services.session_add(
        actor=org.hr, plan=plan, held_on=dt.date(2026, 12, 2), topic="Listening", hours="3.5"
    )
    enrolment = plan.enrolments.get()
    services.attendance_record(actor=org.hr, session=session, present_enrolment_ids=[enrolment.pk])
    services.result_record(actor=org.hr, enrolment=enrolment, test_score=82)
    services.work_change_rate(actor=org.supervisor, enrolment=enrolment, rating=4)

    enrolment.refresh_from_db()
    assert enrolment.status == TrainingEnrolment.Status.COMPLETED
    assert (enrolment.test_score, enrolment.work_change_rating) == (82, 4)
    assert enrolment.rated_by == org.supervisor
    need.refresh_from_db()
    assert need.status == TrainingNeed.Status.CLOSED
    history = list(training_history(user=org.collector, profile=org.collector.staff_profile))
    assert [(row.plan.title, row.sessions_present) for row in history] == [
        ("Negotiation skills", 1)
    ]
    services.plan_complete(actor=org.hr, plan=plan)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.COMPLETED
    assert plan.history.first().status == TrainingPlan.Status.COMPLETED  # kept in history


def test_attendance_re_recorded_replaces_the_sheet(org):
    plan = approve(make_plan(org))
    session = services.session_add(
        actor=org.hr, plan=plan, held_on=dt.date(2026, 12, 3), topic="Objections", hours=2
    )
    first, second = plan.enrolments.order_by("pk")
    services.attendance_record(actor=org.hr, session=session, present_enrolment_ids=[first.pk])
    services.attendance_record(actor=org.hr, session=session, present_enrolment_ids=[second.pk])
    sheet = dict(SessionAttendance.objects.values_list("enrolment_id", "present"))
    assert sheet == {first.pk: False, second.pk: True}


def test_someone_not_enrolled_cannot_sign_in(org):
    plan = approve(make_plan(org, people=[org.collector.staff_profile]))
    other = make_plan(org, people=[org.colleague.staff_profile], title="Other")
    session = services.session_add(
        actor=org.hr, plan=plan, held_on=dt.date(2026, 12, 3), topic="x", hours=1
    )
    stranger = other.enrolments.get()
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(
            actor=org.hr, session=session, present_enrolment_ids=[stranger.pk]
        )
    assert "present" in caught.value.message_dict
    assert not SessionAttendance.objects.exists()  # nothing half-written


def test_a_plan_ending_before_it_starts_is_refused_on_the_field(org):
    with pytest.raises(ValidationError) as caught:
        make_plan(org, starts_on=dt.date(2026, 12, 10), ends_on=dt.date(2026, 12, 1))
    assert "ends_on" in caught.value.message_dict
    assert not TrainingPlan.objects.exists()


def test_sessions_wait_for_approval_and_keep_to_the_plans_dates(org):
    plan = make_plan(org)
    with pytest.raises(ValidationError):
        services.session_add(
            actor=org.hr, plan=plan, held_on=dt.date(2026, 12, 2), topic="x", hours=1
        )
    approve(plan)
    with pytest.raises(ValidationError) as caught:
        services.session_add(
            actor=org.hr, plan=plan, held_on=dt.date(2027, 1, 2), topic="x", hours=1
        )
    assert "held_on" in caught.value.message_dict


def test_scores_and_ratings_outside_their_scales_are_refused(org):
    plan = approve(make_plan(org))
    enrolment = plan.enrolments.first()
    with pytest.raises(ValidationError) as caught:
        services.result_record(actor=org.hr, enrolment=enrolment, test_score=101)
    assert "test_score" in caught.value.message_dict
    services.result_record(actor=org.hr, enrolment=enrolment, test_score=100)
    with pytest.raises(ValidationError) as caught:
        services.work_change_rate(actor=org.supervisor, enrolment=enrolment, rating=6)
    assert "work_change_rating" in caught.value.message_dict


def test_only_the_persons_manager_rates_the_change_in_their_work(org):
    plan = approve(make_plan(org))
    enrolment = plan.enrolments.get(profile=org.collector.staff_profile)
    services.result_record(actor=org.hr, enrolment=enrolment, test_score=70)
    for outsider in (org.collector, org.colleague, org.desk, org.other_hr):
        with pytest.raises(PermissionDenied):
            services.work_change_rate(actor=outsider, enrolment=enrolment, rating=3)
    services.work_change_rate(actor=org.head, enrolment=enrolment, rating=3)


def test_only_hr_of_the_branch_makes_plans(org):
    for outsider in (org.supervisor, org.other_hr, org.collector):
        with pytest.raises(PermissionDenied):
            make_plan(org, actor=outsider)
    make_plan(org, actor=org.hq_hr)  # HQ HR: every branch


def test_a_collector_may_ask_for_training_only_for_themselves(org):
    services.need_raise(
        actor=org.collector,
        profile=org.collector.staff_profile,
        source=TrainingNeed.Source.SURVEY,
        topic="Law update",
    )
    with pytest.raises(PermissionDenied):
        services.need_raise(
            actor=org.collector,
            profile=org.colleague.staff_profile,
            source=TrainingNeed.Source.SURVEY,
            topic="Law update",
        )


def test_every_new_profile_gets_the_branchs_onboarding_once(org):
    profile = org.collector.staff_profile
    first = services.onboarding_assign(profile=profile)
    again = services.onboarding_assign(profile=profile)
    assert first.pk == again.pk
    assert first.plan.is_onboarding and first.plan.branch == org.branch
    assert first.plan.status == TrainingPlan.Status.APPROVED
    assert TrainingPlan.objects.filter(is_onboarding=True).count() == 1


def test_the_sweep_enrols_recent_hires_made_anywhere(org):
    org.collector.staff_profile.hire_date = dt.date(2026, 11, 20)
    org.collector.staff_profile.save()
    assert services.onboarding_sweep(hired_since=dt.date(2026, 11, 1)) == 1
    assert services.onboarding_sweep(hired_since=dt.date(2026, 11, 1)) == 0
    assert org.collector.staff_profile.training_enrolments.filter(plan__is_onboarding=True).exists()


def test_the_plan_state_table_refuses_skipping_approval(org):
    plan = make_plan(org)
    with pytest.raises(ValidationError):
        services.plan_complete(actor=org.hr, plan=plan)
    assert services.PLAN_TRANSITIONS[TrainingPlan.Status.DRAFT] == {
        TrainingPlan.Status.SUBMITTED,
        TrainingPlan.Status.CANCELLED,
    }


# --- Approval through the shared approvals --------------------------------------------


def test_the_branch_manager_approves_a_submitted_plan(org):
    from staff.services_approvals import approval_decide

    plan = make_plan(org)
    services.plan_submit(actor=org.hr, plan=plan)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.SUBMITTED
    from staff.selectors_approvals import approvals_pending_for

    (approval,) = approvals_pending_for(org.manager, kind=services.APPROVAL_KIND)
    approval_decide(approval=approval, user=org.manager, approve=True)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.APPROVED


def test_a_returned_plan_can_be_edited_and_submitted_again(org):
    from staff.services_approvals import approval_decide

    plan = make_plan(org)
    approval = services.plan_submit(actor=org.hr, plan=plan) and _latest(plan)
    approval_decide(approval=approval, user=org.manager, approve=False, comment="Too costly")
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.REJECTED
    services.plan_update(actor=org.hr, plan=plan, budget=Decimal("1000.00"))
    services.plan_submit(actor=org.hr, plan=plan)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.SUBMITTED


def _latest(plan):
    from staff.selectors_approvals import latest_approval

    return latest_approval(plan)


def test_nobody_approves_their_own_training_plan(org):
    from django.contrib.auth.models import Group

    from staff import roles
    from staff.services_approvals import approval_decide

    org.hr.groups.add(Group.objects.get_or_create(name=roles.BRANCH_MANAGER)[0])
    org.hr.__dict__.pop("_role_names_cache", None)  # has_role caches the roles per user
    plan = make_plan(org)
    services.plan_submit(actor=org.hr, plan=plan)
    with pytest.raises(ValidationError) as caught:
        approval_decide(approval=_latest(plan), user=org.hr, approve=True)
    assert "own request" in str(caught.value)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.SUBMITTED  # nothing half-written


def test_a_withdrawn_request_leaves_a_draft(org):
    from staff.services_approvals import approval_withdraw

    plan = make_plan(org)
    services.plan_submit(actor=org.hr, plan=plan)
    approval_withdraw(approval=_latest(plan), user=org.hr)
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT


def test_a_plan_without_participants_is_not_submitted(org):
    plan = make_plan(org, people=[])
    with pytest.raises(ValidationError) as caught:
        services.plan_submit(actor=org.hr, plan=plan)
    assert "participants" in caught.value.message_dict
    plan.refresh_from_db()
    assert plan.status == TrainingPlan.Status.DRAFT
    assert _latest(plan) is None
