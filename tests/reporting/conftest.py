"""Two branches, collectors with calls in and around one week, and helpers to run reports."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import CallLog, CallOutcome, Case, Party
from staff import roles
from tests.cases.api.builders import make_case
from tests.cases.conftest import AgreementFactory
from tests.factories import make_staff

# A past week, Monday–Sunday, far from any public holiday question.
WEEK = (dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def outcome(code: str, *, conversation: bool) -> CallOutcome:
    found, _ = CallOutcome.objects.get_or_create(
        code=code,
        defaults={"label": code, "answered": conversation, "conversation": conversation},
    )
    return found


def call(case, collector, at: dt.datetime, *, conversation: bool) -> CallLog:
    return CallLog.objects.create(
        case=case,
        collector=collector,
        contact_point=case.debtor.contact_points.filter(kind="phone").first(),
        party=Party.DEBTOR if conversation else Party.NOBODY,
        started_at=at,
        outcome=outcome("talked" if conversation else "no_answer", conversation=conversation),
    )


def shanghai(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from collections_office.workdays import company_tz

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=company_tz())


@pytest.fixture
def week_world(branch_a, branch_b):
    """Collector A1 (branch A): 3 calls in the week (1 conversation), one the Sunday
    before at 23:30 company time (outside), one the Monday after at 00:10 (outside).
    Collector B1 (branch B): 1 conversation in the week."""
    a1 = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="a1")
    a2 = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="a2")
    b1 = make_staff(roles.PHONE_COLLECTOR, branch=branch_b, username="b1")
    case_a = make_case(
        AgreementFactory(branch=branch_a), assigned_to=a1, status=Case.Status.IN_PROGRESS
    )
    make_case(AgreementFactory(branch=branch_a), assigned_to=a1, status=Case.Status.ASSIGNED)
    make_case(AgreementFactory(branch=branch_a), assigned_to=a1, status=Case.Status.CLOSED)
    case_b = make_case(
        AgreementFactory(branch=branch_b), assigned_to=b1, status=Case.Status.IN_PROGRESS
    )
    start, end = WEEK
    call(case_a, a1, shanghai(start, 9), conversation=False)
    call(case_a, a1, shanghai(start + dt.timedelta(days=2), 10), conversation=True)
    call(case_a, a1, shanghai(end, 23, 59), conversation=False)
    call(case_a, a1, shanghai(start - dt.timedelta(days=1), 23, 30), conversation=True)
    call(case_a, a1, shanghai(end + dt.timedelta(days=1), 0, 10), conversation=True)
    call(case_b, b1, shanghai(start + dt.timedelta(days=3), 15), conversation=True)
    return {"a1": a1, "a2": a2, "b1": b1, "branch_a": branch_a, "branch_b": branch_b}


@pytest.fixture(autouse=True)
def default_schedules(db):
    """The schedules the data migration ships (a transactional test elsewhere in the run
    may have flushed them from a reused database)."""
    from importlib import import_module

    from django.apps import apps

    import_module("reporting.migrations.0002_default_schedules").add_defaults(apps, None)
    import_module("reporting.migrations.0004_team_and_branch_schedules").add_defaults(apps, None)
    import_module("reporting.migrations.0007_rollup_commission_compliance").add_defaults(apps, None)
