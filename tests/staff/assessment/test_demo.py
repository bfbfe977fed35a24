"""`seed_demo` adds last year's annual assessment and the managers' quarterly ones."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.management import call_command

from collections_office.workdays import company_today
from staff.models import Assessment, AssessmentRound
from staff.succession.selectors import early_warning_list

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-30 09:00 +0800", tick=False)
def test_seed_demo_adds_finalised_assessments_once():
    call_command("seed_demo", stdout=StringIO())
    annual = AssessmentRound.objects.get(template__kind="annual_collector")
    assert (annual.label, annual.finalised_at is not None) == ("2025", True)
    collectors = Assessment.objects.filter(round=annual)
    assert collectors.count() == 6  # three on the ladder in each of the two branches
    assert all(a.total is not None and a.rank_in_company for a in collectors)
    assert collectors.filter(reward=True).exists()
    quarters = AssessmentRound.objects.filter(template__kind="manager_quarterly")
    assert sorted(quarters.values_list("label", flat=True)) == ["2026 Q2", "2026 Q3"]
    manager = Assessment.objects.filter(round__in=quarters, subject__username="sh.supervisor")
    assert manager.count() == 2 and all(a.status == "finalised" for a in manager)

    call_command("seed_demo", stdout=StringIO())
    assert AssessmentRound.objects.count() == 3

    # A realistic demo (one seed_demo run serves both checks, it is the slow part): most
    # people pass, the early-warning list shows a couple — the weak, untrained collector
    # and the recent hire — not the whole staff.
    totals = dict(Assessment.objects.filter(round=annual).values_list("subject__username", "total"))
    assert totals.pop("sh.field") < 60
    assert all(total >= 60 for total in totals.values()), totals
    manager_totals = Assessment.objects.filter(round__in=quarters).values_list("total", flat=True)
    assert all(total >= 60 for total in manager_totals)
    today = company_today()
    for reader in ("sh.supervisor", "hq.hr"):
        flagged = early_warning_list(user=User.objects.get(username=reader), today=today)
        assert sorted(row.profile.user.username for row in flagged) == ["sh.field", "sh.newhire"]
