"""A killed worker's import resumes by itself: the sweeper re-queues runs nobody holds."""

from __future__ import annotations

import datetime as dt
import os
import signal
import uuid
from collections import Counter

import pytest
from django.core.cache import cache
from django.core.files import File
from django.utils import timezone

from cases.intake import engine
from cases.management.commands.bench_intake import write_placement_file
from cases.models import Case, Placement
from cases.services.placements import placement_receive
from collections_office import recovery
from collections_office.tasks import resume_stalled_jobs
from tests.cases.intake.conftest import csv_bytes, row
from tests.conftest import start_celery_worker, wait_for

PLACEMENT_JOB = "placement-import"


def _forget_requeues(placement_id: int) -> None:
    # The sweeper queues a job at most once per pause; a test that kills twice in a
    # minute plays the pause being over.
    cache.delete(f"recovery:{PLACEMENT_JOB}:{placement_id}")


@pytest.fixture
def queued_ids(monkeypatch):
    """The sweeper's re-queues, recorded instead of sent."""
    queued = []
    job = next(job for job in recovery.registered() if job.name == PLACEMENT_JOB)
    monkeypatch.setattr(
        recovery,
        "_jobs",
        {
            PLACEMENT_JOB: recovery.ResumableJob(
                name=PLACEMENT_JOB, stalled=job.stalled, resume=queued.append
            )
        },
    )
    return queued


@pytest.mark.django_db
def test_the_sweeper_queues_a_processing_placement_whose_run_died(receive, queued_ids):
    placement, _ = receive(csv_bytes([row("A001")]))
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.PROCESSING, started_at=timezone.now()
    )
    _forget_requeues(placement.pk)

    assert resume_stalled_jobs() == {PLACEMENT_JOB: [placement.pk]}
    # …and not again at the next minute while the re-queued task is on its way.
    assert resume_stalled_jobs() == {}
    assert queued_ids == [placement.pk]


@pytest.mark.django_db
def test_the_sweeper_leaves_a_placement_alone_while_its_run_lock_is_held(receive, queued_ids):
    placement, _ = receive(csv_bytes([row("A001")]))
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.PROCESSING)
    _forget_requeues(placement.pk)

    with engine._run_lock(placement.pk) as held:
        assert held
        assert resume_stalled_jobs() == {}
    assert queued_ids == []


@pytest.mark.django_db
def test_the_sweeper_queues_a_received_placement_not_started_after_two_minutes(receive, queued_ids):
    fresh, _ = receive(csv_bytes([row("A001")]), "fresh.csv")
    old, _ = receive(csv_bytes([row("A002")]), "old.csv")
    Placement.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(minutes=3))
    done, _ = receive(csv_bytes([row("A003")]), "done.csv")
    Placement.objects.filter(pk=done.pk).update(
        status=Placement.Status.COMPLETED, received_at=timezone.now() - dt.timedelta(hours=1)
    )
    for placement in (fresh, old, done):
        _forget_requeues(placement.pk)

    assert resume_stalled_jobs() == {PLACEMENT_JOB: [old.pk]}


def test_the_sweeper_runs_every_minute_from_the_beat_schedule():
    from collections_office.celery import app

    entry = app.conf.beat_schedule["resume-stalled-jobs"]
    assert entry["task"] == "collections_office.tasks.resume_stalled_jobs"
    assert entry["schedule"] == 60.0
    assert entry["options"]["expires"] < 60


def test_the_embedded_run_lock_is_released_when_its_process_dies(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    child = os.fork()
    if child == 0:  # pragma: no cover - the child holds the lock and is killed
        with engine._file_lock("placement-1") as held:
            assert held
            os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(0)
    try:
        os.waitpid(child, os.WUNTRACED)  # the child holds the lock and has stopped
        with engine._file_lock("placement-1") as held:
            assert not held
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    with engine._file_lock("placement-1") as held:
        assert held


ROWS = 100_000


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_at_20_60_and_90_percent_completes_exactly(
    settings, tmp_path, bank_a, agreement_a
):
    from collections_office.celery import app

    if not settings.REDIS_URL:
        pytest.fail("the worker tests need REDIS_URL (make test sets it)")
    queue = f"test-recovery-{uuid.uuid4().hex[:8]}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    log = open(tmp_path / "worker.log", "a+")  # noqa: SIM115 - closed below
    workers = []

    def start_worker():
        workers.append(start_celery_worker(queue, tmp_path, log))

    def progress(placement) -> float:
        placement.refresh_from_db()
        return placement.rows_done / ROWS if placement.rows_total else 0.0

    def kill_worker_once_past(placement, share: float) -> None:
        wait_for(
            lambda: progress(placement) >= share,
            timeout=120,
            interval=0.02,
            message=f"the import never reached {share:.0%}",
        )
        workers[-1].send_signal(signal.SIGKILL)
        workers[-1].wait(timeout=30)

    def sweep_until_queued(placement) -> None:
        _forget_requeues(placement.pk)
        # The killed worker's database sessions (and its run lock) end when PostgreSQL
        # sees the sockets close: the sweep finds the run dead then.
        wait_for(
            lambda: placement.pk in resume_stalled_jobs().get(PLACEMENT_JOB, []),
            timeout=30,
            interval=0.5,
            message="the sweeper never found the dead run",
        )

    try:
        path = tmp_path / "big.csv"
        write_placement_file(path, ROWS, seed=9, changed=False)
        start_worker()
        with open(path, "rb") as handle:
            placement, _ = placement_receive(bank=bank_a, uploaded_file=File(handle, "big.csv"))

        killed_at = 0.0
        for kills, share in enumerate((0.2, 0.6, 0.9)):
            if kills:  # a new worker, and the sweeper notices the dead run
                start_worker()
                sweep_until_queued(placement)
            kill_worker_once_past(placement, max(share, killed_at + 0.05))
            killed_at = progress(placement)
            assert placement.status == Placement.Status.PROCESSING, (
                f"the import finished before the worker was killed at {share:.0%}"
            )

        start_worker()
        sweep_until_queued(placement)

        def finished():
            placement.refresh_from_db()
            return placement.status in {Placement.Status.COMPLETED, Placement.Status.FAILED}

        wait_for(finished, timeout=180, message="the resumed import never finished")
    finally:
        app.conf.task_default_queue = previous_queue
        for process in workers:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)
        log.close()

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert (placement.rows_total, placement.rows_done) == (ROWS, ROWS)
    # The generated file has a few rows the validation rejects (as a bank's would).
    errors = list(placement.row_errors.values_list("row_number", "column", "message", "severity"))
    assert len(set(errors)) == len(errors), "a row error was recorded twice"
    rejected_rows = {number for number, _c, _m, severity in errors if severity == "error"}
    assert placement.rows_rejected == len(rejected_rows) < 10
    assert placement.rows_updated == 0
    assert placement.rows_created + placement.rows_rejected == ROWS
    assert Case.objects.filter(bank=bank_a).count() == placement.rows_created
    # Every case written exactly once: one '+' history row each, nothing written twice.
    assert Counter(Case.history.values_list("history_type", flat=True)) == {
        "+": placement.rows_created
    }
