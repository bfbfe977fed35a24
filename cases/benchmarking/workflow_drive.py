"""bench_workflow, phase 2: gunicorn on loopback, one process per client, p50/p95/p99 per
page beside a floor measured in the same run (see the command's docstring)."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import CommandError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from .workflow_data import PASSWORD, PREFIX

ROOT = Path(__file__).resolve().parents[2]
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(M)s %(p)s"
PAGES = ("queue", "case page", "log a call", "unassigned list", "floor: signed-in redirect")


def gunicorn_command(port: int, *, workers: int, threads: int) -> list[str]:
    """The gunicorn the benchmarks drive: this project's WSGI application on loopback,
    `workers` processes (sync, or gthread with `threads`), warnings only."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "collections_office.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *_worker_class_arguments(threads),
        "--log-level",
        "warning",
    ]


def stop_gunicorn(process: subprocess.Popen) -> None:
    """TERM, a graceful 20 s, then KILL."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _worker_class_arguments(threads: int) -> list[str]:
    """Sync workers (as the Dockerfile runs them) unless threads per worker are asked.

    A sync worker takes a connection only when it is free and closes it after the
    answer, so each request goes to the next free worker (one queue for all of them, as
    behind a proxy). Threaded workers (gthread) keep a client's connection alive and
    answer every later request of that client themselves: the 20 clients' connections,
    opened at once, were all accepted by one or two workers (seen with `ss`: 10 of 10
    on one process) whose two threads then queued the pages while the other workers
    and a core stood idle."""
    if threads <= 1:
        return ["--worker-class", "sync"]
    return ["--worker-class", "gthread", "--threads", str(threads)]


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    ordered = sorted(values)

    def at(share: float) -> float:
        index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
        return ordered[index]

    return at(0.50), at(0.95), at(0.99)


class WorkflowDrive:
    """Drives the pages; `stdout` is the command's output."""

    def __init__(self, stdout):
        self.stdout = stdout

    def drive(self, options) -> None:
        port = options["port"] or _free_port()
        env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        # The access log gives each request's time inside the worker (%(M)s, from the
        # worker reading it to the response written): the client's time minus that is
        # waiting for a worker (the listen queue, or a thread of a busy worker).
        handle, access_log_name = tempfile.mkstemp(prefix="bench_workflow_access_", suffix=".log")
        os.close(handle)
        gunicorn = subprocess.Popen(
            [
                *gunicorn_command(port, workers=options["workers"], threads=options["threads"]),
                # 20 sign-ins at once (slow password hashes on purpose) on a busy box can
                # outlast the default 30 s; a killed worker would fail a client's sign-in.
                "--timeout",
                "120",
                "--access-logfile",
                access_log_name,
                "--access-logformat",
                ACCESS_FORMAT,
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            _wait_for_port(port)
            self._run_clients(port, options, access_log_name)
        finally:
            stop_gunicorn(gunicorn)
            Path(access_log_name).unlink(missing_ok=True)

    def _run_clients(self, port: int, options, access_log: str) -> None:
        clients, seconds = options["clients"], options["seconds"]
        collectors = list(
            User.objects.filter(username__startswith=f"{PREFIX}-collector-")
            .order_by("username")
            .values_list("username", flat=True)
        )
        supervisors = list(
            User.objects.filter(username__startswith=f"{PREFIX}-supervisor-").values_list(
                "username", flat=True
            )
        )
        if not collectors or not supervisors:
            raise CommandError("no bench users: run without --skip-load first")
        # The floor: a signed-in user asking for the login page is sent on (302) by
        # Django's middleware and session alone — HTTP + WSGI + session, no page work.
        floor_path = reverse("login")
        samples: dict[str, list[float]] = defaultdict(list)
        errors: dict[str, int] = defaultdict(int)
        lock = threading.Lock()
        # The clock starts once every client has signed in: 20 sign-ins at once (each a
        # deliberately slow password hash) are not the pages' load and must not fall into
        # the counted window. CLOCK_MONOTONIC is the same in every process on Linux.
        context = multiprocessing.get_context("fork")
        signed_in, start = context.Queue(), context.Event()
        window = context.Array("d", 2)  # counted from, deadline
        think = options["think_ms"] / 1000

        def record(name: str, elapsed: float, ok: bool) -> None:
            if time.monotonic() < window[0]:
                return  # warming up: each worker's first pages load catalogues and code
            with lock:
                if ok:
                    samples[name].append(elapsed * 1000)
                else:
                    errors[name] += 1

        def collector_loop(client: _Client, username: str) -> None:
            deadline = window[1]
            queue_url = reverse("cases:queue")
            rng = random.Random(username)
            while time.monotonic() < deadline:
                status, body, elapsed = client.get(queue_url)
                record("queue", elapsed, status == 200)
                case_ids = re.findall(r'href="/cases/(\d+)/[?"]', body)
                if not case_ids:
                    time.sleep(think)
                    continue
                case_id = int(rng.choice(case_ids[:20]))
                time.sleep(think)
                status, body, elapsed = client.get(reverse("cases:case_detail", args=[case_id]))
                record("case page", elapsed, status == 200)
                time.sleep(think)
                form = _call_form(body)
                if form is None:
                    record("log a call", 0, False)
                    continue
                action, fields = form
                status, _, elapsed = client.post(action, fields)
                # 302: logged (to the next case); 409 would be a compliance refusal.
                record("log a call", elapsed, status == 302)
                if status != 302:
                    with lock:
                        errors[f"log a call: HTTP {status}"] += 1
                time.sleep(think)
                status, _, elapsed = client.get(floor_path)
                record("floor: signed-in redirect", elapsed, status == 302)
                time.sleep(think)

        def supervisor_loop(client: _Client, username: str) -> None:
            deadline = window[1]
            url = reverse("cases:assignment")
            while time.monotonic() < deadline:
                status, _, elapsed = client.get(url)
                record("unassigned list", elapsed, status == 200)
                time.sleep(think)
                status, _, elapsed = client.get(floor_path)
                record("floor: signed-in redirect", elapsed, status == 302)
                time.sleep(think)

        supervisor_clients = max(1, clients // 10)
        # One process per client: 20 threads of one Python process would queue on its GIL
        # while reading and parsing pages, and the wait would be counted as server time.
        results = context.Queue()

        def run_in_child(target, who: str) -> None:
            try:
                client = _Client(port)
                try:
                    client.login(who, PASSWORD)
                finally:
                    signed_in.put(who)
                start.wait()
                time.sleep(random.uniform(0, 2 * think))  # not all in the same millisecond
                target(client, who)  # fills this process's own copy of `samples` and `errors`
            except Exception as exc:  # reported with the figures: never a hung parent
                errors[f"client {who}: {type(exc).__name__}: {exc}"] += 1
            finally:
                results.put((dict(samples), dict(errors)))

        processes = []
        for index in range(clients):
            if index < supervisor_clients:
                target, who = supervisor_loop, supervisors[index % len(supervisors)]
            else:
                target, who = collector_loop, collectors[index % len(collectors)]
            processes.append(context.Process(target=run_in_child, args=(target, who)))
        connections.close_all()  # the children never touch the database
        load_before = os.getloadavg()[0]
        cpu_before = _cpu_times()
        for process in processes:
            process.start()
        for _ in processes:
            signed_in.get(timeout=300)
        counted_from = time.monotonic() + options["warmup_seconds"]
        deadline = counted_from + seconds
        window[0], window[1] = counted_from, deadline
        start.set()
        # The access log's lines of the counted window (it is written in request order).
        time.sleep(max(0.0, counted_from - time.monotonic()))
        log_from = Path(access_log).stat().st_size
        cpu_counted = _cpu_times()
        time.sleep(max(0.0, deadline - time.monotonic()))
        log_to = Path(access_log).stat().st_size
        cpu_after = _cpu_times()
        for _ in processes:
            child_samples, child_errors = results.get(timeout=seconds + 120)
            for name, values in child_samples.items():
                samples[name].extend(values)
            for name, count in child_errors.items():
                errors[name] += count
        for process in processes:
            process.join(30)
        self.stdout.write(
            f"\n{clients} clients ({supervisor_clients} supervisors), {seconds} s counted after "
            f"{options['warmup_seconds']} s warm-up, think "
            f"{options['think_ms']} ms, gunicorn {options['workers']}×{options['threads']}; "
            f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
        )
        in_worker, by_worker = _worker_times(access_log, log_from, log_to)
        idle = _idle_share(cpu_counted, cpu_after)
        self.stdout.write(
            f"CPUs idle during the counted window: {idle:.0%} (warm-up included: "
            f"{_idle_share(cpu_before, cpu_after):.0%}); requests answered by each worker: "
            + " / ".join(str(count) for count in sorted(by_worker.values(), reverse=True))
        )
        self.stdout.write(
            f"{'page':<26}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
            f"   in a worker: {'p50':>8}{'p95':>9}"
        )
        for name in PAGES:
            p50, p95, p99 = _percentiles(samples[name])
            w50, w95, _ = _percentiles(in_worker.get(name, []))
            self.stdout.write(
                f"{name:<26}{len(samples[name]):>9}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
                f"   {'':>12}{w50:>9.1f}{w95:>9.1f}"
                + (f"   errors: {errors[name]}" if errors[name] else "")
            )
        for name, count in sorted(errors.items()):
            if name.startswith(("log a call: ", "client ")):
                self.stdout.write(f"  {name}: {count}")
        floor = statistics.median(samples["floor: signed-in redirect"] or [float("nan")])
        self.stdout.write(f"(floor median {floor:.1f} ms: HTTP + WSGI + session, no page work)")
        self.stdout.write(
            "(in a worker: gunicorn's own time for the request; the rest of the client's time "
            "is waiting for a free worker, the network and the client's own process)"
        )


def _page_of(method: str, path: str) -> str | None:
    if method == "POST":
        return None if path == reverse("login") else "log a call"
    if path == reverse("cases:queue"):
        return "queue"
    if path == reverse("cases:assignment"):
        return "unassigned list"
    if path == reverse("login"):
        return "floor: signed-in redirect"
    if re.fullmatch(r"/cases/\d+/", path):
        return "case page"
    return None


def _worker_times(access_log: str, start: int, end: int):
    """Milliseconds each counted request spent inside a worker, by page (gunicorn's %(M)s),
    and how many requests each worker process answered (%(p)s)."""
    times: dict[str, list[float]] = defaultdict(list)
    by_worker: dict[str, int] = defaultdict(int)
    with open(access_log, "rb") as log:
        log.seek(start)
        for line in log.read(end - start).decode("utf-8", "replace").splitlines():
            parts = line.split()
            if len(parts) != 5:
                continue
            by_worker[parts[4]] += 1
            page = _page_of(parts[0], parts[1])
            if page:
                times[page].append(float(parts[3]))
    return times, by_worker


def _cpu_times() -> list[int]:
    """The machine's CPU time counters (user … steal) from /proc/stat, or [] elsewhere."""
    try:
        with open("/proc/stat") as stat:
            return [int(value) for value in stat.readline().split()[1:9]]
    except OSError:
        return []


def _idle_share(before: list[int], after: list[int]) -> float:
    if not before or not after:
        return float("nan")
    deltas = [b - a for a, b in zip(before, after, strict=True)]
    return (deltas[3] + deltas[4]) / max(1, sum(deltas))  # idle + iowait


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise CommandError("gunicorn did not start")


def _call_form(body: str) -> tuple[str, dict] | None:
    """The case page's log-a-call form: its action and the fields a quick answered call needs."""
    match = re.search(r'<form[^>]*id="call-form"[^>]*action="([^"]+)"', body) or re.search(
        r'<form[^>]*action="([^"]+)"[^>]*id="call-form"', body
    )
    if not match:
        return None
    action = match.group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    point = re.search(r'<select[^>]*name="contact_point"[^>]*>.*?<option value="(\d+)"', body, re.S)
    outcome = re.search(r'<option value="(\d+)"[^>]*>\s*Contacted', body)
    if not (token and point and outcome):
        return None
    now = timezone.localtime()
    return action, {
        "csrfmiddlewaretoken": token.group(1),
        "contact_point": point.group(1),
        "party": "debtor",
        "started_at": now.strftime("%Y-%m-%dT%H:%M"),
        "duration_seconds": "45",
        "outcome": outcome.group(1),
        "notes": "bench",
        "telephony_recording_id": f"PBX-{random.randrange(10**9)}",
        "action": "complete",
    }


class _Client:
    """One keep-alive HTTP connection with a cookie jar: enough for a logged-in user."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def _request(self, method: str, path: str, body: str | None = None, headers=None):
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers["Host"] = "127.0.0.1"
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self.connection.sock is not None
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                # A kept-alive connection the server closed meanwhile: try once more on a
                # new one, as a browser does (the time of both attempts is counted).
                if attempt == 2 or not reused:
                    return 0, "", time.perf_counter() - started
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def get(self, path: str):
        return self._request("GET", path)

    def post(self, path: str, fields: dict):
        body = urllib.parse.urlencode(fields)
        return self._request(
            "POST",
            path,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            },
        )

    def login(self, username: str, password: str) -> None:
        path = reverse("login")
        _, body, _ = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not token:
            raise CommandError("the login page has no CSRF token")
        status, _, _ = self.post(
            path,
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
        )
        if status != 302:
            raise CommandError(f"login of {username} failed (HTTP {status})")
