"""People and records for the compliance tools: two branches, supervisors, collectors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import (
    CallLog,
    CallOutcome,
    Case,
    CaseHold,
    ComplianceOverride,
    ComplianceRefusal,
    ComplianceViolation,
    Party,
)
from staff import roles
from tests.cases.api.builders import make_case
from tests.factories import make_staff


@pytest.fixture
def supervisor(branch_a):
    return make_staff(roles.SUPERVISOR, branch=branch_a, username="sup.a")


@pytest.fixture
def other_supervisor(branch_b):
    return make_staff(roles.SUPERVISOR, branch=branch_b, username="sup.b")


@pytest.fixture
def hq_supervisor(hq):
    return make_staff(roles.SUPERVISOR, branch=hq, username="sup.hq")


@pytest.fixture
def collector(branch_a):
    return make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a")


@pytest.fixture
def other_collector(branch_a):
    return make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a2")


@pytest.fixture
def front_desk(branch_a):
    return make_staff(roles.FRONT_DESK, branch=branch_a, username="desk.a")


@pytest.fixture
def case(agreement_a, collector):
    return make_case(
        agreement_a,
        assigned_to=collector,
        status=Case.Status.IN_PROGRESS,
        assigned_at=timezone.now(),
    )


@pytest.fixture
def case_b(agreement_b, branch_b):
    collector_b = make_staff(roles.PHONE_COLLECTOR, branch=branch_b, username="col.b")
    return make_case(agreement_b, assigned_to=collector_b, status=Case.Status.IN_PROGRESS)


def phone_of(case):
    return case.debtor.contact_points.filter(kind="phone").first()


def make_refusal(case, collector, *, rules=("contact_window",), at=None, message=None):
    return ComplianceRefusal.objects.create(
        case=case,
        collector=collector,
        channel="call",
        contact_point=phone_of(case),
        refused_at=at or timezone.now(),
        rules=list(rules),
        message=message or "22:14 is outside the contact window 08:00–22:00 in the debtor's time.",
    )


def make_call(case, collector, *, at=None, outcome="no_answer", party=Party.NOBODY):
    return CallLog.objects.create(
        case=case,
        collector=collector,
        contact_point=phone_of(case),
        party=party,
        started_at=at or timezone.now(),
        outcome=CallOutcome.objects.get(code=outcome),
    )


def make_override(case, collector, granted_by, *, rules=("contact_window",), at=None):
    at = at or timezone.now()
    return ComplianceOverride.objects.create(
        case=case,
        collector=collector,
        rules=list(rules),
        reason="debtor asked for a late call",
        granted_by=granted_by,
        granted_at=at,
        valid_until=at + dt.timedelta(hours=1),
    )


def make_violation(case, collector, confirmed_by, *, rule="contact_window", at=None):
    return ComplianceViolation.objects.create(
        case=case,
        collector=collector,
        rule=rule,
        occurred_at=at or timezone.now(),
        description="called at 23:00",
        confirmed_by=confirmed_by,
        confirmed_at=timezone.now(),
    )


def place_hold(case, by):
    return CaseHold.objects.create(
        case=case,
        kind=CaseHold.Kind.DISPUTE,
        reason="disputes",
        placed_by=by,
        placed_at=timezone.now(),
    )


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A request in Chinese leaves its language active in the thread: later tests read
    # service messages in English.
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _shipped_outcomes_and_rule_sets(db):
    """The data migration's rows, back if a transactional test (a browser test) flushed them.

    With --reuse-db a flushed test database stays flushed for the next run.
    """
    import importlib

    from django.apps import apps

    from cases.models import ComplianceRuleSet

    if not CallOutcome.objects.exists() or not ComplianceRuleSet.objects.exists():
        importlib.import_module(
            "cases.migrations.0010_default_outcomes_and_rule_sets"
        ).create_defaults(apps, None)
