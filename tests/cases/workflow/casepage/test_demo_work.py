"""`seed_demo`'s collection work: every demo collector gets a realistic day, once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.db.models import Count
from django.utils import timezone

from cases import demo, demo_work
from cases.models import (
    CallLog,
    Case,
    CaseAssignment,
    CaseHold,
    ComplianceOverride,
)
from staff import demo as staff_demo

pytestmark = pytest.mark.django_db

CHINA = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def small_demo(settings, monkeypatch):
    settings.DJANGO_ENV = "test"
    monkeypatch.setattr(demo, "BANKS", [{**spec, "rows": 160} for spec in demo.BANKS])
    _outcomes()
    staff_demo.seed()
    demo.seed()


def _outcomes():
    """The data migration's outcomes (a browser test's flush may have removed them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("cases.migrations.0010_default_outcomes_and_rule_sets").create_defaults(
        apps, None
    )


def test_every_demo_collector_gets_a_day_of_work_and_a_second_run_adds_nothing(small_demo):
    summary = demo_work.seed()
    collectors = Case.objects.filter(assigned_to__isnull=False).values("assigned_to")
    per_collector = Counter(row["assigned_to"] for row in collectors)
    assert len(per_collector) == 4 and set(per_collector.values()) == {40}
    assert summary["calls"] > 400
    # Untouched new assignments, callbacks due today, holds, overrides.
    today = timezone.localtime(timezone.now(), CHINA).date()
    assert Case.objects.filter(status="assigned", first_action_at__isnull=True).count() == 24
    due = Case.objects.filter(next_callback_at__isnull=False)
    assert due.count() == 20
    assert {timezone.localtime(c.next_callback_at, CHINA).date() for c in due} == {today}
    assert CaseHold.objects.filter(lifted_at__isnull=True).count() == 8
    assert CaseHold.objects.filter(lifted_at__isnull=False).count() == 4
    assert ComplianceOverride.objects.count() == 12
    assert CallLog.objects.filter(compliance_override__isnull=False).count() == 8
    # Unassigned cases are left for the supervisors.
    assert Case.objects.filter(assigned_to__isnull=True, status="new").exists()

    before = (
        CallLog.objects.count(),
        CaseAssignment.objects.count(),
        CaseHold.objects.count(),
        ComplianceOverride.objects.count(),
    )
    again = demo_work.seed()
    assert again["cases"] == 0
    assert before == (
        CallLog.objects.count(),
        CaseAssignment.objects.count(),
        CaseHold.objects.count(),
        ComplianceOverride.objects.count(),
    )


def test_demo_calls_obey_the_china_rules_and_share_a_few_small_recordings(small_demo):
    demo_work.seed()
    now = timezone.now()
    calls = list(CallLog.objects.select_related("outcome", "contact_point"))
    for call in calls:
        local = timezone.localtime(call.started_at, CHINA)
        assert dt.time(8, 0) <= local.time() < dt.time(22, 0), call
        assert call.started_at < now
        assert call.has_recording and call.status == "completed"
        if call.party not in ("debtor", "nobody"):
            assert call.compliance_override_id is not None  # third parties only by override
    unanswered = Counter(
        (call.contact_point_id, timezone.localtime(call.started_at, CHINA).date())
        for call in calls
        if not call.outcome.answered
    )
    assert max(unanswered.values()) <= 6
    # No call while a hold was active.
    for hold in CaseHold.objects.all():
        end = hold.lifted_at or now
        assert not CallLog.objects.filter(
            case=hold.case, started_at__gte=hold.placed_at, started_at__lt=end
        ).exists()
    files = set(CallLog.objects.exclude(recording="").values_list("recording", flat=True))
    assert 1 <= len(files) <= len(demo_work.TONES)
    assert sum(default_storage.size(name) for name in files) < 100_000
    # The queue's bookkeeping columns agree with the call log.
    latest = CallLog.objects.values("case").annotate(n=Count("pk"))
    assert latest.count() == Case.objects.filter(last_call_at__isnull=False).count()
