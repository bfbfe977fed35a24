"""seed_demo's field visits: a day's visit list with an approved plan, one report waiting
for review, a pending period extension; a second run changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cases.models import CollectionPeriodExtension, VisitNomination, VisitPlan, VisitReport

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_visit_lists_plans_a_report_to_review_and_a_pending_extension():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert VisitNomination.objects.exists()
    assert VisitPlan.objects.filter(status=VisitPlan.Status.APPROVED).exists()
    assert VisitReport.objects.filter(status=VisitReport.Status.SUBMITTED).exists()
    assert CollectionPeriodExtension.objects.filter(
        status=CollectionPeriodExtension.Status.PENDING
    ).exists()
    counts = (VisitNomination.objects.count(), VisitReport.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (VisitNomination.objects.count(), VisitReport.objects.count()) == counts
