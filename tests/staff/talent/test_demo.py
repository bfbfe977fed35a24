"""`seed_demo`'s issue-12 data: what the issue asks for, and a second run changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from collections_office.workdays import company_today
from staff import demo as staff_demo
from staff import demo_talent
from staff.models import Candidate, SessionAttendance, TrainingPlan, Vacancy
from staff.succession.selectors import early_warning_list

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_a_vacancy_at_every_stage_and_two_warnings(settings):
    settings.PERFORMANCE_FIGURES_FUNCTION = ""
    staff_demo.seed()
    demo_talent.seed()
    demo_talent.seed()  # idempotent

    workshop = TrainingPlan.objects.get(title=demo_talent.WORKSHOP)
    assert workshop.sessions.count() == 1
    assert SessionAttendance.objects.filter(session__plan=workshop, present=True).count() == 2
    vacancy = Vacancy.objects.get(title=demo_talent.VACANCY_TITLE)
    stages = set(vacancy.candidates.values_list("stage", flat=True))
    assert stages == {
        "applied",
        "screened",
        "interviewing",
        "background_check",
        "offer",
        "hired",
        "rejected",
    }
    assert Candidate.objects.count() == 7
    hired = User.objects.get(username="sh.newhire").staff_profile
    assert hired.training_enrolments.filter(plan__is_onboarding=True).exists()

    supervisor = User.objects.get(username="sh.supervisor")
    flagged = early_warning_list(user=supervisor, today=company_today())
    assert sorted(row.profile.user.username for row in flagged) == ["sh.field", "sh.newhire"]
    hq_hr = User.objects.get(username="hq.hr")
    assert len(early_warning_list(user=hq_hr, today=company_today())) == 2
