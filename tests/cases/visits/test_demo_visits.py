"""seed_demo's field visits: a day's visit list with an approved plan, one report waiting
for review, a pending period extension; a second run changes nothing."""

from __future__ import annotations

import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command

from cases import demo
from cases.models import CollectionPeriodExtension, VisitNomination, VisitPlan, VisitReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_demo(settings, monkeypatch):
    settings.DJANGO_ENV = "test"
    monkeypatch.setattr(demo, "BANKS", [{**spec, "rows": 160} for spec in demo.BANKS])
    # The data migration's outcomes (a browser test's flush may have removed them).
    import_module("cases.migrations.0010_default_outcomes_and_rule_sets").create_defaults(
        apps, None
    )


def test_seed_demo_adds_visit_lists_plans_a_report_to_review_and_a_pending_extension(
    small_demo,
):
    call_command("seed_demo", stdout=io.StringIO())
    assert VisitNomination.objects.exists()
    assert VisitPlan.objects.filter(status=VisitPlan.Status.APPROVED).exists()
    assert VisitReport.objects.filter(status=VisitReport.Status.SUBMITTED).exists()
    assert CollectionPeriodExtension.objects.filter(
        status=CollectionPeriodExtension.Status.PENDING
    ).exists()
    counts = (VisitNomination.objects.count(), VisitReport.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (VisitNomination.objects.count(), VisitReport.objects.count()) == counts
