"""Fixtures of the promises, plans and payments tests: people of two branches, a case, a clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from staff import roles
from tests.cases.workflow.calls.conftest import (  # noqa: F401 - fixtures
    assigned_case,
    case_a,
    clock,
    collector_a,
    collector_a2,
    supervisor_a,
    workflow_defaults,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


# Monday 2026-12-07, 10:00 in Shanghai: "today" of most tests.
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def at_today(clock):  # noqa: F811 - the fixture imported above
    clock(shanghai(2026, 12, 7, 10))
    return TODAY


@pytest.fixture
def finance_a(staff_user, branch_a):
    return staff_user(roles.FINANCE, branch=branch_a, username="fin.a")


@pytest.fixture
def supervisor_b(staff_user, branch_b):
    return staff_user(roles.SUPERVISOR, branch=branch_b, username="sup.b")


@pytest.fixture
def finance_b(staff_user, branch_b):
    return staff_user(roles.FINANCE, branch=branch_b, username="fin.b")


from tests.cases.api.conftest import api_a, api_b, key_a, key_b  # noqa: E402, F401 - fixtures
