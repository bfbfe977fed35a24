"""Training, recruitment and succession rows for one side of the scoping world
(tests/scoping/world.py calls `add_talent_rows(side)` for branch A and branch B)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from staff import roles
from staff.models import (
    Candidate,
    EarlyWarningFlag,
    HandoverItem,
    Interview,
    KeyPost,
    SessionAttendance,
    Successor,
    TrainingEnrolment,
    TrainingNeed,
    TrainingPlan,
    TrainingSession,
    Vacancy,
)
from staff.succession.services import handover_open
from tests.factories import make_staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"cv " * 40


def add_talent_rows(side) -> None:
    code = side.branch.code
    hr = make_staff(roles.HR, branch=side.branch, username=f"talent.hr.{code}")
    profile = side.collector.staff_profile
    side.early_warning_flag = EarlyWarningFlag.objects.create(
        profile=profile, computed_on=dt.date(2026, 11, 29), signals=["tenure_short"], signals_on=1
    )
    side.training_plan = TrainingPlan.objects.create(
        branch=side.branch,
        title=f"Negotiation {code}",
        goal="Fewer broken promises",
        content="Listening, objections",
        method=TrainingPlan.Method.WORKSHOP,
        trainer="Trainer",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 31),
        status=TrainingPlan.Status.APPROVED,
        created_by=hr,
    )
    side.training_enrolment = TrainingEnrolment.objects.create(
        plan=side.training_plan, profile=profile
    )
    side.training_session = TrainingSession.objects.create(
        plan=side.training_plan, held_on=dt.date(2026, 11, 20), topic="Listening", hours=2
    )
    side.session_attendance = SessionAttendance.objects.create(
        session=side.training_session,
        enrolment=side.training_enrolment,
        present=True,
        recorded_by=hr,
    )
    side.training_need = TrainingNeed.objects.create(
        profile=profile, source=TrainingNeed.Source.SURVEY, topic="Law update", raised_by=hr
    )
    side.vacancy = Vacancy.objects.create(
        branch=side.branch,
        title=f"Phone collector {code}",
        role=roles.PHONE_COLLECTOR,
        opened_by=hr,
    )
    side.candidate = Candidate.objects.create(
        vacancy=side.vacancy,
        branch=side.branch,
        name=f"Applicant {code}",
        phone="+8613700000000",
        source=Candidate.Source.JOB_SITE,
        stage=Candidate.Stage.INTERVIEWING,
        created_by=hr,
        cv=SimpleUploadedFile("cv.pdf", PDF),
        cv_content_type="application/pdf",
        cv_original_name="cv.pdf",
    )
    side.interview = Interview.objects.create(
        candidate=side.candidate, kind=Interview.Kind.DEPARTMENT_HEAD, interviewer=side.supervisor
    )
    side.key_post = KeyPost.objects.create(
        branch=side.branch, title=f"Supervisor {code}", holder=side.supervisor.staff_profile
    )
    successor = make_staff(roles.PHONE_COLLECTOR, branch=side.branch, username=f"next.{code}")
    side.successor = Successor.objects.create(
        post=side.key_post, profile=successor.staff_profile, readiness="ready_now"
    )
    side.handover = handover_open(
        actor=hr,
        leaver=profile,
        successor=successor.staff_profile,
        supervisor=side.supervisor,
        leaving_on=dt.date(2026, 12, 31),
    )
    side.handover_item = HandoverItem.objects.filter(handover=side.handover).first()
