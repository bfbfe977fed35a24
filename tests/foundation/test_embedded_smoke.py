"""Smoke test: the embedded default starts the way `make run` starts it, and stops cleanly.

`make run` is `python scripts/run_embedded.py`: migrate a SQLite file, seed the
demo, then web + Celery worker + Celery beat as child processes, with no
DATABASE_URL and no REDIS_URL. Here it runs in a temporary VAR_DIR on a free port.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_in_session(session_id: int) -> list[int]:
    """Live (not zombie) processes of a session, read from /proc (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name: state ppid pgrp session ...
        fields = stat.rsplit(")", 1)[1].split()
        state, session = fields[0], int(fields[3])
        if session == session_id and state != "Z":
            found.append(int(entry.name))
    return found


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local URL
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find children")
def test_make_run_serves_healthz_on_the_embedded_default_and_stops_every_process(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"VAR_DIR": str(tmp_path / "var"), "PORT": str(port), "PYTHONUNBUFFERED": "1"})
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "scripts/run_embedded.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session: every descendant is found and cleaned up
        )
    session_id = process.pid
    try:
        deadline = time.monotonic() + 180
        status, body = None, {}
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"run_embedded.py exited early:\n{log_path.read_text()[-4000:]}")
            try:
                status, body = get_json(f"http://127.0.0.1:{port}/healthz")
            except (OSError, ValueError):
                status = None
            if status == 200:
                break
            time.sleep(1)
        assert status == 200, f"{status} {body}\n{log_path.read_text()[-4000:]}"
        assert body["checks"]["database"]["ok"]
        assert body["checks"]["cache"]["ok"]
        assert body["checks"]["broker"]["ok"]

        # The embedded default: a SQLite file and the broker's folders in VAR_DIR.
        assert (tmp_path / "var" / "db.sqlite3").exists()
        assert (tmp_path / "var" / "broker" / "queue").is_dir()
        output = wait_for(lambda: "Ready at" in log_path.read_text() and log_path.read_text())
        # The address and the logins come last, not buried among start-up lines.
        banner = output[output.index(f"Ready at http://127.0.0.1:{port}/") :]
        assert "sh.supervisor" in banner and "PORT=8080 make run" in banner
        assert "Applying " not in output
        assert "sh.supervisor" in output and "demo-password-2026" in output
        # web (runserver), worker and beat are running besides the script itself.
        assert len(processes_in_session(session_id)) >= 4

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0

        deadline = time.monotonic() + 20
        while processes_in_session(session_id) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert processes_in_session(session_id) == [], log_path.read_text()[-4000:]
    finally:
        if process.poll() is None or processes_in_session(session_id):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(session_id, signal.SIGKILL)
            process.wait(timeout=10)
