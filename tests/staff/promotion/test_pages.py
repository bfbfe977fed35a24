"""The promotion pages for each role: they render, the forms drive the services, and
refusals come back as messages (never a 500)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from staff.models import LevelChange, MonthlyTarget, Position, PromotionApplication
from tests.factories import TEST_PASSWORD
from tests.landing import landing_html

from .conftest import STAND_IN, pdf, submit

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_my_promotion_shows_level_progress_and_open_cycle(client, people, cycle):
    login(client, people["applicant"])
    response = client.get(reverse("promotion:mine"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Junior collector" in body
    assert "Mid collector" in body
    assert f'id="apply-{cycle.pk}"' in body
    assert 'data-criterion="amount"' in body
    assert "promotion-chart" in body


def test_figures_not_available_are_said_so_never_zero(client, people, cycle):
    STAND_IN["changes"] = {"amount_collected": None, "success_rate": None}
    login(client, people["applicant"])
    body = client.get(reverse("promotion:apply", args=[cycle.pk])).content.decode()
    assert "not yet available" in body
    assert 'id="cannot-submit"' in body
    assert "Amount collected in the cycle: not yet available" in body


def test_applying_in_the_browser_form_files_the_application(client, people, cycle):
    login(client, people["applicant"])
    response = client.post(
        reverse("promotion:apply", args=[cycle.pk]),
        {
            "capability_statement": "Good with hard cases.",
            "attitude_statement": "Reliable.",
            "files": [pdf()],
        },
    )
    application = PromotionApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("promotion:application", args=[application.pk])
    assert application.evidence.count() == 1


def test_a_refused_application_shows_the_reasons_on_the_form(client, people, cycle):
    login(client, people["applicant"])
    client.post(
        reverse("promotion:apply", args=[cycle.pk]),
        {"capability_statement": "a", "attitude_statement": "b"},
    )
    response = client.post(
        reverse("promotion:apply", args=[cycle.pk]),
        {"capability_statement": "a", "attitude_statement": "b"},
    )
    assert response.status_code == 200
    assert "already have an application" in response.content.decode()
    assert PromotionApplication.objects.count() == 1


def test_review_pages_show_figures_and_compliance_side_by_side(client, people, cycle):
    application = submit(cycle, people["applicant"])
    login(client, people["head"])
    body = client.get(reverse("promotion:application", args=[application.pk])).content.decode()
    assert 'id="figures"' in body and 'id="compliance-record"' in body
    assert 'id="department-form"' in body
    response = client.post(
        reverse("promotion:department_review", args=[application.pk]),
        {"decision": "support", "opinion": "Good."},
        follow=True,
    )
    assert "Recorded." in response.content.decode()
    application.refresh_from_db()
    assert application.status == PromotionApplication.Status.HR_REVIEW
    # Twice: refused with a message, not a 500.
    response = client.post(
        reverse("promotion:department_review", args=[application.pk]),
        {"decision": "support", "opinion": "Again."},
        follow=True,
    )
    assert response.status_code == 200
    assert "cannot be taken now" in response.content.decode()


def test_a_decision_without_quorum_is_a_message(client, people, cycle):
    from staff.promotion import services

    application = submit(cycle, people["applicant"])
    services.department_review(
        application=application, actor=people["head"], decision="support", opinion="ok"
    )
    services.hr_review(application=application, actor=people["hr"], recommend=True, evaluation="ok")
    member = people["members"][0]
    login(client, member)
    client.post(reverse("promotion:vote", args=[application.pk]), {"choice": "for"})
    response = client.post(
        reverse("promotion:decide", args=[application.pk]), {"note": ""}, follow=True
    )
    assert "No quorum: 1 of the 2 votes" in response.content.decode()


def test_queues_list_what_waits_for_each_reviewer(client, people, cycle):
    application = submit(cycle, people["applicant"])
    login(client, people["head"])
    body = client.get(reverse("promotion:queue")).content.decode()
    assert reverse("promotion:application", args=[application.pk]) in body
    login(client, people["head_b"])
    body = client.get(reverse("promotion:queue")).content.decode()
    assert reverse("promotion:application", args=[application.pk]) not in body


def test_hr_pages_render_and_open_a_cycle(client, people):
    login(client, people["hq_hr"])
    for name in ("cycles", "criteria", "ladder", "complaints"):
        assert client.get(reverse(f"promotion:{name}")).status_code == 200
    response = client.post(
        reverse("promotion:cycles"),
        {
            "name": "2026 H1",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "deadline": "2026-07-31",
            "steps": [Position.JUNIOR_COLLECTOR],
            "notice_working_days": 5,
            "quorum": 5,
            "committee": [m.pk for m in people["members"]],
        },
    )
    assert response.status_code == 200
    assert "The quorum must be between 1 and the number of members (3)" in response.content.decode()


def test_hr_edits_criteria(client, people):
    login(client, people["hq_hr"])
    response = client.post(
        reverse("promotion:criteria"),
        {
            "step": Position.JUNIOR_COLLECTOR,
            f"{Position.JUNIOR_COLLECTOR}-min_amount": "250000",
            f"{Position.JUNIOR_COLLECTOR}-min_success_rate": "150",
            f"{Position.JUNIOR_COLLECTOR}-min_monthly_completion": "80",
            f"{Position.JUNIOR_COLLECTOR}-min_complex_cases": "0",
            f"{Position.JUNIOR_COLLECTOR}-min_campaigns_led": "0",
            f"{Position.JUNIOR_COLLECTOR}-min_months_at_level": "12",
        },
    )
    assert response.status_code == 200  # 150% refused
    assert "less than or equal to 100" in response.content.decode()


def test_hr_corrects_a_level_on_the_staff_page(client, people):
    profile = people["colleague"].staff_profile
    login(client, people["hr"])
    page = client.get(reverse("staff:detail", args=[profile.pk])).content.decode()
    assert 'id="level-correct-form"' in page
    client.post(
        reverse("promotion:level_correct", args=[profile.pk]),
        {
            "to_position": Position.MID_COLLECTOR,
            "effective_on": "2026-01-05",
            "note": "Typo at hire",
        },
    )
    profile.refresh_from_db()
    assert profile.position == Position.MID_COLLECTOR
    change = LevelChange.objects.get(user=people["colleague"])
    assert change.reason == LevelChange.Reason.HR_CORRECTION
    page = client.get(reverse("staff:detail", args=[profile.pk])).content.decode()
    assert "Typo at hire" in page


def test_supervisor_sets_monthly_targets(client, people):
    login(client, people["supervisor"])
    collector = people["applicant"]
    response = client.post(
        reverse("promotion:targets"),
        {
            "month": "2026-02",
            f"amount-{collector.pk}": "15000",
            f"amount-{people['colleague'].pk}": "-3",
        },
    )
    assert response.status_code == 200
    assert "more than zero" in response.content.decode()
    target = MonthlyTarget.objects.get(user=collector)
    assert target.month == dt.date(2026, 2, 1) and target.amount == 15000
    assert not MonthlyTarget.objects.filter(user=people["colleague"]).exists()


def test_notice_board_is_for_everyone_and_the_appeal_form_works(client, people, cycle):
    from staff.promotion import committee, services

    application = submit(cycle, people["applicant"])
    services.department_review(
        application=application, actor=people["head"], decision="support", opinion="ok"
    )
    services.hr_review(application=application, actor=people["hr"], recommend=True, evaluation="ok")
    for member in people["members"][:2]:
        committee.committee_vote(application=application, actor=member, choice="for")
    committee.committee_decide(application=application, actor=people["members"][0])
    login(client, people["head_b"])  # another branch: still reads the board
    body = client.get(reverse("promotion:notices")).content.decode()
    assert reverse("promotion:notice", args=[application.pk]) in body
    response = client.post(
        reverse("promotion:notice", args=[application.pk]), {"grounds": "Double counted."}
    )
    assert response.status_code == 302
    assert application.appeals.get().filed_by == people["head_b"]
    # ...but not the application itself.
    assert client.get(reverse("promotion:application", args=[application.pk])).status_code == 404


def test_password_constant_is_shared():
    assert TEST_PASSWORD


def test_the_dashboard_shows_what_waits_and_where_mine_stands(client, people, cycle):
    application = submit(cycle, people["applicant"])
    client.force_login(people["head"])
    body = landing_html(client)
    assert 'id="panel-promotion"' in body
    assert "1 application waits for your review" in body
    client.force_login(people["applicant"])
    body = landing_html(client)
    assert reverse("promotion:application", args=[application.pk]) in body
    client.force_login(people["hr_b"])
    assert 'id="panel-promotion"' not in landing_html(client)


def test_hr_defines_what_a_complex_case_is(client, people):
    from staff.models import ComplexCaseDefinition

    client.force_login(people["hq_hr"])
    response = client.post(
        reverse("promotion:criteria"),
        {
            "step": "complex",
            "complex-min_balance": "80000",
            "complex-min_days_overdue": "365",
            "complex-classifications": ["litigation"],
        },
    )
    assert response.status_code == 302
    definition = ComplexCaseDefinition.objects.get()
    assert (definition.min_balance, definition.min_days_overdue) == (80000, 365)
    assert definition.classifications == ["litigation"]
    assert definition.history.latest().history_user == people["hq_hr"]


def test_the_committee_tally_reads_in_chinese_and_the_note_as_typed(client, people, cycle):
    from django.utils import translation

    from staff.promotion import committee, services

    application = submit(cycle, people["applicant"])
    services.department_review(
        application=application, actor=people["head"], decision="support", opinion="ok"
    )
    services.hr_review(application=application, actor=people["hr"], recommend=True, evaluation="ok")
    with translation.override("en"):  # the committee works in English
        for member in people["members"][:2]:
            committee.committee_vote(application=application, actor=member, choice="for")
        committee.committee_decide(
            application=application, actor=people["members"][0], note="Ready for the step."
        )
    stage = application.stages.get(action="committee_approved")
    assert stage.comment == "2 for out of 2 votes.\nReady for the step."
    people["hr"].staff_profile.language = "zh-hans"
    people["hr"].staff_profile.save()

    page = login(client, people["hr"]).get(reverse("promotion:application", args=[application.pk]))

    html = page.content.decode()
    assert "共 2 票，赞成 2 票。<br>Ready for the step." in html
    assert "for out of" not in html
