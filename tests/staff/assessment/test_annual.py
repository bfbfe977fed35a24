"""The collectors' annual assessment (issue 11): totals, ranks and outcomes against a
hand-computed fixture; weights and scale refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from staff import roles
from staff.assessment.services import (
    assessment_score,
    round_finalise,
    template_create,
)
from staff.models import (
    Assessment,
    AssessmentItem,
    AssessmentKind,
    AssessmentResult,
    AssessmentSection,
    Position,
    TrainingNeed,
)
from tests.factories import make_staff

from .conftest import compute
from .helpers import score_all, set_weights, year_round

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "sections": {"Performance": "60", "Capability": "25", "Attitude": "15"},
    "items": {
        "Amount collected": "50@100000",
        "Success rate": "25@50",
        "Task completion": "25@100",
    },
}


@pytest.fixture
def template(hq_hr):
    template = template_create(kind=AssessmentKind.ANNUAL_COLLECTOR, year=2025, actor=hq_hr)
    set_weights(
        template,
        hq_hr,
        WEIGHTS["sections"],
        WEIGHTS["items"],
        settings={"reward_top_count": 1, "training_bottom_count": 1},
    )
    return template


def collector(branch, name):
    return make_staff(
        roles.PHONE_COLLECTOR, branch=branch, username=name, position=Position.JUNIOR_COLLECTOR
    )


def test_the_annual_totals_ranks_and_outcomes_equal_the_hand_computed_fixture(
    template, hq_hr, branch_one, branch_two, fake_figures_function
):
    a, b = collector(branch_one, "a"), collector(branch_one, "b")
    c, d = collector(branch_two, "c"), collector(branch_two, "d")
    # Not assessed: a supervisor, and a collector who has left.
    make_staff(roles.SUPERVISOR, branch=branch_one, position=Position.COLLECTION_SUPERVISOR)
    make_staff(
        branch=branch_one,
        position=Position.MID_COLLECTOR,
        status="left",
        left_on=dt.date(2025, 6, 30),
    )
    fake_figures_function.update(
        {
            a.pk: {"amount": 80000, "success_rate": 40, "months": [100, 80, None]},
            b.pk: {"amount": 120000, "success_rate": 10, "months": [50]},
            c.pk: {"amount": 50000, "success_rate": 50, "months": [None]},
            d.pk: {"amount": 100000, "success_rate": 50, "months": [100, 100]},
        }
    )
    round_ = year_round(template, hq_hr)
    compute(round_)
    assert Assessment.objects.filter(round=round_).count() == 4
    score_all(
        round_,
        hq_hr,
        {
            a.pk: {"Capability": 4, "Attitude": 5},
            b.pk: {"Capability": 3, "Attitude": 3},
            c.pk: {"Capability": 4, "Attitude": 4},
            d.pk: {"Capability": 5, "Attitude": 5},
        },
    )
    round_finalise(round=round_, actor=hq_hr)

    got = {x.subject_id: x for x in Assessment.objects.filter(round=round_)}
    # a: perf 0.5·80 + 0.25·80 + 0.25·90 = 82.5; 0.6·82.5 + 0.25·80 + 0.15·100 = 84.50
    # b: perf 0.5·100 + 0.25·20 + 0.25·50 = 67.5; 0.6·67.5 + 0.25·60 + 0.15·60 = 64.50
    # c: completion not available: (30·50 + 15·100 + 25·80 + 15·80) / 85 = 72.94
    # d: everything at the top: 100.00
    assert {u: got[u].total for u in got} == {
        a.pk: Decimal("84.50"),
        b.pk: Decimal("64.50"),
        c.pk: Decimal("72.94"),
        d.pk: Decimal("100.00"),
    }
    assert {u: got[u].rank_in_company for u in got} == {d.pk: 1, a.pk: 2, c.pk: 3, b.pk: 4}
    assert {u: got[u].rank_in_branch for u in got} == {a.pk: 1, b.pk: 2, d.pk: 1, c.pk: 2}
    assert [u for u in got if got[u].reward] == [d.pk]
    assert [u for u in got if got[u].training_plan] == [b.pk]
    # … and b's training plan outcome is an open training need for HR to plan.
    need = TrainingNeed.objects.get()
    assert (need.profile.user_id, need.source, need.status) == (b.pk, "assessment", "open")
    assert sorted(u for u in got if got[u].promotion_eligible) == sorted([a.pk, d.pk])
    assert got[c.pk].left_out == "Task completion"
    assert all(x.status == Assessment.Status.FINALISED for x in got.values())
    completion = AssessmentResult.objects.get(
        assessment=got[c.pk], item__indicator="task_completion"
    )
    assert completion.value is None and completion.normalised is None


def test_the_computation_asks_the_figures_once_per_chunk_not_per_person(
    template, hq_hr, branch_one, fake_figures_function
):
    from . import figures

    for n in range(5):
        collector(branch_one, f"c{n}")
    compute(year_round(template, hq_hr))
    assert len(figures.CALLS) == 1 and len(figures.CALLS[0]) == 5


def test_the_computation_is_a_handful_of_queries_whatever_the_number_of_people(
    template, hq_hr, branch_one, django_assert_max_num_queries
):
    for n in range(30):
        collector(branch_one, f"q{n}")
    round_ = year_round(template, hq_hr)
    with django_assert_max_num_queries(25):
        compute(round_)
    assert AssessmentResult.objects.filter(assessment__round=round_).count() == 30 * 3


def test_a_second_computation_keeps_the_reviewers_scores(
    template, hq_hr, branch_one, fake_figures_function
):
    a = collector(branch_one, "a")
    fake_figures_function[a.pk] = {"amount": 1000}
    round_ = year_round(template, hq_hr)
    compute(round_)
    assessment = Assessment.objects.get(round=round_)
    item = AssessmentItem.objects.filter(section__template=template, indicator="").first()
    assessment_score(assessment=assessment, item=item, score=4, actor=hq_hr)
    fake_figures_function[a.pk] = {"amount": 2000}
    compute(round_)
    amount = AssessmentResult.objects.get(assessment=assessment, item__indicator="amount")
    assert amount.value == Decimal("2000")
    assert AssessmentResult.objects.get(assessment=assessment, item=item).score == 4


@pytest.mark.parametrize(
    ("sections", "items", "message"),
    [
        ({"Performance": "55"}, {}, "add up to 95%"),
        ({}, {"Amount collected": "40"}, "“Performance” add up to 90%"),
    ],
)
def test_weights_that_do_not_add_up_to_100_are_refused_and_nothing_is_written(
    template, hq_hr, sections, items, message
):
    before = sorted(
        AssessmentSection.objects.filter(template=template).values_list("weight", flat=True)
    )
    with pytest.raises(ValidationError) as refused:
        set_weights(template, hq_hr, sections, items)
    assert message in str(refused.value)
    after = sorted(
        AssessmentSection.objects.filter(template=template).values_list("weight", flat=True)
    )
    assert before == after
    assert (
        AssessmentItem.objects.get(section__template=template, name="Amount collected").weight == 50
    )


@pytest.mark.parametrize("score", [0, 6, "5.5", -1])
def test_scores_outside_the_scale_are_refused(template, hq_hr, branch_one, score):
    a = collector(branch_one, "a")
    round_ = year_round(template, hq_hr)
    compute(round_)
    assessment = Assessment.objects.get(round=round_, subject=a)
    item = AssessmentItem.objects.filter(section__template=template, indicator="").first()
    with pytest.raises(ValidationError) as refused:
        assessment_score(assessment=assessment, item=item, score=score, actor=hq_hr)
    assert "Scores run from 1 to 5" in str(refused.value)
    assert not AssessmentResult.objects.filter(assessment=assessment, item=item).exists()


def test_nobody_scores_their_own_assessment_or_a_computed_item(template, hq_hr, branch_one):
    a = collector(branch_one, "a")
    round_ = year_round(template, hq_hr)
    compute(round_)
    assessment = Assessment.objects.get(round=round_, subject=a)
    item = AssessmentItem.objects.filter(section__template=template, indicator="").first()
    with pytest.raises(ValidationError, match="Nobody scores their own"):
        assessment_score(assessment=assessment, item=item, score=3, actor=a)
    computed = AssessmentItem.objects.get(section__template=template, indicator="amount")
    with pytest.raises(ValidationError, match="not scored by reviewers"):
        assessment_score(assessment=assessment, item=computed, score=3, actor=hq_hr)


def test_finalising_with_items_left_to_score_is_refused_naming_the_people(
    template, hq_hr, branch_one
):
    collector(branch_one, "lefttoscore")
    round_ = year_round(template, hq_hr)
    compute(round_)
    with pytest.raises(ValidationError, match="1 people still have items to score"):
        round_finalise(round=round_, actor=hq_hr)
    assert not Assessment.objects.filter(round=round_, status="finalised").exists()


def test_a_finalised_rounds_template_keeps_its_weights(template, hq_hr, branch_one):
    a = collector(branch_one, "a")
    round_ = year_round(template, hq_hr)
    compute(round_)
    score_all(round_, hq_hr, {a.pk: {"Capability": 3, "Attitude": 3}})
    round_finalise(round=round_, actor=hq_hr)
    with pytest.raises(ValidationError, match="finalised"):
        set_weights(template, hq_hr, {"Performance": "60"}, {})


def test_next_years_template_starts_as_a_copy_of_this_years(template, hq_hr):
    following = template_create(kind=AssessmentKind.ANNUAL_COLLECTOR, year=2026, actor=hq_hr)
    amount = AssessmentItem.objects.get(section__template=following, indicator="amount")
    assert (amount.weight, amount.target) == (Decimal("50"), Decimal("100000"))
    assert following.reward_top_count == 1


def test_only_hq_hr_manages_templates(branch_one):
    branch_hr = make_staff(roles.HR, branch=branch_one)
    with pytest.raises(ValidationError, match="Only HR at headquarters"):
        template_create(kind=AssessmentKind.ANNUAL_COLLECTOR, year=2025, actor=branch_hr)
