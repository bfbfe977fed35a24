"""Fixtures of the call-log and queue tests: a collector's case with a number, outcomes, a clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.audio import tone_wav
from cases.models import CallOutcome, Case, ContactPoint
from staff import roles
from tests.cases.api.builders import make_case, make_debtor

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """clock(when) stops the clock at `when` (ticking) for the rest of the test."""
    travellers = []

    def move(when):
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        travellers.append(traveller)

    yield move
    for traveller in reversed(travellers):
        traveller.stop()


@pytest.fixture
def collector_a(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a")


@pytest.fixture
def collector_a2(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a2")


@pytest.fixture
def supervisor_a(staff_user, branch_a):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a")


def assigned_case(agreement, collector, **fields) -> Case:
    fields.setdefault("status", Case.Status.ASSIGNED)
    fields.setdefault("assigned_at", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return make_case(agreement, assigned_to=collector, **fields)


@pytest.fixture
def case_a(agreement_a, collector_a):
    return assigned_case(agreement_a, collector_a)


@pytest.fixture
def phone_a(case_a) -> ContactPoint:
    return case_a.debtor.contact_points.get(kind=ContactPoint.Kind.PHONE)


@pytest.fixture
def relative_phone_a(case_a) -> ContactPoint:
    return ContactPoint.objects.create(
        debtor=case_a.debtor,
        kind=ContactPoint.Kind.PHONE,
        value="+8613900001111",
        relation=ContactPoint.Relation.RELATIVE,
        contact_name="sister",
    )


@pytest.fixture
def outcome():
    return lambda code: CallOutcome.objects.get(code=code)


def wav_upload(name="call.wav", seconds=0.2) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tone_wav(seconds=seconds), content_type="audio/wav")


__all__ = ["assigned_case", "make_debtor", "shanghai", "wav_upload"]


@pytest.fixture(autouse=True)
def workflow_defaults(db):
    """The outcomes and rule sets the data migration made (a transactional test flushes them,
    and a reused test database keeps the flush)."""
    from importlib import import_module

    from django.apps import apps

    import_module("cases.migrations.0010_default_outcomes_and_rule_sets").create_defaults(
        apps, None
    )
