"""Who sees whose attendance, leave and overtime: oneself; a department head their
department; supervisors and HR their branch; HQ HR every branch; another branch: 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from staff import roles
from staff.attendance.selectors import people_visible
from staff.models import AttendanceRecord, LeaveRequest, OvertimeRequest
from tests.factories import hq_branch, make_staff

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(team, time_machine):
    """A day, a leave and an overtime request for the collector (branch A) and for the
    collector of branch B."""
    time_machine.move_to(local(2025, 3, 3, 9))
    made = {}
    for key, person, branch in (
        ("home", team.collector, team.branch),
        ("foreign", team.foreign_collector, team.other_branch),
    ):
        made[key] = {
            "record": AttendanceRecord.objects.create(
                user=person,
                branch=branch,
                work_date=dt.date(2025, 3, 3),
                clocked_in_at=local(2025, 3, 3, 9),
            ),
            "leave": LeaveRequest.objects.create(
                user=person,
                branch=branch,
                leave_type=team.annual,
                start_date=dt.date(2025, 3, 10),
                end_date=dt.date(2025, 3, 10),
                days=1,
                reason="family",
            ),
            "overtime": OvertimeRequest.objects.create(
                user=person,
                branch=branch,
                work_date=dt.date(2025, 3, 4),
                expected_hours=2,
                reason="x",
            ),
        }
    return made


def _sees(user, row) -> bool:
    return type(row).objects.visible_to(user).filter(pk=row.pk).exists()


@pytest.mark.parametrize("kind", ["record", "leave", "overtime"])
def test_each_role_sees_what_it_should(team, rows, kind):
    home, foreign = rows["home"][kind], rows["foreign"][kind]
    hq_hr = make_staff(roles.HR, branch=hq_branch(), username="hr.hq")
    assert _sees(team.collector, home)  # oneself
    assert not _sees(team.colleague, home)  # a colleague
    assert not _sees(team.desk, home)  # the desk reads the away calendar, not the rows
    assert _sees(team.head, home)  # the head of their department
    assert _sees(team.supervisor, home) and not _sees(team.supervisor, foreign)
    assert _sees(team.hr, home) and not _sees(team.hr, foreign)
    assert _sees(hq_hr, home) and _sees(hq_hr, foreign)


def test_a_department_head_sees_only_their_department(team):
    people = set(people_visible(user=team.head).values_list("user_id", flat=True))
    assert {team.collector.pk, team.colleague.pk, team.head.pk} <= people
    assert team.desk.pk not in people


def test_pages_answer_404_for_another_branchs_rows(team, rows):
    for viewer in (team.supervisor, team.hr, team.collector):
        client = Client()
        client.force_login(viewer)
        foreign = rows["foreign"]
        for url in (
            reverse("staff:leave_detail", args=[foreign["leave"].pk]),
            reverse("staff:overtime_detail", args=[foreign["overtime"].pk]),
            reverse("staff:attendance_sheet", args=[team.foreign_collector.pk, 2025, 3]),
        ):
            assert client.get(url).status_code == 404, (viewer.username, url)
    client = Client()
    client.force_login(team.supervisor)
    assert (
        client.get(reverse("staff:leave_detail", args=[rows["home"]["leave"].pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("staff:attendance_sheet", args=[team.collector.pk, 2025, 3])).status_code
        == 200
    )
