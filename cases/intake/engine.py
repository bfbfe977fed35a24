"""The import run: claim the placement, stream its rows in batches, finish it.

Crash safety comes from the shape of the run, not from one big transaction:

- the placement is claimed with a conditional update (received → processing).
  The run also holds a lock on the placement that dies with its process (on
  PostgreSQL a session advisory lock, on the embedded SQLite default a file
  lock under VAR_DIR), so a "processing" placement whose lock is free belongs
  to a run that died: the next run takes it over at once, and the sweeper
  (collections_office/recovery.py) queues that next run within a minute.
- rows are routed by account number to N streams (`PlacementStream`, N fixed
  when the import first starts). Each stream writes its rows in batches, in
  file order; each batch (validated rows, their cases, contact points, history,
  row errors, the placement's counters and the stream's position in the file)
  commits in one transaction. A run that dies loses at most the batches in
  flight; the next run skips, per stream, the rows up to its position. The
  counters therefore always agree with what is in the database, and readers
  see progress batch by batch.
- on PostgreSQL, outside an enclosing transaction, the streams write side by
  side, each on its own database connection: the database is the slow part of
  an import, and one connection keeps one core busy. An account is always in
  the same stream, so duplicates in a file are found as in one stream; people
  shared by two streams are settled by the unique constraints (debtors and
  contact points are inserted in key order, so two streams never wait on each
  other in a cycle); imports of the same bank take turns (a session advisory
  lock on the bank for the whole run).
- whatever concerns the file as a whole (encoding, header, columns, security
  codes, zip bombs) is checked before the first batch is written, so a file-level
  failure leaves no data behind.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import zlib
import zoneinfo
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.intake import PlacementFileError
from cases.intake.columns import plan_columns
from cases.intake.readers import SNIFF_BYTES, XLSX, open_source, sniff_kind
from cases.intake.validation import ERROR, RowProblem, RowValidator
from cases.intake.writers import BANK_LOCK_NAMESPACE, PostgresWriter, change_reason, writer_for
from cases.models import Placement, PlacementRowError, PlacementStream
from collections_office.file_locks import file_lock
from collections_office.run_locks import run_lock, runs_alive, session_lock

logger = logging.getLogger(__name__)

BATCH_ROWS = {"postgresql": 5_000, "orm": 500}
# Namespace of the session advisory lock held while a placement is imported.
RUN_LOCK_NAMESPACE = 7203

# Tests set this to simulate a worker that dies after N batches.
_after_batch_hook = None


def _session_lock(namespace: int, key: int, *, wait: bool):
    return session_lock(namespace, key, wait=wait)


def _file_lock(name: str):
    """The embedded default's run lock (see collections_office.file_locks)."""
    return file_lock(name)


def _run_lock(placement_id: int):
    """True while this process may import the placement (no other live run has it)."""
    return run_lock("placement", RUN_LOCK_NAMESPACE, placement_id)


def _runs_alive(placement_ids: list[int]) -> set[int]:
    """The placements among `placement_ids` whose run lock some live process holds."""
    return runs_alive("placement", RUN_LOCK_NAMESPACE, placement_ids)


# A received placement whose task has not started after this long was probably never
# queued (the broker was down at upload) or its message was lost: queue it again.
RECEIVED_UNSTARTED_AFTER = dt.timedelta(minutes=2)


def stalled_ids(model, alive) -> list[int]:
    """Rows of a received bank file (`model`: Placement, RepaymentFile) that should be
    importing but no live run holds (`alive(ids)` → the held ones): the sweeper's list."""
    waited_long = timezone.now() - RECEIVED_UNSTARTED_AFTER
    candidates = list(
        model.objects.filter(
            Q(status=model.Status.PROCESSING)
            | Q(status=model.Status.RECEIVED, received_at__lt=waited_long)
        )
        .order_by("received_at")
        .values_list("pk", flat=True)
    )
    held = alive(candidates)
    return [pk for pk in candidates if pk not in held]


def stalled_placement_ids() -> list[int]:
    """Placements that should be importing but no live run holds: the sweeper's list."""
    return stalled_ids(Placement, _runs_alive)


def _bank_lock(bank_id: int):
    """Imports of one bank take turns: two of them at once could both create the case
    (and the ID-less debtor) of an account that is in both files."""
    return _session_lock(BANK_LOCK_NAMESPACE, bank_id, wait=True)


def claim(model, pk: int) -> bool:
    """received/processing → processing (the caller holds the run lock: a "processing"
    row has no live run); False when it is finished."""
    now = timezone.now()
    claimable = Q(status__in=[model.Status.RECEIVED, model.Status.PROCESSING])
    claimed = model.objects.filter(claimable, pk=pk).update(
        status=model.Status.PROCESSING, started_at=Coalesce(F("started_at"), now)
    )
    return claimed == 1


def _claim(placement_id: int) -> bool:
    return claim(Placement, placement_id)


def run_import(placement_id: int, *, engine: str = "") -> Placement:
    # Row messages and failure reasons are stored in English whoever started the run (the
    # bank API returns them as they are); pages show them translated (`staff.stored_text`).
    with translation.override("en"):
        return _run_import(placement_id, engine=engine)


def _run_import(placement_id: int, *, engine: str) -> Placement:
    with _run_lock(placement_id) as locked:
        if not locked or not _claim(placement_id):
            logger.info("placement %s: not claimed (done, failed or running)", placement_id)
            return Placement.objects.get(pk=placement_id)
        placement = Placement.objects.select_related("bank", "agreement").get(pk=placement_id)
        try:
            with _bank_lock(placement.bank_id):
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
            # Side by side only with a connection per stream that sees what the others
            # commit: not under an enclosing transaction (tests), not on SQLite.
            side_by_side = isinstance(writer, PostgresWriter) and not connection.in_atomic_block
            positions = _stream_positions(
                placement, streams=settings.PLACEMENT_IMPORT_STREAMS if side_by_side else 1
            )
            _run_batches(
                placement,
                source,
                validator,
                writer,
                batch_size,
                positions=positions,
                side_by_side=side_by_side and len(positions) > 1,
            )
        finally:
            source.close()
    _finish_completed(placement)


def _stream_positions(placement: Placement, *, streams: int) -> list[int]:
    """Per stream, the data rows of the file up to which its rows are committed.

    The number of streams is fixed by the first run; a resumed run keeps it (it
    decides which rows are done), whether it writes side by side or not.
    """
    positions = list(placement.streams.order_by("number").values_list("rows_done", flat=True))
    if positions:
        return positions
    if placement.rows_done:
        # Begun by a version without streams: its rows_done rows are done, in one stream.
        streams = 1
    PlacementStream.objects.bulk_create(
        [
            PlacementStream(placement=placement, number=number, rows_done=placement.rows_done)
            for number in range(streams)
        ]
    )
    return [placement.rows_done] * streams


@dataclass
class _Batch:
    stream: int
    records: list
    problems: list[RowProblem]
    rows: int  # rows of the file in this batch, rejected ones included
    position: int  # the data row of the file that ends the batch
    prepared: Any  # the writer's database-free work (encrypted values)


@dataclass
class _StreamBatch:
    """A batch of one stream as it fills up."""

    records: list
    problems: list
    accounts: dict
    rows: int = 0
    position: int = 0


def _read_batches(
    source, validator, writer, *, positions: list[int], batch_size: int
) -> Iterator[_Batch]:
    """Parses, validates, routes and prepares batches; touches no database (runs in a
    thread)."""
    streams = len(positions)
    filling = [_StreamBatch([], [], {}) for _ in range(streams)]
    account_column = validator.header.get("account_no", "")
    seen = 0

    def full(stream: int) -> _Batch:
        batch = filling[stream]
        filling[stream] = _StreamBatch([], [], {})
        return _Batch(
            stream,
            batch.records,
            batch.problems,
            batch.rows,
            batch.position,
            writer.prepare(batch.records),
        )

    for row_number, cells, problem in source.rows():
        seen += 1
        if streams == 1:
            stream = 0
        else:
            account_no = "" if problem else validator.account_of(cells)
            # crc32, not hash(): the same account must land in the same stream in the
            # run that resumes (hash() of a str differs between processes).
            stream = zlib.crc32(account_no.encode("utf-8")) % streams if account_no else 0
        if seen <= positions[stream]:
            continue  # committed by an earlier run that died
        batch = filling[stream]
        batch.rows += 1
        batch.position = seen
        if problem:
            # A reader's problem is a message, or (column, message) when it knows the column.
            column, message = problem if isinstance(problem, tuple) else ("", problem)
            batch.problems.append((row_number, column, message, ERROR))
        else:
            record, row_problems = validator.validate(row_number, cells)
            if row_problems:
                batch.problems.extend(row_problems)
            if record is not None:
                first = batch.accounts.get(record.account_no)
                if first is not None:
                    batch.problems.append(
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
                    batch.accounts[record.account_no] = row_number
                    batch.records.append(record)
        if batch.rows >= batch_size:
            yield full(stream)
    for stream in range(streams):
        if filling[stream].rows:
            yield full(stream)
    if seen == 0:
        raise PlacementFileError(_("The file has a header row but no accounts in it."))


_DONE = object()


def _put_unless_stopped(handover: queue.Queue, item, stop: threading.Event) -> bool:
    """Puts `item` once there is room; gives up (False) once `stop` is set."""
    while not stop.is_set():
        try:
            handover.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _in_background(batches: Iterator[_Batch], *, depth: int = 1) -> Iterator[_Batch]:
    """Runs the batch reader in a thread so that reading, validating and encrypting
    batch N+1 overlaps with the database writing batch N (PostgreSQL works in its
    own process, and the GIL is released while we wait for it)."""
    handover: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        return _put_unless_stopped(handover, item, stop)

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


def _run_batches(
    placement,
    source,
    validator,
    writer,
    batch_size: int,
    *,
    positions: list[int],
    side_by_side: bool,
) -> None:
    batches = _read_batches(source, validator, writer, positions=positions, batch_size=batch_size)
    with closing(_in_background(batches)) as pipeline:
        if side_by_side:
            _write_side_by_side(placement, writer, pipeline, streams=len(positions))
            return
        for written, batch in enumerate(pipeline, start=1):
            _write_batch(placement, writer, batch)
            if _after_batch_hook is not None:
                _after_batch_hook(written)


def _write_side_by_side(placement, writer, pipeline, *, streams: int) -> None:
    """One thread and database connection per stream; this thread hands out batches.

    The first failure stops everything (the other streams finish the batch they are
    writing, which is committed and counted) and is raised here.
    """
    inboxes = [queue.Queue(maxsize=1) for _ in range(streams)]
    failures: list[BaseException] = []
    stop = threading.Event()
    written = 0
    written_lock = threading.Lock()

    def write_stream(inbox: queue.Queue) -> None:
        nonlocal written
        try:
            while not stop.is_set():
                try:
                    batch = inbox.get(timeout=0.1)
                except queue.Empty:
                    continue
                if batch is _DONE:
                    return
                _write_batch(placement, writer, batch)
                if _after_batch_hook is not None:
                    with written_lock:
                        written += 1
                        count = written
                    _after_batch_hook(count)
        except BaseException as exc:
            failures.append(exc)
            stop.set()
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=write_stream, args=(inbox,), name=f"placement-stream-{n}")
        for n, inbox in enumerate(inboxes)
    ]
    for thread in threads:
        thread.start()

    try:
        for batch in pipeline:
            if not _put_unless_stopped(inboxes[batch.stream], batch, stop):
                break
        for inbox in inboxes:
            _put_unless_stopped(inbox, _DONE, stop)
    except BaseException as exc:
        failures.insert(0, exc)
        stop.set()
    finally:
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]


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
        PlacementStream.objects.filter(placement_id=placement.pk, number=batch.stream).update(
            rows_done=batch.position
        )
        # Last, so that the placement's row is locked (streams take turns on it) only
        # for the moment before the commit.
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


def finish_failed(placement, reason: str, *, delete_file: bool = False) -> None:
    """Marks a received bank file (Placement, RepaymentFile) failed with `reason`."""
    model = type(placement)
    with transaction.atomic():
        placement = model.objects.select_for_update().get(pk=placement.pk)
        placement.status = model.Status.FAILED
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
    logger.info("%s %s failed: %s", model._meta.model_name, placement.pk, reason)


_finish_failed = finish_failed


__all__ = ["change_reason", "run_import"]
