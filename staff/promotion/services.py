"""The review chain's writes: submit, department review, HR review, committee, notice,
appeals, appointment. Each one locks the application, checks the stage it expects (a
stage acted on out of order or twice is refused), checks who acts (nobody acts on their
own application), writes the change and its stage record in one transaction, and
notifies the next stage's reviewers and the applicant after commit.

The state machine is the TRANSITIONS table below; nothing else moves an application.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.workdays import company_tz

from .. import roles
from ..models import (
    Position,
    PromotionApplication,
    PromotionCycle,
    PromotionEvidence,
    PromotionStageRecord,
    StaffProfile,
    next_position,
)
from ..performance import figures_as_json
from ..selectors import has_role, sees_all_branches, user_branch
from ..services import notification_in_their_language
from ..stored_text import shown_in_language
from .eligibility import at_level_since, evaluate
from .files import check_evidence_file

logger = logging.getLogger(__name__)
Status = PromotionApplication.Status
Action = PromotionStageRecord.Action

# (status now, action) -> status after. Anything else is out of order.
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DEPARTMENT_REVIEW, Action.DEPARTMENT_APPROVED): Status.HR_REVIEW,
    (Status.DEPARTMENT_REVIEW, Action.DEPARTMENT_REFUSED): Status.REJECTED,
    (Status.DEPARTMENT_REVIEW, Action.SENT_BACK): Status.MORE_EVIDENCE,
    (Status.MORE_EVIDENCE, Action.RESUBMITTED): Status.DEPARTMENT_REVIEW,
    (Status.HR_REVIEW, Action.HR_RECOMMENDED): Status.COMMITTEE,
    (Status.HR_REVIEW, Action.HR_REFUSED): Status.REJECTED,
    (Status.COMMITTEE, Action.COMMITTEE_APPROVED): Status.PUBLIC_NOTICE,
    (Status.COMMITTEE, Action.COMMITTEE_REFUSED): Status.REJECTED,
    (Status.PUBLIC_NOTICE, Action.APPEAL_UPHELD): Status.COMMITTEE,
    (Status.PUBLIC_NOTICE, Action.APPOINTED): Status.APPOINTED,
}


def today() -> dt.date:
    return timezone.localdate(timezone=company_tz())


def application_url(application) -> str:
    return reverse("promotion:application", args=[application.pk])


def _notify(recipients, *, title, body: str = "", url: str = "", actor=None) -> None:
    """In-app and email, each in the recipient's own language: `title` is a callable
    evaluated with that language active (what it says depends on who reads it)."""
    seen = set()
    for person in recipients:
        if person is None or person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        seen.add(person.pk)
        notification_in_their_language(
            recipient=person,
            make=lambda: (str(title()), shown_in_language(body)),
            url=url,
            actor=actor,
        )


def _people_with_role(role: str, *, branch):
    """Active staff with the role in `branch`, plus HQ's (HQ sees every branch)."""
    users = get_user_model().objects.filter(
        groups__name=role, is_active=True, staff_profile__status=StaffProfile.Status.ACTIVE
    )
    return users.filter(staff_profile__branch__in=[branch.pk, *_hq_ids()]).distinct()


def _hq_ids():
    from ..models import Branch

    return list(Branch.objects.filter(is_hq=True).values_list("pk", flat=True))


def _locked(application) -> PromotionApplication:
    return PromotionApplication.objects.select_for_update().get(pk=application.pk)


def _move(application, *, action: str, actor, comment: str = "") -> PromotionApplication:
    """Locks, checks the transition is allowed from the stored status, moves, records."""
    locked = _locked(application)
    after = TRANSITIONS.get((locked.status, action))
    if after is None:
        raise ValidationError(
            _("This application is at “%(stage)s”: that step cannot be taken now.")
            % {"stage": locked.get_status_display()},
            code="out_of_order",
        )
    if actor is not None and actor.pk == locked.applicant_id:
        raise ValidationError(
            _("Nobody reviews or decides on their own application."), code="own_application"
        )
    before = locked.status
    locked.status = after
    locked.save(update_fields=["status"])
    _record(locked, action=action, actor=actor, comment=comment, before=before)
    return locked


def _record(application, *, action, actor, comment="", before="") -> PromotionStageRecord:
    return PromotionStageRecord.objects.create(
        application=application,
        action=action,
        actor=actor,
        comment=comment,
        from_status=before,
        to_status=application.status,
    )


def _not_own(application, actor) -> None:
    if actor.pk == application.applicant_id:
        raise ValidationError(
            _("Nobody reviews or decides on their own application."), code="own_application"
        )


def _require_text(value: str, field_label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("%(field)s: write something.") % {"field": field_label})
    return value


def _save_evidence(application, files, *, actor) -> int:
    saved = 0
    for upload in files or []:
        content_type = check_evidence_file(upload)
        PromotionEvidence.objects.create(
            application=application,
            file=upload,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        saved += 1
    return saved


# --- Application ------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    cycle: PromotionCycle,
    applicant,
    capability_statement: str,
    attitude_statement: str,
    to_position: str | None = None,
    personal_note: str = "",
    files=(),
) -> PromotionApplication:
    """Files an application for the next step; refused with every unmet criterion named."""
    for upload in files or []:
        check_evidence_file(upload)  # a bad file refuses everything, before any write
    capability_statement = _require_text(capability_statement, _("Capability statement"))
    attitude_statement = _require_text(attitude_statement, _("Attitude statement"))
    # The profile row serialises two submissions by the same person (double click).
    profile = (
        StaffProfile.objects.select_for_update(of=("self",))
        .select_related("department", "branch", "department__head")
        .filter(user=applicant)
        .first()
    )
    if profile is None or profile.status != StaffProfile.Status.ACTIVE:
        raise ValidationError(_("Only active staff members apply for promotion."))
    cycle = PromotionCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != PromotionCycle.Status.OPEN or today() > cycle.deadline:
        raise ValidationError(
            _("The cycle “%(cycle)s” is not open for applications (deadline %(deadline)s).")
            % {"cycle": cycle.name, "deadline": cycle.deadline}
        )
    step_up = next_position(profile.position)
    if step_up is None:
        raise ValidationError(_("There is no next step on the ladder for your position."))
    if to_position and to_position != step_up:
        raise ValidationError(
            _("Promotion is one step at a time: from %(from)s the next step is %(to)s.")
            % {
                "from": Position(profile.position).label,
                "to": Position(step_up).label,
            },
            code="skipping_levels",
        )
    if profile.position not in cycle.steps:
        raise ValidationError(
            _("The cycle “%(cycle)s” is not open for the step from %(from)s.")
            % {"cycle": cycle.name, "from": Position(profile.position).label}
        )
    if PromotionApplication.objects.filter(cycle=cycle, applicant=applicant).exists():
        raise ValidationError(
            _("You already have an application in the cycle “%(cycle)s”.") % {"cycle": cycle.name},
            code="second_application",
        )
    standing = evaluate(user=applicant, start=cycle.period_start, end=cycle.period_end)
    if not standing.eligible:
        raise ValidationError(standing.refusal_messages(), code="criteria_not_met")
    department = profile.department
    reviewer = department.head if department and department.head_id else None
    if reviewer is not None and reviewer.pk == applicant.pk:
        reviewer = None  # a head applying is reviewed by another head of the branch
    application = PromotionApplication(
        cycle=cycle,
        applicant=applicant,
        branch=profile.branch,
        department=department,
        department_reviewer=reviewer,
        from_position=profile.position,
        to_position=step_up,
        personal_details={
            "name": profile.display_name,
            "employee_number": profile.employee_number,
            "branch": profile.branch.name,
            "department": department.name if department else "",
            "hire_date": str(profile.hire_date),
            "at_level_since": str(at_level_since(applicant) or ""),
            "note": (personal_note or "").strip(),
        },
        figures=figures_as_json(standing.figures) if standing.figures else {},
        compliance={
            "summary": standing.compliance,
            "complaints": standing.complaints,
            "criteria": [
                {
                    "key": c.key,
                    "label": str(c.label),
                    "value": None if c.value is None else str(c.value),
                    "bar": str(c.bar),
                    "unit": c.unit,
                    "met": c.met,
                }
                for c in standing.criteria
            ],
        },
        capability_statement=capability_statement,
        attitude_statement=attitude_statement,
        submitted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(
            _("You already have an application in the cycle “%(cycle)s”.") % {"cycle": cycle.name},
            code="second_application",
        ) from None
    _save_evidence(application, files, actor=applicant)
    _record(application, action=Action.SUBMITTED, actor=applicant)
    _notify(
        department_reviewers(application),
        title=lambda: (
            _("Promotion application to review: %(name)s") % {"name": profile.display_name}
        ),
        url=application_url(application),
        actor=applicant,
    )
    return application


def department_reviewers(application) -> list:
    if application.department_reviewer_id:
        return [application.department_reviewer]
    return [
        u
        for u in _people_with_role(roles.DEPARTMENT_HEAD, branch=application.branch).filter(
            staff_profile__branch=application.branch
        )
        if u.pk != application.applicant_id
    ]


def hr_reviewers(application) -> list:
    return [
        u
        for u in _people_with_role(roles.HR, branch=application.branch)
        if u.pk != application.applicant_id
    ]


def may_review_department(application, user) -> bool:
    if user.pk == application.applicant_id or not has_role(user, roles.DEPARTMENT_HEAD):
        return False
    if application.department_reviewer_id:
        return application.department_reviewer_id == user.pk
    return user_branch(user) == application.branch


def may_review_hr(application, user) -> bool:
    if user.pk == application.applicant_id or not has_role(user, roles.HR):
        return False
    return sees_all_branches(user) or user_branch(user) == application.branch


def is_committee_member(application, user) -> bool:
    return application.cycle.committee.filter(pk=user.pk).exists()


# --- Department review ------------------------------------------------------------------

DEPARTMENT_ACTIONS = {
    "support": Action.DEPARTMENT_APPROVED,
    "refuse": Action.DEPARTMENT_REFUSED,
    "send_back": Action.SENT_BACK,
}


@transaction.atomic
def department_review(*, application, actor, decision: str, opinion: str):
    """The department head's opinion: support (→ HR), refuse, or send back for evidence."""
    if decision not in DEPARTMENT_ACTIONS:
        raise ValidationError(_("Choose support, refuse or send back."))
    opinion = _require_text(opinion, _("Opinion"))
    _not_own(application, actor)
    if not may_review_department(application, actor):
        raise ValidationError(
            _("Only the applicant's department head reviews this application (never their own)."),
            code="not_reviewer",
        )
    moved = _move(application, action=DEPARTMENT_ACTIONS[decision], actor=actor, comment=opinion)
    url = application_url(moved)
    _notify(
        [moved.applicant],
        title=lambda: (
            _("Your promotion application: %(stage)s") % {"stage": moved.get_status_display()}
        ),
        body=opinion,
        url=url,
        actor=actor,
    )
    if moved.status == Status.HR_REVIEW:
        _notify(
            hr_reviewers(moved),
            title=lambda: (
                _("Promotion application for HR review: %(name)s")
                % {"name": moved.personal_details.get("name", "")}
            ),
            url=url,
            actor=actor,
        )
    return moved


@transaction.atomic
def application_resubmit(*, application, actor, note: str, files=()):
    """The applicant answers a send-back with more evidence (at least one file)."""
    if actor.pk != application.applicant_id:
        raise ValidationError(_("Only the applicant adds evidence to their application."))
    if not files:
        raise ValidationError(_("Evidence: attach at least one file."), code="no_evidence")
    for upload in files:
        check_evidence_file(upload)
    locked = _locked(application)
    if (locked.status, Action.RESUBMITTED) not in TRANSITIONS:
        raise ValidationError(
            _("This application is at “%(stage)s”: that step cannot be taken now.")
            % {"stage": locked.get_status_display()},
            code="out_of_order",
        )
    before = locked.status
    locked.status = Status.DEPARTMENT_REVIEW
    locked.save(update_fields=["status"])
    _save_evidence(locked, files, actor=actor)
    _record(locked, action=Action.RESUBMITTED, actor=actor, comment=note or "", before=before)
    _notify(
        department_reviewers(locked),
        title=lambda: (
            _("More evidence added: %(name)s") % {"name": locked.personal_details.get("name")}
        ),
        url=application_url(locked),
        actor=actor,
    )
    return locked


# --- HR review --------------------------------------------------------------------------


@transaction.atomic
def hr_review(*, application, actor, recommend: bool, evaluation: str):
    """HR's comprehensive evaluation and recommendation: to the committee, or not."""
    evaluation = _require_text(evaluation, _("Evaluation"))
    _not_own(application, actor)
    if not may_review_hr(application, actor):
        raise ValidationError(
            _("Only HR of the applicant's branch (or HQ) reviews this application."),
            code="not_reviewer",
        )
    action = Action.HR_RECOMMENDED if recommend else Action.HR_REFUSED
    moved = _move(application, action=action, actor=actor, comment=evaluation)
    if moved.status == Status.COMMITTEE:
        moved.committee_round = F("committee_round") + 1
        moved.save(update_fields=["committee_round"])
        moved.refresh_from_db()
        _notify(
            moved.cycle.committee.all(),
            title=lambda: (
                _("Promotion application before the committee: %(name)s")
                % {"name": moved.personal_details.get("name", "")}
            ),
            url=application_url(moved),
            actor=actor,
        )
    _notify(
        [moved.applicant],
        title=lambda: (
            _("Your promotion application: %(stage)s") % {"stage": moved.get_status_display()}
        ),
        url=application_url(moved),
        actor=actor,
    )
    return moved
