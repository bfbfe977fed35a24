"""Weekly reports: figures, the state machine (draft → submitted → accepted / returned →
submitted), frozen figures, deadlines with a moved clock, and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import WeeklyReport
from cases.selectors import reports as selectors
from cases.services import reports as services
from staff.models import WorkdayOverride

from .conftest import assigned_case, completed_call, shanghai

pytestmark = pytest.mark.django_db

WEEK = dt.date(2026, 11, 23)  # a Monday


@pytest.fixture
def friday(clock):
    clock(shanghai(2026, 11, 27, 17, 0))


@pytest.fixture
def week_calls(agreement_a, collector_a):
    case = assigned_case(agreement_a, collector_a)
    completed_call(case, collector_a, started_at=shanghai(2026, 11, 24, 10, 0))
    completed_call(
        case,
        collector_a,
        started_at=shanghai(2026, 11, 25, 10, 0),
        outcome="no_answer",
        party="nobody",
    )
    completed_call(case, collector_a, started_at=shanghai(2026, 11, 16, 10, 0))  # week before
    return case


def test_the_allowed_transitions_are_exactly_the_designed_ones():
    status = WeeklyReport.Status
    assert {
        status.DRAFT: {status.SUBMITTED},
        status.SUBMITTED: {status.ACCEPTED, status.RETURNED},
        status.RETURNED: {status.SUBMITTED},
        status.ACCEPTED: set(),
    } == WeeklyReport.TRANSITIONS


def test_figures_count_the_weeks_calls_and_conversations_only(friday, collector_a, week_calls):
    figures = selectors.collector_figures(
        collector_a, start_day=WEEK, end_day=WEEK + dt.timedelta(days=6)
    )
    assert figures["calls"] == 2
    assert figures["contacts"] == 1
    assert figures["cases_held"] == 1
    assert figures["overrides"] == 0


def test_figures_of_areas_not_installed_are_none_never_zero(friday, collector_a):
    figures = selectors.collector_figures(
        collector_a, start_day=WEEK, end_day=WEEK + dt.timedelta(days=6)
    )
    for key, model in (
        ("promises_made", "Promise"),
        ("amount_confirmed", "Payment"),
        ("visits_requested", "VisitNomination"),
    ):
        if selectors.optional_model(model) is None:
            assert figures[key] is None
        else:
            assert figures[key] is not None


def test_a_report_goes_submitted_returned_submitted_accepted(
    friday, collector_a, supervisor_a, week_calls
):
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    assert report.status == WeeklyReport.Status.DRAFT
    report = services.weekly_report_submit(report=report, actor=collector_a, narrative="Busy week.")
    assert report.status == WeeklyReport.Status.SUBMITTED
    assert report.figures["calls"] == 2
    assert report.submitted_late is False

    report = services.weekly_report_return(
        report=report, actor=supervisor_a, comment="Say why two cases were not called."
    )
    assert report.status == WeeklyReport.Status.RETURNED
    report = services.weekly_report_save(
        report=report, actor=collector_a, narrative="Busy week. Two debtors were abroad."
    )
    report = services.weekly_report_submit(report=report, actor=collector_a)
    report = services.weekly_report_accept(report=report, actor=supervisor_a)
    report.refresh_from_db()
    assert report.status == WeeklyReport.Status.ACCEPTED
    assert report.reviewed_by == supervisor_a
    reasons = list(
        report.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "Started",
        "Submitted",
        "Returned",
        "Narrative saved",
        "Submitted again",
        "Accepted",
    ]


def test_figures_are_frozen_at_submission(friday, agreement_a, collector_a, week_calls):
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    report = services.weekly_report_submit(report=report, actor=collector_a, narrative="Done.")
    completed_call(week_calls, collector_a, started_at=shanghai(2026, 11, 27, 9, 0))
    report.refresh_from_db()
    assert report.figures["calls"] == 2


def test_submitting_twice_is_refused_on_the_status(friday, collector_a):
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    services.weekly_report_submit(report=report, actor=collector_a, narrative="Done.")
    with pytest.raises(ValidationError) as error:
        services.weekly_report_submit(report=report, actor=collector_a, narrative="Again.")
    assert "status" in error.value.message_dict
    report.refresh_from_db()
    assert report.narrative == "Done."


def test_an_empty_narrative_is_refused_and_nothing_changes(friday, collector_a):
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    with pytest.raises(ValidationError) as error:
        services.weekly_report_submit(report=report, actor=collector_a, narrative="   ")
    assert "narrative" in error.value.message_dict
    report.refresh_from_db()
    assert report.status == WeeklyReport.Status.DRAFT
    assert report.figures == {}


def test_a_week_not_yet_over_cannot_be_submitted_before_its_friday(clock, collector_a):
    clock(shanghai(2026, 11, 25, 10, 0))  # Wednesday
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    with pytest.raises(ValidationError) as error:
        services.weekly_report_submit(report=report, actor=collector_a, narrative="Early.")
    assert "week_start" in error.value.message_dict


def test_a_week_must_start_on_a_monday_and_have_begun(friday, collector_a):
    with pytest.raises(ValidationError) as error:
        services.weekly_report_start(collector=collector_a, week_start=WEEK + dt.timedelta(days=1))
    assert "week_start" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.weekly_report_start(collector=collector_a, week_start=WEEK + dt.timedelta(days=7))
    assert not WeeklyReport.objects.exists()


def test_returning_needs_a_comment_and_reviewing_twice_is_refused(
    friday, collector_a, supervisor_a
):
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    with pytest.raises(ValidationError) as error:
        services.weekly_report_accept(report=report, actor=supervisor_a)  # still a draft
    assert "status" in error.value.message_dict
    report = services.weekly_report_submit(report=report, actor=collector_a, narrative="Done.")
    with pytest.raises(ValidationError) as error:
        services.weekly_report_return(report=report, actor=supervisor_a, comment=" ")
    assert "comment" in error.value.message_dict
    services.weekly_report_accept(report=report, actor=supervisor_a)
    with pytest.raises(ValidationError) as error:
        services.weekly_report_accept(report=report, actor=supervisor_a)
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.weekly_report_return(report=report, actor=supervisor_a, comment="Late thought")
    report.refresh_from_db()
    assert report.status == WeeklyReport.Status.ACCEPTED


def test_only_the_author_writes_and_only_the_branchs_supervisor_reviews(
    friday, collector_a, collector_a2, supervisor_b
):
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    with pytest.raises(PermissionDenied):
        services.weekly_report_submit(report=report, actor=collector_a2, narrative="Not mine.")
    report = services.weekly_report_submit(report=report, actor=collector_a, narrative="Mine.")
    with pytest.raises(PermissionDenied):
        services.weekly_report_accept(report=report, actor=supervisor_b)
    with pytest.raises(PermissionDenied):
        services.weekly_report_accept(report=report, actor=collector_a2)


def test_the_deadline_is_noon_of_the_first_working_day_after_the_week(db):
    assert selectors.report_due_at(WEEK) == shanghai(2026, 11, 30, 12, 0)
    WorkdayOverride.objects.create(date=dt.date(2026, 11, 30), is_working_day=False)
    assert selectors.report_due_at(WEEK) == shanghai(2026, 12, 1, 12, 0)


def test_a_report_not_submitted_by_the_deadline_is_late(
    clock, collector_a, collector_a2, supervisor_a, staff_user
):
    clock(shanghai(2026, 11, 28, 10, 0))
    report = services.weekly_report_start(collector=collector_a2, week_start=WEEK)
    services.weekly_report_submit(report=report, actor=collector_a2, narrative="On time.")
    clock(shanghai(2026, 11, 30, 11, 59))
    assert [
        (late.collector, late.week_start)
        for late in selectors.late_reports(user=supervisor_a)
        if late.week_start == WEEK
    ] == []
    clock(shanghai(2026, 11, 30, 12, 1))
    late = [
        entry for entry in selectors.late_reports(user=supervisor_a) if entry.week_start == WEEK
    ]
    assert [entry.collector for entry in late] == [collector_a]
    # Submitting now clears it, and the report says it came late.
    report = services.weekly_report_start(collector=collector_a, week_start=WEEK)
    report = services.weekly_report_submit(report=report, actor=collector_a, narrative="Sorry.")
    assert report.submitted_late is True
    assert not [e for e in selectors.late_reports(user=supervisor_a) if e.week_start == WEEK]


def test_late_reports_take_the_same_queries_for_more_collectors(
    clock, collector_a, supervisor_a, staff_user, branch_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staff import roles

    clock(shanghai(2026, 12, 2, 10, 0))
    selectors.late_reports(user=supervisor_a)  # the user's roles, read once a request

    def count():
        with CaptureQueriesContext(connection) as captured:
            late = selectors.late_reports(user=supervisor_a)
        return len(captured), len(late)

    first, late_before = count()
    for n in range(4):
        staff_user(roles.PHONE_COLLECTOR, branch=branch_a, username=f"more.{n}")
    queries, late_after = count()
    assert late_after > late_before  # the new collectors owe reports too
    assert queries == first


def test_monthly_summary_counts_cases_received_and_moved(
    clock, agreement_a, collector_a, collector_a2, supervisor_a
):
    from cases.services.assignment import case_assign

    clock(shanghai(2026, 11, 10, 10, 0))
    case = assigned_case(agreement_a, collector_a)
    case_assign(
        case=case,
        collector=collector_a2,
        actor=supervisor_a,
        expected_collector_id=collector_a.pk,
        reason="Balancing",
    )
    clock(shanghai(2026, 11, 28, 10, 0))
    mine = selectors.monthly_figures(collector_a, month=dt.date(2026, 11, 1))
    theirs = selectors.monthly_figures(collector_a2, month=dt.date(2026, 11, 1))
    assert mine["cases_moved_away"] == 1 and mine["cases_held"] == 0
    assert theirs["cases_received"] == 1 and theirs["cases_held"] == 1
