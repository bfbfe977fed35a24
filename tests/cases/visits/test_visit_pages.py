"""The visit pages answer bad input with the message on its field (never a 500, nothing
half-written), stream the report's recording with ranges, and the supervisor's dashboard
shows overdue visits, reports to review, safety alerts and cases past their period."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import VisitNomination, VisitPlan, VisitReport
from cases.services import visits as visit_services
from collections_office.workdays import company_today, company_tz
from tests.landing import landing_html

from .conftest import case_for, decide, nominate, shanghai, wav

pytestmark = pytest.mark.django_db


def now_in_the_form() -> str:
    return timezone.localtime(timezone.now(), company_tz()).strftime("%Y-%m-%dT%H:%M")


def test_a_nomination_without_its_fields_shows_the_messages_on_the_case_page(
    client, case_a, phone_a, field_a
):
    client.force_login(phone_a)
    response = client.post(
        reverse("cases:visit_nominate", args=[case_a.pk]),
        {"field_collector": field_a.pk, "address": "", "reason": "", "find_out": ""},
    )
    assert response.status_code == 422
    body = response.content.decode()
    for field in ("address", "reason", "find_out"):
        assert f'data-field-error="{field}"' in body
    assert not VisitNomination.objects.exists()


def test_a_nomination_from_the_case_page_lands_on_the_field_collectors_list(
    client, case_a, phone_a, field_a
):
    client.force_login(phone_a)
    page = client.get(reverse("cases:case_detail", args=[case_a.pk])).content.decode()
    assert 'id="nominate-form"' in page
    response = client.post(
        reverse("cases:visit_nominate", args=[case_a.pk]),
        {
            "field_collector": field_a.pk,
            "address": "上海市浦东新区世纪大道100号",
            "reason": "No answer",
            "find_out": "Still there?",
        },
    )
    assert response.status_code == 302
    client.force_login(field_a)
    listing = client.get(reverse("cases:visit_list")).content.decode()
    assert case_a.account_no in listing


def test_the_case_pages_visits_link_only_for_those_who_may_open_visits(
    client, case_a, phone_a, field_a, staff_user, branch_a
):
    from staff import roles

    nomination = nominate(case_a, phone_a, field_a)
    visit_url = reverse("cases:visit_detail", args=[nomination.pk])
    client.force_login(phone_a)
    page = client.get(reverse("cases:case_detail", args=[case_a.pk])).content.decode()
    assert f'href="{visit_url}"' in page
    admin = staff_user(roles.ADMIN_STAFF, branch=branch_a, username="admin.visits")
    client.force_login(admin)
    page = client.get(reverse("cases:case_detail", args=[case_a.pk])).content.decode()
    assert f'data-visit="{nomination.pk}"' in page  # the visit is listed, unlinked
    assert f'href="{visit_url}"' not in page
    assert client.get(visit_url).status_code == 403  # why the link is not shown


def test_a_plan_naming_a_visit_of_someone_elses_list_shows_the_route_error(
    client, agreement_a, case_a, phone_a, field_a, field_a2
):
    theirs = nominate(case_for(agreement_a, phone_a), phone_a, field_a2)
    mine = nominate(case_a, phone_a, field_a)
    client.force_login(field_a)
    response = client.post(
        reverse("cases:visit_plan_create"),
        {"visit_date": company_today().isoformat(), "stops": [mine.pk, theirs.pk]},
    )
    assert response.status_code == 200
    assert 'id="route-error"' in response.content.decode()
    assert not VisitPlan.objects.exists()


@pytest.fixture
def planned(case_a, phone_a, field_a, supervisor_a):
    nomination = nominate(case_a, phone_a, field_a)
    plan = visit_services.visit_plan_submit(
        actor=field_a, visit_date=company_today(), nomination_ids=[nomination.pk]
    )
    decide(plan, by=supervisor_a)
    return nomination


def test_a_report_without_audio_shows_the_message_on_the_recording_field(client, planned, field_a):
    client.force_login(field_a)
    response = client.post(
        reverse("cases:visit_report_create", args=[planned.pk]),
        {
            "visited_at": now_in_the_form(),
            "place": "Door",
            "met": "debtor",
            "outcome": "promised",
        },
    )
    assert response.status_code == 422
    assert 'data-field-error="recording"' in response.content.decode()
    assert not VisitReport.objects.exists()


def test_a_non_image_photo_shows_the_message_on_the_photos_field(client, planned, field_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(field_a)
    response = client.post(
        reverse("cases:visit_report_create", args=[planned.pk]),
        {
            "visited_at": now_in_the_form(),
            "place": "Door",
            "met": "debtor",
            "outcome": "promised",
            "recording": wav(),
            "photos": [SimpleUploadedFile("door.jpg", b"not a picture at all")],
        },
    )
    assert response.status_code == 422
    assert 'data-field-error="photos"' in response.content.decode()
    assert not VisitReport.objects.exists()


def test_reviewing_twice_is_refused_with_a_message(client, planned, field_a, supervisor_a):
    report = visit_services.visit_report_file(
        nomination=planned,
        actor=field_a,
        visited_at=timezone.now(),
        place="Door",
        met="debtor",
        outcome="promised",
        recording=wav(),
    )
    client.force_login(supervisor_a)
    url = reverse("cases:visit_report_review", args=[report.pk])
    assert client.post(url, {"action": "accept"}).status_code == 302
    again = client.post(url, {"action": "return", "comment": "no"})
    assert again.status_code in (200, 422)
    report.refresh_from_db()
    assert report.status == VisitReport.Status.ACCEPTED


def test_the_recording_streams_with_ranges(client, planned, field_a, supervisor_a):
    report = visit_services.visit_report_file(
        nomination=planned,
        actor=field_a,
        visited_at=timezone.now(),
        place="Door",
        met="debtor",
        outcome="promised",
        recording=wav(),
    )
    client.force_login(supervisor_a)
    url = reverse("cases:visit_report_recording", args=[report.pk])
    response = client.get(url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert response["Content-Range"].startswith("bytes 0-9/")
    assert b"".join(response.streaming_content).startswith(b"RIFF")


def test_the_supervisors_dashboard_shows_overdue_visits_and_cases_past_their_period(
    client, clock, agreement_a, phone_a, field_a, supervisor_a
):
    clock(shanghai(2026, 9, 1, 10, 0))
    case = case_for(agreement_a, phone_a, account_no="LATE-CASE")
    clock(shanghai(2026, 10, 9, 11, 0))
    nominate(case, phone_a, field_a)
    clock(shanghai(2026, 10, 13, 9, 0))
    client.force_login(supervisor_a)
    page = landing_html(client)
    assert 'id="overdue-visits"' in page
    assert 'id="periods-over-cases"' in page
    assert page.count("LATE-CASE") >= 2
