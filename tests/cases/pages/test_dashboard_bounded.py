"""The supervisor's case panels cost the same on any case table (issue 13's ≤ 50 ms):
cases by status from the counts the rollup refresh keeps, and the counts of cases past
their period, service-level breaches and payments to confirm capped (an index walk that
stops: "N+"), each panel a fixed number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import dashboard, dashboard_visits, snapshots
from cases.models import Case, CaseStatusCount, Payment
from cases.selectors import assignment as assignment_selectors
from reporting import rollups
from tests.cases.api.builders import make_case
from tests.landing import landing_html

pytestmark = pytest.mark.django_db


def _live(branch=None):
    cases = Case.objects.all() if branch is None else Case.objects.filter(branch=branch)
    counts = {}
    for status in cases.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_status_counts_equal_the_live_count_per_branch_and_summed(
    agreement_a, agreement_b, branch_a
):
    for status in ("new", "new", "assigned", "settled", "recalled"):
        extra = {"recalled_at": timezone.now()} if status == "recalled" else {}
        make_case(agreement_a, status=status, **extra)
    make_case(agreement_b, status="in_progress")
    assert snapshots.refresh_case_status_counts() == 5  # (branch, status) rows
    counts, as_of = snapshots.case_status_counts(branch=branch_a)
    assert counts == _live(branch_a) == {"new": 2, "assigned": 1, "settled": 1, "recalled": 1}
    assert as_of is not None
    assert snapshots.case_status_counts(all_branches=True)[0] == _live()
    # Idempotent: the same rows again.
    before = sorted(CaseStatusCount.objects.values_list("branch", "status", "count"))
    snapshots.refresh_case_status_counts()
    assert sorted(CaseStatusCount.objects.values_list("branch", "status", "count")) == before


def test_the_panel_reads_the_counts_the_rollup_refresh_keeps(agreement_a, supervisor_a):
    make_case(agreement_a, status="new")
    rollups.refresh()
    make_case(agreement_a, status="new")  # after the refresh: not counted yet
    with CaptureQueriesContext(connection) as captured:
        panel = dashboard.case_status_panel(supervisor_a)
    assert panel["total"] == 1 and panel["as_of"] is not None
    assert not [query for query in captured if '"cases_case"' in query["sql"]]
    rollups.refresh()
    assert dashboard.case_status_panel(supervisor_a)["total"] == 2


@pytest.fixture
def cap_of_two(monkeypatch):
    monkeypatch.setattr(assignment_selectors, "COUNTED_UP_TO", 2)


def _periods_over(agreement, n):
    placed = timezone.now() - dt.timedelta(days=agreement.collection_period_days + 5)
    return [
        make_case(agreement, status="new", placed_at=placed - dt.timedelta(hours=i))
        for i in range(n)
    ]


def test_cases_past_their_period_are_counted_up_to_the_cap(
    as_user, agreement_a, supervisor_a, cap_of_two
):
    _periods_over(agreement_a, 1)
    make_case(agreement_a, status="new")  # placed now: inside its period
    panel = dashboard_visits.periods_panel(supervisor_a)
    assert (panel["count"], panel["more"]) == (1, False)
    oldest = _periods_over(agreement_a, 3)[-1]
    panel = dashboard_visits.periods_panel(supervisor_a)
    assert (panel["count"], panel["more"]) == (2, True)
    assert panel["cases"][0] == oldest  # the oldest placement first
    page = landing_html(as_user(supervisor_a))
    assert 'data-testid="periods-over">2+<' in page


def test_service_level_counts_are_capped(as_user, agreement_a, supervisor_a, cap_of_two):
    make_case(agreement_a, status="new")
    summary = assignment_selectors.service_level_summary(user=supervisor_a)
    assert (summary["unassigned"], summary["unassigned_more"]) == (1, False)
    for _ in range(3):
        make_case(agreement_a, status="new")
    summary = assignment_selectors.service_level_summary(user=supervisor_a)
    assert (summary["unassigned"], summary["unassigned_more"]) == (2, True)
    page = landing_html(as_user(supervisor_a))
    assert 'data-testid="unassigned">2+<' in page


def test_claims_waiting_are_counted_and_totalled_up_to_the_cap(
    as_user, agreement_a, supervisor_a, collector_a, cap_of_two
):
    case = make_case(agreement_a, assigned_to=collector_a, status="in_progress")

    def claim(amount):
        return Payment.objects.create(
            case=case,
            amount=Decimal(amount),
            paid_on=timezone.localdate(),
            channel="to_bank",
            status="claimed",
            claimed_by=collector_a,
        )

    claim("10.00")
    claim("20.00")
    page = landing_html(as_user(supervisor_a))
    assert 'data-testid="claims-waiting">2<' in page
    assert 'data-testid="claims-total">30.00<' in page
    claim("40.00")  # the newest: beyond the cap
    page = landing_html(as_user(supervisor_a))
    assert 'data-testid="claims-waiting">2+<' in page
    assert 'data-testid="claims-total">30.00+<' in page


def test_the_case_panels_queries_do_not_grow_with_the_cases(agreement_a, supervisor_a):
    from cases.views.assignment import supervisor_dashboard_panel

    functions = (
        dashboard.case_status_panel,
        dashboard_visits.periods_panel,
        supervisor_dashboard_panel,
    )

    def queries():
        counts = []
        for function in functions:
            with CaptureQueriesContext(connection) as captured:
                function(supervisor_a)
            counts.append(len(captured))
        return counts

    _periods_over(agreement_a, 1)
    rollups.refresh()
    queries()  # warm-up: the user's roles are read once per request
    first = queries()
    _periods_over(agreement_a, 12)
    for _ in range(5):
        make_case(agreement_a, status="new")
    rollups.refresh()
    assert queries() == first
