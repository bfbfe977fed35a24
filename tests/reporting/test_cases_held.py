"""Cases held at each day's end: the rollups' snapshot (DailyCollectorFigures.cases_held)
equals the live definition (cases.figures.cases_held, which the collectors' weekly
progress report reads) on every day, follows the assignment history (a past day keeps what
it was then), is recomputed when an earlier day's assignments change, is idempotent, and
costs the same number of queries whatever the number of cases and collectors."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.figures import cases_held, day_end
from cases.models import Case, CaseAssignment
from cases.selectors import reports as report_selectors
from reporting import rollups
from reporting.kinds import kind
from reporting.models import DailyCollectorFigures, RollupDirtyDay
from staff import roles
from tests.cases.api.builders import make_case
from tests.cases.conftest import AgreementFactory
from tests.factories import make_staff

from .conftest import WEEK, shanghai

pytestmark = pytest.mark.django_db

MON, SUN = WEEK


def day(n: int) -> dt.date:
    return MON + dt.timedelta(days=n)


def move(case, to, at, *, by, from_=None):
    """An assignment row and the case's current holder, as the assignment service leaves
    them (written directly: the service assigns at `now`)."""
    CaseAssignment.objects.create(
        case=case, from_collector=from_, to_collector=to, assigned_by=by, assigned_at=at
    )
    Case.objects.filter(pk=case.pk).update(assigned_to=to, assigned_at=at)


@pytest.fixture
def held_world(branch_a):
    """Collectors H1 and H2 of branch A over the week:
    - moved: assigned to H1 Tuesday 10:00, moved to H2 Thursday 15:00;
    - old: H1's since before any history (no assignment row, no assignment time);
    - late: assigned to H1 (no history) Wednesday 23:30 company time;
    - recalled: H2's (no history) until the bank recalled it Friday 11:00;
    - closed: H1's, closed (not held);
    - never: assigned Monday to H1, unassigned Saturday 09:00 (a row to nobody)."""
    h1 = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="h1")
    h2 = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="h2")
    supervisor = make_staff(roles.SUPERVISOR, branch=branch_a, username="h.sup")
    agreement = AgreementFactory(branch=branch_a)
    moved = make_case(agreement, status=Case.Status.ASSIGNED)
    move(moved, h1, shanghai(day(1), 10), by=supervisor)
    move(moved, h2, shanghai(day(3), 15), by=supervisor, from_=h1)
    make_case(agreement, assigned_to=h1, status=Case.Status.IN_PROGRESS)  # old
    make_case(
        agreement,
        assigned_to=h1,
        status=Case.Status.ASSIGNED,
        assigned_at=shanghai(day(2), 23, 30),
    )  # late
    make_case(
        agreement,
        assigned_to=h2,
        status=Case.Status.RECALLED,
        assigned_at=shanghai(day(-10), 9),
        recalled_at=shanghai(day(4), 11),
    )  # recalled
    make_case(agreement, assigned_to=h1, status=Case.Status.CLOSED)  # closed
    never = make_case(agreement, status=Case.Status.ASSIGNED)
    move(never, h1, shanghai(day(0), 9), by=supervisor)
    CaseAssignment.objects.create(
        case=never,
        from_collector=h1,
        to_collector=None,
        assigned_by=supervisor,
        assigned_at=shanghai(day(5), 9),
    )
    Case.objects.filter(pk=never.pk).update(assigned_to=None, assigned_at=None)
    return {"h1": h1, "h2": h2, "supervisor": supervisor, "moved": moved, "agreement": agreement}


# Hand-counted, Monday … Sunday.
EXPECTED = {
    "h1": [2, 3, 4, 3, 3, 2, 2],  # old+never, +moved, +late, -moved, …, -never
    "h2": [1, 1, 1, 2, 1, 1, 1],  # recalled, +moved (Thu), -recalled (Fri)
}


def _snapshot(user, days):
    rows = dict(
        DailyCollectorFigures.objects.filter(collector=user, day__in=days).values_list(
            "day", "cases_held"
        )
    )
    return [rows.get(d, 0) for d in days]


def test_the_snapshot_is_the_live_definition_on_every_day(held_world):
    week = [day(n) for n in range(7)]
    rollups.compute_days(MON, SUN)
    for name, expected in EXPECTED.items():
        user = held_world[name]
        assert _snapshot(user, week) == expected
        # The live definition, one collector at each day's end (the weekly progress report's).
        live = [report_selectors.cases_held_at(user, day_end(d)) for d in week]
        assert live == expected
    # The weekly progress report's "cases held at the end of the week" is Sunday's snapshot.
    figures = report_selectors.collector_figures(
        held_world["h1"], start_day=MON, end_day=SUN, now=shanghai(day(14), 9)
    )
    assert figures["cases_held"] == EXPECTED["h1"][-1]
    # And the set-based form for everyone gives the same (one query for all moments).
    everyone = cases_held(moments={d: day_end(d) for d in week})
    assert [everyone.get((held_world["h2"].pk, d), 0) for d in week] == EXPECTED["h2"]


def test_the_collectors_report_reads_the_snapshot_of_its_last_day(held_world):
    rollups.compute_days(MON, SUN)
    run = mock.Mock(period_start=MON, period_end=SUN, recompute=False)
    with CaptureQueriesContext(connection) as captured:
        data = kind("collector_weekly").generate(run)
    assert not [query for query in captured if '"cases_case"' in query["sql"]]
    rows = {row["collector_id"]: row for row in data.rows}
    assert rows[held_world["h1"].pk]["cases_held"] == EXPECTED["h1"][-1]
    assert rows[held_world["h2"].pk]["cases_held"] == EXPECTED["h2"][-1]
    # A week ending Thursday reads Thursday's snapshot (history, not today's holder).
    run = mock.Mock(period_start=MON, period_end=day(3), recompute=False)
    rows = {row["collector_id"]: row for row in kind("collector_weekly").generate(run).rows}
    assert rows[held_world["h1"].pk]["cases_held"] == EXPECTED["h1"][3]
    assert rows[held_world["h2"].pk]["cases_held"] == EXPECTED["h2"][3]


def test_a_backdated_assignment_marks_its_day_and_the_days_after_and_refresh_recomputes(
    held_world, django_capture_on_commit_callbacks
):
    h1, h2 = held_world["h1"], held_world["h2"]
    week = [day(n) for n in range(7)]
    rollups.compute_days(MON, SUN)
    RollupDirtyDay.objects.all().delete()
    # Found later: the "moved" case went back to H1 on Saturday 08:00 (a row written now).
    with django_capture_on_commit_callbacks(execute=True):
        move(held_world["moved"], h1, shanghai(day(5), 8), by=held_world["supervisor"], from_=h2)
    marked = set(RollupDirtyDay.objects.values_list("day", flat=True))
    today = rollups.company_day(rollups.timezone.now())
    assert day(5) in marked and day(4) not in marked
    assert max(marked) == today - dt.timedelta(days=2)  # refresh covers the last two
    assert _snapshot(h1, week) == EXPECTED["h1"]  # not recomputed yet
    refreshed = rollups.refresh()
    assert day(5) in refreshed and day(4) not in refreshed
    assert _snapshot(h1, week) == [2, 3, 4, 3, 3, 3, 3]
    assert _snapshot(h2, week) == [1, 1, 1, 2, 1, 0, 0]
    assert not RollupDirtyDay.objects.exists()


def test_recomputing_is_idempotent(held_world):
    def everything():
        return sorted(
            DailyCollectorFigures.objects.values_list("collector", "day", "cases_held", "calls")
        )

    first = rollups.compute_days(MON, SUN)
    before = everything()
    second = rollups.compute_days(MON, SUN)
    assert first == second and everything() == before
    assert sum(row[2] for row in before) == sum(EXPECTED["h1"]) + sum(EXPECTED["h2"])


def test_queries_are_constant_in_cases_and_collectors(held_world, branch_a):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rollups.compute_days(MON, SUN)
        return len(captured)

    first = queries()
    agreement = held_world["agreement"]
    for n in range(5):
        collector = make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username=f"h.more{n}")
        for _ in range(3):
            case = make_case(agreement, status=Case.Status.ASSIGNED)
            move(case, collector, shanghai(day(n), 12), by=held_world["supervisor"])
    assert queries() == first
    assert DailyCollectorFigures.objects.filter(day=SUN, cases_held=3).count() == 5

    def report_queries() -> int:
        run = mock.Mock(period_start=MON, period_end=SUN, recompute=False)
        with CaptureQueriesContext(connection) as captured:
            kind("collector_weekly").generate(run)
        return len(captured)

    before = report_queries()
    make_staff(roles.PHONE_COLLECTOR, branch=branch_a, username="h.one.more")
    assert report_queries() == before


def test_the_embedded_defaults_python_form_gives_the_same_figures(held_world):
    """SQLite (`make run`) has no width_bucket or arrays: the rule runs in Python there.
    Both forms over the same week, every collector and each one alone, hour by hour on
    the first day (moments on and between the assignment times)."""
    from cases.figures import _cases_held_in_python

    moments = [day_end(day(n)) for n in range(7)]
    moments += [shanghai(day(0), hour) for hour in range(24)]
    ordered = sorted(set(moments))
    ids = [held_world[name].pk for name in EXPECTED]
    by_sql = cases_held(moments={m: m for m in ordered})
    by_python = {
        (holder, ordered[index - 1]): count
        for holder, index, count in _cases_held_in_python(ordered, None)
    }
    assert by_python == by_sql and any(by_sql.values())
    for one in ids:
        alone = {
            (holder, ordered[index - 1]): count
            for holder, index, count in _cases_held_in_python(ordered, [one])
        }
        assert alone == {key: n for key, n in by_sql.items() if key[0] == one}
