"""Demo data of issue 12 for `seed_demo`: a training plan with a session and its sign-in
sheet, an open vacancy with a candidate at each stage, a key post with successors, and
two people on the early-warning list (a recent hire; a collector untrained for a year).
Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from collections_office.workdays import company_today
from staff import roles
from staff.models import (
    Candidate,
    Interview,
    KeyPost,
    Position,
    StaffProfile,
    TrainingEnrolment,
    TrainingPlan,
    Vacancy,
)
from staff.recruitment import services as recruitment
from staff.services import demo_data_mark
from staff.succession import services as succession
from staff.training import services as training

VACANCY_TITLE = "Phone collector (Pudong team)"
REFRESHER = "Compliance and communication refresher"
WORKSHOP = "Negotiation and empathy workshop"
UNTRAINED = "sh.field"  # left out of the refresher, absent from the workshop: "no training"
CV = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"demo cv " * 20


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).select_related("staff_profile").first()


@transaction.atomic
def seed(*, stdout=None) -> dict:
    hr, sh_manager, hq_manager = _user("hq.hr"), _user("sh.manager"), _user("hq.manager")
    if hr is None or sh_manager is None or hq_manager is None:
        return {}
    branch = sh_manager.staff_profile.branch
    today = company_today()
    made = {"plans": 0, "candidates": 0}

    # Everyone but one trained this year, branch by branch (so the list stays short).
    if not TrainingPlan.objects.filter(title=REFRESHER).exists():
        for profile_branch in {p.branch for p in StaffProfile.objects.select_related("branch")}:
            people = StaffProfile.objects.filter(
                branch=profile_branch, status=StaffProfile.Status.ACTIVE
            ).exclude(user__username=UNTRAINED)
            plan = TrainingPlan.objects.create(
                branch=profile_branch,
                title=REFRESHER,
                goal="Every collector keeps to the contact rules and speaks politely.",
                content="The contact window, third parties, recordings; listening and tone.",
                method=TrainingPlan.Method.CLASSROOM,
                trainer="Legal department",
                starts_on=today - dt.timedelta(days=70),
                ends_on=today - dt.timedelta(days=60),
                budget=Decimal("2000.00"),
                status=TrainingPlan.Status.COMPLETED,
                created_by=hr,
            )
            for profile in people:
                TrainingEnrolment.objects.create(
                    plan=plan,
                    profile=profile,
                    status=TrainingEnrolment.Status.COMPLETED,
                    test_score=85,
                    completed_on=today - dt.timedelta(days=60),
                )
        made["plans"] += 1

    if not TrainingPlan.objects.filter(title=WORKSHOP).exists():
        people = [
            u.staff_profile
            for u in User.objects.filter(
                username__in=["sh.collector1", "sh.collector2", "sh.field"]
            ).select_related("staff_profile")
        ]
        plan = training.plan_create(
            actor=hr,
            branch=branch,
            title=WORKSHOP,
            goal="Fewer broken promises to pay: understand the debtor's situation first.",
            content="Active listening, empathy, handling objections, role play on real calls.",
            method=TrainingPlan.Method.WORKSHOP,
            trainer="Ms Li (senior supervisor)",
            starts_on=today - dt.timedelta(days=3),
            ends_on=today + dt.timedelta(days=20),
            budget=Decimal("4500.00"),
            participants=people,
        )
        # Approved by the branch manager (the demo does not replay the approval).
        TrainingPlan.objects.filter(pk=plan.pk).update(status=TrainingPlan.Status.APPROVED)
        plan.refresh_from_db()
        session = training.session_add(
            actor=hr,
            plan=plan,
            held_on=today - dt.timedelta(days=2),
            topic="Active listening",
            hours=Decimal("3"),
            location="Pudong office, room 2",
        )
        present = [e.pk for e in plan.enrolments.exclude(profile__user__username="sh.field")]
        training.attendance_record(actor=hr, session=session, present_enrolment_ids=present)
        made["plans"] += 1

    if not Vacancy.objects.filter(title=VACANCY_TITLE).exists():
        vacancy = recruitment.vacancy_open(
            actor=hr,
            branch=branch,
            title=VACANCY_TITLE,
            role=roles.PHONE_COLLECTOR,
            level=Position.JUNIOR_COLLECTOR,
            headcount=3,
            department=sh_manager.staff_profile.department,
        )
        referrer = _user("sh.collector1")
        interviewers = {
            Interview.Kind.HR: hr,
            Interview.Kind.DEPARTMENT_HEAD: sh_manager,
            Interview.Kind.LEADERSHIP: hq_manager,
        }

        def apply(name, phone, **extra):
            made["candidates"] += 1
            return recruitment.candidate_register(
                actor=hr,
                vacancy=vacancy,
                name=name,
                phone=phone,
                email=f"{name.lower().replace(' ', '.')}@example.com",
                cv=SimpleUploadedFile("cv.pdf", CV, content_type="application/pdf"),
                **{"source": Candidate.Source.JOB_SITE, **extra},
            )

        def interview_all(candidate, score):
            recruitment.candidate_screen(actor=hr, candidate=candidate, passed=True)
            for kind, who in interviewers.items():
                interview = recruitment.interview_schedule(
                    actor=hr, candidate=candidate, kind=kind, interviewer=who
                )
                recruitment.interview_score(
                    actor=who, interview=interview, score=score, notes="Clear and calm."
                )

        apply("Gao Yan", "+8613900000001")  # applied
        screened = apply("Lin Tao", "+8613900000002")
        recruitment.candidate_screen(actor=hr, candidate=screened, passed=True, notes="Fits.")
        interviewing = apply("He Jing", "+8613900000003")
        recruitment.candidate_screen(actor=hr, candidate=interviewing, passed=True)
        first = recruitment.interview_schedule(
            actor=hr, candidate=interviewing, kind=Interview.Kind.HR, interviewer=hr
        )
        recruitment.interview_score(actor=hr, interview=first, score=7, notes="Good listener.")
        checking = apply("Luo Bin", "+8613900000004")
        interview_all(checking, 8)
        recruitment.background_check_start(actor=hr, candidate=checking)
        offered = apply(
            "Song Mei", "+8613900000005", source=Candidate.Source.REFERRAL, referred_by=referrer
        )
        interview_all(offered, 9)
        recruitment.background_check_start(actor=hr, candidate=offered)
        recruitment.background_check_record(actor=hr, candidate=offered, passed=True)
        hired = apply("Tang Wen", "+8613900000006")
        interview_all(hired, 8)
        recruitment.background_check_start(actor=hr, candidate=hired)
        recruitment.background_check_record(actor=hr, candidate=hired, passed=True)
        profile = recruitment.candidate_hire(
            actor=hr,
            candidate=hired,
            username="sh.newhire",
            employee_number="E0901",
            hire_date=today - dt.timedelta(days=20),  # on the list: tenure under 90 days
        )
        demo_data_mark(obj=profile.user)
        rejected = apply("Qian Lei", "+8613900000007")
        recruitment.candidate_screen(
            actor=hr, candidate=rejected, passed=False, notes="No collection experience."
        )

    if not KeyPost.objects.filter(branch=branch).exists():
        supervisor = _user("sh.supervisor")
        post = succession.key_post_save(
            actor=hr,
            branch=branch,
            title="Collection supervisor, Pudong",
            holder=supervisor.staff_profile if supervisor else None,
        )
        for username, readiness in (("sh.field", "ready_now"), ("sh.collector2", "within_year")):
            person = _user(username)
            if person:
                succession.successor_add(
                    actor=hr, post=post, profile=person.staff_profile, readiness=readiness
                )
    if stdout:
        stdout.write(
            "training, recruitment, succession: {plans} plans, {candidates} candidates".format(
                **made
            )
        )
    # The dashboard's early-warning panel shows the nightly reading: read it once now.
    from staff.succession.nightly import early_warning_flags_refresh

    made["flagged"] = early_warning_flags_refresh()
    return made
