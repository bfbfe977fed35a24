"""`seed_demo`'s report runs: last week's and last month's reports of every weekly and
monthly kind, each a scheduled run executed here (so the results, their CSV and XLSX files
and the runs page look as they do after beat's Monday and 1st-of-the-month runs).

Runs last among the demo modules (the figures read the other apps' demo data). Idempotent:
a report that already has its result for that period is left alone.
"""

from __future__ import annotations

from . import kinds as report_kinds
from .models import ReportResult, ReportRun, ReportSchedule, Scope
from .services import company_today, run_execute


def demo_kinds() -> dict:
    """The company-wide weekly and monthly kinds (a per-scope kind — reconciliation, one run
    per agreement — has its own demo: cases.demo_statements)."""
    return {
        key: kind
        for key, kind in sorted(report_kinds.kinds().items())
        if kind.period in ("week", "month") and kind.scheduled_scopes is None
    }


def seed(*, stdout=None) -> None:
    today = company_today()
    made = []
    for key, kind in demo_kinds().items():
        start, end = report_kinds.previous_period(kind.period, today)
        if ReportResult.objects.filter(
            kind=key, period_start=start, period_end=end, scope=Scope.COMPANY, scope_id=0
        ).exists():
            continue
        # Executed here rather than queued: the demo needs no worker.
        run = ReportRun.objects.create(
            kind=key,
            period_start=start,
            period_end=end,
            trigger=ReportRun.Trigger.SCHEDULE,
            schedule=ReportSchedule.objects.filter(kind=key).first(),
        )
        run_execute(run.pk)
        made.append(f"{key} {start}–{end}")
    if stdout is not None and made:
        stdout.write(f"Report runs: {len(made)} ({', '.join(made)})")
