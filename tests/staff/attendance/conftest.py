"""People of one branch (and one of another) for the attendance, leave and overtime tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from staff import roles
from staff.attendance.leave import default_leave_types_ensure
from tests.factories import BranchFactory, DepartmentFactory, make_staff

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """A moment in company time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def team(db):
    """Branch A: a collector and a colleague in Collections (headed by `head`), their
    supervisor, HR; branch B: a collector and HR."""
    from types import SimpleNamespace

    t = SimpleNamespace()
    t.branch = BranchFactory(code="BRA", name="Branch A")
    t.other_branch = BranchFactory(code="BRB", name="Branch B")
    t.head = make_staff(roles.DEPARTMENT_HEAD, branch=t.branch, username="head.a")
    collections = DepartmentFactory(branch=t.branch, name="Collections")
    collections.head = t.head  # the factory's get_or_create ignores a head on an existing row
    collections.save()
    office = DepartmentFactory(branch=t.branch, name="Front office")
    t.collector = make_staff(
        roles.PHONE_COLLECTOR,
        branch=t.branch,
        username="coll.a",
        department=collections,
        hire_date=dt.date(2025, 1, 2),
    )
    t.colleague = make_staff(
        roles.PHONE_COLLECTOR, branch=t.branch, username="coll2.a", department=collections
    )
    t.desk = make_staff(roles.FRONT_DESK, branch=t.branch, username="desk.a", department=office)
    t.supervisor = make_staff(roles.SUPERVISOR, branch=t.branch, username="sup.a")
    t.hr = make_staff(roles.HR, branch=t.branch, username="hr.a")
    t.hr2 = make_staff(roles.HR, branch=t.branch, username="hr2.a")
    t.foreign_collector = make_staff(
        roles.PHONE_COLLECTOR, branch=t.other_branch, username="coll.b"
    )
    t.foreign_hr = make_staff(roles.HR, branch=t.other_branch, username="hr.b")
    t.foreign_supervisor = make_staff(roles.SUPERVISOR, branch=t.other_branch, username="sup.b")
    # Made here too: a transactional test elsewhere empties the migration's rows.
    types = default_leave_types_ensure()
    t.annual, t.sick, t.personal = types["annual"], types["sick"], types["personal"]
    return t
