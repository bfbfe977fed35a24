"""The two service levels of assignment (DESIGN §4.3), across Chinese public holidays
and make-up working days, and the supervisor's dashboard that shows their breaches."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.models import CallLog, CallOutcome, CaseAssignment, ComplianceOverride, Party
from cases.selectors.assignment import (
    assignment_breaches_in_period,
    assignment_breaches_open,
    first_action_breaches_in_period,
    first_action_breaches_open,
    service_level_summary,
)
from cases.services.assignment import case_assign
from cases.services.work import case_action_logged
from tests.cases.api.builders import make_case, make_placement
from tests.landing import landing_html

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def case_received_at(agreement, moment):
    with time_machine.travel(moment, tick=False):
        return make_case(agreement, placement=make_placement(agreement))


def overdue_now(supervisor, moment) -> list[int]:
    return [case.pk for case in assignment_breaches_open(user=supervisor, now=moment)]


def test_a_case_received_before_national_day_is_due_the_first_working_day_after_it(
    agreement_a, supervisor_a
):
    # Wednesday 30 September; 1–7 October are the holiday, Thursday 8 October works.
    case = case_received_at(agreement_a, beijing(2026, 9, 30, 10))
    assert case.last_placement.assignment_due_at == beijing(2026, 10, 8, 10)
    assert overdue_now(supervisor_a, beijing(2026, 10, 7, 23, 59)) == []
    assert overdue_now(supervisor_a, beijing(2026, 10, 8, 10, 1)) == [case.pk]


def test_a_make_up_working_saturday_counts_as_a_working_day(agreement_a, supervisor_a):
    # Friday 9 October → Saturday 10 October is a make-up working day (调休).
    case = case_received_at(agreement_a, beijing(2026, 10, 9, 10))
    assert case.last_placement.assignment_due_at == beijing(2026, 10, 10, 10)
    assert overdue_now(supervisor_a, beijing(2026, 10, 10, 10, 30)) == [case.pk]


def test_spring_festival_received_on_the_make_up_saturday_is_due_after_the_holiday(
    agreement_a, supervisor_a
):
    # Saturday 14 February works; 15–23 February are the Spring Festival holiday.
    case = case_received_at(agreement_a, beijing(2026, 2, 14, 9))
    assert case.last_placement.assignment_due_at == beijing(2026, 2, 24, 9)
    assert overdue_now(supervisor_a, beijing(2026, 2, 23, 18)) == []


def test_assigning_after_the_holiday_deadline_is_a_breach_of_that_period(
    agreement_a, supervisor_a, collector_a
):
    on_time = case_received_at(agreement_a, beijing(2026, 9, 30, 10))
    late = case_received_at(agreement_a, beijing(2026, 9, 30, 10))
    with time_machine.travel(beijing(2026, 10, 8, 9), tick=False):
        case_assign(case=on_time, collector=collector_a, actor=supervisor_a)
    with time_machine.travel(beijing(2026, 10, 8, 11), tick=False):
        case_assign(case=late, collector=collector_a, actor=supervisor_a)
    assert CaseAssignment.objects.get(case=on_time).assignment_late is False
    assert CaseAssignment.objects.get(case=late).assignment_late is True
    period = assignment_breaches_in_period(
        user=supervisor_a,
        start=beijing(2026, 10, 1, 0),
        end=beijing(2026, 10, 9, 0),
        now=beijing(2026, 10, 9, 0),
    )
    assert [row.case_id for row in period["late_assignments"]] == [late.pk]
    assert period["count"] == 1


def test_the_first_action_is_due_two_hours_after_the_assignment(
    agreement_a, supervisor_a, collector_a
):
    case = case_received_at(agreement_a, beijing(2026, 10, 9, 9))
    with time_machine.travel(beijing(2026, 10, 9, 10), tick=False):
        case_assign(case=case, collector=collector_a, actor=supervisor_a)
    assert (
        list(first_action_breaches_open(user=supervisor_a, now=beijing(2026, 10, 9, 11, 59))) == []
    )
    assert [
        c.pk for c in first_action_breaches_open(user=supervisor_a, now=beijing(2026, 10, 9, 12, 1))
    ] == [case.pk]
    case.refresh_from_db()
    case_action_logged(case=case, actor=collector_a, at=beijing(2026, 10, 9, 12, 30))
    after = beijing(2026, 10, 9, 13)
    assert list(first_action_breaches_open(user=supervisor_a, now=after)) == []
    late = first_action_breaches_in_period(
        user=supervisor_a, start=beijing(2026, 10, 9, 0), end=beijing(2026, 10, 10, 0), now=after
    )
    assert [c.pk for c in late] == [case.pk]


def test_a_first_action_in_time_is_no_breach(agreement_a, supervisor_a, collector_a):
    case = case_received_at(agreement_a, beijing(2026, 10, 9, 9))
    with time_machine.travel(beijing(2026, 10, 9, 10), tick=False):
        case_assign(case=case, collector=collector_a, actor=supervisor_a)
    case.refresh_from_db()
    case_action_logged(case=case, actor=collector_a, at=beijing(2026, 10, 9, 11))
    assert not first_action_breaches_in_period(
        user=supervisor_a,
        start=beijing(2026, 10, 9, 0),
        end=beijing(2026, 10, 10, 0),
        now=beijing(2026, 10, 9, 18),
    ).exists()


def test_breaches_are_counted_for_the_supervisors_branch_only(
    agreement_a, agreement_b, supervisor_a, supervisor_b
):
    case_received_at(agreement_a, beijing(2026, 9, 30, 10))
    case_received_at(agreement_b, beijing(2026, 9, 30, 10))
    later = beijing(2026, 10, 9, 10)
    assert service_level_summary(user=supervisor_a, now=later)["unassigned_overdue"] == 1
    assert service_level_summary(user=supervisor_b, now=later)["unassigned_overdue"] == 1


def _outcome(code, *, conversation):
    return CallOutcome.objects.get_or_create(
        code=code,
        defaults={"label": code, "answered": conversation, "conversation": conversation},
    )[0]


def test_the_supervisors_dashboard_shows_breaches_calls_and_overrides_of_today(
    client, agreement_a, agreement_b, supervisor_a, collector_a, collector_a2, collector_b
):
    now = timezone.now()
    stale = case_received_at(agreement_a, now - dt.timedelta(days=10))
    fresh = make_case(agreement_a)
    with time_machine.travel(now - dt.timedelta(hours=3), tick=False):
        case_assign(case=fresh, collector=collector_a, actor=supervisor_a)
    point = fresh.debtor.contact_points.first()
    talked, rang = _outcome("t-talk", conversation=True), _outcome("t-ring", conversation=False)
    for outcome, party in ((talked, Party.DEBTOR), (rang, Party.NOBODY), (talked, Party.RELATIVE)):
        CallLog.objects.create(
            case=fresh,
            collector=collector_a,
            contact_point=point,
            party=party,
            started_at=now - dt.timedelta(minutes=5),
            outcome=outcome,
        )
    ComplianceOverride.objects.create(
        case=fresh,
        collector=collector_a,
        reason="Debtor asked to be called late",
        granted_by=supervisor_a,
        granted_at=now,
        valid_until=now + dt.timedelta(minutes=30),
    )
    other = make_case(agreement_b)  # another branch: none of its figures show
    CallLog.objects.create(
        case=other,
        collector=collector_b,
        contact_point=other.debtor.contact_points.first(),
        party=Party.DEBTOR,
        started_at=now,
        outcome=talked,
    )
    client.force_login(supervisor_a)
    page = landing_html(client)
    assert 'data-testid="unassigned">1<' in page
    assert 'data-testid="unassigned-overdue">1<' in page
    assert 'data-testid="first-action-breaches">1<' in page
    assert f"/cases/{stale.pk}/" in page and f"/cases/{fresh.pk}/" in page
    assert 'data-testid="attempts">3<' in page and 'data-testid="conversations">1<' in page
    assert 'data-testid="overrides-today">1<' in page
    # A collector of the branch who has not called today is listed, with nothing.
    quiet = page.split(f'data-collector="{collector_a2.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="attempts">0<' in quiet
    assert "col.b" not in page
    assert " style=" not in page.split("<main", 1)[1]


def test_collectors_do_not_get_the_supervisors_dashboard(client, collector_a):
    client.force_login(collector_a)
    assert 'id="panel-supervisor"' not in landing_html(client)


def test_calls_today_are_read_from_todays_calls_not_from_the_branchs_cases(
    agreement_a, supervisor_a, collector_a
):
    """The figures come from today's call rows (by the call-time index), never from a
    scan of the branch's cases; yesterday's calls do not count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.selectors.assignment import calls_today_by_collector

    case = make_case(agreement_a, assigned_to=collector_a)
    point = case.debtor.contact_points.first()
    rang = _outcome("t-ring2", conversation=False)
    now = beijing(2026, 3, 10, 12)
    for started in (now - dt.timedelta(minutes=1), now - dt.timedelta(hours=13)):
        CallLog.objects.create(
            case=case,
            collector=collector_a,
            contact_point=point,
            party=Party.NOBODY,
            started_at=started,
            outcome=rang,
        )
    with CaptureQueriesContext(connection) as queries:
        figures = calls_today_by_collector(user=supervisor_a, now=now)
    mine = next(row for row in figures if row["collector_id"] == collector_a.pk)
    assert mine["attempts"] == 1  # 11:59 today, not 23:00 yesterday
    calls_sql = [q["sql"] for q in queries.captured_queries if '"cases_calllog"' in q["sql"]]
    assert len(calls_sql) == 1 and '"cases_case"' not in calls_sql[0]
