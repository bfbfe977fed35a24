"""Report runs: periods, figures, one result per (kind, period, scope), retries, the
sweeper, schedules read by beat."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from reporting import services
from reporting.kinds import previous_period
from reporting.models import ReportResult, ReportRun, ReportSchedule

from .conftest import WEEK

pytestmark = pytest.mark.django_db


def _run(kind="collector_weekly", period=WEEK, **extra) -> ReportRun:
    return services.run_request(
        kind=kind, period_start=period[0], period_end=period[1], trigger="manual", **extra
    )


def test_previous_periods():
    wednesday = dt.date(2026, 11, 25)
    assert previous_period("week", wednesday) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    monday = dt.date(2026, 11, 23)
    assert previous_period("week", monday) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert previous_period("month", dt.date(2026, 3, 1)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )
    assert previous_period("month", dt.date(2026, 1, 15)) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )
    assert previous_period("day", dt.date(2026, 1, 1)) == (
        dt.date(2025, 12, 31),
        dt.date(2025, 12, 31),
    )


def test_the_weekly_figures_count_the_company_week(week_world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = _run()
    assert services.run_execute(run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.status == "succeeded" and run.attempts == 1 and run.duration is not None
    result = ReportResult.objects.get()
    rows = {row["collector"]: row for row in result.rows}
    a1, a2, b1 = (rows[week_world[name].staff_profile.display_name] for name in ("a1", "a2", "b1"))
    # Sunday 23:30 before and Monday 00:10 after (company time) are outside the week.
    assert (a1["calls"], a1["contacts"], a1["cases_held"]) == (3, 1, 2)
    assert (a2["calls"], a2["contacts"], a2["cases_held"]) == (0, 0, 0)
    assert (b1["calls"], b1["contacts"]) == (1, 1)
    assert result.summary["calls"] == 4
    # The files hold the same rows.
    text = result.csv_file.read().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Collector,Employee number")
    assert len(text.splitlines()) == 1 + len(result.rows)
    assert result.xlsx_file.size > 0


def test_a_rerun_replaces_the_result_and_its_files(week_world):
    first = _run()
    services.run_execute(first.pk)
    old = ReportResult.objects.get()
    old_csv = old.csv_file.name
    storage = old.csv_file.storage
    second = _run()
    with pytest.MonkeyPatch.context():
        services.run_execute(second.pk)
    result = ReportResult.objects.get()
    assert result.pk == old.pk and result.run_id == second.pk
    assert ReportResult.objects.count() == 1
    assert result.csv_file.name != old_csv
    assert storage.exists(result.csv_file.name)


def test_executing_a_finished_run_again_does_nothing(week_world):
    run = _run()
    services.run_execute(run.pk)
    generated = ReportResult.objects.get().generated_at
    assert services.run_execute(run.pk) == "done"
    run.refresh_from_db()
    assert run.attempts == 1
    assert ReportResult.objects.get().generated_at == generated


def test_a_failing_run_retries_with_backoff_then_fails(
    week_world, monkeypatch, django_capture_on_commit_callbacks
):
    queued: list[tuple[int, int | None]] = []
    monkeypatch.setattr(
        services, "_queue", lambda run_id, countdown=None: queued.append((run_id, countdown))
    )

    def broken(run):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_before_write_hook", broken)
    with django_capture_on_commit_callbacks(execute=False):
        run = _run()
    statuses = []
    for _attempt in range(services.MAX_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=True):
            statuses.append(services.run_execute(run.pk))
    run.refresh_from_db()
    assert statuses == ["retrying"] * (services.MAX_ATTEMPTS - 1) + ["failed"]
    assert run.status == "failed" and run.attempts == services.MAX_ATTEMPTS
    assert "RuntimeError: disk full" in run.error
    assert not ReportResult.objects.exists()
    # Backoff: 1, 2, 4 minutes.
    assert [countdown for _, countdown in queued if countdown] == [60, 120, 240]


def test_a_period_that_has_not_ended_is_refused():
    from reporting.services import company_today

    with pytest.raises(ValidationError) as refusal:
        _run(period=(company_today() - dt.timedelta(days=3), company_today()))
    assert "period_end" in refusal.value.error_dict
    with pytest.raises(ValidationError) as refusal:
        _run(period=(WEEK[1], WEEK[0]))
    assert "period_end" in refusal.value.error_dict
    assert not ReportRun.objects.exists()


def test_the_sweeper_finds_a_run_whose_worker_died(week_world):
    from collections_office.run_locks import run_lock

    run = _run()
    ReportRun.objects.filter(pk=run.pk).update(status="running")
    assert services.stalled_run_ids() == [run.pk]
    with run_lock("report-run", services.RUN_LOCK_NAMESPACE, run.pk) as held:
        assert held
        assert services.stalled_run_ids() == []
    # Resumed: it runs to the end, once.
    assert services.run_execute(run.pk) == "succeeded"
    assert ReportResult.objects.count() == 1


def test_beat_starting_the_same_schedule_twice_runs_it_once(
    week_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = services.run_scheduled("collector-weekly")
        second = services.run_scheduled("collector-weekly")
    assert first is not None and second is None
    assert ReportRun.objects.filter(schedule__key="collector-weekly").count() == 1
    ReportSchedule.objects.filter(key="collector-weekly").update(enabled=False)
    assert services.run_scheduled("collector-weekly") is None


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_same_report_at_once_leave_one_result(week_world):
    runs = [_run(), _run()]
    barrier = threading.Barrier(2)
    outcomes = []

    def execute(run_id):
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.run_execute(run_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=execute, args=(run.pk,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["succeeded", "succeeded"]
    assert ReportResult.objects.count() == 1
    assert ReportResult.objects.get().run_id in {run.pk for run in runs}
