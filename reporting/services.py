"""Starting and executing report runs.

A run is claimed with a conditional update and executed under two locks: its own run
lock (dies with the process: the recovery sweeper re-queues a run whose worker was
killed) and the lock of its (kind, period, scope), waited for, so two runs of the same
report take turns and the second replaces the first's result instead of writing a
second one. Executing a finished run again does nothing: the task is safe to run twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import traceback

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from collections_office.exports import csv_text
from collections_office.run_locks import run_lock, runs_alive, session_lock
from collections_office.workdays import company_today

from . import kinds as report_kinds
from .models import ReportResult, ReportRun, ReportSchedule, Scope

logger = logging.getLogger(__name__)

RUN_LOCK_NAMESPACE = 7301
RESULT_LOCK_NAMESPACE = 7302
MAX_ATTEMPTS = 4  # the first try and three retries
# A queued run whose task has not started after this long is queued again by the sweeper.
QUEUED_UNSTARTED_AFTER = dt.timedelta(minutes=5)

# Tests set this to make a generator fail (a retry) or to kill the process mid-run.
_before_write_hook = None


def run_request(
    *,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    trigger: str,
    requested_by=None,
    schedule: ReportSchedule | None = None,
    scope: str = Scope.COMPANY,
    scope_id: int = 0,
) -> ReportRun:
    """Records a run and queues its task once the transaction commits."""
    try:
        report_kinds.kind(kind)
    except LookupError:
        raise ValidationError({"kind": _("Unknown report.")}) from None
    if period_start > period_end:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if period_end >= company_today() and report_kinds.kind(kind).period != "day":
        raise ValidationError({"period_end": _("The period has not ended yet.")})
    run = ReportRun.objects.create(
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        scope=scope,
        scope_id=scope_id,
        trigger=trigger,
        requested_by=requested_by,
        schedule=schedule,
    )
    transaction.on_commit(lambda: _queue(run.pk))
    return run


def _queue(run_id: int, *, countdown: int | None = None) -> None:
    from .tasks import run_report

    if countdown:
        run_report.apply_async(args=[run_id], countdown=countdown)
    else:
        run_report.delay(run_id)


def run_scheduled(schedule_key: str) -> ReportRun | None:
    """Beat's entry: the previous complete period of the schedule's kind. Twice for the
    same period (beat restarted, a message delivered twice) starts it once."""
    schedule = ReportSchedule.objects.filter(key=schedule_key, enabled=True).first()
    if schedule is None:
        return None
    kind = report_kinds.kind(schedule.kind)
    if kind.scheduled_scopes is not None:
        return _run_scheduled_scopes(schedule, kind)
    start, end = report_kinds.previous_period(kind.period, company_today())
    with transaction.atomic():
        # Serialise the check-then-create per schedule (two beats, a redelivery).
        ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        existing = ReportRun.objects.filter(
            schedule=schedule, kind=schedule.kind, period_start=start, period_end=end
        ).exclude(status=ReportRun.Status.FAILED)
        if existing.exists():
            return None
        return run_request(
            kind=schedule.kind,
            period_start=start,
            period_end=end,
            trigger=ReportRun.Trigger.SCHEDULE,
            schedule=schedule,
        )


def _run_scheduled_scopes(schedule: ReportSchedule, kind) -> ReportRun | None:
    """A daily schedule of a per-scope kind: one run per scope due today (reconciliation:
    each agreement whose reconciliation day it is), each at most once per period."""
    started = None
    with transaction.atomic():
        ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
        for scope, scope_id, start, end in kind.scheduled_scopes(company_today()):
            existing = ReportRun.objects.filter(
                schedule=schedule,
                kind=schedule.kind,
                period_start=start,
                period_end=end,
                scope=scope,
                scope_id=scope_id,
            ).exclude(status=ReportRun.Status.FAILED)
            if existing.exists():
                continue
            started = run_request(
                kind=schedule.kind,
                period_start=start,
                period_end=end,
                trigger=ReportRun.Trigger.SCHEDULE,
                schedule=schedule,
                scope=scope,
                scope_id=scope_id,
            )
    return started


def _result_key(run: ReportRun) -> int:
    text = f"{run.kind}|{run.period_start}|{run.period_end}|{run.scope}|{run.scope_id}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")


def run_execute(run_id: int) -> str:
    """Executes one run; returns its status. Raises only to ask the task for a retry."""
    with run_lock("report-run", RUN_LOCK_NAMESPACE, run_id) as held:
        if not held:
            return "busy"  # another live process is executing it
        now = timezone.now()
        claimed = ReportRun.objects.filter(
            pk=run_id,
            status__in=[
                ReportRun.Status.QUEUED,
                ReportRun.Status.RETRYING,
                ReportRun.Status.RUNNING,
            ],
        ).update(status=ReportRun.Status.RUNNING, started_at=now, attempts=F("attempts") + 1)
        if not claimed:
            return "done"
        run = ReportRun.objects.get(pk=run_id)
        try:
            with session_lock(RESULT_LOCK_NAMESPACE, _result_key(run), wait=True):
                _produce(run)
        except Exception as exc:
            return _failed(run, exc)
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportRun.Status.SUCCEEDED, finished_at=timezone.now(), error=""
        )
        return ReportRun.Status.SUCCEEDED


def _produce(run: ReportRun) -> None:
    kind = report_kinds.kind(run.kind)
    # Files and labels are written in the company's language of record (English);
    # pages translate the column labels when they show them.
    with translation.override("en"):
        data = kind.generate(run)
        header = [str(column.label) for column in data.columns]
    keys = [column.key for column in data.columns]
    table = [[row.get(key) for key in keys] for row in data.rows]
    csv_bytes = ("\ufeff" + csv_text(header, table)).encode("utf-8")
    xlsx_bytes = _xlsx_bytes(header, table)
    if _before_write_hook is not None:
        _before_write_hook(run)
    period = f"{run.period_start:%Y%m%d}-{run.period_end:%Y%m%d}"
    name = f"{run.kind}-{period}-{run.scope}{run.scope_id or ''}"
    with transaction.atomic():
        result, _created = ReportResult.objects.select_for_update().get_or_create(
            kind=run.kind,
            period_start=run.period_start,
            period_end=run.period_end,
            scope=run.scope,
            scope_id=run.scope_id,
            defaults={"run": run, "generated_at": timezone.now()},
        )
        old_files = [f.name for f in (result.csv_file, result.xlsx_file) if f]
        result.run = run
        result.generated_at = timezone.now()
        result.columns = [{"key": c.key, "numeric": c.numeric} for c in data.columns]
        result.rows = data.rows
        result.summary = data.summary
        result.csv_file.save(f"{name}.csv", ContentFile(csv_bytes), save=False)
        result.xlsx_file.save(f"{name}.xlsx", ContentFile(xlsx_bytes), save=False)
        result.save()
        storage = result.csv_file.storage
        transaction.on_commit(lambda: [storage.delete(old) for old in old_files])


def _xlsx_bytes(header, table) -> bytes:
    import io

    from openpyxl import Workbook

    from collections_office.exports import escape_formula

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for row in table:
        sheet.append([escape_formula(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def retry_delay_seconds(attempts: int) -> int:
    """Backoff: 1, 2, 4 minutes after the first, second and third failure."""
    return 60 * 2 ** max(attempts - 1, 0)


def _failed(run: ReportRun, exc: Exception) -> str:
    run.refresh_from_db()
    error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:4000]
    logger.warning("report run %s failed (attempt %s): %s", run.pk, run.attempts, error)
    if run.attempts < MAX_ATTEMPTS:
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RETRYING, error=error)
        transaction.on_commit(lambda: _queue(run.pk, countdown=retry_delay_seconds(run.attempts)))
        return ReportRun.Status.RETRYING
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.FAILED, finished_at=timezone.now(), error=error
    )
    return ReportRun.Status.FAILED


def stalled_run_ids() -> list[int]:
    """Runs marked running with no live process, or queued long ago and never started."""
    waited = timezone.now() - QUEUED_UNSTARTED_AFTER
    candidates = list(
        ReportRun.objects.filter(
            Q(status=ReportRun.Status.RUNNING)
            | Q(status=ReportRun.Status.QUEUED, queued_at__lt=waited)
            # A retry whose delayed message was lost (the longest backoff is 4 minutes).
            | Q(status=ReportRun.Status.RETRYING, started_at__lt=waited - dt.timedelta(minutes=5))
        ).values_list("pk", flat=True)
    )
    alive = runs_alive("report-run", RUN_LOCK_NAMESPACE, candidates)
    return [pk for pk in candidates if pk not in alive]
