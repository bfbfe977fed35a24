"""The pages: bad input shown on its field, nothing written, no 500; who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from collections_office.workdays import company_today
from staff import roles
from staff.models import Candidate, Interview, PersonalDataView, Position, TrainingPlan
from staff.recruitment import services as recruitment
from tests.landing import landing_html

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def vacancy(org):
    return recruitment.vacancy_open(
        actor=org.hr,
        branch=org.branch,
        title="Phone collector",
        role=roles.PHONE_COLLECTOR,
        level=Position.JUNIOR_COLLECTOR,
        department=org.collections,
    )


def _candidate(org, vacancy, **extra):
    return recruitment.candidate_register(
        actor=org.hr,
        vacancy=vacancy,
        name="Chen Xiao",
        source=Candidate.Source.JOB_SITE,
        phone="+8613800001111",
        **extra,
    )


def test_a_non_pdf_cv_is_named_on_the_cv_field_and_nothing_is_written(org, vacancy):
    response = client_for(org.hr).post(
        reverse("staff:recruitment_candidate_create", args=[vacancy.pk]),
        {
            "name": "Chen Xiao",
            "source": "job_site",
            "cv": SimpleUploadedFile("cv.pdf", b"GIF89a not a cv", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "not a PDF or Word" in response.content.decode()
    assert 'data-field="cv"' in response.content.decode()
    assert not Candidate.objects.exists()


def test_a_pdf_cv_registers_and_opens_only_to_hr_and_interviewers_with_a_record(org, vacancy):
    response = client_for(org.hr).post(
        reverse("staff:recruitment_candidate_create", args=[vacancy.pk]),
        {
            "name": "Chen Xiao",
            "source": "job_site",
            "phone": "+8613800001111",
            "cv": SimpleUploadedFile("chen.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    candidate = Candidate.objects.get()
    assert response.status_code == 302
    page = client_for(org.hr).get(reverse("staff:recruitment_candidate", args=[candidate.pk]))
    assert "1111" in page.content.decode() and "13800001111" not in page.content.decode()
    cv = client_for(org.hr).get(reverse("staff:recruitment_cv", args=[candidate.pk]))
    assert b"".join(cv.streaming_content) == PDF_BYTES
    assert PersonalDataView.objects.filter(fields="cv", user=org.hr).count() == 1
    for outsider in (org.manager, org.supervisor, org.collector, org.other_hr):
        assert client_for(outsider).get(
            reverse("staff:recruitment_candidate", args=[candidate.pk])
        ).status_code in (403, 404)
    recruitment.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    recruitment.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.LEADERSHIP, interviewer=org.manager
    )
    assert (
        client_for(org.manager)
        .get(reverse("staff:recruitment_candidate", args=[candidate.pk]))
        .status_code
        == 200
    )


def test_reveal_shows_the_number_to_hr_and_records_it(org, vacancy):
    candidate = _candidate(org, vacancy)
    response = client_for(org.hr).post(reverse("staff:recruitment_reveal", args=[candidate.pk]))
    assert "+8613800001111" in response.content.decode()
    assert PersonalDataView.objects.filter(object_id=str(candidate.pk)).count() == 1


def test_an_interview_score_outside_the_scale_is_shown_on_the_score_field(org, vacancy):
    candidate = _candidate(org, vacancy)
    recruitment.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    interview = recruitment.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.DEPARTMENT_HEAD, interviewer=org.head
    )
    url = reverse("staff:recruitment_interview_score", args=[candidate.pk, interview.pk])
    response = client_for(org.head).post(url, {"score": "42", "notes": "good"})
    assert response.status_code == 200
    assert 'data-field="score"' in response.content.decode()
    assert "between 0 and 10" in response.content.decode()
    interview.refresh_from_db()
    assert interview.score is None and interview.notes == ""
    # another person's interview is not theirs to open
    assert client_for(org.hr).get(url).status_code == 404


def test_hiring_without_a_passed_background_check_is_refused_on_the_page(org, vacancy):
    candidate = _candidate(org, vacancy)
    response = client_for(org.hr).post(
        reverse("staff:recruitment_hire", args=[candidate.pk]),
        {"username": "chen.xiao", "employee_number": "N0001", "hire_date": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "has not passed the background check" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.stage == Candidate.Stage.APPLIED and candidate.hired_profile is None


def test_a_plan_ending_before_it_starts_is_shown_on_the_field(org):
    response = client_for(org.hr).post(
        reverse("staff:training_plan_create"),
        {
            "title": "Law",
            "goal": "g",
            "content": "c",
            "method": "classroom",
            "trainer": "t",
            "starts_on": "2026-12-10",
            "ends_on": "2026-12-01",
            "budget": "0",
        },
    )
    assert response.status_code == 200
    assert 'data-field="ends_on"' in response.content.decode()
    assert not TrainingPlan.objects.exists()


def test_the_profile_page_shows_the_training_history(org):
    from staff.training.services import onboarding_assign

    onboarding_assign(profile=org.collector.staff_profile)
    page = client_for(org.supervisor).get(
        reverse("staff:detail", args=[org.collector.staff_profile.pk])
    )
    assert "New-hire onboarding" in page.content.decode()
    mine = client_for(org.collector).get(reverse("staff:training_mine"))
    assert "New-hire onboarding" in mine.content.decode()
    assert (
        "New-hire onboarding"
        not in client_for(org.colleague).get(reverse("staff:training_mine")).content.decode()
    )


def test_the_early_warning_page_explains_each_signal(org):
    org.collector.staff_profile.hire_date = company_today() - dt.timedelta(days=10)
    org.collector.staff_profile.save()
    page = client_for(org.supervisor).get(reverse("staff:succession_early_warning"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "10 days ago: under 90 days" in text
    assert "No clock-in recorded in the last 30 days." in text
    assert (
        client_for(org.collector).get(reverse("staff:succession_early_warning")).status_code == 403
    )


def test_the_dashboard_panel_names_the_people_flagged(org):
    from staff.succession.nightly import early_warning_flags_refresh

    org.collector.staff_profile.hire_date = company_today() - dt.timedelta(days=5)
    org.collector.staff_profile.save()
    early_warning_flags_refresh()  # the nightly reading the panel shows
    text = landing_html(client_for(org.supervisor))
    assert 'id="talent-panel"' in text and "Short tenure" in text
    assert 'id="talent-panel"' not in landing_html(client_for(org.collector))


def test_hq_hr_sets_a_threshold_and_the_list_follows_it(org):
    from staff.models import WarningThreshold
    from staff.succession.signals import settings_for_signals

    url = reverse("staff:succession_thresholds")
    data = {}
    for key, setting in settings_for_signals().items():
        data[f"{key}-threshold"] = str(setting.threshold)
        data[f"{key}-window_days"] = str(setting.window_days)
        data[f"{key}-enabled"] = "on"
    data["tenure_short-threshold"] = "-5"
    response = client_for(org.hq_hr).post(url, data)
    assert 'data-field="tenure_short-threshold"' in response.content.decode()
    assert settings_for_signals()["tenure_short"].threshold == 90
    data["tenure_short-threshold"] = "30"
    assert client_for(org.hq_hr).post(url, data).status_code == 302
    assert WarningThreshold.objects.get(signal="tenure_short").threshold == 30
    assert WarningThreshold.history.filter(signal="tenure_short").first().threshold == 30
    # branch HR reads, does not write
    assert client_for(org.hr).get(url).status_code == 200
    assert client_for(org.hr).post(url, data).status_code == 403


def test_a_returned_plan_is_edited_on_its_page(org):
    from decimal import Decimal

    from staff.training import services as training

    plan = training.plan_create(
        actor=org.hr,
        branch=org.branch,
        title="Law",
        goal="g",
        content="c",
        method="classroom",
        trainer="t",
        starts_on=dt.date(2026, 12, 1),
        ends_on=dt.date(2026, 12, 2),
        participants=[org.collector.staff_profile],
    )
    url = reverse("staff:training_plan_edit", args=[plan.pk])
    data = {
        "title": "Law update",
        "goal": "g",
        "content": "c",
        "method": "classroom",
        "trainer": "t",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-03",
        "budget": "800",
        "participants": [org.collector.staff_profile.pk, org.colleague.staff_profile.pk],
    }
    assert client_for(org.hr).post(url, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.budget, plan.enrolments.count()) == ("Law update", Decimal("800"), 2)
    TrainingPlan.objects.filter(pk=plan.pk).update(status=TrainingPlan.Status.APPROVED)
    response = client_for(org.hr).post(url, data)
    assert "Only a draft or a rejected plan can be edited." in response.content.decode()


def test_the_interviewer_and_the_handover_people_are_notified(org, vacancy):
    import datetime as dt_

    from staff.models import Notification
    from staff.succession import services as succession

    candidate = _candidate(org, vacancy)
    recruitment.candidate_screen(actor=org.hr, candidate=candidate, passed=True)
    recruitment.interview_schedule(
        actor=org.hr, candidate=candidate, kind=Interview.Kind.LEADERSHIP, interviewer=org.manager
    )
    assert Notification.objects.filter(recipient=org.manager, title__contains="Chen Xiao").exists()
    succession.handover_open(
        actor=org.hr,
        leaver=org.collector.staff_profile,
        successor=org.colleague.staff_profile,
        supervisor=org.supervisor,
        leaving_on=dt_.date(2026, 12, 31),
    )
    assert Notification.objects.filter(recipient=org.colleague).count() == 1
    assert Notification.objects.filter(recipient=org.supervisor).count() == 1


def test_the_early_warning_page_costs_the_same_queries_for_more_people(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_staff

    def count() -> int:
        client = client_for(org.hr)
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("staff:succession_early_warning") + "?show=all").status_code
                == 200
            )
        return len(captured.captured_queries)

    few = count()
    for number in range(8):
        make_staff(roles.PHONE_COLLECTOR, branch=org.branch, username=f"more.{number}")
    assert count() == few


def test_a_handover_is_opened_and_confirmed_through_its_pages(org):
    from staff.models import Handover

    response = client_for(org.hr).post(
        reverse("staff:succession_handovers"),
        {
            "leaver": org.collector.staff_profile.pk,
            "successor": org.collector.staff_profile.pk,
            "supervisor": org.supervisor.pk,
            "leaving_on": "2026-12-31",
        },
    )
    assert 'data-field="successor"' in response.content.decode()
    assert not Handover.objects.exists()
    client_for(org.hr).post(
        reverse("staff:succession_handovers"),
        {
            "leaver": org.collector.staff_profile.pk,
            "successor": org.colleague.staff_profile.pk,
            "supervisor": org.supervisor.pk,
            "leaving_on": "2026-12-31",
        },
    )
    handover = Handover.objects.get()
    page = client_for(org.colleague).get(reverse("staff:succession_handover", args=[handover.pk]))
    assert page.status_code == 200
    for item in handover.items.all():
        url = reverse("staff:succession_handover_confirm", args=[handover.pk, item.pk])
        assert client_for(org.hr).post(url).status_code == 403  # HR sees it, does not confirm
        assert client_for(org.colleague).post(url).status_code == 302
        assert client_for(org.supervisor).post(url).status_code == 302
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED


def test_hr_adds_a_successor_to_a_key_post(org):
    from staff.models import KeyPost, Successor

    client_for(org.hr).post(
        reverse("staff:succession_posts"),
        {"title": "Team supervisor", "holder": org.supervisor.staff_profile.pk},
    )
    post = KeyPost.objects.get()
    response = client_for(org.hr).post(
        reverse("staff:succession_post", args=[post.pk]),
        {"profile": org.supervisor.staff_profile.pk, "readiness": "ready_now"},
    )
    assert 'data-field="profile"' in response.content.decode()
    client_for(org.hr).post(
        reverse("staff:succession_post", args=[post.pk]),
        {"profile": org.colleague.staff_profile.pk, "readiness": "within_year"},
    )
    assert Successor.objects.get().profile == org.colleague.staff_profile
    assert client_for(org.supervisor).get(
        reverse("staff:succession_post", args=[post.pk])
    ).status_code in (403, 404)
