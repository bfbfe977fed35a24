"""The case timeline's "compliance" source: refusals, overrides and (for reviewers) violations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.timeline import case_timeline

from .conftest import make_override, make_refusal, make_violation

pytestmark = pytest.mark.django_db


def test_refusals_overrides_and_violations_appear_newest_first(case, collector, supervisor):
    now = timezone.now()
    make_refusal(case, collector, at=now - dt.timedelta(minutes=3))
    make_override(case, collector, supervisor, at=now - dt.timedelta(minutes=2))
    make_violation(case, collector, supervisor, at=now - dt.timedelta(minutes=1))

    entries = [e for e in case_timeline(case, user=supervisor).entries if e.kind == "compliance"]

    assert [e.extra["record"] for e in entries] == ["violation", "override", "refusal"]
    assert "Contact window" in entries[2].title
    assert entries[1].detail == "debtor asked for a late call"


def test_the_collector_sees_refusals_and_overrides_but_not_violations(case, collector, supervisor):
    make_refusal(case, collector)
    make_override(case, collector, supervisor)
    make_violation(case, collector, supervisor)
    records = {
        e.extra["record"]
        for e in case_timeline(case, user=collector).entries
        if e.kind == "compliance"
    }
    assert records == {"refusal", "override"}
