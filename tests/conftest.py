"""Fixtures shared by the whole suite: people, a real Celery worker, a real browser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD, BranchFactory, hq_branch, make_staff

ROOT = Path(__file__).resolve().parent.parent
# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run "inside" it unless told the test code is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _store_files_under(settings, root) -> None:
    """Uploaded files and their backup copies go to `root`/media and `root`/backup."""
    settings.MEDIA_ROOT = root / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "media")},
        },
        "backup": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "backup")},
        },
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own directory, not var/."""
    _store_files_under(settings, tmp_path)


@pytest.fixture(autouse=True)
def _default_language_in_each_test():
    """A page requested in Chinese leaves Chinese active in the thread (LocaleMiddleware
    activates, nothing deactivates); each test starts in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def media_shared_with_worker(celery_worker_process, settings):
    """The test process (web) stores files where the worker reads them."""
    _store_files_under(settings, celery_worker_process.media_root)


@pytest.fixture
def hq(db):
    return hq_branch()


@pytest.fixture
def branch_a(db):
    return BranchFactory(code="BRA", name="Branch A")


@pytest.fixture
def branch_b(db):
    return BranchFactory(code="BRB", name="Branch B")


@pytest.fixture
def staff_user(db):
    """make_staff(role, ..., branch=...) → a user with a profile and roles."""
    return make_staff


@pytest.fixture
def password():
    return TEST_PASSWORD


# --- make mutate ----------------------------------------------------------------------
# mutmut runs a pytest session per mutant, side by side (docs/quality.md). Each session
# takes the first free slot's test database, so one mutant's committed rows never meet
# another's tests. Slot 0 is migrated once, by the first session (mutmut's own runs of
# the tests, before any mutant). Another slot is made a copy of slot 0 by PostgreSQL
# (CREATE DATABASE … TEMPLATE), never migrated in a mutant's process: mutmut stops a
# mutant's process after (its tests' time + timeout_constant) × 15 s, and a migration
# there never finished — every mutant in that slot was counted a "timeout" (fourth run).

if "MUTANT_UNDER_TEST" in os.environ:
    _mutation_slot: dict = {}

    def _slot_lock(slot: int):
        import tempfile

        name = _mutation_slot["database"]
        return open(Path(tempfile.gettempdir()) / f"{name}-mutate-slot{slot}.lock", "w")

    def _slot_ready(slot: int) -> Path:
        # mutants/ is made anew by every `make mutate`, so each run prepares its slots anew.
        return Path.cwd() / f".test-database-slot{slot}-migrated"

    @pytest.fixture(scope="session")
    def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
        import fcntl

        from django.conf import settings as django_settings
        from pytest_django.fixtures import _set_suffix_to_test_databases

        _mutation_slot["database"] = django_settings.DATABASES["default"]["NAME"]
        for slot in range(64):
            lock = _slot_lock(slot)  # held until this process ends
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                continue
            _mutation_slot.update(slot=slot, lock=lock)
            _set_suffix_to_test_databases(suffix=f"slot{slot}")
            return
        pytest.fail("no free test database slot for this mutant")

    def _copy_of_slot0(slot: int) -> bool:
        """Makes this slot's database a copy of slot 0's; False if that cannot be done."""
        import fcntl

        from django.db import DatabaseError, connection

        if slot == 0 or connection.vendor != "postgresql" or not _slot_ready(0).exists():
            return False
        name = connection.creation._get_test_db_name()
        template = name.removesuffix(f"_slot{slot}") + "_slot0"
        quote = connection.ops.quote_name
        with _slot_lock(0) as lock:
            # Slot 0's session (another mutant's) ends first: a template has no sessions.
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                with connection._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
                    cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
            except DatabaseError:  # slot 0 in use outside the slots' locks: migrate instead
                return False
        return True

    # Each test's whole time (setup, call, teardown) in mutmut's clean run of the tests,
    # which comes before any mutant: a mutant's session runs its tests fastest first (as
    # mutmut's plain fork runner does, and its fork server does not), so the usual first
    # failure comes before the slow ones. mutmut's own figures count only the call, and
    # the scoping tests' worlds take ~0.45 s to set up for a call of 0.01 s.
    _DURATIONS = Path(".test-durations.json")  # in mutants/, made anew by each `make mutate`
    _test_durations: dict[str, float] = {}

    def _in_clean_run() -> bool:
        return os.environ.get("MUTANT_UNDER_TEST") == ""

    def _mutant() -> str:
        name = os.environ.get("MUTANT_UNDER_TEST", "")
        return name if "__mutmut_" in name else ""

    # What each mutant's session cost, one JSON line each, to see where a run's time goes:
    # the tests it ran, the first that failed, its seconds from start to finish.
    _SESSIONS = Path(".mutant-sessions.jsonl")
    _this_session: dict = {"tests": 0, "failed": None}

    def pytest_sessionstart(session):
        _this_session["started"] = time.monotonic()

    def pytest_runtest_logreport(report):
        if _in_clean_run():
            spent = _test_durations.get(report.nodeid, 0.0)
            _test_durations[report.nodeid] = spent + report.duration
        elif _mutant():
            if report.when == "setup":
                _this_session["tests"] += 1
            if report.failed and _this_session["failed"] is None:
                _this_session["failed"] = report.nodeid

    def _killers_of_siblings(mutant: str) -> dict[str, int]:
        """The tests that failed first on the mutants of the same function judged so far in
        this run (mutmut runs a function's mutants one after another), and how often."""
        import json

        function = mutant.rsplit("__mutmut_", 1)[0] + "__mutmut_"
        killers: dict[str, int] = {}
        if _SESSIONS.exists():
            for line in _SESSIONS.read_text().splitlines():
                if function not in line:  # most lines: no need to parse them
                    continue
                session = json.loads(line)
                if session["failed"] and session["mutant"].startswith(function):
                    killers[session["failed"]] = killers.get(session["failed"], 0) + 1
        return killers

    def _flushes_the_database(item) -> bool:
        from pytest_django.fixtures import validate_django_db

        marker = item.get_closest_marker("django_db")
        if marker is not None and any(validate_django_db(marker)[:2]):  # transaction, sequences
            return True
        return bool({"transactional_db", "live_server"} & set(item.fixturenames))

    @pytest.hookimpl(trylast=True)  # after pytest-django's sort, which puts tests without a
    def pytest_collection_modifyitems(items):  # database last: a unit test is often the killer
        # The tests that caught this function's other mutants first, then fastest first;
        # tests that flush the database stay last, as pytest-django has them.
        if mutant := _mutant():
            killers = _killers_of_siblings(mutant)
            items.sort(
                key=lambda item: (
                    _flushes_the_database(item),
                    -killers.get(item.nodeid, 0),
                    _test_durations.get(item.nodeid, 0.0),
                )
            )

    def pytest_sessionfinish(session, exitstatus):
        import json

        if _in_clean_run() and _test_durations:
            _DURATIONS.write_text(json.dumps(_test_durations))
        if _mutant() and "started" in _this_session:
            seconds = round(time.monotonic() - _this_session["started"], 3)
            line = {"mutant": _mutant(), "exit": int(exitstatus), "seconds": seconds}
            line.update(tests=_this_session["tests"], failed=_this_session["failed"])
            with _SESSIONS.open("a") as sessions:
                sessions.write(json.dumps(line) + "\n")
        # mutmut's fork server warms up with a --collect-only session, then forks a pytest
        # session per mutant from it. What such a session would otherwise load on its own
        # is loaded here once: the URLconf with every view module, each language's
        # translations, every template compiled. Then the heap is frozen: each forked
        # session ends with two gc.collect() that would walk the whole inherited heap.
        # Measured on a one-test mutant: 0.39 s → 0.21 s a session (docs/quality.md).
        if session.config.option.collectonly:
            if _DURATIONS.exists():
                _test_durations.update(json.loads(_DURATIONS.read_text()))
            _warm_up_for_forked_sessions()

    def _warm_up_for_forked_sessions() -> None:
        import gc

        from django.conf import settings as django_settings
        from django.template import engines
        from django.urls import get_resolver
        from django.utils import translation

        for code, _name in django_settings.LANGUAGES:
            with translation.override(code):
                get_resolver()._populate()
        for backend in engines.all():
            for directory in backend.template_dirs:
                for path in Path(directory).rglob("*"):
                    if path.suffix not in {".html", ".txt"}:
                        continue
                    backend.get_template(str(path.relative_to(directory)))
        gc.collect()
        gc.freeze()

    @pytest.fixture(scope="session")
    def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
        from django.conf import settings as django_settings
        from django.db import connections
        from django.test.utils import setup_databases

        slot = _mutation_slot["slot"]
        ready = _slot_ready(slot)
        with django_db_blocker.unblock():
            if not ready.exists():
                if not _copy_of_slot0(slot):
                    setup_databases(verbosity=0, interactive=False, keepdb=True)
                    ready.touch()
                    return
                ready.touch()
            for alias in connections:
                connection = connections[alias]
                test_name = connection.creation._get_test_db_name()
                connection.close()
                django_settings.DATABASES[alias]["NAME"] = test_name
                connection.settings_dict["NAME"] = test_name


# --- A real Celery worker -----------------------------------------------------------


def _database_url_for(settings_dict) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def start_celery_worker(queue: str, media, log):
    """Starts `celery worker` on `queue` against the test database; returns its process
    once it answers a ping. `media`: where it reads and stores files; `log`: an open file."""
    from django.db import connection

    from collections_office.celery import app

    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for(connection.settings_dict),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_ENV": "test",
        "MEDIA_ROOT": str(media / "media"),
        "BACKUP_MEDIA_ROOT": str(media / "backup"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "collections_office",
            "worker",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--pool=threads",
            "--concurrency=2",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"celery worker exited early:\n{log.read()[-4000:]}")
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1):
            return process
    process.terminate()
    pytest.fail("celery worker did not answer a ping within 60 s")


@pytest.fixture(scope="session")
def celery_worker_session(django_db_setup, django_db_blocker, tmp_path_factory):
    """Starts `celery worker` once per session, as a separate process on Redis against
    the test database, consuming a queue of this session only (parallel runs never
    steal each other's tasks). Tests use `celery_worker_process`, not this."""
    from django.conf import settings as django_settings

    if not django_settings.REDIS_URL:
        pytest.fail("the worker tests need REDIS_URL (make test sets it)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    media = tmp_path_factory.mktemp("worker-media")
    # Append mode: the worker and this process share the file offset, and a reader
    # seeking to 0 must not make the worker overwrite earlier lines.
    log = open(tmp_path_factory.mktemp("worker-log") / "worker.log", "a+")  # noqa: SIM115
    process = start_celery_worker(queue, media, log)
    handle = type("WorkerHandle", (), {})()
    handle.queue, handle.process, handle.media_root, handle.log = queue, process, media, log
    yield handle
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def celery_worker_process(celery_worker_session):
    """The session's worker; tasks this test sends go to it, and only this test's.

    Tests that use it need `@pytest.mark.django_db(transaction=True)` so that the
    worker sees their rows. Other tests send to the default queue, which no test
    worker reads: otherwise, once a worker test had started the worker, a later
    transactional test's `placement_receive` (on_commit runs at once in autocommit)
    queued a real import that the worker ran against the same placement as the
    test's own `placement_import`, racing it (see tests/cases/intake/test_streams.py).
    """
    from collections_office.celery import app

    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = celery_worker_session.queue
    yield celery_worker_session
    app.conf.task_default_queue = previous_queue


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, message: str = ""):
    """Polls `predicate` until it returns a truthy value; fails the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(message or f"condition not met within {timeout} s")


# --- A real browser ------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("browser tests need Debian's chromium: apt-get install -y chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    browser_page = context.new_page()
    yield browser_page
    context.close()


def click_nav(page, link_id: str) -> None:
    """Follow a link of the top navigation the way a person does: open the bar on a phone
    (the collapsed menu), open the link's menu, click the link."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not page.locator("#main-nav").is_visible():
        toggler.click()
    page.locator(f"li.dropdown:has(#{link_id}) > .dropdown-toggle").click()
    page.click(f"#{link_id}")


def browser_login(page, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
