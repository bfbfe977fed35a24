"""Dashboard panels of the cases app."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest
from django.utils import timezone

from cases.models import Case, Placement
from tests.cases.api.builders import make_case, make_placement
from tests.landing import landing_html

pytestmark = pytest.mark.django_db


def test_admin_staff_sees_todays_running_and_late_placements(
    as_user, admin_a, agreement_a, agreement_b, settings
):
    settings.PLACEMENT_IMPORT_SLA_MINUTES = 120
    make_placement(agreement_a)  # completed today
    running = make_placement(agreement_a, status=Placement.Status.PROCESSING, rows_total=10)
    late = make_placement(agreement_a, status=Placement.Status.RECEIVED)
    Placement.objects.filter(pk=late.pk).update(received_at=timezone.now() - dt.timedelta(hours=3))
    make_placement(agreement_b, status=Placement.Status.RECEIVED)  # another branch
    page = landing_html(as_user(admin_a))
    assert 'data-testid="placements-in-progress">2<' in page
    assert 'data-testid="placements-late">1<' in page
    assert 'id="late-placements"' in page
    assert f"/cases/placements/{late.pk}/" in page
    assert f"/cases/placements/{running.pk}/" not in page


def test_supervisor_sees_cases_by_status_chart_of_their_branch(
    as_user, supervisor_a, agreement_a, agreement_b
):
    make_case(agreement_a)
    make_case(agreement_a, status=Case.Status.SETTLED)
    make_case(agreement_b)
    page = landing_html(as_user(supervisor_a))
    assert 'data-testid="cases-total">2<' in page
    start = page.index('data-chart="') + len('data-chart="')
    chart = json.loads(html.unescape(page[start : page.index('"', start)]))
    assert chart["type"] == "bar"
    assert sum(chart["data"]["datasets"][0]["data"]) == 2
    assert 'id="panel-placements"' not in page
    assert " style=" not in page.split("<main", 1)[1]  # CSP: no inline styles


def test_collector_sees_no_cases_panels(as_user, collector_a, agreement_a):
    page = landing_html(as_user(collector_a))
    assert 'id="panel-cases"' not in page and 'id="panel-placements"' not in page


def test_dashboard_queries_are_bounded(
    as_user, admin_hq, agreement_a, django_assert_max_num_queries
):
    for _ in range(10):
        make_placement(agreement_a, status=Placement.Status.RECEIVED)
    client = as_user(admin_hq)
    with django_assert_max_num_queries(25):
        assert client.get("/").status_code == 200
