"""The reconciliation report kind: the daily schedule starts one run per agreement whose
reconciliation day it is, for the previous month; a re-run replaces the draft, never an
approved statement."""

from __future__ import annotations

import pytest

from cases.models import Statement
from cases.services.statements import statement_approve
from reporting import services
from reporting.models import ReportResult, ReportRun, ReportSchedule

from .conftest import NOVEMBER, nov, payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def schedule(db):
    schedule, _ = ReportSchedule.objects.get_or_create(
        key="reconciliation-daily",
        defaults={"kind": "reconciliation", "minute": "30", "hour": "5"},
    )
    return schedule


def test_the_daily_schedule_reconciles_the_agreements_due_today(
    november, agreement_a, agreement_b, schedule, django_capture_on_commit_callbacks
):
    agreement_a.reconciliation_day = 7  # "today" is 7 December
    agreement_a.save()
    agreement_b.reconciliation_day = 25
    agreement_b.save()
    with django_capture_on_commit_callbacks(execute=False):
        run = services.run_scheduled("reconciliation-daily")
        again = services.run_scheduled("reconciliation-daily")
    assert again is None
    assert list(ReportRun.objects.values_list("kind", "scope", "scope_id")) == [
        ("reconciliation", "agreement", agreement_a.pk)
    ]
    assert (run.period_start, run.period_end) == (NOVEMBER, nov(30))
    assert services.run_execute(run.pk) == "succeeded"
    statement = Statement.objects.get(agreement=agreement_a, month=NOVEMBER)
    assert statement.is_draft and statement.matched_count == 4
    result = ReportResult.objects.get(kind="reconciliation", scope_id=agreement_a.pk)
    assert result.summary["statement_id"] == statement.pk
    assert [row["count"] for row in result.rows] == [4, 1, 2, 2]


def test_a_re_run_replaces_the_draft_but_leaves_an_approved_month(
    november, agreement_a, finance_a, collector_a, django_capture_on_commit_callbacks
):
    def run_once():
        with django_capture_on_commit_callbacks(execute=False):
            run = services.run_request(
                kind="reconciliation",
                period_start=NOVEMBER,
                period_end=nov(30),
                trigger=ReportRun.Trigger.MANUAL,
                scope="agreement",
                scope_id=agreement_a.pk,
            )
        return services.run_execute(run.pk)

    assert run_once() == "succeeded"
    payment(november["cases"]["bank"], amount="70.00", paid_on=nov(21), claimed_by=collector_a)
    assert run_once() == "succeeded"
    statement = Statement.objects.get(agreement=agreement_a, month=NOVEMBER)
    assert statement.matched_count == 5  # the draft was replaced
    statement_approve(statement=statement, actor=finance_a)
    payment(november["cases"]["agency"], amount="1.00", paid_on=nov(2), claimed_by=collector_a)
    assert run_once() == "succeeded"
    statement.refresh_from_db()
    assert (statement.status, statement.agency_only_count) == ("approved", 2)  # unchanged
    assert Statement.objects.filter(agreement=agreement_a).count() == 1
    assert ReportResult.objects.get(kind="reconciliation").summary["left_as_it_was"] is True
