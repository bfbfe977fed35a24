"""A report run on a real Celery worker (Redis broker, PostgreSQL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting.models import ReportResult, ReportRun
from staff import roles
from tests.conftest import wait_for
from tests.factories import hq_branch, make_staff

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_run_started_on_the_page_is_produced_by_the_worker(
    client, week_world, celery_worker_process, media_shared_with_worker
):
    client.force_login(make_staff(roles.ADMIN_STAFF, branch=hq_branch()))
    response = client.post(
        reverse("reporting:run_start"),
        {"kind": "collector_weekly", "period_start": "2026-11-16", "period_end": "2026-11-22"},
    )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    wait_for(
        lambda: ReportRun.objects.get(pk=run.pk).status == "succeeded",
        timeout=60,
        message="the worker never finished the report run",
    )
    result = ReportResult.objects.get()
    assert result.run_id == run.pk
    assert sum(row["calls"] for row in result.rows) == 4
