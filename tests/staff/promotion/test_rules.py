"""Bad input and the chain's rules: each refused with a clear message, nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from staff import roles
from staff.models import (
    CommitteeVote,
    Position,
    PromotionApplication,
    PromotionEvidence,
    PromotionStageRecord,
    UpheldComplaint,
)
from staff.promotion import committee as chain
from staff.promotion import services
from staff.promotion.setup import complaint_record, cycle_open

from .conftest import STAND_IN, pdf, submit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at_committee(cycle, people):
    application = submit(cycle, people["applicant"])
    services.department_review(
        application=application, actor=people["head"], decision="support", opinion="ok"
    )
    services.hr_review(application=application, actor=people["hr"], recommend=True, evaluation="ok")
    application.refresh_from_db()
    return application


def test_unmet_criteria_are_named_and_nothing_is_written(people, cycle):
    STAND_IN["changes"] = {
        "amount_collected": Decimal("1000.00"),
        "success_rate": None,  # payments not available
    }
    with pytest.raises(ValidationError) as refused:
        submit(cycle, people["applicant"], files=[pdf()])
    text = " ".join(refused.value.messages)
    assert "Amount collected in the cycle: 1000.00 CNY, required 300000.00 CNY." in text
    assert "Success rate: not yet available" in text
    assert PromotionApplication.objects.count() == 0
    assert PromotionEvidence.objects.count() == 0


def test_a_month_below_the_bar_is_unmet(people, cycle):
    from staff.performance import MonthFigures

    STAND_IN["changes"] = {
        "months": [
            MonthFigures(dt.date(2025, 1, 1), Decimal("10000"), Decimal("5000"), Decimal("50.00")),
            MonthFigures(dt.date(2025, 2, 1), None, Decimal("0"), None),
        ]
    }
    with pytest.raises(ValidationError, match="Monthly task completion"):
        submit(cycle, people["applicant"])


def test_too_short_at_the_current_level_is_unmet(people, cycle):
    profile = people["applicant"].staff_profile
    profile.hire_date = services.today() - dt.timedelta(days=40)
    profile.save()
    with pytest.raises(ValidationError, match="Months at the current level: 1, required 12"):
        submit(cycle, people["applicant"])


def test_skipping_a_level_is_refused(people, cycle):
    with pytest.raises(ValidationError) as refused:
        submit(cycle, people["applicant"], to_position=Position.SENIOR_COLLECTOR)
    assert refused.value.code == "skipping_levels"
    assert "one step at a time" in refused.value.messages[0]
    assert PromotionApplication.objects.count() == 0


def test_a_second_application_in_the_same_cycle_is_refused(people, cycle):
    submit(cycle, people["applicant"])
    with pytest.raises(ValidationError, match="already have an application"):
        submit(cycle, people["applicant"])
    assert PromotionApplication.objects.count() == 1


def test_nobody_reviews_their_own_application(people, cycle, branch_a):
    applicant = people["applicant"]
    from django.contrib.auth.models import Group

    applicant.groups.add(
        Group.objects.get(name=roles.DEPARTMENT_HEAD), Group.objects.get(name=roles.HR)
    )
    application = submit(cycle, applicant)
    for act in (
        lambda: services.department_review(
            application=application, actor=applicant, decision="support", opinion="me"
        ),
        lambda: services.hr_review(
            application=application, actor=applicant, recommend=True, evaluation="me"
        ),
    ):
        with pytest.raises(ValidationError, match="their own application"):
            act()
    application.refresh_from_db()
    assert application.status == PromotionApplication.Status.DEPARTMENT_REVIEW


def test_a_committee_member_does_not_vote_on_their_own_application(people, cycle):
    cycle.committee.add(people["applicant"])
    application = at_committee(cycle, people)
    with pytest.raises(ValidationError, match="their own application"):
        chain.committee_vote(application=application, actor=people["applicant"], choice="for")
    with pytest.raises(ValidationError, match="their own application"):
        chain.committee_decide(application=application, actor=people["applicant"])
    assert CommitteeVote.objects.count() == 0


def test_a_stage_out_of_order_or_twice_is_refused(people, cycle):
    application = submit(cycle, people["applicant"])
    with pytest.raises(ValidationError, match="cannot be taken now"):
        services.hr_review(
            application=application, actor=people["hr"], recommend=True, evaluation="x"
        )
    services.department_review(
        application=application, actor=people["head"], decision="support", opinion="ok"
    )
    with pytest.raises(ValidationError, match="cannot be taken now"):
        services.department_review(
            application=application, actor=people["head"], decision="support", opinion="again"
        )
    with pytest.raises(ValidationError, match="cannot be taken now"):
        chain.committee_vote(application=application, actor=people["members"][0], choice="for")
    assert application.stages.count() == 2


def test_a_member_votes_once_per_round(people, cycle):
    application = at_committee(cycle, people)
    chain.committee_vote(application=application, actor=people["members"][0], choice="for")
    with pytest.raises(ValidationError, match="already voted"):
        chain.committee_vote(application=application, actor=people["members"][0], choice="against")


def test_a_decision_without_quorum_is_refused(people, cycle):
    application = at_committee(cycle, people)
    chain.committee_vote(application=application, actor=people["members"][0], choice="for")
    with pytest.raises(ValidationError) as refused:
        chain.committee_decide(application=application, actor=people["members"][0])
    assert refused.value.code == "no_quorum"
    assert "1 of the 2 votes" in refused.value.messages[0]
    application.refresh_from_db()
    assert application.status == PromotionApplication.Status.COMMITTEE


def test_a_majority_against_means_not_promoted(people, cycle):
    application = at_committee(cycle, people)
    chain.committee_vote(application=application, actor=people["members"][0], choice="for")
    chain.committee_vote(application=application, actor=people["members"][1], choice="against")
    application = chain.committee_decide(application=application, actor=people["hq_hr"])
    assert application.status == PromotionApplication.Status.REJECTED


def test_an_appeal_after_the_notice_is_refused(people, cycle):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        application = at_committee(cycle, people)
        for member in people["members"][:2]:
            chain.committee_vote(application=application, actor=member, choice="for")
        application = chain.committee_decide(application=application, actor=people["members"][0])
    closed = dt.datetime(2026, 3, 10, 0, 0, 1, tzinfo=SHANGHAI)
    with time_machine.travel(closed, tick=False), pytest.raises(ValidationError) as refused:
        chain.appeal_file(application=application, filed_by=people["colleague"], grounds="no")
    assert refused.value.code == "notice_closed"
    assert "closed on 2026-03-09" in refused.value.messages[0]
    assert application.appeals.count() == 0


def test_the_filer_does_not_decide_their_own_appeal(people, cycle):
    application = at_committee(cycle, people)
    for member in people["members"][:2]:
        chain.committee_vote(application=application, actor=member, choice="for")
    application = chain.committee_decide(application=application, actor=people["members"][0])
    appeal = chain.appeal_file(application=application, filed_by=people["hr"], grounds="odd")
    with pytest.raises(ValidationError, match="appeal they filed"):
        chain.appeal_decide(appeal=appeal, actor=people["hr"], uphold=True, note="mine")
    chain.appeal_decide(appeal=appeal, actor=people["hq_hr"], uphold=False, note="no grounds")
    with pytest.raises(ValidationError, match="already been decided"):
        chain.appeal_decide(appeal=appeal, actor=people["hq_hr"], uphold=True, note="twice")


def test_a_bad_evidence_file_refuses_the_application(people, cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("award.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError, match=r"not really a \.pdf"):
        submit(cycle, people["applicant"], files=[fake])
    assert PromotionApplication.objects.count() == 0


def test_a_send_back_needs_a_file_to_answer(people, cycle):
    application = submit(cycle, people["applicant"])
    services.department_review(
        application=application, actor=people["head"], decision="send_back", opinion="more"
    )
    with pytest.raises(ValidationError, match="at least one file"):
        services.application_resubmit(application=application, actor=people["applicant"], note="")


# --- The compliance gate ------------------------------------------------------------------


def test_an_upheld_complaint_in_the_cycle_blocks_whatever_the_amounts(people, cycle):
    complaint_record(
        actor=people["hr"],
        subject=people["applicant"],
        upheld_on=dt.date(2025, 6, 1),
        summary="Rude to a debtor's mother.",
    )
    with pytest.raises(ValidationError, match="1 upheld complaint"):
        submit(cycle, people["applicant"])
    assert PromotionApplication.objects.count() == 0


def test_a_complaint_outside_the_cycle_does_not_block(people, cycle):
    UpheldComplaint.objects.create(
        subject=people["applicant"],
        branch=people["applicant"].staff_profile.branch,
        upheld_on=dt.date(2024, 6, 1),
        summary="old",
        recorded_by=people["hr"],
    )
    assert submit(cycle, people["applicant"]).pk


def test_a_confirmed_violation_in_the_cycle_blocks(people, cycle, settings):
    settings.COMPLIANCE_SUMMARY_FUNCTION = (
        "tests.staff.promotion.test_rules.summary_with_a_violation"
    )
    with pytest.raises(ValidationError, match="1 confirmed compliance violation"):
        submit(cycle, people["applicant"])


def summary_with_a_violation(*, collector, start, end):
    return {"attempts": 10, "violations": {"total": 1, "by_rule": {"contact_window": 1}}}


def test_the_compliance_record_is_frozen_beside_the_figures(people, cycle):
    application = submit(cycle, people["applicant"])
    assert application.compliance["summary"]["violations"]["total"] == 0
    assert application.compliance["complaints"] == []
    assert {c["key"] for c in application.compliance["criteria"]} >= {"amount", "success_rate"}


def test_hr_opening_a_cycle_with_a_quorum_larger_than_the_committee_is_refused(people):
    with pytest.raises(ValidationError) as refused:
        cycle_open(
            actor=people["hq_hr"],
            name="bad",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            steps=[Position.JUNIOR_COLLECTOR],
            deadline=dt.date(2026, 1, 31),
            committee=people["members"][:1],
            quorum=3,
        )
    assert "quorum" in refused.value.message_dict


def test_stage_records_say_who_and_what(people, cycle):
    application = submit(cycle, people["applicant"])
    record = application.stages.get()
    assert record.action == PromotionStageRecord.Action.SUBMITTED
    assert record.actor == people["applicant"]


def plain_object_figures(*, user_ids, start, end):
    from types import SimpleNamespace

    from .conftest import good_figures

    figures = {}
    for pk in user_ids:
        good = good_figures(pk, start, end)
        months = [SimpleNamespace(**vars(m)) for m in good.months]
        figures[pk] = SimpleNamespace(**{**vars(good), "months": months})
    return figures


def test_figures_of_another_shape_are_read_too(people, cycle, settings):
    settings.PERFORMANCE_FIGURES_FUNCTION = "tests.staff.promotion.test_rules.plain_object_figures"
    application = submit(cycle, people["applicant"])
    assert application.figures["amount_collected"] == "2500000.00"
    assert application.figures["lowest_monthly_completion"] == "120.00"
