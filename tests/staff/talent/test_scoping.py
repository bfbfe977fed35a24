"""Who reads whose training records and candidates: own, team, branch HR, HQ HR — and
candidate data only to HR and the candidate's interviewers."""

from __future__ import annotations

import datetime as dt

import pytest

from staff import roles
from staff.models import Candidate, Interview, Position, TrainingEnrolment
from staff.recruitment import services as recruitment
from staff.training.services import onboarding_assign

pytestmark = pytest.mark.django_db


def _readers(model, row, users) -> dict[str, bool]:
    return {name: model.objects.visible_to(user).filter(pk=row.pk).exists() for name, user in users}


def test_training_records_are_read_by_the_person_their_managers_and_hr(org):
    record = onboarding_assign(profile=org.collector.staff_profile)
    seen = _readers(
        TrainingEnrolment,
        record,
        [
            ("the person", org.collector),
            ("a colleague", org.colleague),
            ("their supervisor", org.supervisor),
            ("their department head", org.head),
            ("the branch manager", org.manager),
            ("branch HR", org.hr),
            ("HQ HR", org.hq_hr),
            ("the front desk", org.desk),
            ("another branch's HR", org.other_hr),
        ],
    )
    assert seen == {
        "the person": True,
        "a colleague": False,
        "their supervisor": True,
        "their department head": True,
        "the branch manager": True,
        "branch HR": True,
        "HQ HR": True,
        "the front desk": False,
        "another branch's HR": False,
    }


def test_a_supervisor_does_not_read_non_collectors_records(org):
    record = onboarding_assign(profile=org.desk.staff_profile)
    assert not TrainingEnrolment.objects.visible_to(org.supervisor).filter(pk=record.pk).exists()
    assert TrainingEnrolment.objects.visible_to(org.hr).filter(pk=record.pk).exists()


def test_candidates_are_read_by_hr_and_their_interviewers_only(org):
    vacancy = recruitment.vacancy_open(
        actor=org.hr,
        branch=org.branch,
        title="Collector",
        role=roles.PHONE_COLLECTOR,
        level=Position.JUNIOR_COLLECTOR,
    )
    candidate = recruitment.candidate_register(
        actor=org.hr, vacancy=vacancy, name="Chen Xiao", source=Candidate.Source.JOB_SITE
    )
    recruitment.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    recruitment.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.DEPARTMENT_HEAD, interviewer=org.head
    )
    seen = _readers(
        Candidate,
        candidate,
        [
            ("branch HR", org.hr),
            ("HQ HR", org.hq_hr),
            ("the interviewer", org.head),
            ("the branch manager", org.manager),
            ("a supervisor", org.supervisor),
            ("another branch's HR", org.other_hr),
        ],
    )
    assert seen == {
        "branch HR": True,
        "HQ HR": True,
        "the interviewer": True,
        "the branch manager": False,
        "a supervisor": False,
        "another branch's HR": False,
    }


def test_the_daily_tasks_run_their_services(org):
    from staff import tasks

    assert tasks.rejected_candidates_purge() == 0
    assert tasks.referral_bonuses_flag() == 0
    org.colleague.staff_profile.hire_date = dt.date.today()
    org.colleague.staff_profile.save()
    assert tasks.onboarding_sweep() == 1
    assert tasks.onboarding_sweep() == 0
