"""Manager assessments (issue 12): computed parts over the team and scored parts, equal to a
hand-computed fixture; figures not yet available are left out, never zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from staff import roles
from staff.assessment.services import (
    assessment_score,
    round_create,
    round_finalise,
    template_create,
)
from staff.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    AssessmentResult,
    AssessmentRound,
    AssessmentTemplate,
    Department,
    Position,
    UpheldComplaint,
)
from tests.factories import make_staff

from .conftest import compute

pytestmark = pytest.mark.django_db

Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
SCORES = {
    "Coaching and team development": 4,
    "Service quality": 3,
    "Rules and processes followed": 5,
}


@pytest.fixture
def team(branch_one):
    """A supervisor heading "Team East": T1 throughout, T2 leaving mid-quarter, T3 joining
    mid-quarter, and someone of another department."""
    manager = make_staff(
        roles.SUPERVISOR,
        branch=branch_one,
        username="manager",
        position=Position.COLLECTION_SUPERVISOR,
    )
    department = Department.objects.create(branch=branch_one, name="Team East", head=manager)
    t1 = make_staff(branch=branch_one, department=department, hire_date=dt.date(2025, 1, 1))
    t2 = make_staff(
        branch=branch_one,
        department=department,
        hire_date=dt.date(2025, 1, 1),
        status="left",
        left_on=dt.date(2026, 5, 15),
    )
    t3 = make_staff(branch=branch_one, department=department, hire_date=dt.date(2026, 5, 1))
    make_staff(branch=branch_one, hire_date=dt.date(2025, 1, 1))  # another department
    return manager, t1, t2, t3


def complaint(person, day):
    UpheldComplaint.objects.create(
        subject=person,
        branch=person.staff_profile.branch,
        upheld_on=day,
        summary="rude on the phone",
        recorded_by=person,
    )


def trained(person, day, *, present=True):
    """One training session attended (or missed) by `person` on `day`."""
    from staff.models import SessionAttendance, TrainingEnrolment, TrainingPlan, TrainingSession

    plan = TrainingPlan.objects.create(
        branch=person.staff_profile.branch,
        title="Negotiation",
        goal="g",
        content="c",
        method=TrainingPlan.Method.values[0],
        trainer="t",
        starts_on=day,
        ends_on=day,
        created_by=person,
    )
    enrolment = TrainingEnrolment.objects.create(plan=plan, profile=person.staff_profile)
    session = TrainingSession.objects.create(plan=plan, held_on=day, topic="t", hours=2)
    SessionAttendance.objects.create(
        session=session, enrolment=enrolment, present=present, recorded_by=person
    )


def _quarter(hq_hr):
    template = template_create(kind=AssessmentKind.MANAGER_QUARTERLY, year=2026, actor=hq_hr)
    AssessmentItem.objects.filter(section__template=template, indicator="team_results").update(
        target=Decimal("400000")
    )
    return round_create(
        template=template, period_start=Q2[0], period_end=Q2[1], label="2026 Q2", actor=hq_hr
    )


def _score(round_, reviewer):
    assessment = Assessment.objects.get(round=round_)
    for item in AssessmentItem.objects.filter(section__template=round_.template, indicator=""):
        assessment_score(assessment=assessment, item=item, score=SCORES[item.name], actor=reviewer)
    return assessment


def test_a_quarterly_manager_assessment_equals_the_hand_computed_fixture(
    hq_hr, team, fake_figures_function
):
    manager, t1, t2, t3 = team
    fake_figures_function.update(
        {
            manager.pk: {"violations": 0},
            t1.pk: {"amount": 100000, "violations": 1},
            t2.pk: {"amount": 50000, "violations": 0},
            t3.pk: {"amount": 50000, "violations": 1},
        }
    )
    complaint(t1, dt.date(2026, 4, 20))
    complaint(t1, dt.date(2026, 3, 31))  # before the quarter: not counted
    complaint(manager, dt.date(2026, 7, 1))  # after it: not counted
    trained(t1, dt.date(2026, 5, 10))
    trained(t2, dt.date(2026, 5, 10), present=False)  # absent: not counted
    trained(t3, dt.date(2026, 3, 10))  # before the quarter: not counted
    round_ = _quarter(hq_hr)
    compute(round_)
    assessment = _score(round_, hq_hr)
    round_finalise(round=round_, actor=hq_hr)

    values = {
        r.item.indicator: (r.value, r.normalised)
        for r in AssessmentResult.objects.filter(assessment=assessment).select_related("item")
        if r.item.indicator
    }
    assert values == {
        # 100,000 + 50,000 + 50,000 against a target of 400,000
        "team_results": (Decimal("200000"), Decimal("50.00")),
        # T1 and T2 on the first day; T1 still there on the last
        "team_retention": (Decimal("50.00"), Decimal("55.56")),
        # one of the three present at a session: 33.33% against a target of 80%
        "training_participation": (Decimal("33.33"), Decimal("41.66")),
        # one complaint, 20 points each; two violations, 25 points each
        "complaints": (Decimal("1"), Decimal("80.00")),
        "compliance_record": (Decimal("2"), Decimal("50.00")),
    }
    assessment.refresh_from_db()
    # weights: results 40; retention 12, training 9, coaching 9; complaints 9, service 6;
    # record 9, rules 6 →
    # (40·50 + 12·55.56 + 9·41.66 + 9·80 + 9·80 + 6·60 + 9·50 + 6·100) / 100 = 58.92
    assert assessment.total == Decimal("58.92")
    assert assessment.left_out == ""
    assert assessment.rank_in_company == 1
    # Outcomes belong to the collectors' annual assessment only.
    assert not (assessment.reward or assessment.training_plan or assessment.promotion_eligible)


def test_without_a_figures_function_the_case_figures_are_not_yet_available(hq_hr, team, settings):
    settings.PERFORMANCE_FIGURES_FUNCTION = "cases.not_installed_yet.figures"
    round_ = _quarter(hq_hr)
    compute(round_)
    assessment = _score(round_, hq_hr)
    round_finalise(round=round_, actor=hq_hr)
    results = {
        r.item.indicator: r.value
        for r in AssessmentResult.objects.filter(assessment=assessment).select_related("item")
        if r.item.indicator
    }
    assert results["team_results"] is None
    assert results["compliance_record"] is None
    assert results["team_retention"] == Decimal("50.00")  # staff-side: still computed
    assessment.refresh_from_db()
    assert results["complaints"] == 0  # staff-side too: none upheld
    assert results["training_participation"] == 0  # nobody of the team trained
    # (retention 12·55.56 + training 9·0 + coaching 9·80 + complaints 9·100 + service 6·60
    # + rules 6·100) / 51 = 3246.72 / 51
    assert assessment.total == Decimal("63.66")
    assert "Team results" in assessment.left_out


def test_the_monthly_assessment_follows_the_results_only(hq_hr, team, fake_figures_function):
    _manager, t1, t2, t3 = team
    fake_figures_function.update({t1.pk: {"amount": 30000}, t2.pk: {}, t3.pk: {}})
    template = template_create(kind=AssessmentKind.MANAGER_MONTHLY, year=2026, actor=hq_hr)
    AssessmentItem.objects.filter(section__template=template).update(target=Decimal("60000"))
    round_ = round_create(
        template=template,
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 5, 31),
        label="2026-05",
        actor=hq_hr,
    )
    compute(round_)
    round_finalise(round=round_, actor=hq_hr)
    assert Assessment.objects.get(round=round_).total == Decimal("50.00")


def test_the_early_warning_low_assessment_signal_reads_the_latest_finalised_total(team):
    from staff.succession.signals import SIGNALS, Setting

    manager, t1, _t2, _t3 = team
    template = AssessmentTemplate.objects.create(
        kind=AssessmentKind.MANAGER_QUARTERLY, year=2026, name="q"
    )
    for label, start, end, total in (
        ("2026 Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), Decimal("45")),
        ("2026 Q2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), Decimal("59.99")),
    ):
        round_ = AssessmentRound.objects.create(
            template=template, label=label, period_start=start, period_end=end
        )
        Assessment.objects.create(
            round=round_,
            subject=manager,
            branch=manager.staff_profile.branch,
            status=Assessment.Status.FINALISED,
            total=total,
        )
    read = SIGNALS["low_assessment"].reader
    profiles = [manager.staff_profile, t1.staff_profile]
    setting = Setting(threshold=Decimal("60"), window_days=365)
    readings = read(profiles, setting, dt.date(2026, 7, 15))
    assert readings[manager.staff_profile.pk].status == "on"
    assert "2026 Q2" in readings[manager.staff_profile.pk].explanation
    # No assessment in the window: the signal cannot be read — "not yet available", never
    # "off" (the early-warning rule for every signal without records, docs/decisions.md).
    assert readings[t1.staff_profile.pk].status == "unavailable"
    lower = Setting(threshold=Decimal("59.99"), window_days=365)
    assert read(profiles, lower, dt.date(2026, 7, 15))[manager.staff_profile.pk].status == "off"
