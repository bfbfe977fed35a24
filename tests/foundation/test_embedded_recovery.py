"""On the embedded default (SQLite, file-system broker) a killed worker's import resumes
too: the run lock is a file lock the kernel releases, and the sweeper re-queues the
placement (the file-system broker has no unacknowledged set: without the sweeper the
message is simply gone)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 3_000  # SQLite writes through the ORM, 500 rows a batch: six batches

pytestmark = pytest.mark.slow

RECEIVE = f"""
import django; django.setup()
from pathlib import Path
from django.core.files import File
from cases.management.commands.bench_intake import write_placement_file
from cases.services.placements import placement_receive
from tests.cases.conftest import AgreementFactory
agreement = AgreementFactory()
path = Path({{path!r}})
write_placement_file(path, {ROWS}, seed=5, changed=False)
with open(path, "rb") as handle:
    placement, _ = placement_receive(bank=agreement.bank, uploaded_file=File(handle, "big.csv"))
print(placement.pk)
"""

SWEEP = """
import django; django.setup()
from collections_office.tasks import resume_stalled_jobs
print(resume_stalled_jobs().get("placement-import", []))
"""


def _placement(database: Path, pk: int) -> tuple[str, int, int, int, int]:
    with contextlib.closing(sqlite3.connect(database, timeout=20)) as connection:
        return connection.execute(
            "SELECT status, rows_done, rows_total, rows_created, rows_rejected"
            " FROM cases_placement WHERE id = ?",
            [pk],
        ).fetchone()


def _wait(predicate, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(message)


def test_a_killed_embedded_worker_s_import_is_resumed_by_the_sweeper(tmp_path):
    var = tmp_path / "var"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"VAR_DIR": str(var), "DJANGO_ENV": "development", "PYTHONUNBUFFERED": "1"})
    log = (tmp_path / "worker.log").open("a")

    def run(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr[-4000:]
        return result.stdout

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "collections_office", "worker",
             "--pool=threads", "--concurrency=2", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    workers = []
    try:
        run("manage.py", "migrate", "--noinput")
        database = var / "db.sqlite3"
        pk = int(run("-c", RECEIVE.format(path=str(tmp_path / "big.csv"))).split()[-1])

        workers.append(start_worker())
        _wait(
            lambda: _placement(database, pk)[1] >= ROWS // 5,
            timeout=600,
            message="the import never reached 20%",
        )
        workers[-1].send_signal(signal.SIGKILL)
        workers[-1].wait(timeout=30)
        status, done, *_ = _placement(database, pk)
        assert status == "processing" and done < ROWS, "the import finished before the kill"

        workers.append(start_worker())
        assert run("-c", SWEEP).strip() == f"[{pk}]"
        _wait(
            lambda: _placement(database, pk)[0] in {"completed", "failed"},
            timeout=600,
            message="the resumed import never finished",
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=15)
        log.close()

    status, done, total, created, rejected = _placement(database, pk)
    assert (status, done, total) == ("completed", ROWS, ROWS)
    assert created + rejected == ROWS
    with contextlib.closing(sqlite3.connect(database)) as connection:
        [(cases,)] = connection.execute(
            "SELECT count(*) FROM cases_case WHERE last_placement_id = ?", [pk]
        ).fetchall()
        [(history,)] = connection.execute(
            "SELECT count(*) FROM cases_historicalcase WHERE history_type = '+'"
            " AND last_placement_id = ?",
            [pk],
        ).fetchall()
    assert cases == created
    assert history == created  # every case written once
