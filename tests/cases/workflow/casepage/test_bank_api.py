"""GET /api/v1/cases/{id}/: last contact date and status in work, nothing about our staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CallLog, Case, CaseHold
from tests.cases.api.builders import make_case

pytestmark = pytest.mark.django_db


def detail(api, case) -> dict:
    response = api.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 200
    return response.json()


def test_last_contact_date_is_the_company_date_of_the_last_conversation(
    api_a, agreement_a, settings
):
    settings.COMPANY_TIME_ZONE = "Asia/Shanghai"
    # 17:30 UTC is 01:30 the next day in Shanghai.
    case = make_case(agreement_a, last_contact_at=dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC))
    assert detail(api_a, case)["last_contact_date"] == "2026-11-21"
    never = make_case(agreement_a)
    assert detail(api_a, never)["last_contact_date"] is None


@pytest.mark.parametrize(
    ("status", "hold", "expected"),
    [
        (Case.Status.NEW, False, "new"),
        (Case.Status.ASSIGNED, False, "assigned"),
        (Case.Status.IN_PROGRESS, False, "in_progress"),
        (Case.Status.IN_PROGRESS, True, "on_hold"),
        (Case.Status.RECALLED, True, "recalled"),
        (Case.Status.SETTLED, False, "settled"),
        (Case.Status.CLOSED, False, "closed"),
    ],
)
def test_work_status(api_a, agreement_a, collector_a, status, hold, expected):
    fields = {"recalled_at": timezone.now()} if status == Case.Status.RECALLED else {}
    case = make_case(agreement_a, status=status, assigned_to=collector_a, **fields)
    if hold:
        CaseHold.objects.create(
            case=case, kind="dispute", reason="x", placed_by=collector_a, placed_at=timezone.now()
        )
    assert detail(api_a, case)["work_status"] == expected
    listed = api_a.get("/api/v1/cases/").json()["results"]
    assert [row["work_status"] for row in listed] == [expected]


def test_a_lifted_hold_no_longer_holds(api_a, agreement_a, collector_a, supervisor_a):
    case = make_case(agreement_a, status=Case.Status.IN_PROGRESS, assigned_to=collector_a)
    CaseHold.objects.create(
        case=case,
        kind="dispute",
        reason="x",
        placed_by=collector_a,
        placed_at=timezone.now(),
        lifted_by=supervisor_a,
        lifted_at=timezone.now(),
        lift_reason="resolved",
    )
    assert detail(api_a, case)["work_status"] == "in_progress"


def test_no_collector_data_no_notes_no_recordings(
    api_a, agreement_a, staff_user, branch_a, outcome
):
    from staff import roles

    collector = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="li.collector")
    collector.first_name, collector.last_name = "Xiaoli", "Zhou"
    collector.save()
    case = make_case(agreement_a, assigned_to=collector, status=Case.Status.IN_PROGRESS)
    CallLog.objects.create(
        case=case,
        collector=collector,
        contact_point=case.debtor.contact_points.first(),
        party="debtor",
        started_at=timezone.now(),
        outcome=outcome,
        notes="SECRET-NOTE debtor will pay on Friday",
        telephony_recording_id="REC-ID-777",
    )
    response = api_a.get(f"/api/v1/cases/{case.pk}/")
    body = response.content.decode()
    for leak in ("li.collector", "Xiaoli", "Zhou", "SECRET-NOTE", "REC-ID-777", "recording"):
        assert leak not in body, leak
    data = response.json()
    assert "assigned_to" not in data and "collector" not in data and "notes" not in data


def test_case_detail_query_count_does_not_depend_on_holds(
    api_a, agreement_a, collector_a, django_assert_max_num_queries
):
    cases = [make_case(agreement_a, assigned_to=collector_a) for _ in range(30)]
    for case in cases:
        CaseHold.objects.create(
            case=case, kind="dispute", reason="x", placed_by=collector_a, placed_at=timezone.now()
        )
    with django_assert_max_num_queries(8):
        rows = api_a.get("/api/v1/cases/").json()["results"]
    assert {row["work_status"] for row in rows} == {"on_hold"}
