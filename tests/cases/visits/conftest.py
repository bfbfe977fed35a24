"""Fixtures of the field visit, procedure and period tests: a branch with a phone
collector, a field collector and a supervisor; a case; a clock; and `decide`, which
takes an approval decision through the shared approvals framework."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.audio import tone_wav
from cases.models import Case
from cases.services import visits as visit_services
from staff import roles
from tests.cases.api.builders import make_case, make_debtor

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


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
def phone_a(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="phone.a")


@pytest.fixture
def field_a(staff_user, branch_a):
    return staff_user(roles.FIELD_COLLECTOR, branch=branch_a, username="field.a")


@pytest.fixture
def field_a2(staff_user, branch_a):
    return staff_user(roles.FIELD_COLLECTOR, branch=branch_a, username="field.a2")


@pytest.fixture
def supervisor_a(staff_user, branch_a):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a")


@pytest.fixture
def supervisor_a2(staff_user, branch_a):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a2")


def case_for(agreement, collector, **fields) -> Case:
    fields.setdefault("status", Case.Status.IN_PROGRESS)
    fields.setdefault("assigned_at", timezone.now())
    fields.setdefault("debtor", make_debtor(id_number="", address="上海市浦东新区世纪大道100号"))
    return make_case(agreement, assigned_to=collector, **fields)


@pytest.fixture
def case_a(agreement_a, phone_a):
    return case_for(agreement_a, phone_a)


def nominate(case, actor, field_collector, **fields):
    fields.setdefault("reason", "No answer for three weeks")
    fields.setdefault("address", "上海市浦东新区世纪大道100号")
    fields.setdefault("find_out", "Does the debtor still live there?")
    return visit_services.visit_nominate(
        case=case, actor=actor, field_collector=field_collector, **fields
    )


def wav(name: str = "visit.wav", seconds: float = 0.2) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tone_wav(seconds=seconds), content_type="audio/wav")


def latest_approval(subject):
    from staff.selectors_approvals import latest_approval as latest

    return latest(subject)


def decide(subject, *, by, approve: bool = True, comment: str = ""):
    """The supervisor's decision on the pending approval of `subject`."""
    from staff.services_approvals import approval_decide

    return approval_decide(
        approval=latest_approval(subject), user=by, approve=approve, comment=comment
    )
