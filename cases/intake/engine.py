"""The import run: claim the placement, stream its rows in batches, finish it.

Crash safety comes from the shape of the run, not from one big transaction:

- the placement is claimed with a conditional update (received → processing).
  On PostgreSQL the run also holds a session advisory lock on the placement, so
  a "processing" placement whose lock is free belongs to a run that died (its
  connection closed): the next run takes it over at once. Elsewhere (SQLite)
  a processing placement is taken over once it is older than the task time
  limit.
- each batch (validated rows, their cases, contact points, history, row errors
  and the placement's counters and `rows_done`) commits in one transaction. A
  run that dies loses at most the batch in flight; the next run skips the
  `rows_done` rows already committed and goes on. The counters therefore always
  agree with what is in the database, and readers see progress batch by batch.
- whatever concerns the file as a whole (encoding, header, columns, security
  codes, zip bombs) is checked before the first batch is written, so a file-level
  failure leaves no data behind.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import zoneinfo
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.intake import PlacementFileError
from cases.intake.columns import plan_columns
from cases.intake.readers import SNIFF_BYTES, XLSX, open_source, sniff_kind
from cases.intake.validation import ERROR, RowProblem, RowValidator
from cases.intake.writers import change_reason, writer_for
from cases.models import Placement, PlacementRowError

logger = logging.getLogger(__name__)

BATCH_ROWS = {"postgresql": 5_000, "orm": 500}
# Namespace of the session advisory lock held while a placement is imported.
RUN_LOCK_NAMESPACE = 7203

# Tests set this to simulate a worker that dies after N batches.
_after_batch_hook = None


@contextmanager
def _run_lock(placement_id: int):
    """True while this process may import the placement (no other live run has it)."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = [RUN_LOCK_NAMESPACE, placement_id % 2_147_483_647]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:
                pass  # the connection is gone, and the lock with it


def _claim(placement_id: int) -> bool:
    now = timezone.now()
    if connection.vendor == "postgresql":
        # We hold the run lock: a "processing" placement has no live run.
        claimable = Q(status__in=[Placement.Status.RECEIVED, Placement.Status.PROCESSING])
    else:
        stale = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        claimable = Q(status=Placement.Status.RECEIVED) | Q(
            status=Placement.Status.PROCESSING, started_at__lt=stale
        )
    claimed = Placement.objects.filter(claimable, pk=placement_id).update(
        status=Placement.Status.PROCESSING, started_at=Coalesce(F("started_at"), now)
    )
    return claimed == 1


def run_import(placement_id: int, *, engine: str = "") -> Placement:
    with _run_lock(placement_id) as locked:
        if not locked or not _claim(placement_id):
            logger.info("placement %s: not claimed (done, failed or running)", placement_id)
            return Placement.objects.get(pk=placement_id)
        placement = Placement.objects.select_related("bank", "agreement").get(pk=placement_id)
        try:
            _import(placement, engine=engine)
        except PlacementFileError as exc:
            _finish_failed(placement, exc.message, delete_file=exc.forbidden_data)
        except (OperationalError, InterfaceError):
            # Transient: the task retries, and the next run resumes after the last batch.
            raise
        except Exception:
            logger.exception("placement %s: import failed", placement_id)
            _finish_failed(
                placement,
                _("The import stopped because of an internal error. The agency has been told."),
            )
            raise
    return Placement.objects.get(pk=placement_id)


def _import(placement: Placement, *, engine: str) -> None:
    company_tz = zoneinfo.ZoneInfo(settings.COMPANY_TIME_ZONE)
    now = timezone.now()
    today = timezone.localtime(now, company_tz).date()
    with placement.original_file.open("rb") as stored:
        fileobj = getattr(stored, "file", stored)
        head = fileobj.read(SNIFF_BYTES)
        kind = sniff_kind(head, placement.original_name)
        source = open_source(fileobj, kind)
        try:
            plan = plan_columns(source.header, placement.bank.column_mapping)
            if source.total == 0 and kind != XLSX:
                raise PlacementFileError(_("The file has a header row but no accounts in it."))
            if source.total is not None:
                Placement.objects.filter(pk=placement.pk).update(
                    rows_total=Greatest(F("rows_done"), source.total)
                )
            validator = RowValidator(plan, pad_short_rows=kind == XLSX, today=today)
            writer = writer_for(placement, now=now, engine=engine)
            batch_size = BATCH_ROWS["postgresql" if connection.vendor == "postgresql" else "orm"]
            if engine == "orm":
                batch_size = BATCH_ROWS["orm"]
            _run_batches(placement, source, validator, writer, batch_size)
        finally:
            source.close()
    _finish_completed(placement)


@dataclass
class _Batch:
    records: list
    problems: list[RowProblem]
    rows: int  # rows of the file in this batch, rejected ones included
    prepared: Any  # the writer's database-free work (encrypted values)


def _read_batches(source, validator, writer, *, skip: int, batch_size: int) -> Iterator[_Batch]:
    """Parses, validates and prepares batches; touches no database (runs in a thread)."""
    seen = 0
    records, problems, accounts = [], [], {}
    batch_rows = 0
    account_column = validator.header.get("account_no", "")
    for row_number, cells, problem in source.rows():
        seen += 1
        if seen <= skip:
            continue  # committed by an earlier run that died
        batch_rows += 1
        if problem:
            problems.append((row_number, "", problem, ERROR))
        else:
            record, row_problems = validator.validate(row_number, cells)
            if row_problems:
                problems.extend(row_problems)
            if record is not None:
                first = accounts.get(record.account_no)
                if first is not None:
                    problems.append(
                        (
                            row_number,
                            account_column,
                            _(
                                "The account number already appears in row %(row)s of this "
                                "file; only the first row was imported."
                            )
                            % {"row": first},
                            ERROR,
                        )
                    )
                else:
                    accounts[record.account_no] = row_number
                    records.append(record)
        if batch_rows >= batch_size:
            yield _Batch(records, problems, batch_rows, writer.prepare(records))
            records, problems, accounts = [], [], {}
            batch_rows = 0
    if batch_rows:
        yield _Batch(records, problems, batch_rows, writer.prepare(records))
    if seen == 0:
        raise PlacementFileError(_("The file has a header row but no accounts in it."))


_DONE = object()


def _in_background(batches: Iterator[_Batch], *, depth: int = 1) -> Iterator[_Batch]:
    """Runs the batch reader in a thread so that reading, validating and encrypting
    batch N+1 overlaps with the database writing batch N (PostgreSQL works in its
    own process, and the GIL is released while we wait for it)."""
    handover: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the importing thread, raised there
            put(exc)

    reader = threading.Thread(target=produce, name="placement-reader", daemon=True)
    reader.start()
    try:
        while True:
            item = handover.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


def _run_batches(placement, source, validator, writer, batch_size: int) -> None:
    batches = _read_batches(
        source, validator, writer, skip=placement.rows_done, batch_size=batch_size
    )
    written = 0
    with closing(_in_background(batches)) as pipeline:
        for batch in pipeline:
            _write_batch(placement, writer, batch)
            written += 1
            if _after_batch_hook is not None:
                _after_batch_hook(written)


def _write_batch(placement, writer, batch: _Batch) -> None:
    rows = batch.rows
    with transaction.atomic():
        created, updated, duplicates = writer.write(batch.records, batch.prepared)
        problems = batch.problems + duplicates
        PlacementRowError.objects.bulk_create(
            [
                PlacementRowError(
                    placement_id=placement.pk,
                    row_number=row_number,
                    column=column[:80],
                    message=message[:500],
                    severity=severity,
                )
                for row_number, column, message, severity in problems
            ],
            batch_size=2000,
        )
        rejected = len({problem[0] for problem in problems if problem[3] == ERROR})
        Placement.objects.filter(pk=placement.pk).update(
            rows_total=Greatest(F("rows_total"), F("rows_done") + rows),
            rows_done=F("rows_done") + rows,
            rows_created=F("rows_created") + created,
            rows_updated=F("rows_updated") + updated,
            rows_rejected=F("rows_rejected") + rejected,
        )


def _finish_completed(placement: Placement) -> None:
    with transaction.atomic():
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        placement.status = Placement.Status.COMPLETED
        placement.rows_total = placement.rows_done
        placement.finished_at = timezone.now()
        placement._change_reason = "import completed"
        placement.save()
    logger.info(
        "placement %s completed: %s rows, %s created, %s updated, %s rejected",
        placement.pk,
        placement.rows_total,
        placement.rows_created,
        placement.rows_updated,
        placement.rows_rejected,
    )


def _finish_failed(placement: Placement, reason: str, *, delete_file: bool = False) -> None:
    with transaction.atomic():
        placement = Placement.objects.select_for_update().get(pk=placement.pk)
        placement.status = Placement.Status.FAILED
        placement.failure_reason = reason
        placement.finished_at = timezone.now()
        if delete_file:
            # PCI DSS: a card security code may not be stored, not even in the original.
            placement.original_file.delete(save=False)
            if placement.backup_path:
                storages["backup"].delete(placement.backup_path)
                placement.backup_path = ""
        placement._change_reason = "import failed"
        placement.save()
    logger.info("placement %s failed: %s", placement.pk, reason)


__all__ = ["change_reason", "run_import"]
