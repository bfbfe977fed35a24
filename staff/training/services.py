"""Writes of the training area: every one keyword-only, atomic, with its rule checks.

The plan's life (a small explicit table, PLAN_TRANSITIONS): draft → submitted (an
approval request in the shared approvals) → approved / rejected (the approver's
decision, `plan_decided`) → completed; draft or rejected plans may be edited and
submitted again; a plan not yet completed may be cancelled.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from collections_office.workdays import company_today
from staff.models import (
    SessionAttendance,
    StaffProfile,
    TrainingEnrolment,
    TrainingNeed,
    TrainingPlan,
    TrainingSession,
)

from ..stored_text import in_english
from .access import manages_training, may_rate_work_change, team_visibility

Status = TrainingPlan.Status
PLAN_TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED},
    Status.REJECTED: {Status.SUBMITTED, Status.CANCELLED},
    Status.APPROVED: {Status.COMPLETED, Status.CANCELLED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
}
EDITABLE = {Status.DRAFT, Status.REJECTED}

APPROVAL_KIND = "staff.training_plan"


def _move(plan: TrainingPlan, to: str) -> None:
    if to not in PLAN_TRANSITIONS[plan.status]:
        raise ValidationError(
            _("A plan that is %(now)s cannot become %(to)s.")
            % {"now": plan.get_status_display(), "to": Status(to).label}
        )
    plan.status = to


def _require_trainer_of(actor, branch_id: int) -> None:
    if not manages_training(actor, branch_id):
        raise PermissionDenied(_("Only HR of the plan's branch manages its training."))


def _may_raise_need_for(actor, profile: StaffProfile) -> bool:
    if profile.user_id == actor.pk:
        return True  # a person may ask for training themselves (the survey route)
    rule = team_visibility(actor, include_self=False)
    return rule is None or StaffProfile.objects.filter(rule, pk=profile.pk).exists()


@transaction.atomic
def need_raise(
    *, actor, profile: StaffProfile, source: str, topic: str, notes: str = ""
) -> TrainingNeed:
    """Records a training need of one person (from an assessment, a manager, a survey)."""
    if not _may_raise_need_for(actor, profile):
        raise PermissionDenied(_("You may raise training needs only for your own team."))
    need = TrainingNeed(
        profile=profile, source=source, topic=topic.strip(), notes=notes, raised_by=actor
    )
    need.full_clean()
    need.save()
    return need


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The plan cannot end before it starts.")})


@transaction.atomic
def plan_create(
    *,
    actor,
    branch,
    title: str,
    goal: str,
    content: str,
    method: str,
    trainer: str,
    starts_on: dt.date,
    ends_on: dt.date,
    budget: Decimal = Decimal("0"),
    participants=(),
    needs=(),
) -> TrainingPlan:
    """A draft plan with its participants; the needs it answers are marked planned."""
    _require_trainer_of(actor, branch.pk)
    _check_dates(starts_on, ends_on)
    plan = TrainingPlan(
        branch=branch,
        title=title.strip(),
        goal=goal,
        content=content,
        method=method,
        trainer=trainer,
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    _enrol(plan, participants)
    for need in needs:
        if need.profile.branch_id != branch.pk:
            raise ValidationError({"needs": _("A need of another branch cannot go in this plan.")})
        need.plan = plan
        need.status = TrainingNeed.Status.PLANNED
        need.save(update_fields=["plan", "status"])
        _enrol(plan, [need.profile])
    return plan


def _enrol(plan: TrainingPlan, profiles) -> list[TrainingEnrolment]:
    made = []
    for profile in profiles:
        if profile.branch_id != plan.branch_id and not plan.branch.is_hq:
            raise ValidationError(
                {
                    "participants": _("%(name)s works in another branch.")
                    % {"name": profile.display_name}
                }
            )
        enrolment, created = TrainingEnrolment.objects.get_or_create(plan=plan, profile=profile)
        if created:
            made.append(enrolment)
    return made


@transaction.atomic
def plan_update(*, actor, plan: TrainingPlan, **fields) -> TrainingPlan:
    """Edits a draft (or a rejected plan before it is submitted again)."""
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _require_trainer_of(actor, plan.branch_id)
    if plan.status not in EDITABLE:
        raise ValidationError(_("Only a draft or a rejected plan can be edited."))
    participants = fields.pop("participants", None)
    fields.pop("needs", None)
    for name, value in fields.items():
        setattr(plan, name, value)
    _check_dates(plan.starts_on, plan.ends_on)
    plan.full_clean()
    plan.save()
    if participants is not None:
        _enrol(plan, participants)
    return plan


@transaction.atomic
def plan_enrol(*, actor, plan: TrainingPlan, profiles) -> list[TrainingEnrolment]:
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _require_trainer_of(actor, plan.branch_id)
    if plan.status in (Status.COMPLETED, Status.CANCELLED):
        raise ValidationError({"participants": _("This plan is closed.")})
    return _enrol(plan, profiles)


@transaction.atomic
def plan_submit(*, actor, plan: TrainingPlan) -> TrainingPlan:
    """Sends the plan for approval (the shared approvals: the branch manager decides)."""
    from staff.services_approvals import approval_request

    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _require_trainer_of(actor, plan.branch_id)
    if not plan.enrolments.exists():
        raise ValidationError({"participants": _("Enrol at least one person before submitting.")})
    _move(plan, Status.SUBMITTED)
    plan.save(update_fields=["status"])
    approval_request(
        kind=APPROVAL_KIND,
        subject=plan,
        branch=plan.branch,
        requested_by=actor,
        summary=in_english(
            gettext_noop(
                "Training plan “%(title)s”: %(people)s people, %(start)s–%(end)s, budget %(budget)s"
            ),
            title=plan.title,
            people=plan.enrolments.count(),
            start=plan.starts_on,
            end=plan.ends_on,
            budget=plan.budget,
        ),
    )
    return plan


def plan_decided(approval, approved: bool) -> None:
    """The approvals framework's callback, inside the decision's transaction."""
    plan = TrainingPlan.objects.select_for_update().get(pk=approval.object_id)
    _move(plan, Status.APPROVED if approved else Status.REJECTED)
    plan.save(update_fields=["status"])


def plan_withdrawn(approval) -> None:
    """The requester took the request back: the plan is a draft again, to edit."""
    plan = TrainingPlan.objects.select_for_update().get(pk=approval.object_id)
    if plan.status == Status.SUBMITTED:
        plan.status = Status.DRAFT  # not in PLAN_TRANSITIONS: only a withdrawal does this
        plan.save(update_fields=["status"])


@transaction.atomic
def plan_cancel(*, actor, plan: TrainingPlan) -> TrainingPlan:
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _require_trainer_of(actor, plan.branch_id)
    if plan.is_onboarding:
        raise ValidationError(_("The onboarding plan is standing; it cannot be cancelled."))
    _move(plan, Status.CANCELLED)
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def plan_complete(*, actor, plan: TrainingPlan) -> TrainingPlan:
    """Closes an approved plan once every participant is evaluated or withdrawn."""
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _require_trainer_of(actor, plan.branch_id)
    if plan.is_onboarding:
        raise ValidationError(_("The onboarding plan is standing; it is never closed."))
    if plan.enrolments.filter(status=TrainingEnrolment.Status.ENROLLED).exists():
        raise ValidationError(_("Record every participant's result before closing the plan."))
    _move(plan, Status.COMPLETED)
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def session_add(
    *, actor, plan: TrainingPlan, held_on: dt.date, topic: str, hours, location: str = ""
) -> TrainingSession:
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _require_trainer_of(actor, plan.branch_id)
    if plan.status != Status.APPROVED:
        raise ValidationError(_("Sessions are held only under an approved plan."))
    if not plan.is_onboarding and not (plan.starts_on <= held_on <= plan.ends_on):
        raise ValidationError(
            {
                "held_on": _("The session must fall within the plan's dates (%(start)s–%(end)s).")
                % {"start": plan.starts_on, "end": plan.ends_on}
            }
        )
    session = TrainingSession(
        plan=plan, held_on=held_on, topic=topic, hours=hours, location=location
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def attendance_record(
    *, actor, session: TrainingSession, present_enrolment_ids
) -> list[SessionAttendance]:
    """The sign-in sheet: every enrolled person present or absent (re-recording replaces)."""
    session = TrainingSession.objects.select_related("plan").get(pk=session.pk)
    _require_trainer_of(actor, session.plan.branch_id)
    present = {int(pk) for pk in present_enrolment_ids}
    enrolments = list(session.plan.enrolments.exclude(status=TrainingEnrolment.Status.WITHDRAWN))
    unknown = present - {enrolment.pk for enrolment in enrolments}
    if unknown:
        raise ValidationError({"present": _("Only people enrolled in the plan can sign in.")})
    rows = []
    for enrolment in enrolments:
        row, _created = SessionAttendance.objects.update_or_create(
            session=session,
            enrolment=enrolment,
            defaults={"present": enrolment.pk in present, "recorded_by": actor},
        )
        rows.append(row)
    return rows


@transaction.atomic
def result_record(
    *, actor, enrolment: TrainingEnrolment, test_score: int | None, completed: bool = True
) -> TrainingEnrolment:
    """HR records the test score and closes the person's record (completed or withdrawn)."""
    enrolment = (
        TrainingEnrolment.objects.select_for_update().select_related("plan").get(pk=enrolment.pk)
    )
    _require_trainer_of(actor, enrolment.plan.branch_id)
    if enrolment.plan.status != Status.APPROVED:
        raise ValidationError(_("Results are recorded only under an approved plan."))
    if test_score is not None and not 0 <= test_score <= 100:
        raise ValidationError({"test_score": _("The test score runs from 0 to 100.")})
    enrolment.test_score = test_score
    if completed:
        enrolment.status = TrainingEnrolment.Status.COMPLETED
        enrolment.completed_on = company_today()
    else:
        enrolment.status = TrainingEnrolment.Status.WITHDRAWN
        enrolment.completed_on = None
    enrolment.full_clean()
    enrolment.save()
    TrainingNeed.objects.filter(plan=enrolment.plan, profile=enrolment.profile).update(
        status=TrainingNeed.Status.CLOSED
    )
    return enrolment


@transaction.atomic
def work_change_rate(*, actor, enrolment: TrainingEnrolment, rating: int) -> TrainingEnrolment:
    """The person's manager rates how their work changed after the training (1–5)."""
    enrolment = (
        TrainingEnrolment.objects.select_for_update().select_related("profile").get(pk=enrolment.pk)
    )
    if not may_rate_work_change(actor, enrolment.profile):
        raise PermissionDenied(_("Only the person's manager rates the change in their work."))
    if enrolment.status != TrainingEnrolment.Status.COMPLETED:
        raise ValidationError(
            {"work_change_rating": _("Rate the change only after the training is completed.")}
        )
    if rating is None or not 1 <= rating <= 5:
        raise ValidationError({"work_change_rating": _("The rating runs from 1 to 5.")})
    enrolment.work_change_rating = rating
    enrolment.rated_by = actor
    enrolment.save(update_fields=["work_change_rating", "rated_by"])
    return enrolment


# --- New-hire onboarding ------------------------------------------------------------

ONBOARDING_DEFAULTS = {
    # Stored in English, shown translated ({% translate plan.title %}).
    "title": gettext_noop("New-hire onboarding"),
    "goal": gettext_noop("Every new member of staff can work on their own, lawfully and politely."),
    "content": gettext_noop(
        "Company culture and values; the duties and workflow of the post and the laws that "
        "govern it; collection knowledge and techniques; communication and customer service; "
        "practice on real cases; one-to-one coaching with feedback; a final test."
    ),
    "method": TrainingPlan.Method.CLASSROOM,
    "trainer": "HR",
}


def onboarding_plan_for(branch, *, created_by) -> TrainingPlan:
    """The branch's standing onboarding plan, made on first need.

    It is the company's standard plan (staffing plan 一(一)), approved once as a
    standard and not per hire: no approval request is filed for it.
    """
    plan = TrainingPlan.objects.filter(branch=branch, is_onboarding=True).first()
    if plan is not None:
        return plan
    today = company_today()
    plan = TrainingPlan(
        branch=branch,
        is_onboarding=True,
        status=Status.APPROVED,
        starts_on=today,
        ends_on=dt.date(today.year + 10, 12, 31),
        created_by=created_by,
        **ONBOARDING_DEFAULTS,
    )
    plan.full_clean(validate_constraints=False)
    plan.save()
    return plan


@transaction.atomic
def onboarding_assign(*, profile: StaffProfile, actor=None) -> TrainingEnrolment:
    """Enrols a (new) member of staff in their branch's onboarding plan; safe to repeat."""
    plan = onboarding_plan_for(profile.branch, created_by=actor or profile.user)
    enrolment, _created = TrainingEnrolment.objects.get_or_create(plan=plan, profile=profile)
    return enrolment


def onboarding_sweep(*, hired_since: dt.date) -> int:
    """Enrols every active person hired since `hired_since` who has no onboarding yet.

    Profiles are also made outside this app (the admin, imports, other areas'
    tests): the daily sweep catches them, so nobody is missed whatever made them.
    """
    missing = StaffProfile.objects.filter(
        status=StaffProfile.Status.ACTIVE, hire_date__gte=hired_since
    ).exclude(training_enrolments__plan__is_onboarding=True)
    count = 0
    for profile in missing.select_related("branch", "user"):
        onboarding_assign(profile=profile)
        count += 1
    return count
