"""Daily rollups: each source counted on its company day, recomputation idempotent, earlier
days marked when their data changes, and reports reading the rollups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Payment, Promise
from reporting import rollups
from reporting.models import DailyCollectorFigures, RollupDirtyDay

from .conftest import WEEK, call, shanghai

pytestmark = pytest.mark.django_db


def _figures(user, day):
    return DailyCollectorFigures.objects.filter(collector=user, day=day).first()


def test_a_day_counts_calls_in_company_time(week_world):
    a1 = week_world["a1"]
    start, end = WEEK
    rollups.compute_days(start - dt.timedelta(days=1), end + dt.timedelta(days=1))
    monday = _figures(a1, start)
    assert (monday.calls, monday.contacts) == (1, 0)
    # Sunday 23:59 (company time) belongs to Sunday, not to Monday in UTC terms.
    assert _figures(a1, end).calls == 1
    assert _figures(a1, start - dt.timedelta(days=1)).contacts == 1
    assert _figures(a1, end + dt.timedelta(days=1)).calls == 1
    # Nothing recorded for a collector without work that day.
    assert _figures(week_world["a2"], start) is None


def test_recomputing_a_day_twice_gives_the_same_rows(week_world):
    start, _ = WEEK
    first = rollups.compute_day(start)
    before = list(DailyCollectorFigures.objects.values_list("collector", "day", "calls"))
    second = rollups.compute_day(start)
    assert first == second
    assert list(DailyCollectorFigures.objects.values_list("collector", "day", "calls")) == before


def test_promises_payments_and_overrides_count_on_their_day(week_world):
    from cases.models import Case

    a1 = week_world["a1"]
    case = Case.objects.filter(assigned_to=a1).first()
    day = WEEK[0] + dt.timedelta(days=1)
    promise = Promise.objects.create(
        case=case,
        amount=Decimal("300.00"),
        due_on=day + dt.timedelta(days=3),
        counts_from=day,
        made_by=a1,
    )
    Promise.objects.filter(pk=promise.pk).update(
        created_at=shanghai(day, 11),
        status="kept",
        settled_at=shanghai(day + dt.timedelta(days=3), 0, 5),
    )
    Payment.objects.create(
        case=case,
        amount=Decimal("300.00"),
        paid_on=day,
        channel="to_bank",
        status="confirmed",
        claimed_by=a1,
        confirmed_by=week_world["b1"],
        confirmed_at=shanghai(day, 17),
    )
    Payment.objects.create(
        case=case,
        amount=Decimal("50.00"),
        paid_on=day,
        channel="to_bank",
        status="claimed",
        claimed_by=a1,
    )
    rollups.compute_days(WEEK[0], WEEK[1])
    that_day = _figures(a1, day)
    assert that_day.promises_made == 1 and that_day.amount_confirmed == Decimal("300.00")
    assert _figures(a1, day + dt.timedelta(days=3)).promises_kept == 1


def test_a_backdated_call_marks_its_day_and_the_refresh_recomputes_it(
    week_world, django_capture_on_commit_callbacks
):
    a1 = week_world["a1"]
    start, _ = WEEK
    rollups.compute_day(start)
    assert _figures(a1, start).calls == 1
    from cases.models import Case

    with django_capture_on_commit_callbacks(execute=True):
        call(
            Case.objects.filter(assigned_to=a1).first(), a1, shanghai(start, 15), conversation=True
        )
    assert RollupDirtyDay.objects.filter(day=start).exists()
    days = rollups.refresh()
    assert start in days
    assert _figures(a1, start).calls == 2 and _figures(a1, start).contacts == 1
    assert not RollupDirtyDay.objects.exists()
    # Today and yesterday are recomputed on every refresh, marked or not.
    today = rollups.company_day(timezone.now())
    assert {today, today - dt.timedelta(days=1)} <= set(rollups.refresh())


def test_the_weekly_report_reads_the_rollups(week_world):
    from reporting import services
    from reporting.models import ReportResult

    run = services.run_request(
        kind="collector_weekly", period_start=WEEK[0], period_end=WEEK[1], trigger="manual"
    )
    services.run_execute(run.pk)
    rows = {row["collector_id"]: row for row in ReportResult.objects.get().rows}
    a1 = rows[week_world["a1"].pk]
    assert (a1["calls"], a1["contacts"], a1["promises_made"], a1["amount_confirmed"]) == (
        3,
        1,
        0,
        "0.00",
    )
    # The run left the week's rollups behind for the dashboards.
    assert DailyCollectorFigures.objects.filter(day__gte=WEEK[0], day__lte=WEEK[1]).exists()


def test_team_and_branch_reports_sum_their_collectors(week_world):
    from reporting import services
    from reporting.models import ReportResult

    for kind in ("team_weekly", "branch_monthly"):
        period = WEEK if kind == "team_weekly" else (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        if period[1] >= rollups.company_day(timezone.now()):
            period = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        run = services.run_request(
            kind=kind, period_start=period[0], period_end=period[1], trigger="manual"
        )
        assert services.run_execute(run.pk) == "succeeded"
    teams = ReportResult.objects.get(kind="team_weekly").rows
    branch_a = week_world["branch_a"].name
    team_a = [row for row in teams if row["branch"] == branch_a]
    assert sum(row["calls"] for row in team_a) == 3
    assert sum(row["collectors"] for row in team_a) == 2
    assert {row["contact_rate"] for row in team_a if row["calls"]} == {"33.3%"}
    branches = {row["branch"]: row for row in ReportResult.objects.get(kind="branch_monthly").rows}
    assert set(branches) == {branch_a, week_world["branch_b"].name}
