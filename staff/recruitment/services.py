"""Writes of recruitment: a vacancy, a candidate's way through the selection (director
rules 選拔流程: screening → HR, department head and leadership interviews → background
check → offer decision) to a new member of staff, and the personal-data rules.

The candidate's way is a small explicit table (STAGE_TRANSITIONS); a candidate may be
rejected or withdraw at any open stage.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.personal_data import encrypt_bytes
from staff import roles
from staff.models import Candidate, Interview, RecruitmentPolicy, StaffProfile, Vacancy
from staff.services import notification_in_their_language, personal_data_view_record
from staff.training.services import onboarding_assign

from .access import is_recruiter_for
from .validators import cv_content_type

Stage = Candidate.Stage
_CLOSED = {Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN}
STAGE_TRANSITIONS: dict[str, set[str]] = {
    Stage.APPLIED: {Stage.SCREENED, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.SCREENED: {Stage.INTERVIEWING, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.INTERVIEWING: {Stage.BACKGROUND_CHECK, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.BACKGROUND_CHECK: {Stage.OFFER, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.OFFER: {Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.HIRED: set(),
    Stage.REJECTED: set(),
    Stage.WITHDRAWN: set(),
}
CV_DIRECTORY = "recruitment/cv"
SENSITIVE_FIELDS = ["phone", "email", "id_number", "cv"]


def _move(candidate: Candidate, to: str) -> None:
    if to not in STAGE_TRANSITIONS[candidate.stage]:
        raise ValidationError(
            {
                "stage": _("A candidate at “%(now)s” cannot move to “%(to)s”.")
                % {"now": candidate.get_stage_display(), "to": Stage(to).label}
            }
        )
    candidate.stage = to


def _require_recruiter(actor, branch_id: int) -> None:
    if not is_recruiter_for(actor, branch_id):
        raise PermissionDenied(_("Only HR of the branch runs its recruitment."))


def _locked(candidate: Candidate) -> Candidate:
    return Candidate.objects.select_for_update().get(pk=candidate.pk)


# --- Vacancies --------------------------------------------------------------------------


@transaction.atomic
def vacancy_open(
    *, actor, branch, title: str, role: str, level: str, headcount: int = 1, department=None
) -> Vacancy:
    _require_recruiter(actor, branch.pk)
    if role not in roles.ALL_ROLES:
        raise ValidationError({"role": _("Choose one of the agency's roles.")})
    if department is not None and department.branch_id != branch.pk:
        raise ValidationError({"department": _("The department belongs to another branch.")})
    vacancy = Vacancy(
        branch=branch,
        department=department,
        title=title.strip(),
        role=role,
        level=level,
        headcount=headcount,
        opened_by=actor,
    )
    vacancy.full_clean()
    vacancy.save()
    return vacancy


@transaction.atomic
def vacancy_close(*, actor, vacancy: Vacancy) -> Vacancy:
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    _require_recruiter(actor, vacancy.branch_id)
    vacancy.status = Vacancy.Status.CLOSED
    vacancy.save(update_fields=["status"])
    return vacancy


# --- Candidates -------------------------------------------------------------------------


def _store_cv(upload) -> tuple[str, str, str]:
    content_type = cv_content_type(upload)
    upload.seek(0)
    data = encrypt_bytes(upload.read())
    # A random name: nothing about the person can be read from the disk.
    stored = default_storage.save(f"{CV_DIRECTORY}/{uuid.uuid4().hex}", ContentFile(data))
    original = (upload.name or "cv").rsplit("/", 1)[-1][:255]
    return stored, original, content_type


@transaction.atomic
def candidate_register(
    *,
    actor,
    vacancy: Vacancy,
    name: str,
    source: str,
    phone: str = "",
    email: str = "",
    id_number: str = "",
    referred_by=None,
    cv=None,
) -> Candidate:
    """A new application for an open vacancy; the CV (PDF or .docx) is stored encrypted."""
    _require_recruiter(actor, vacancy.branch_id)
    if vacancy.status != Vacancy.Status.OPEN:
        raise ValidationError({"vacancy": _("This vacancy is no longer open.")})
    if source == Candidate.Source.REFERRAL and referred_by is None:
        raise ValidationError({"referred_by": _("Name the member of staff who referred them.")})
    if source != Candidate.Source.REFERRAL:
        referred_by = None
    candidate = Candidate(
        vacancy=vacancy,
        branch=vacancy.branch,
        name=name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        id_number=id_number.strip().upper(),
        source=source,
        referred_by=referred_by,
        created_by=actor,
    )
    candidate.full_clean(exclude=["cv"])
    stored = ""
    if cv is not None:
        stored, candidate.cv_original_name, candidate.cv_content_type = _store_cv(cv)
        candidate.cv.name = stored
    try:
        candidate.save()
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return candidate


@transaction.atomic
def candidate_screen(*, actor, candidate: Candidate, passed: bool, notes: str = "") -> Candidate:
    """CV screening against the post's basic requirements (簡歷篩選)."""
    candidate = _locked(candidate)
    _require_recruiter(actor, candidate.branch_id)
    candidate.screening_notes = notes
    if passed:
        _move(candidate, Stage.SCREENED)
        candidate.save(update_fields=["stage", "screening_notes"])
    else:
        _reject(candidate, notes)
    return candidate


@transaction.atomic
def interview_schedule(*, actor, candidate: Candidate, kind: str, interviewer) -> Interview:
    """Names the interviewer of one of the three interviews; they then see the candidate."""
    candidate = _locked(candidate)
    _require_recruiter(actor, candidate.branch_id)
    if candidate.stage not in (Stage.SCREENED, Stage.INTERVIEWING):
        raise ValidationError(
            {"kind": _("Interviews are arranged after screening and before the background check.")}
        )
    if kind not in Interview.Kind.values:
        raise ValidationError(
            {"kind": _("Choose the HR, department head or leadership interview.")}
        )
    if candidate.interviews.filter(kind=kind).exists():
        raise ValidationError({"kind": _("This interview is already arranged.")})
    if candidate.stage == Stage.SCREENED:
        _move(candidate, Stage.INTERVIEWING)
        candidate.save(update_fields=["stage"])
    interview = Interview(candidate=candidate, kind=kind, interviewer=interviewer)
    interview.full_clean()
    interview.save()
    if interviewer.pk != actor.pk:
        notification_in_their_language(
            recipient=interviewer,
            actor=actor,
            make=lambda: (
                _("Interview to give: %(name)s") % {"name": candidate.name},
                _("%(kind)s for the vacancy “%(vacancy)s”. Score it on its page.")
                % {"kind": interview.get_kind_display(), "vacancy": candidate.vacancy.title},
            ),
            url=reverse("staff:recruitment_candidate", args=[candidate.pk]),
        )
    return interview


@transaction.atomic
def interview_score(*, actor, interview: Interview, score: int, notes: str = "") -> Interview:
    """The interviewer scores on the company's scale (RecruitmentPolicy) and writes notes."""
    interview = (
        Interview.objects.select_for_update().select_related("candidate").get(pk=interview.pk)
    )
    if interview.interviewer_id != actor.pk:
        raise PermissionDenied(_("Only the interviewer scores their interview."))
    if interview.candidate.stage != Stage.INTERVIEWING:
        raise ValidationError({"score": _("The interviews of this candidate are closed.")})
    maximum = RecruitmentPolicy.current().interview_score_max
    if score is None or not 0 <= score <= maximum:
        raise ValidationError(
            {"score": _("The score must be between 0 and %(max)s.") % {"max": maximum}}
        )
    interview.score = score
    interview.notes = notes
    interview.scored_at = timezone.now()
    interview.save(update_fields=["score", "notes", "scored_at"])
    return interview


@transaction.atomic
def background_check_start(*, actor, candidate: Candidate) -> Candidate:
    """After all three interviews are scored (背景調查 comes after the interviews)."""
    candidate = _locked(candidate)
    _require_recruiter(actor, candidate.branch_id)
    scored = set(candidate.interviews.filter(score__isnull=False).values_list("kind", flat=True))
    missing = [
        str(Interview.Kind(kind).label) for kind in Interview.Kind.values if kind not in scored
    ]
    if missing:
        raise ValidationError(
            {"stage": _("Still to be scored: %(missing)s.") % {"missing": ", ".join(missing)}}
        )
    _move(candidate, Stage.BACKGROUND_CHECK)
    candidate.save(update_fields=["stage"])
    return candidate


@transaction.atomic
def background_check_record(
    *, actor, candidate: Candidate, passed: bool, notes: str = ""
) -> Candidate:
    """The result of checking work history, diplomas and certificates."""
    candidate = _locked(candidate)
    _require_recruiter(actor, candidate.branch_id)
    if candidate.stage != Stage.BACKGROUND_CHECK:
        raise ValidationError(
            {"background_check": _("The candidate is not at the background check.")}
        )
    candidate.background_check = Candidate.Check.PASSED if passed else Candidate.Check.FAILED
    candidate.background_check_notes = notes
    if passed:
        _move(candidate, Stage.OFFER)
    candidate.save(update_fields=["background_check", "background_check_notes", "stage"])
    return candidate


def _reject(candidate: Candidate, notes: str) -> None:
    _move(candidate, Stage.REJECTED)
    candidate.decision_notes = notes or candidate.decision_notes
    candidate.rejected_at = timezone.now()
    candidate.save(update_fields=["stage", "decision_notes", "rejected_at", "screening_notes"])


@transaction.atomic
def candidate_reject(*, actor, candidate: Candidate, notes: str = "") -> Candidate:
    candidate = _locked(candidate)
    _require_recruiter(actor, candidate.branch_id)
    _reject(candidate, notes)
    return candidate


@transaction.atomic
def candidate_withdraw(*, actor, candidate: Candidate, notes: str = "") -> Candidate:
    """The candidate pulled out; kept like a rejection for the retention rule."""
    candidate = _locked(candidate)
    _require_recruiter(actor, candidate.branch_id)
    _move(candidate, Stage.WITHDRAWN)
    candidate.decision_notes = notes
    candidate.rejected_at = timezone.now()
    candidate.save(update_fields=["stage", "decision_notes", "rejected_at"])
    return candidate


@transaction.atomic
def candidate_hire(
    *,
    actor,
    candidate: Candidate,
    username: str,
    employee_number: str,
    hire_date: dt.date,
    notes: str = "",
) -> StaffProfile:
    """The offer decision (錄用決策): the candidate becomes a member of staff with a login,
    the vacancy's role and level, and the branch's onboarding training."""
    candidate = _locked(candidate)
    _require_recruiter(actor, candidate.branch_id)
    if candidate.background_check != Candidate.Check.PASSED:
        raise ValidationError(
            {
                "background_check": _(
                    "%(name)s has not passed the background check and cannot be hired."
                )
                % {"name": candidate.name}
            }
        )
    _move(candidate, Stage.HIRED)
    username = (username or "").strip()
    errors = {}
    if not username:
        errors["username"] = _("Choose a user name for the new login.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("The user name %(name)s is taken.") % {"name": username}
    if not employee_number.strip():
        errors["employee_number"] = _("Give the employee number.")
    elif StaffProfile.objects.filter(employee_number=employee_number.strip()).exists():
        errors["employee_number"] = _("Employee number %(number)s is taken.") % {
            "number": employee_number
        }
    if errors:
        raise ValidationError(errors)
    vacancy = Vacancy.objects.select_for_update().get(pk=candidate.vacancy_id)
    first, _space, last = candidate.name.partition(" ")
    user = User(
        username=username, first_name=first[:150], last_name=last[:150], email=candidate.email
    )
    # They set their own password through the reset mail; nobody knows one meanwhile.
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    group, _created = Group.objects.get_or_create(name=vacancy.role)
    user.groups.add(group)
    profile = StaffProfile(
        user=user,
        employee_number=employee_number.strip(),
        branch=vacancy.branch,
        department=vacancy.department,
        position=vacancy.level,
        hire_date=hire_date,
    )
    profile.full_clean()
    profile.save()
    onboarding_assign(profile=profile, actor=actor)
    policy = RecruitmentPolicy.current()
    candidate.hired_profile = profile
    candidate.decision_notes = notes
    candidate.probation_ends_on = hire_date + dt.timedelta(days=policy.probation_days)
    candidate.save(update_fields=["stage", "hired_profile", "decision_notes", "probation_ends_on"])
    hired = vacancy.candidates.filter(stage=Stage.HIRED).count()
    if hired >= vacancy.headcount:
        vacancy.status = Vacancy.Status.FILLED
        vacancy.save(update_fields=["status"])
    return profile


# --- Personal data ----------------------------------------------------------------------


def candidate_reveal(*, actor, candidate: Candidate, path: str = "") -> dict[str, str]:
    """HR sees the contact details unmasked; the view is recorded (who, when, whom)."""
    if not is_recruiter_for(actor, candidate.branch_id):
        raise PermissionDenied(_("Only HR sees a candidate's contact details unmasked."))
    if candidate.purged_at:
        return {}
    personal_data_view_record(
        user=actor, obj=candidate, fields=["phone", "email", "id_number"], path=path
    )
    return {"phone": candidate.phone, "email": candidate.email, "id_number": candidate.id_number}


def referral_bonuses_flag(*, today: dt.date) -> int:
    """Flags referred hires who passed probation still employed (idempotent)."""
    due = Candidate.objects.filter(
        stage=Stage.HIRED,
        source=Candidate.Source.REFERRAL,
        referral_bonus_due_on__isnull=True,
        probation_ends_on__lte=today,
        hired_profile__status=StaffProfile.Status.ACTIVE,
    )
    return due.update(referral_bonus_due_on=today)


PURGED_NAME = "—"


def rejected_candidates_purge(*, now: dt.datetime | None = None) -> int:
    """Erases the personal data of candidates rejected (or withdrawn) longer ago than the
    retention period: contact details, ID number, CV, notes — and their history rows,
    which hold the same data. The row stays (counts per vacancy and source are kept).
    Safe to run twice: purged rows are skipped."""
    now = now or timezone.now()
    days = RecruitmentPolicy.current().rejected_retention_days
    cutoff = now - dt.timedelta(days=days)
    ids = list(
        Candidate.objects.filter(
            stage__in=[Stage.REJECTED, Stage.WITHDRAWN],
            rejected_at__lte=cutoff,
            purged_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        _purge_one(pk, now=now)
    return len(ids)


@transaction.atomic
def _purge_one(pk: int, *, now: dt.datetime) -> None:
    candidate = Candidate.objects.select_for_update().filter(pk=pk, purged_at__isnull=True).first()
    if candidate is None:
        return
    stored = candidate.cv.name
    candidate.name = f"{PURGED_NAME} #{candidate.pk}"
    candidate.phone = ""
    candidate.email = ""
    candidate.id_number = ""
    candidate.cv = ""
    candidate.cv_original_name = ""
    candidate.screening_notes = ""
    candidate.background_check_notes = ""
    candidate.decision_notes = ""
    candidate.purged_at = now
    # The history rows hold the same data: erased too, then the purge itself is the
    # one row left (who it was no longer, when it was erased).
    candidate.history.all().delete()
    Interview.history.filter(candidate_id=pk).delete()
    candidate.save()
    candidate.interviews.update(notes="")
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))
