"""People and cases of the assignment tests: branch A and B, supervisors and collectors."""

from __future__ import annotations

import pytest

from staff import roles
from staff.models import StaffProfile
from tests.cases.api.builders import make_case, make_placement


def named(user, first_name: str, last_name: str = ""):
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def supervisor_a(staff_user, branch_a):
    return named(staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a"), "Sue")


@pytest.fixture
def supervisor_a2(staff_user, branch_a):
    return named(staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a2"), "Sam")


@pytest.fixture
def supervisor_b(staff_user, branch_b):
    return staff_user(roles.SUPERVISOR, branch=branch_b, username="sup.b")


@pytest.fixture
def supervisor_hq(staff_user, hq):
    return staff_user(roles.SUPERVISOR, branch=hq, username="sup.hq")


@pytest.fixture
def collector_a(staff_user, branch_a):
    return named(staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a"), "Li", "Lei")


@pytest.fixture
def collector_a2(staff_user, branch_a):
    user = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.a2")
    return named(user, "Han", "Mei")


@pytest.fixture
def collector_b(staff_user, branch_b):
    return staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="col.b")


@pytest.fixture
def inactive_collector_a(staff_user, branch_a):
    import datetime as dt

    user = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="col.left")
    StaffProfile.objects.filter(user=user).update(
        status=StaffProfile.Status.LEFT, left_on=dt.date(2026, 1, 1)
    )
    return user


@pytest.fixture
def placement_a(agreement_a):
    return make_placement(agreement_a)


@pytest.fixture
def new_cases_a(agreement_a, placement_a):
    """Five new, unassigned cases of branch A."""
    return [make_case(agreement_a, placement=placement_a) for _ in range(5)]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login
