"""The retention purge's pages (headquarters' admin staff), the decision through the
approvals endpoint, the retention years on the agreement form, and the daily job run
as a report kind from its schedule row."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Agreement, Case, RetentionPurge
from reporting.models import ReportResult, ReportRun, ReportSchedule
from staff.models import ApprovalRequest
from tests.cases.pages.test_bank_pages import _agreement_post

from .conftest import AFTER_RETENTION
from .test_purge import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world, old_agreement, clock, hq):  # noqa: F811
    from cases.services.retention import retention_review

    clock(AFTER_RETENTION)
    [purge] = retention_review(today=dt.date(2031, 7, 2))
    return purge


def test_hq_admin_sees_the_list_waiting_and_what_it_would_delete(client, hq_admin, listed):
    client.force_login(hq_admin)
    page = client.get("/cases/retention/?status=waiting&sort=ended").content.decode()
    assert f'href="/cases/retention/{listed.pk}/"' in page and "OLD-1" in page
    detail = client.get(f"/cases/retention/{listed.pk}/").content.decode()
    assert 'id="approve-purge"' in detail
    assert "recordings/" in detail and "backup:placements/" in detail
    assert "Visit photos" in detail or "visit photos" in detail


def test_hq_admin_approves_on_the_page_and_the_purge_is_queued(
    client, hq_admin, listed, django_capture_on_commit_callbacks
):
    approval = ApprovalRequest.objects.get(object_id=listed.pk, kind="cases.retention_purge")
    client.force_login(hq_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/staff/approvals/{approval.pk}/decide/",
            {"decision": "approve", "next": f"/cases/retention/{listed.pk}/"},
        )
    assert response.status_code == 302 and response["Location"] == f"/cases/retention/{listed.pk}/"
    listed.refresh_from_db()
    assert listed.status == RetentionPurge.Status.APPROVED and listed.decided_by == hq_admin
    assert callbacks  # the purge task, queued after commit


def test_branch_admin_staff_and_collectors_do_not_see_purges(
    client, branch_admin, collector, listed
):
    client.force_login(branch_admin)
    assert client.get(f"/cases/retention/{listed.pk}/").status_code == 404
    assert "OLD-1" not in client.get("/cases/retention/").content.decode()
    client.force_login(collector)
    assert client.get("/cases/retention/").status_code == 403


def test_hq_sets_the_retention_years_and_a_branch_cannot(
    client, hq_admin, branch_admin, old_agreement, branch_a
):
    data = _agreement_post(
        branch_a,
        number=old_agreement.number,
        signed_on="2021-01-05",
        effective_from="2021-01-10",
        terminates_on="2026-06-30",
        retention_years="8",
    )
    client.force_login(branch_admin)
    assert client.post(f"/cases/agreements/{old_agreement.pk}/edit/", data).status_code == 302
    old_agreement.refresh_from_db()
    assert old_agreement.retention_years == 5  # the field is disabled for a branch
    client.force_login(hq_admin)
    assert client.post(f"/cases/agreements/{old_agreement.pk}/edit/", data).status_code == 302
    old_agreement.refresh_from_db()
    assert old_agreement.retention_years == 8
    assert old_agreement.retention_ends_on == dt.date(2034, 6, 30)
    assert old_agreement.history.first().retention_years == 8
    bad = client.post(
        f"/cases/agreements/{old_agreement.pk}/edit/", {**data, "retention_years": "0"}
    )
    assert (
        bad.status_code == 200 and Agreement.objects.get(pk=old_agreement.pk).retention_years == 8
    )


def test_the_daily_schedule_runs_the_review_as_a_report(world, old_agreement, clock, hq):  # noqa: F811
    from reporting.services import run_execute, run_scheduled

    schedule = ReportSchedule.objects.get(key="retention-daily")
    assert schedule.kind == "retention_review" and schedule.hour == "2"
    clock(AFTER_RETENTION)
    run = run_scheduled("retention-daily")
    assert run_execute(run.pk) == ReportRun.Status.SUCCEEDED
    assert RetentionPurge.objects.filter(agreement=old_agreement, status="waiting").count() == 1
    result = ReportResult.objects.get(kind="retention_review")
    assert result.rows[0]["agreement"] == str(old_agreement)
    text = repr(result.rows) + result.csv_file.read().decode()
    assert "Wang Gone" not in text and "OLD-ACC-1" not in text  # agreements and counts only
    # The same day again: one list, one result; nothing deleted by the review.
    again = run_scheduled("retention-daily")
    assert again is None
    assert Case.objects.filter(agreement=old_agreement).count() == 2


def test_the_list_waits_on_hq_admin_staffs_approvals_page(client, hq_admin, listed):
    client.force_login(hq_admin)
    response = client.get("/staff/approvals/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "OLD-1" in page and f"/cases/retention/{listed.pk}/" in page
