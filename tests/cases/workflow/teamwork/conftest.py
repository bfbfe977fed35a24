"""People, cases and calls of the reports, handover, campaign and quality tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from cases.models import CallLog, CallOutcome, Case, ContactPoint
from staff import roles
from tests.cases.api.builders import make_case
from tests.cases.workflow.assignment.conftest import named

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def workflow_defaults(db):
    """The outcomes and the quality checklist the data migrations made (a transactional
    test flushes them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("cases.migrations.0010_default_outcomes_and_rule_sets").create_defaults(
        apps, None
    )
    import_module("cases.migrations.0017_default_quality_checklist").add_items(apps, None)


@pytest.fixture
def clock():
    """clock(when) moves the clock to `when` (ticking) for the rest of the test."""
    travellers = []

    def move(when):
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def supervisor_a(staff_user, branch_a):
    return named(staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a"), "Sue")


@pytest.fixture
def supervisor_b(staff_user, branch_b):
    return staff_user(roles.SUPERVISOR, branch=branch_b, username="sup.b")


@pytest.fixture
def manager_a(staff_user, branch_a):
    return staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="mgr.a")


@pytest.fixture
def collector_a(staff_user, branch_a):
    return named(staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a"), "Li", "Lei")


@pytest.fixture
def collector_a2(staff_user, branch_a):
    return named(
        staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a2"), "Han", "Mei"
    )


@pytest.fixture
def collector_a3(staff_user, branch_a):
    return named(staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a3"), "Wu", "Yan")


@pytest.fixture
def collector_b(staff_user, branch_b):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="col.b")


def assigned_case(agreement, collector, **fields) -> Case:
    fields.setdefault("status", Case.Status.ASSIGNED)
    fields.setdefault("assigned_at", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return make_case(agreement, assigned_to=collector, **fields)


def completed_call(case: Case, collector, *, started_at=None, outcome="contacted", party="debtor"):
    """A completed call (telephony recording id) of `collector` on `case`."""
    started_at = started_at or dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)
    return CallLog.objects.create(
        case=case,
        collector=collector,
        contact_point=case.debtor.contact_points.filter(kind=ContactPoint.Kind.PHONE).first(),
        party=party,
        started_at=started_at,
        duration_seconds=120,
        outcome=CallOutcome.objects.get(code=outcome),
        status=CallLog.Status.COMPLETED,
        completed_at=started_at,
        telephony_recording_id="PBX-1",
    )
