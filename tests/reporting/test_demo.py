"""`seed_demo`'s report runs: last week's and last month's report of every weekly and
monthly kind, with their files; a second run adds nothing."""

from __future__ import annotations

import pytest

from reporting import demo
from reporting import kinds as report_kinds
from reporting.models import ReportResult, ReportRun
from reporting.services import company_today
from staff import demo as staff_demo

pytestmark = pytest.mark.django_db


def test_demo_adds_last_weeks_and_last_months_reports_with_files(settings):
    settings.DJANGO_ENV = "test"
    staff_demo.seed()
    demo.seed()
    today = company_today()
    kinds = demo.demo_kinds()
    assert {"collector_weekly", "collector_monthly", "collector_finance"} <= set(kinds)
    assert "reconciliation" not in kinds  # one run per agreement: not a company report
    for key, kind in kinds.items():
        start, end = report_kinds.previous_period(kind.period, today)
        result = ReportResult.objects.get(kind=key, period_start=start, period_end=end)
        assert result.run.status == ReportRun.Status.SUCCEEDED
        assert result.run.trigger == ReportRun.Trigger.SCHEDULE
        assert result.csv_file and result.xlsx_file.size > 0
        assert result.csv_file.read().decode("utf-8-sig").count("\n") == 1 + len(result.rows)
    # The demo people's collectors are in the weekly report.
    weekly = ReportResult.objects.get(kind="collector_weekly")
    assert weekly.rows
    counts = (ReportRun.objects.count(), ReportResult.objects.count())
    demo.seed()
    assert (ReportRun.objects.count(), ReportResult.objects.count()) == counts
