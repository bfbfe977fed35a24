"""Placement progress and "late" are one rule each, on the model (pages, dashboard, API)."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import dashboard
from cases.api.serializers import PlacementSerializer
from cases.models import Placement
from staff import roles
from tests.cases.api.builders import make_placement

pytestmark = pytest.mark.django_db


@pytest.fixture
def placements(agreement_a, settings):
    settings.PLACEMENT_IMPORT_SLA_MINUTES = 120
    now = timezone.now()
    ago = lambda minutes: now - dt.timedelta(minutes=minutes)  # noqa: E731
    made = {
        "on_time": make_placement(agreement_a, finished_at=ago(170)),
        "completed_late": make_placement(agreement_a, finished_at=ago(10)),
        "running_early": make_placement(
            agreement_a, status=Placement.Status.PROCESSING, rows_done=5
        ),
        "running_late": make_placement(agreement_a, status=Placement.Status.PROCESSING),
        "failed_late": make_placement(agreement_a, status=Placement.Status.FAILED),
    }
    received = {"on_time": 180, "completed_late": 200, "running_early": 5}
    for name, placement in made.items():
        Placement.objects.filter(pk=placement.pk).update(received_at=ago(received.get(name, 300)))
        placement.refresh_from_db()
    return made


def test_late_is_the_same_rule_in_python_and_in_sql(placements):
    in_python = {name for name, p in placements.items() if p.is_late()}
    late_pks = set(Placement.objects.late().values_list("pk", flat=True))
    in_sql = {name for name, p in placements.items() if p.pk in late_pks}
    assert in_python == in_sql == {"completed_late", "running_late", "failed_late"}


def test_the_dashboard_counts_late_imports_still_running(placements, staff_user, branch_a):
    panel = dashboard.placement_panel(staff_user(roles.ADMIN_STAFF, branch=branch_a))
    assert panel["late"] == 1
    assert [p.pk for p in panel["late_placements"]] == [placements["running_late"].pk]


def test_progress_is_one_number_for_pages_and_api(placements):
    running = placements["running_early"]
    assert running.progress == 50
    assert PlacementSerializer(running, context={}).data["progress"] == 50
    assert placements["on_time"].progress == 100
