"""Recruitment: the chain from application to a new staff profile, and its rules."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from staff import roles
from staff.models import (
    Candidate,
    Interview,
    PersonalDataView,
    Position,
    RecruitmentPolicy,
    StaffProfile,
    Vacancy,
)
from staff.recruitment import services

from .conftest import PDF_BYTES, docx_bytes, pdf_cv

pytestmark = pytest.mark.django_db


def open_vacancy(org, **overrides) -> Vacancy:
    fields = {
        "actor": org.hr,
        "branch": org.branch,
        "title": "Phone collector",
        "role": roles.PHONE_COLLECTOR,
        "level": Position.JUNIOR_COLLECTOR,
        "headcount": 1,
        "department": org.collections,
    }
    fields.update(overrides)
    return services.vacancy_open(**fields)


def apply(org, vacancy, **overrides) -> Candidate:
    fields = {
        "actor": org.hr,
        "vacancy": vacancy,
        "name": "Chen Xiao",
        "source": Candidate.Source.JOB_SITE,
        "phone": "+8613800001111",
        "email": "chen.xiao@example.com",
        "id_number": "110101199003078515",
        "cv": pdf_cv(),
    }
    fields.update(overrides)
    return services.candidate_register(**fields)


def through_interviews(org, candidate, score=8) -> Candidate:
    services.candidate_screen(actor=org.hr, candidate=candidate, passed=True, notes="fits")
    interviewers = {
        Interview.Kind.HR: org.hr,
        Interview.Kind.DEPARTMENT_HEAD: org.head,
        Interview.Kind.LEADERSHIP: org.manager,
    }
    for kind, interviewer in interviewers.items():
        interview = services.interview_schedule(
            actor=org.hr, candidate=candidate, kind=kind, interviewer=interviewer
        )
        services.interview_score(actor=interviewer, interview=interview, score=score, notes="ok")
    return services.background_check_start(actor=org.hr, candidate=candidate)


def test_the_recruitment_chain_ends_in_a_staff_profile_with_onboarding(org):
    vacancy = open_vacancy(org)
    candidate = apply(org, vacancy, source=Candidate.Source.REFERRAL, referred_by=org.colleague)
    through_interviews(org, candidate)
    services.background_check_record(actor=org.hr, candidate=candidate, passed=True, notes="ok")
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.OFFER

    profile = services.candidate_hire(
        actor=org.hr,
        candidate=candidate,
        username="chen.xiao",
        employee_number="N0001",
        hire_date=dt.date(2026, 12, 1),
    )

    assert profile.branch == org.branch and profile.department == org.collections
    assert profile.position == Position.JUNIOR_COLLECTOR
    assert list(profile.user.groups.values_list("name", flat=True)) == [roles.PHONE_COLLECTOR]
    assert not profile.user.has_usable_password()
    assert (profile.user.first_name, profile.user.last_name) == ("Chen", "Xiao")
    onboarding = profile.training_enrolments.get()
    assert onboarding.plan.is_onboarding
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.HIRED and candidate.hired_profile == profile
    assert candidate.probation_ends_on == dt.date(2026, 12, 1) + dt.timedelta(days=90)
    vacancy.refresh_from_db()
    assert vacancy.status == Vacancy.Status.FILLED
    assert candidate.history.filter(stage=Candidate.Stage.HIRED).exists()


def test_hiring_without_a_passed_background_check_is_refused_and_writes_nothing(org):
    candidate = apply(org, open_vacancy(org))
    through_interviews(org, candidate)
    services.background_check_record(
        actor=org.hr, candidate=candidate, passed=False, notes="fake diploma"
    )
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.candidate_hire(
            actor=org.hr,
            candidate=candidate,
            username="chen.xiao",
            employee_number="N0001",
            hire_date=dt.date(2026, 12, 1),
        )
    assert "background_check" in caught.value.message_dict
    assert "background check" in caught.value.message_dict["background_check"][0]
    assert User.objects.count() == users_before
    assert not StaffProfile.objects.filter(employee_number="N0001").exists()
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.BACKGROUND_CHECK


def test_the_database_refuses_a_hired_candidate_without_a_passed_check(org):
    candidate = apply(org, open_vacancy(org))
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.filter(pk=candidate.pk).update(
            stage=Candidate.Stage.HIRED, hired_profile=org.collector.staff_profile
        )


def test_a_taken_username_is_named_on_its_field(org):
    candidate = apply(org, open_vacancy(org))
    through_interviews(org, candidate)
    services.background_check_record(actor=org.hr, candidate=candidate, passed=True)
    with pytest.raises(ValidationError) as caught:
        services.candidate_hire(
            actor=org.hr,
            candidate=candidate,
            username="coll.a",
            employee_number="N0001",
            hire_date=dt.date(2026, 12, 1),
        )
    assert "username" in caught.value.message_dict
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.OFFER


@pytest.mark.parametrize("score", [-1, 11, 100])
def test_interview_scores_outside_the_scale_are_refused(org, score):
    candidate = apply(org, open_vacancy(org))
    services.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    interview = services.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.HR, interviewer=org.hr
    )
    with pytest.raises(ValidationError) as caught:
        services.interview_score(actor=org.hr, interview=interview, score=score)
    assert "between 0 and 10" in caught.value.message_dict["score"][0]
    interview.refresh_from_db()
    assert interview.score is None


def test_the_scale_is_data(org):
    policy = RecruitmentPolicy.current()
    policy.interview_score_max = 100
    policy.save()
    candidate = apply(org, open_vacancy(org))
    services.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    interview = services.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.HR, interviewer=org.hr
    )
    services.interview_score(actor=org.hr, interview=interview, score=100)


def test_only_the_interviewer_scores(org):
    candidate = apply(org, open_vacancy(org))
    services.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    interview = services.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.LEADERSHIP, interviewer=org.manager
    )
    with pytest.raises(PermissionDenied):
        services.interview_score(actor=org.hr, interview=interview, score=5)


def test_the_background_check_waits_for_all_three_interviews(org):
    candidate = apply(org, open_vacancy(org))
    services.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    interview = services.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.HR, interviewer=org.hr
    )
    services.interview_score(actor=org.hr, interview=interview, score=7)
    with pytest.raises(ValidationError) as caught:
        services.background_check_start(actor=org.hr, candidate=candidate)
    assert "Department head interview" in caught.value.message_dict["stage"][0]


def test_a_cv_that_is_not_pdf_or_docx_is_refused_by_its_bytes(org):
    vacancy = open_vacancy(org)
    fake = SimpleUploadedFile(
        "cv.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as caught:
        apply(org, vacancy, cv=fake)
    assert "not a PDF or Word" in caught.value.message_dict["cv"][0]
    assert not Candidate.objects.exists()
    # A real .docx is accepted, whatever its name says.
    candidate = apply(org, vacancy, cv=SimpleUploadedFile("cv.bin", docx_bytes()))
    assert candidate.cv_content_type.endswith("wordprocessingml.document")


def test_a_cv_is_stored_encrypted(org):
    candidate = apply(org, open_vacancy(org))
    with default_storage.open(candidate.cv.name, "rb") as stored:
        assert PDF_BYTES not in stored.read()


def test_contact_details_are_encrypted_at_rest_and_revealed_only_to_hr_with_a_record(org):
    candidate = apply(org, open_vacancy(org))
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM staff_candidate WHERE id = %s", [candidate.pk])
        phone, id_number = cursor.fetchone()
    assert "13800001111" not in phone and "110101" not in id_number
    with pytest.raises(PermissionDenied):
        services.candidate_reveal(actor=org.head, candidate=candidate)
    shown = services.candidate_reveal(actor=org.hr, candidate=candidate, path="/x/")
    assert shown["phone"] == "+8613800001111"
    assert PersonalDataView.objects.filter(user=org.hr, object_id=str(candidate.pk)).count() == 1


def test_a_referral_names_the_referrer(org):
    with pytest.raises(ValidationError) as caught:
        apply(org, open_vacancy(org), source=Candidate.Source.REFERRAL)
    assert "referred_by" in caught.value.message_dict


def test_rejected_candidates_are_purged_after_the_retention_period_once(
    org, django_capture_on_commit_callbacks
):
    vacancy = open_vacancy(org)
    rejected = apply(org, vacancy)
    kept = apply(org, vacancy, name="Wang Fang")
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        services.candidate_screen(actor=org.hr, candidate=rejected, passed=False, notes="no")
    stored = rejected.cv.name

    with time_machine.travel(dt.datetime(2026, 6, 29, tzinfo=dt.UTC), tick=False):
        assert services.rejected_candidates_purge() == 0  # 179 days: kept
    with (
        time_machine.travel(dt.datetime(2026, 7, 1, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        count = services.rejected_candidates_purge()
    assert count == 1
    rejected.refresh_from_db()
    assert rejected.purged_at is not None
    assert (rejected.phone, rejected.email, rejected.id_number, rejected.cv.name) == (
        "",
        "",
        "",
        "",
    )
    assert rejected.name.startswith("—")
    assert rejected.history.count() == 1  # the old rows held the data: only the purge is left
    assert not default_storage.exists(stored)
    kept.refresh_from_db()
    assert kept.phone == "+8613800001111"
    assert services.rejected_candidates_purge(now=timezone.now()) == 0  # idempotent


def test_a_referred_hire_flags_the_bonus_after_probation(org):
    candidate = apply(
        org, open_vacancy(org), source=Candidate.Source.REFERRAL, referred_by=org.colleague
    )
    through_interviews(org, candidate)
    services.background_check_record(actor=org.hr, candidate=candidate, passed=True)
    services.candidate_hire(
        actor=org.hr,
        candidate=candidate,
        username="chen.xiao",
        employee_number="N0001",
        hire_date=dt.date(2026, 1, 1),
    )
    assert services.referral_bonuses_flag(today=dt.date(2026, 3, 31)) == 0  # day 89
    assert services.referral_bonuses_flag(today=dt.date(2026, 4, 1)) == 1  # day 90
    assert services.referral_bonuses_flag(today=dt.date(2026, 4, 2)) == 0
    candidate.refresh_from_db()
    assert candidate.referral_bonus_due_on == dt.date(2026, 4, 1)


def test_hr_of_another_branch_cannot_touch_the_candidate(org):
    candidate = apply(org, open_vacancy(org))
    with pytest.raises(PermissionDenied):
        services.candidate_screen(actor=org.other_hr, candidate=candidate, passed=True)
    services.candidate_screen(actor=org.hq_hr, candidate=candidate, passed=True)
