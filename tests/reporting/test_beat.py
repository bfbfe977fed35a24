"""Beat reads the schedules from the database, in the company's time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from collections_office.celery import app
from reporting.beat import ENTRY_PREFIX, DatabaseScheduler, database_entries
from reporting.models import ReportSchedule

pytestmark = pytest.mark.django_db


def test_each_enabled_schedule_is_an_entry():
    entries = database_entries()
    assert {f"{ENTRY_PREFIX}collector-weekly", f"{ENTRY_PREFIX}collector-monthly"} <= set(entries)
    entry = entries[f"{ENTRY_PREFIX}collector-weekly"]
    assert entry["task"] == "reporting.tasks.run_scheduled_report"
    assert entry["args"] == ("collector-weekly",)
    ReportSchedule.objects.filter(key="collector-weekly").update(enabled=False)
    assert f"{ENTRY_PREFIX}collector-weekly" not in database_entries()


def test_monday_06_00_is_read_in_company_time():
    from collections_office.workdays import company_tz

    schedule = database_entries()[f"{ENTRY_PREFIX}collector-weekly"]["schedule"]
    tz = company_tz()
    sunday_evening = dt.datetime(2026, 11, 22, 20, 0, tzinfo=tz)

    def due_at(now: dt.datetime) -> bool:
        schedule.nowfun = lambda: now
        return schedule.is_due(sunday_evening).is_due

    assert not due_at(dt.datetime(2026, 11, 23, 5, 59, tzinfo=tz))
    assert due_at(dt.datetime(2026, 11, 23, 6, 0, 30, tzinfo=tz))
    # 06:00 UTC on Monday is 14:00 in Beijing: already past, but a run at 06:00 Beijing time
    # that day means nothing is due again until next Monday.
    after_run = dt.datetime(2026, 11, 23, 6, 0, 5, tzinfo=tz)
    schedule.nowfun = lambda: dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
    assert not schedule.is_due(after_run).is_due


def test_the_scheduler_merges_code_and_database_and_follows_edits(tmp_path):
    scheduler = DatabaseScheduler(app=app, schedule_filename=str(tmp_path / "beat"), lazy=True)
    scheduler.setup_schedule()
    try:
        names = set(scheduler.schedule)
        assert "heartbeat" in names and f"{ENTRY_PREFIX}collector-weekly" in names
        ReportSchedule.objects.filter(key="collector-monthly").update(enabled=False)
        ReportSchedule.objects.create(
            key="extra", kind="collector_weekly", hour="7", day_of_week="2"
        )
        scheduler._refresh()
        names = set(scheduler.schedule)
        assert f"{ENTRY_PREFIX}collector-monthly" not in names
        assert f"{ENTRY_PREFIX}extra" in names and "heartbeat" in names
    finally:
        scheduler.close()
