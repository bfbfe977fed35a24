"""Celery beat reading report schedules from the database.

django-celery-beat does not support Django 6.1, so beat keeps its own scheduler class
(Celery's documented extension point, `beat -S` / `beat_scheduler`) rather than a
process of ours: the fixed jobs of `app.conf.beat_schedule` (code) plus one entry per
enabled `ReportSchedule` row, re-read every REFRESH_SECONDS so an edit on the schedules
page takes effect within a minute. Crontabs are read in the company's time zone.
"""

from __future__ import annotations

import logging
import time

from celery.beat import PersistentScheduler
from celery.schedules import crontab
from django.db import DatabaseError, close_old_connections, connection

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 30
ENTRY_PREFIX = "report:"


class CompanyCrontab(crontab):
    """A crontab read in the company's time zone; Celery's own zone stays UTC (the fixed
    jobs in collections_office/celery.py are written in UTC)."""

    @property
    def tz(self):
        from collections_office.workdays import company_tz

        return company_tz()


def database_entries() -> dict[str, dict]:
    from .models import ReportSchedule

    entries = {}
    for schedule in ReportSchedule.objects.filter(enabled=True):
        entries[f"{ENTRY_PREFIX}{schedule.key}"] = {
            "task": "reporting.tasks.run_scheduled_report",
            "schedule": CompanyCrontab(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_week=schedule.day_of_week,
                day_of_month=schedule.day_of_month,
            ),
            "args": (schedule.key,),
            "options": {"expires": 3600},
        }
    return entries


class DatabaseScheduler(PersistentScheduler):
    def setup_schedule(self) -> None:
        super().setup_schedule()
        self._refreshed_at = 0.0
        self._refresh()

    def _refresh(self) -> None:
        # Beat is a long-lived process: drop a connection the database has closed.
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            entries = dict(self.app.conf.beat_schedule)
            entries.update(database_entries())
        except DatabaseError as exc:
            # The database being away must not stop the fixed jobs: keep the last list.
            logger.warning("beat could not read report schedules: %s", exc)
            return
        finally:
            self._refreshed_at = time.monotonic()
        self.merge_inplace(entries)

    def tick(self, *args, **kwargs):
        if time.monotonic() - self._refreshed_at >= REFRESH_SECONDS:
            self._refresh()
        return min(super().tick(*args, **kwargs), REFRESH_SECONDS)
