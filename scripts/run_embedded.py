"""`make run`: the whole system on the embedded default (SQLite + file-system broker).

Migrates, seeds the demo, then runs web, Celery worker and Celery beat as child
processes until Ctrl-C. Needs nothing but Python and the project's packages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def embedded_env() -> dict[str, str]:
    env = dict(os.environ)
    # The embedded default is what `make run` promises, whatever the shell has.
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.setdefault("DJANGO_ENV", "development")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wait_until_serving(url: str, children, timeout: float = 120) -> bool:
    """True once the web process answers (the banner then comes after the start-up lines)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local URL)
                return True
        except urllib.error.HTTPError:
            return True  # it answers, even if a check is not green yet
        except OSError:
            time.sleep(0.5)
    return False


def main() -> int:
    env = embedded_env()
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    print("Preparing the database and the demo data (first run: about a minute)…", flush=True)
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("seed_demo", env=env)
    celery = [PYTHON, "-m", "celery", "-A", "collections_office"]
    (ROOT / "var").mkdir(exist_ok=True)
    children = [
        subprocess.Popen(
            [*celery, "worker", "--loglevel=INFO", "--pool=threads", "--concurrency=2"],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            # The schedule file lives in VAR_DIR (CELERY_BEAT_SCHEDULE_FILENAME).
            [*celery, "beat", "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"], cwd=ROOT, env=env
        ),
    ]
    import django

    django.setup()
    from staff.demo import DEMO_PASSWORD, PEOPLE  # needs the app registry

    logins = "".join(f"    {person[0]:16} {', '.join(person[-1])}\n" for person in PEOPLE)

    ready = _wait_until_serving(f"http://{HOST}:{PORT}/healthz", children)
    banner = [
        f"Ready at http://{HOST}:{PORT}/" if ready else f"Starting at http://{HOST}:{PORT}/",
        f"Demo logins (password for all: {DEMO_PASSWORD}):",
        "    admin (superuser)",
        *logins.rstrip("\n").split("\n"),
        "Another port: PORT=8080 make run.  Ctrl-C stops web, worker and beat.",
    ]
    width = max(len(line) for line in banner) + 4
    print("\n" + "=" * width, *(f"  {line}" for line in banner), "=" * width, sep="\n", flush=True)

    def stop(*_args):
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while True:
        for child in children:
            if child.poll() is not None:
                print(f"a process stopped (exit {child.returncode}); stopping the rest", flush=True)
                stop()
        time.sleep(1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collections_office.settings")
    sys.exit(main())
