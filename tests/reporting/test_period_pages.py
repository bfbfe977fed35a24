"""Report pages on a chosen period (the date-range picker) and the drill-down: a team's
figures → its collectors → the cases behind a collector's figures; another branch's team or
collector is a 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case, Payment, Promise
from reporting import rollups
from reporting.services import company_today
from staff import roles
from tests.factories import hq_branch, make_staff

from .conftest import WEEK, shanghai

pytestmark = pytest.mark.django_db


def _period(start: dt.date, end: dt.date) -> str:
    return f"preset=custom&period_start={start:%Y-%m-%d}&period_end={end:%Y-%m-%d}"


@pytest.fixture
def supervisor_a(week_world):
    return make_staff(roles.SUPERVISOR, branch=week_world["branch_a"], username="sup.a")


def test_a_chosen_week_reads_the_rollups(client, week_world, supervisor_a):
    rollups.compute_days(*WEEK)
    client.force_login(supervisor_a)
    response = client.get(reverse("reporting:view") + "?kind=collector_weekly&" + _period(*WEEK))
    assert response.status_code == 200
    columns = [column.key for column in response.context["columns"]]
    rows = {row["cells"][0]: row for row in response.context["table"]}
    a1 = rows[week_world["a1"].staff_profile.display_name]
    assert a1["cells"][columns.index("calls")] == 3
    assert week_world["b1"].staff_profile.display_name not in rows
    # The collector's row links to their drill-down on the same period.
    assert a1["link"] == (
        reverse("reporting:collector", args=[week_world["a1"].pk]) + "?" + _period(*WEEK)
    )


def test_a_period_in_the_future_is_refused_naming_the_field(client, week_world, supervisor_a):
    client.force_login(supervisor_a)
    today = company_today()
    url = reverse("reporting:view") + "?kind=collector_weekly&"
    future = client.get(url + _period(today + dt.timedelta(days=1), today + dt.timedelta(days=7)))
    assert future.status_code == 400
    assert "period_start" in future.context["form"].errors
    assert "The period is in the future" in future.content.decode()
    ending_later = client.get(
        url + _period(today - dt.timedelta(days=3), today + dt.timedelta(days=1))
    )
    assert ending_later.status_code == 400 and "period_end" in ending_later.context["form"].errors
    backwards = client.get(url + _period(WEEK[1], WEEK[0]))
    assert "The period ends before it starts." in backwards.content.decode()
    too_long = client.get(url + _period(dt.date(2024, 1, 1), dt.date(2025, 6, 30)))
    assert too_long.status_code == 400 and "at most 366 days" in too_long.content.decode()
    garbage = client.get(url + "preset=custom&period_start=2026-02-30&period_end=x")
    assert garbage.status_code == 400 and "period_start" in garbage.context["form"].errors


def test_an_empty_period_is_a_report_of_zeros(client, week_world, supervisor_a):
    client.force_login(supervisor_a)
    empty = (dt.date(2025, 3, 3), dt.date(2025, 3, 9))
    response = client.get(reverse("reporting:view") + "?kind=team_weekly&" + _period(*empty))
    assert response.status_code == 200
    columns = [column.key for column in response.context["columns"]]
    (team,) = response.context["table"]
    assert team["cells"][columns.index("calls")] == 0
    assert team["cells"][columns.index("amount_confirmed")] == "0.00"
    # Presets: last week and this month so far are computed from today.
    preset = client.get(reverse("reporting:view") + "?kind=team_weekly&preset=this_month")
    assert preset.status_code == 200
    assert preset.context["start"] == company_today().replace(day=1)
    assert preset.context["end"] == company_today()


def test_unknown_or_unreadable_kinds_are_404(client, week_world, supervisor_a):
    client.force_login(supervisor_a)
    assert client.get(reverse("reporting:view") + "?kind=nope").status_code == 404
    assert client.get(reverse("reporting:view") + "?kind=collector_finance").status_code == 404


def test_drill_down_from_a_team_to_its_collectors_to_their_cases(client, week_world, supervisor_a):
    a1 = week_world["a1"]
    case = Case.objects.filter(assigned_to=a1, status=Case.Status.IN_PROGRESS).get()
    # Placed with the agency before the week: its payments earn commission.
    Case.objects.filter(pk=case.pk).update(placed_at=shanghai(WEEK[0] - dt.timedelta(days=30), 9))
    day = WEEK[0] + dt.timedelta(days=1)
    Payment.objects.create(
        case=case,
        amount=Decimal("250.00"),
        paid_on=day,
        channel="to_bank",
        status="confirmed",
        claimed_by=a1,
        confirmed_by=supervisor_a,
        confirmed_at=shanghai(day, 17),
    )
    promise = Promise.objects.create(
        case=case, amount=Decimal("250.00"), due_on=day, counts_from=day, made_by=a1
    )
    Promise.objects.filter(pk=promise.pk).update(created_at=shanghai(day, 10))
    rollups.compute_days(*WEEK)
    client.force_login(supervisor_a)
    teams = client.get(reverse("reporting:view") + "?kind=team_weekly&" + _period(*WEEK))
    (team_row,) = teams.context["table"]
    team_pk = a1.staff_profile.department_id
    assert team_row["link"].startswith(reverse("reporting:team", args=[team_pk]))
    assert "kind=collector_weekly" in team_row["link"]

    team = client.get(team_row["link"])
    assert team.status_code == 200
    names = {row["cells"][0] for row in team.context["table"]}
    assert names == {a1.staff_profile.display_name, week_world["a2"].staff_profile.display_name}

    collector = client.get(reverse("reporting:collector", args=[a1.pk]) + "?" + _period(*WEEK))
    assert collector.status_code == 200
    figures = {key: value for key, _label, value in collector.context["figures"]}
    assert (figures["calls"], figures["contacts"], figures["amount_confirmed"]) == (
        3,
        1,
        Decimal("250.00"),
    )
    (row,) = collector.context["cases"]
    assert (row["case_id"], row["calls"], row["contacts"], row["promises_made"]) == (
        case.pk,
        3,
        1,
        1,
    )
    assert row["amount_confirmed"] == Decimal("250.00")
    assert row["commission"] == Decimal("30.00")  # the factory agreement's 12 % flat rate
    assert f'data-case="{case.pk}"' in collector.content.decode()


def test_another_branchs_team_or_collector_is_404(client, week_world, supervisor_a):
    b1 = week_world["b1"]
    client.force_login(supervisor_a)
    team_b = reverse("reporting:team", args=[b1.staff_profile.department_id])
    assert client.get(team_b + "?" + _period(*WEEK)).status_code == 404
    assert client.get(reverse("reporting:collector", args=[b1.pk])).status_code == 404
    # A collector drills into their own figures only.
    client.force_login(week_world["a1"])
    assert client.get(reverse("reporting:collector", args=[week_world["a1"].pk])).status_code == 200
    assert client.get(reverse("reporting:collector", args=[week_world["a2"].pk])).status_code == 404
    assert client.get(team_b).status_code == 403
    # HQ reads every branch's.
    client.force_login(make_staff(roles.SUPERVISOR, branch=hq_branch()))
    assert client.get(team_b + "?" + _period(*WEEK)).status_code == 200
    assert client.get(reverse("reporting:collector", args=[b1.pk])).status_code == 200
