"""Who is away on the supervisor's and the front desk's pages; the daily jobs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from frontdesk.dashboard import dashboard_panels as desk_panels
from staff.attendance.leave import leave_apply, leave_decided
from staff.dashboard import dashboard_panels
from staff.tasks import attendance_flag_missing_clock_outs, leaves_mark_taken

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def away(team, time_machine):
    """The collector is on approved sick leave today and tomorrow; the colleague's leave
    is still waiting (not away)."""
    time_machine.move_to(local(2025, 3, 10, 8, 0))
    leave = leave_apply(
        user=team.collector,
        leave_type=team.sick,
        start_date=dt.date(2025, 3, 10),
        start_half="am",
        end_date=dt.date(2025, 3, 11),
        end_half="pm",
        reason="Flu and fever",
        cover=team.colleague,
    )
    leave_decided(leave=leave, approved=True, decider=team.supervisor)
    leave_apply(
        user=team.colleague,
        leave_type=team.annual,
        start_date=dt.date(2025, 3, 10),
        start_half="am",
        end_date=dt.date(2025, 3, 10),
        end_half="pm",
        reason="x",
    )
    return leave


def test_the_supervisor_dashboard_shows_who_is_away(team, away):
    panel = next(p for p in dashboard_panels(team.supervisor) if "away_today" in p)
    assert [leave.user for leave in panel["away_today"]] == [team.collector]
    assert not any("away_today" in p for p in dashboard_panels(team.collector))
    foreign = next(p for p in dashboard_panels(team.foreign_supervisor) if "away_today" in p)
    assert foreign["away_today"] == []  # another branch's leave is not theirs to plan


def test_the_front_desk_sees_whom_a_visitor_cannot_meet_but_not_why(team, away):
    panel = next(p for p in desk_panels(team.desk) if "away_today" in p)
    assert [leave.user for leave in panel["away_today"]] == [team.collector]
    client = Client()
    client.force_login(team.desk)
    page = client.get(reverse("frontdesk:visit_register")).content.decode()
    assert 'id="away-today"' in page and team.collector.get_full_name() in page
    response = client.get(reverse("staff:leave_calendar"))
    assert [line["leave"].user for line in response.context["grid"]] == [team.collector]
    calendar = response.content.decode()
    assert "Flu" not in calendar and "Sick" not in calendar  # whom, not why


def test_the_daily_jobs_are_on_the_beat_schedule_and_safe_to_run_twice(team, time_machine):
    from collections_office.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "staff.tasks.attendance_flag_missing_clock_outs",
        "staff.tasks.leaves_mark_taken",
    } <= tasks
    time_machine.move_to(local(2025, 3, 3, 9))
    leave = leave_apply(
        user=team.collector,
        leave_type=team.annual,
        start_date=dt.date(2025, 3, 4),
        start_half="am",
        end_date=dt.date(2025, 3, 4),
        end_half="pm",
        reason="x",
    )
    leave_decided(leave=leave, approved=True, decider=team.supervisor)
    time_machine.move_to(local(2025, 3, 4, 0, 5))
    assert leaves_mark_taken.apply().get() == 1
    assert leaves_mark_taken.apply().get() == 0
    assert attendance_flag_missing_clock_outs.apply().get() == 0
