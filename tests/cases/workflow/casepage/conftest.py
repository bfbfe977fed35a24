"""People and cases of the case page tests: branch A's collectors and supervisor, branch B."""

from __future__ import annotations

import pytest

from cases.models import Case
from staff import roles
from tests.cases.api.builders import ID_NUMBER, PHONE, make_case, make_debtor
from tests.cases.api.conftest import api, api_a, key_a  # noqa: F401  (the bank API's client)


@pytest.fixture
def supervisor_a(staff_user, branch_a):
    return staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a")


@pytest.fixture
def supervisor_b(staff_user, branch_b):
    return staff_user(roles.SUPERVISOR, branch=branch_b, username="sup.b")


@pytest.fixture
def collector_a(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a")


@pytest.fixture
def other_collector_a(staff_user, branch_a):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a2")


@pytest.fixture
def manager_a(staff_user, branch_a):
    return staff_user(roles.BRANCH_MANAGER, branch=branch_a, username="mgr.a")


@pytest.fixture
def front_desk_a(staff_user, branch_a):
    return staff_user(roles.FRONT_DESK, branch=branch_a, username="desk.a")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def debtor():
    return make_debtor(
        name="张三",
        id_number=ID_NUMBER,
        phones=(PHONE, "+8613900001111"),
        address="上海市浦东新区世纪大道100号",
    )


@pytest.fixture
def case(agreement_a, collector_a, debtor):
    """Branch A's case, assigned to collector A."""
    return make_case(
        agreement_a,
        debtor=debtor,
        account_no="CP-0001",
        assigned_to=collector_a,
        status=Case.Status.ASSIGNED,
    )


@pytest.fixture
def outcome(db):
    """A call outcome (the data migration's defaults may be absent in a test database)."""
    from cases.models import CallOutcome

    return CallOutcome.objects.get_or_create(
        code="contacted", defaults={"label": "Contacted", "answered": True, "conversation": True}
    )[0]
