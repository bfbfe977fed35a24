"""The pages of reports, handover, campaigns and call quality, through the test client:
each role's flow, field messages on bad input (no 500), and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import (
    CallQualityReview,
    Campaign,
    Case,
    CaseAssignmentBatch,
    ComplianceViolation,
    WeeklyReport,
)
from cases.selectors.reports import optional_model
from cases.services import quality as quality_services
from cases.services import reports as report_services
from tests.landing import landing_html

from .conftest import assigned_case, completed_call, shanghai

pytestmark = pytest.mark.django_db

WEEK = dt.date(2026, 11, 23)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def submitted(clock, collector_a):
    clock(shanghai(2026, 11, 27, 17, 0))
    report = report_services.weekly_report_start(collector=collector_a, week_start=WEEK)
    return report_services.weekly_report_submit(report=report, actor=collector_a, narrative="Done.")


def test_a_collector_opens_writes_and_submits_the_weeks_report(clock, as_user, collector_a):
    clock(shanghai(2026, 11, 27, 17, 0))
    client = as_user(collector_a)
    response = client.post(reverse("cases:weekly_report_start"), {"week": WEEK.isoformat()})
    report = WeeklyReport.objects.get(collector=collector_a)
    assert response["Location"] == reverse("cases:weekly_report_detail", args=[report.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="figure-calls">0<' in body.replace("\n", "")
    response = client.post(
        response["Location"], {"action": "submit", "narrative": "Called everyone."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == WeeklyReport.Status.SUBMITTED


def test_submitting_an_empty_narrative_shows_the_field_message(clock, as_user, collector_a):
    clock(shanghai(2026, 11, 27, 17, 0))
    report = report_services.weekly_report_start(collector=collector_a, week_start=WEEK)
    response = as_user(collector_a).post(
        reverse("cases:weekly_report_detail", args=[report.pk]),
        {"action": "submit", "narrative": ""},
    )
    assert response.status_code == 422
    assert 'data-field="narrative"' in response.content.decode()
    report.refresh_from_db()
    assert report.status == WeeklyReport.Status.DRAFT


def test_submitting_twice_through_the_page_says_so(submitted, as_user, collector_a):
    response = as_user(collector_a).post(
        reverse("cases:weekly_report_detail", args=[submitted.pk]),
        {"action": "submit", "narrative": "Again"},
    )
    assert response.status_code in (403, 422)
    submitted.refresh_from_db()
    assert submitted.narrative == "Done."


def test_a_supervisor_returns_without_a_comment_and_gets_the_field_message(
    submitted, as_user, supervisor_a
):
    url = reverse("cases:weekly_report_detail", args=[submitted.pk])
    response = as_user(supervisor_a).post(url, {"action": "return", "comment": ""})
    assert response.status_code == 422
    assert 'data-field="comment"' in response.content.decode()
    response = as_user(supervisor_a).post(url, {"action": "return", "comment": "More detail."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == WeeklyReport.Status.RETURNED


def test_a_collector_sees_only_their_own_reports(submitted, as_user, collector_a2):
    client = as_user(collector_a2)
    assert client.get(reverse("cases:weekly_report_detail", args=[submitted.pk])).status_code == 404
    listing = client.get(reverse("cases:weekly_reports")).content.decode()
    assert f'data-report="{submitted.pk}"' not in listing


def test_another_branchs_supervisor_gets_a_404(submitted, as_user, supervisor_b):
    url = reverse("cases:weekly_report_detail", args=[submitted.pk])
    assert as_user(supervisor_b).post(url, {"action": "accept"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == WeeklyReport.Status.SUBMITTED


def test_the_supervisors_dashboard_shows_late_reports(clock, as_user, supervisor_a, collector_a):
    clock(shanghai(2026, 11, 30, 12, 30))
    body = landing_html(as_user(supervisor_a))
    assert 'id="panel-weekly-reports"' in body
    assert f'data-collector="{collector_a.pk}"' in body


def test_the_monthly_summary_lists_the_branchs_collectors(as_user, supervisor_a, collector_a):
    response = as_user(supervisor_a).get(reverse("cases:monthly_summary") + "?month=2026-11")
    assert response.status_code == 200
    assert f'data-collector="{collector_a.pk}"' in response.content.decode()
    if any(optional_model(name) is None for name in ("Promise", "Payment", "VisitNomination")):
        assert 'data-testid="not-available"' in response.content.decode()


def test_handover_preview_then_apply(as_user, supervisor_a, collector_a, collector_a2, agreement_a):
    cases = [assigned_case(agreement_a, collector_a) for _ in range(3)]
    client = as_user(supervisor_a)
    url = reverse("cases:handover", args=[collector_a.pk])
    assert client.get(url).status_code == 200
    preview = client.post(url, {"collectors": [collector_a2.pk], "reason": "Moved to HQ"})
    assert preview.status_code == 200
    assert not Case.objects.filter(assigned_to=collector_a2).exists()  # only a preview
    plan = preview.context["signed_plan"]
    response = client.post(reverse("cases:handover_apply", args=[collector_a.pk]), {"plan": plan})
    assert response.status_code == 302
    assert Case.objects.filter(pk__in=[c.pk for c in cases], assigned_to=collector_a2).count() == 3
    assert CaseAssignmentBatch.objects.get().kind == CaseAssignmentBatch.Kind.HANDOVER


def test_handover_to_the_leaver_is_refused_on_the_field(
    as_user, supervisor_a, collector_a, agreement_a
):
    assigned_case(agreement_a, collector_a)
    response = as_user(supervisor_a).post(
        reverse("cases:handover", args=[collector_a.pk]),
        {"collectors": [collector_a.pk], "reason": "Leaving"},
    )
    assert response.status_code == 422
    assert 'data-field="collectors"' in response.content.decode()
    assert not CaseAssignmentBatch.objects.exists()


def test_a_supervisor_creates_a_campaign_and_adds_cases_through_the_pages(
    as_user, supervisor_a, collector_a, agreement_a
):
    case = assigned_case(agreement_a, collector_a)
    client = as_user(supervisor_a)
    response = client.post(
        reverse("cases:campaign_create"),
        {
            "name": "December",
            "lead": collector_a.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-31",
            "target_amount": "10000",
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("cases:campaign_detail", args=[campaign.pk])
    client.post(response["Location"], {"action": "add", "accounts": case.account_no})
    assert list(campaign.cases.all()) == [case]
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="case-count">1<' in page


def test_bad_campaign_input_shows_field_messages(as_user, supervisor_a, collector_a):
    response = as_user(supervisor_a).post(
        reverse("cases:campaign_create"),
        {
            "name": "",
            "lead": collector_a.pk,
            "starts_on": "2026-12-31",
            "ends_on": "2026-12-01",
            "target_amount": "lots",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    for field in ("name", "ends_on", "target_amount"):
        assert f'data-field="{field}"' in body
    assert not Campaign.objects.exists()


def test_the_lead_collector_sees_their_campaign_but_cannot_edit(
    as_user, supervisor_a, collector_a, collector_a2, branch_a
):
    from cases.services.campaigns import campaign_create

    campaign = campaign_create(
        actor=supervisor_a,
        branch=branch_a,
        name="Lead test",
        lead=collector_a,
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 31),
        target_amount="100",
    )
    url = reverse("cases:campaign_detail", args=[campaign.pk])
    assert as_user(collector_a).get(url).status_code == 200
    assert as_user(collector_a).post(url, {"accounts": "X"}).status_code == 403
    assert as_user(collector_a2).get(url).status_code == 404


def test_a_supervisor_scores_a_call_and_confirms_a_violation(
    as_user, supervisor_a, collector_a, agreement_a
):
    call = completed_call(assigned_case(agreement_a, collector_a), collector_a)
    client = as_user(supervisor_a)
    url = reverse("cases:quality_review_call", args=[call.pk])
    assert client.get(url).status_code == 200
    marks = {f"item_{item.code}": "1" for item in quality_services.active_items()}
    marks["item_verified_party"] = "9"
    response = client.post(url, marks)
    assert response.status_code == 422
    assert 'data-field="item_verified_party"' in response.content.decode()
    assert not CallQualityReview.objects.exists()
    marks["item_verified_party"] = "1"
    response = client.post(url, marks)
    review = CallQualityReview.objects.get()
    assert response["Location"] == reverse("cases:quality_review_detail", args=[review.pk])
    assert review.score == 25
    # Reviewing twice: the page sends the supervisor to the existing review.
    assert client.post(url, marks)["Location"] == response["Location"]
    assert CallQualityReview.objects.count() == 1
    response = client.post(
        response["Location"], {"rule": "other", "description": "Threatened the debtor."}
    )
    assert response.status_code == 302
    assert ComplianceViolation.objects.get().call == call


def test_the_checklist_page_refuses_weights_not_adding_up(as_user, supervisor_a):
    client = as_user(supervisor_a)
    page = client.get(reverse("cases:quality_checklist"))
    rows = page.context["rows"]
    data = {}
    for row in rows:
        if row["pk"] is None:
            continue
        prefix = f"row{row['index']}-"
        data.update(
            {
                prefix + "pk": row["pk"],
                prefix + "label": row["label"],
                prefix + "weight": row["weight"],
                prefix + "is_active": "on",
                prefix + "sort_order": row["sort_order"],
            }
        )
    data["row0-weight"] = "50"
    response = client.post(reverse("cases:quality_checklist"), data)
    assert response.status_code == 200
    assert 'data-field="weights"' in response.content.decode()


def test_scores_per_collector_and_month(as_user, supervisor_a, collector_a, agreement_a):
    call = completed_call(assigned_case(agreement_a, collector_a), collector_a)
    marks = {item.code: 2 for item in quality_services.active_items()}
    quality_services.call_quality_review(call=call, actor=supervisor_a, marks=marks)
    response = as_user(supervisor_a).get(reverse("cases:quality_scores"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0]["collector_id"] == collector_a.pk
    assert [cell["average"] for cell in rows[0]["cells"] if cell] == [50]


def test_collectors_cannot_open_the_quality_pages(as_user, collector_a):
    for name in ("cases:quality_reviews", "cases:quality_checklist", "cases:quality_scores"):
        assert as_user(collector_a).get(reverse(name)).status_code == 403


def test_a_collectors_dashboard_shows_last_weeks_report_and_a_returned_one(
    submitted, clock, as_user, collector_a, supervisor_a
):
    report_services.weekly_report_return(report=submitted, actor=supervisor_a, comment="More.")
    clock(shanghai(2026, 12, 1, 9, 0))  # the week of WEEK is now last week
    body = landing_html(as_user(collector_a))
    assert 'id="panel-my-weekly-report"' in body
    assert 'id="my-report-returned"' in body
    assert reverse("cases:weekly_report_detail", args=[submitted.pk]) in body


def test_a_collector_who_moved_branch_can_still_be_handed_over(
    as_user, supervisor_a, collector_a, collector_a2, agreement_a, branch_b
):
    from staff.models import StaffProfile

    case = assigned_case(agreement_a, collector_a)
    StaffProfile.objects.filter(user=collector_a).update(branch=branch_b)
    client = as_user(supervisor_a)
    page = client.get(reverse("cases:handover", args=[collector_a.pk]))
    assert page.status_code == 200
    assert f'id="receiver-{collector_a2.pk}"' in page.content.decode()
    preview = client.post(
        reverse("cases:handover", args=[collector_a.pk]),
        {"collectors": [collector_a2.pk], "reason": "Moved to branch B"},
    )
    client.post(
        reverse("cases:handover_apply", args=[collector_a.pk]),
        {"plan": preview.context["signed_plan"]},
    )
    case.refresh_from_db()
    assert case.assigned_to == collector_a2


def test_a_collector_without_cases_in_the_branch_is_a_404(as_user, supervisor_a, collector_b):
    assert (
        as_user(supervisor_a).get(reverse("cases:handover", args=[collector_b.pk])).status_code
        == 404
    )


@pytest.mark.parametrize("sort", ["name", "-lead", "starts", "-ends", "target", "-cases", "bogus"])
def test_the_campaign_list_sorts_by_each_column(as_user, supervisor_a, sort):
    assert (
        as_user(supervisor_a).get(reverse("cases:campaign_list"), {"sort": sort}).status_code == 200
    )


@pytest.mark.parametrize("sort", ["week", "-collector", "status", "-submitted"])
def test_the_report_list_sorts_by_each_column(submitted, as_user, supervisor_a, sort):
    response = as_user(supervisor_a).get(reverse("cases:weekly_reports"), {"sort": sort})
    assert f'data-report="{submitted.pk}"' in response.content.decode()
