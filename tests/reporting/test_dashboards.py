"""The landing dashboards' figures panels: read from the daily rollups (rows written here by
hand, so every expected number is counted by hand), a fixed number of queries whatever
the number of collectors or branches, each role its panel and only its scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting import dashboard_figures as figures
from reporting import dashboard_panels
from reporting.models import DailyCollectorFigures
from staff import roles
from staff.models import Department, MonthlyTarget, WorkdayOverride
from tests.landing import landing_html

from .conftest import shanghai

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 16)
WED = MON + dt.timedelta(days=2)  # "today" in these tests


@pytest.fixture
def wednesday():
    with time_machine.travel(shanghai(WED, 15), tick=False):
        yield


def rollup(collector, day, **values):
    return DailyCollectorFigures.objects.create(
        collector=collector,
        branch=collector.staff_profile.branch,
        day=day,
        computed_at=timezone.now(),
        **values,
    )


def queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


# --- A week's target ----------------------------------------------------------------------


def test_a_weeks_target_is_the_months_target_by_working_days(staff_user, branch_a):
    collector = staff_user(roles.PHONE_COLLECTOR, branch=branch_a)
    setter = staff_user(roles.SUPERVISOR, branch=branch_a)
    for month, amount in ((dt.date(2026, 11, 1), "2100.00"), (dt.date(2026, 12, 1), "2300.00")):
        MonthlyTarget.objects.create(user=collector, month=month, amount=amount, set_by=setter)
    # November 2026 has 21 working days, December 23.
    assert figures.week_target(collector.pk, MON) == Decimal("500.00")  # 2100 × 5/21
    # Monday 30 November – Sunday 6 December: 2100 × 1/21 + 2300 × 4/23.
    assert figures.week_target(collector.pk, dt.date(2026, 11, 30)) == Decimal("500.00")
    # A holiday in the week: 20 working days in the month, 4 of them in the week.
    WorkdayOverride.objects.create(date=WED, is_working_day=False)
    assert figures.week_target(collector.pk, MON) == Decimal("420.00")
    # No target in the months the week touches: no target, not zero.
    assert figures.week_target(collector.pk, dt.date(2027, 1, 4)) is None


# --- A collector's week ---------------------------------------------------------------------


def test_my_week_sums_the_days_so_far_against_the_target(wednesday, staff_user, branch_a):
    me = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="me")
    other = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="other")
    setter = staff_user(roles.SUPERVISOR, branch=branch_a)
    MonthlyTarget.objects.create(
        user=me, month=dt.date(2026, 11, 1), amount="2100.00", set_by=setter
    )
    rollup(me, MON - dt.timedelta(days=1), calls=50, amount_confirmed="999.00")  # last week
    rollup(me, MON, calls=10, contacts=4, promises_made=2, amount_confirmed="120.00")
    rollup(me, WED, calls=7, contacts=1, promises_kept=1, amount_confirmed="80.50")
    rollup(other, WED, calls=99, amount_confirmed="1000.00")

    week = figures.collector_week(user=me, today=WED)
    assert week.totals["calls"] == 17 and week.totals["contacts"] == 5
    assert week.totals["amount_confirmed"] == Decimal("200.50")
    assert week.target == Decimal("500.00")
    assert week.target_percent == Decimal("40.1")  # 200.50 / 500
    assert week.still_to_collect == Decimal("299.50")
    assert [day["calls"] for day in week.days] == [10, 0, 7, None, None, None, None]

    panel = dashboard_panels.my_week_panel(me)
    assert '"data": [120.0, 120.0, 200.5, null, null, null, null]' in panel["chart_json"]
    assert '"valueLabels": true' in panel["chart_json"]


def test_my_week_takes_the_same_queries_however_many_days(wednesday, staff_user, branch_a):
    me = staff_user(roles.PHONE_COLLECTOR, branch=branch_a)
    setter = staff_user(roles.SUPERVISOR, branch=branch_a)
    MonthlyTarget.objects.create(user=me, month=dt.date(2026, 11, 1), amount="1", set_by=setter)
    rollup(me, MON, calls=1)
    # The rollup rows, the month's target, the working-day overrides.
    first = queries(lambda: figures.collector_week(user=me, today=WED))
    rollup(me, MON + dt.timedelta(days=1), calls=1)
    rollup(me, WED, calls=1)
    assert queries(lambda: figures.collector_week(user=me, today=WED)) == first == 3


# --- A supervisor's team ----------------------------------------------------------------


@pytest.fixture
def two_teams(staff_user, branch_a, branch_b):
    a1 = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="a1")
    a2 = staff_user(roles.FIELD_COLLECTOR, branch=branch_a, username="a2")
    b1 = staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="b1")
    supervisor = staff_user(roles.SUPERVISOR, branch=branch_a, username="sup.a")
    rollup(a1, MON, calls=3, contacts=1, sla_breaches=1)
    rollup(a1, WED, calls=5, contacts=2, amount_confirmed="40.00", sla_breaches=2)
    rollup(a1, MON - dt.timedelta(days=1), calls=100)  # the week before
    rollup(a2, MON + dt.timedelta(days=1), calls=2, amount_confirmed="100.00", visits_done=1)
    rollup(b1, WED, calls=9)  # another branch
    return {"a1": a1, "a2": a2, "b1": b1, "supervisor": supervisor}


def test_the_team_today_and_this_week_per_collector(wednesday, two_teams, staff_user, branch_a):
    idle = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username="idle")
    team = figures.team_figures(user=two_teams["supervisor"], today=WED)
    rows = {row.collector_id: row for row in team.rows}
    assert set(rows) == {two_teams["a1"].pk, two_teams["a2"].pk, idle.pk}
    a1, a2 = rows[two_teams["a1"].pk], rows[two_teams["a2"].pk]
    assert a1.today == {
        "calls": 5,
        "contacts": 2,
        "amount_confirmed": Decimal("40.00"),
        "sla_breaches": 2,
    }
    assert (a1.week["calls"], a1.week["contacts"], a1.week["sla_breaches"]) == (8, 3, 3)
    assert (a2.today["calls"], a2.week["calls"], a2.week["visits_done"]) == (0, 2, 1)
    assert rows[idle.pk].week["calls"] == 0
    assert team.totals_today["calls"] == 5 and team.totals_week["calls"] == 10
    assert team.totals_week["amount_confirmed"] == Decimal("140.00")
    assert team.totals_week["sla_breaches"] == 3


def test_the_team_panel_takes_the_same_queries_for_more_collectors(
    wednesday, two_teams, staff_user, branch_a
):
    supervisor = two_teams["supervisor"]
    figures.team_figures(user=supervisor, today=WED)  # the user's roles, read once a request
    first = queries(lambda: figures.team_figures(user=supervisor, today=WED))
    for n in range(4):
        more = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username=f"more{n}")
        rollup(more, WED, calls=n + 1)
    assert queries(lambda: figures.team_figures(user=supervisor, today=WED)) == first


def test_a_leaver_with_work_this_week_keeps_their_row(wednesday, two_teams):
    from staff.models import StaffProfile

    StaffProfile.objects.filter(user=two_teams["a2"]).update(
        status=StaffProfile.Status.LEFT, left_on=MON
    )
    team = figures.team_figures(user=two_teams["supervisor"], today=WED)
    assert two_teams["a2"].pk in {row.collector_id for row in team.rows}
    assert team.totals_week["calls"] == 10


# --- Branches and teams side by side --------------------------------------------------------


@pytest.fixture
def branches(staff_user, branch_a, branch_b, hq):
    team_1 = Department.objects.create(branch=branch_a, name="Team 1")
    team_2 = Department.objects.create(branch=branch_a, name="Team 2")
    a1 = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, department=team_1, username="a1")
    a2 = staff_user(roles.PHONE_COLLECTOR, branch=branch_a, department=team_2, username="a2")
    b1 = staff_user(roles.PHONE_COLLECTOR, branch=branch_b, username="b1")
    first_week = MON - dt.timedelta(weeks=11)
    rollup(a1, WED, calls=5, amount_confirmed="40.00")  # this week, this month
    rollup(a2, MON, calls=2, amount_confirmed="10.00", promises_kept=1)
    rollup(a1, dt.date(2026, 11, 3), calls=7, amount_confirmed="300.00")  # this month only
    rollup(b1, MON + dt.timedelta(days=1), calls=9, amount_confirmed="1.50")
    rollup(b1, first_week, calls=4, amount_confirmed="60.00")  # 12th week back: the trend's first
    rollup(b1, first_week - dt.timedelta(days=1), calls=1000, amount_confirmed="999.00")  # 13th
    return {
        "branch_a": branch_a,
        "branch_b": branch_b,
        "hq": hq,
        "team_1": team_1,
        "team_2": team_2,
    }


def test_headquarters_sees_the_branches_side_by_side(wednesday, branches, staff_user):
    manager = staff_user(roles.BRANCH_MANAGER, branch=branches["hq"], username="hq.manager")
    data = figures.group_figures(user=manager, today=WED, by="branch")
    by_name = {group["name"]: group for group in data.groups}
    assert set(by_name) == {"Branch A", "Branch B"}
    a, b = by_name["Branch A"], by_name["Branch B"]
    assert (a["week"]["calls"], a["week"]["amount_confirmed"]) == (7, Decimal("50.00"))
    assert (a["month"]["calls"], a["month"]["amount_confirmed"]) == (14, Decimal("350.00"))
    assert a["week"]["promises_kept"] == 1
    assert (b["week"]["calls"], b["month"]["calls"]) == (9, 9)
    assert data.weeks[0] == MON - dt.timedelta(weeks=11) and data.weeks[-1] == MON
    # Branch B: 60.00 in the first week of the trend, 1.50 this week, nothing 13 weeks back.
    assert data.trend[b["key"]][0] == Decimal("60.00")
    assert data.trend[b["key"]][-1] == Decimal("1.50")
    assert sum(data.trend[b["key"]]) == Decimal("61.50")
    # Branch A: this week 50.00; the week of 2 November 300.00.
    assert data.trend[a["key"]][-1] == Decimal("50.00")
    assert data.trend[a["key"]][-3] == Decimal("300.00")
    assert data.trend_calls[b["key"]][0] == 4

    panel = dashboard_panels.groups_panel(manager)
    assert panel["trend_totals"][-1] == Decimal("51.50")
    assert '"valueLabels": true' in panel["trend_json"]


def test_a_branch_manager_sees_their_teams_and_no_other_branch(wednesday, branches, staff_user):
    manager = staff_user(roles.BRANCH_MANAGER, branch=branches["branch_a"], username="bm.a")
    data = figures.group_figures(user=manager, today=WED, by="team")
    by_name = {group["name"]: group for group in data.groups}
    assert set(by_name) == {"Team 1", "Team 2"}
    assert by_name["Team 1"]["month"]["amount_confirmed"] == Decimal("340.00")
    assert by_name["Team 2"]["week"]["calls"] == 2
    assert all(sum(series) < 999 for series in data.trend.values())  # branch B's rows unseen
    panel = dashboard_panels.groups_panel(manager)
    assert panel["data"].by == "team"


def test_side_by_side_takes_the_same_queries_for_more_branches(wednesday, branches, staff_user):
    from tests.factories import BranchFactory

    manager = staff_user(roles.BRANCH_MANAGER, branch=branches["hq"], username="hq.manager")
    figures.group_figures(user=manager, today=WED, by="branch")  # roles, read once a request
    first = queries(lambda: figures.group_figures(user=manager, today=WED, by="branch"))
    for n in range(3):
        branch = BranchFactory(code=f"BX{n}", name=f"Branch X{n}")
        collector = staff_user(roles.PHONE_COLLECTOR, branch=branch, username=f"x{n}")
        rollup(collector, WED, calls=1)
        rollup(collector, MON - dt.timedelta(weeks=3), calls=1)
    assert queries(lambda: figures.group_figures(user=manager, today=WED, by="branch")) == first


# --- The page -------------------------------------------------------------------------------


def test_each_role_sees_its_panel_on_the_landing_page(wednesday, client, branches, staff_user):
    people = {
        "collector": staff_user(roles.PHONE_COLLECTOR, branch=branches["branch_a"]),
        "supervisor": staff_user(roles.SUPERVISOR, branch=branches["branch_a"]),
        "manager": staff_user(roles.BRANCH_MANAGER, branch=branches["branch_a"]),
        "hq": staff_user(roles.BRANCH_MANAGER, branch=branches["hq"]),
        "finance": staff_user(roles.FINANCE, branch=branches["branch_a"]),
    }
    expected = {
        "collector": {"panel-my-week"},
        "supervisor": {"panel-team-week"},
        "manager": {"panel-side-by-side"},
        "hq": {"panel-side-by-side"},
        "finance": set(),
    }
    panel_ids = {"panel-my-week", "panel-team-week", "panel-side-by-side"}
    for who, user in people.items():
        client.force_login(user)
        body = landing_html(client)
        shown = {panel for panel in panel_ids if f'id="{panel}"' in body}
        assert shown == expected[who], who
        assert " style=" not in body.split("<main", 1)[1], who  # CSP: no inline styles
    client.force_login(people["supervisor"])
    body = landing_html(client)
    assert 'data-collector="' in body
    b1 = DailyCollectorFigures.objects.get(calls=9).collector_id
    assert f'data-collector="{b1}"' not in body  # branch B's collector is not theirs
