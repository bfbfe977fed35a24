"""Benchmark of the collection workflow pages: `python manage.py bench_workflow`.

Two phases (both by default; `--skip-load` reuses a loaded database):

1. **Load** (DESIGN §9 volumes): 1,000,000 cases, 200 phone collectors and 5,000,000
   call logs, on PostgreSQL, generated inside the server with `INSERT … SELECT
   generate_series(…)` (no rows travel through Python). Personal data is real
   ciphertext (one encrypted ID number and one phone, reused) with distinct keyed
   hashes. A share of the cases is left unassigned for the supervisor's list, some
   have callbacks due, some were never touched. Call logs are spread over the last
   four weeks, on the case's debtor's phone, by the case's collector.
2. **Drive**: starts gunicorn on loopback and runs `--clients` concurrent clients
   (closed loop, `--think-ms` pause between requests) for `--seconds`: 90% are
   collectors (queue → case page → log a call → queue …), 10% supervisors (the
   unassigned list). Prints p50/p95/p99 per page beside a floor: a signed-in
   request Django answers with a redirect, in the same run (HTTP + WSGI + session).

Use a database of its own, e.g.
    createdb collections_bench_workflow
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/collections_bench_workflow \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=… .venv/bin/python manage.py bench_workflow
Results are recorded in docs/benchmarks.md.
"""

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
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    Agreement,
    Bank,
    CallOutcome,
    ComplianceChannelRules,
    ComplianceRuleSet,
    Placement,
)
from collections_office.personal_data import encrypt
from staff import roles
from staff.models import Branch, Department, StaffProfile

PASSWORD = "bench-password-for-everyone-42"  # noqa: S105 (a throwaway bench database)
PREFIX = "bench"
ROOT = Path(__file__).resolve().parents[3]


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (float("nan"),) * 3
    ordered = sorted(values)

    def at(share: float) -> float:
        index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
        return ordered[index]

    return at(0.50), at(0.95), at(0.99)


class Command(BaseCommand):
    help = "Loads 1M cases / 5M calls and measures the workflow pages under concurrent load."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--collectors", type=int, default=200)
        parser.add_argument("--calls", type=int, default=5_000_000)
        parser.add_argument("--unassigned-share", type=float, default=0.02)
        parser.add_argument("--clients", type=int, default=20)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--think-ms", type=int, default=1000)
        parser.add_argument(
            "--warmup-seconds",
            type=int,
            default=10,
            help="requests in the first seconds are not counted (each worker's first pages)",
        )
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
        parser.add_argument("--threads", type=int, default=2, help="threads per worker")
        parser.add_argument("--port", type=int, default=0)
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--skip-drive", action="store_true")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_workflow needs PostgreSQL (DATABASE_URL).")
        if not options["skip_load"]:
            self.load(options)
        if not options["skip_drive"]:
            self.drive(options)

    # --- Load -------------------------------------------------------------------------

    def load(self, options) -> None:
        cases, collectors, calls = options["cases"], options["collectors"], options["calls"]
        started = time.monotonic()
        self.stdout.write(f"loading {cases:,} cases, {collectors:,} collectors, {calls:,} calls")
        with transaction.atomic():
            setup = self._people_and_bank(collectors)
        self._open_window_all_day()
        timings = {}
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            timings["debtors + phones"] = self._timed(self._debtors, cursor, cases)
            timings["cases"] = self._timed(
                self._cases, cursor, cases, setup, options["unassigned_share"]
            )
            timings["call logs"] = self._timed(self._calls, cursor, calls, setup)
            timings["analyze"] = self._timed(cursor.execute, "ANALYZE")
        for step, seconds in timings.items():
            self.stdout.write(f"  {step:<18} {seconds:8.1f} s")
        self.stdout.write(f"loaded in {time.monotonic() - started:.0f} s")

    @staticmethod
    def _timed(function, *args) -> float:
        started = time.monotonic()
        function(*args)
        return time.monotonic() - started

    def _people_and_bank(self, collectors: int) -> dict:
        branch, _ = Branch.objects.get_or_create(code="BENCH", defaults={"name": "Bench branch"})
        if not Branch.objects.filter(is_hq=True).exists():
            Branch.objects.create(code="HQ", name="Headquarters", is_hq=True)
        department, _ = Department.objects.get_or_create(branch=branch, name="Collections")
        bank, _ = Bank.objects.get_or_create(
            code=f"{PREFIX}bank",
            defaults={
                "name": "Bench Bank",
                "routine_contact_name": "Ops",
                "routine_contact_email": "ops@bench.example.com",
                "routine_contact_phone": "+862100000000",
                "file_transfer_channel": "API",
                "emergency_contact_name": "Duty",
                "emergency_contact_phone": "+8613800000000",
            },
        )
        agreement, _ = Agreement.objects.get_or_create(
            bank=bank,
            number="BENCH-1",
            defaults={
                "signed_on": timezone.localdate(),
                "effective_from": timezone.localdate(),
                "flat_rate": "0.1000",
                "branch": branch,
            },
        )
        placement = Placement.objects.filter(bank=bank).first() or Placement.objects.create(
            bank=bank,
            agreement=agreement,
            status=Placement.Status.COMPLETED,
            original_file="placements/bench.csv",
            original_name="bench.csv",
            size_bytes=1,
            sha256="0" * 64,
        )
        password = make_password(PASSWORD)
        collector_group = Group.objects.get(name=roles.PHONE_COLLECTOR)
        supervisor_group = Group.objects.get(name=roles.SUPERVISOR)
        people = []
        for index in range(collectors):
            people.append((f"{PREFIX}-collector-{index:03d}", collector_group))
        people += [(f"{PREFIX}-supervisor-{index}", supervisor_group) for index in range(2)]
        existing = set(
            User.objects.filter(username__startswith=f"{PREFIX}-").values_list(
                "username", flat=True
            )
        )
        for username, group in people:
            if username in existing:
                continue
            user = User.objects.create(username=username, password=password)
            user.groups.add(group)
            StaffProfile.objects.create(
                user=user,
                employee_number=username[-12:],
                branch=branch,
                department=department,
                hire_date=timezone.localdate(),
            )
        collector_ids = list(
            User.objects.filter(username__startswith=f"{PREFIX}-collector-")
            .order_by("username")
            .values_list("pk", flat=True)[:collectors]
        )
        return {
            "branch": branch.pk,
            "bank": bank.pk,
            "agreement": agreement.pk,
            "placement": placement.pk,
            "collectors": collector_ids,
        }

    def _open_window_all_day(self) -> None:
        """The bench runs at any hour: the company's rules allow calls all day in this database."""
        rule_set = ComplianceRuleSet.objects.filter(is_company_default=True).first()
        if rule_set is None:
            raise CommandError("no company compliance rule set: run migrate first")
        import datetime as dt

        ComplianceChannelRules.objects.filter(rule_set=rule_set).update(
            window_start=dt.time(0, 0), window_end=dt.time(23, 59, 59)
        )

    def _debtors(self, cursor, count: int) -> None:
        id_token = encrypt("110101199003078515")
        phone_token = encrypt("+8613812345678")
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_debtor")
        (start,) = cursor.fetchone()
        run = random.randrange(1_000_000_000)
        cursor.execute(
            """
            INSERT INTO cases_debtor (name, id_number, id_number_hash, id_kind, created_at,
                                      time_zone)
            SELECT 'Debtor ' || g, %(id)s, md5(%(run)s || '-id-' || g), 'resident', now(), ''
            FROM generate_series(1, %(count)s) g
            """,
            {"id": id_token, "run": str(run), "count": count},
        )
        cursor.execute(
            """
            INSERT INTO cases_contactpoint (debtor_id, kind, value, value_hash, is_valid,
                source, created_at, relation, contact_name, invalid_reason)
            SELECT d.id, 'phone', %(phone)s, md5(%(run)s || '-phone-' || d.id), true,
                   'placement', now(), 'debtor', '', ''
            FROM cases_debtor d WHERE d.id > %(start)s ORDER BY d.id
            """,
            {"phone": phone_token, "run": str(run), "start": start},
        )
        self._debtor_start = start

    def _cases(self, cursor, count: int, setup: dict, unassigned_share: float) -> None:
        cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
        (self._case_start,) = cursor.fetchone()
        now = timezone.now()
        cursor.execute(
            """
            INSERT INTO cases_case (bank_id, agreement_id, branch_id, debtor_id, last_placement_id,
                account_no, status, principal, interest, fees, currency, overdue_since, product,
                card_no_masked, placed_at, updated_at, recalled_at, last_contact_at,
                assigned_to_id, assigned_at, first_action_at, last_call_at, next_callback_at,
                classification)
            SELECT %(bank)s, %(agreement)s, %(branch)s, d.id, %(placement)s,
                'BENCH' || lpad(d.rn::text, 9, '0'),
                CASE WHEN d.rn %% 1000 < %(unassigned)s THEN 'new'
                     WHEN d.rn %% 10 = 0 THEN 'assigned' ELSE 'in_progress' END,
                round((500 + random() * 80000)::numeric, 2),
                round((random() * 5000)::numeric, 2),
                round((random() * 800)::numeric, 2),
                'CNY', current_date - (d.rn %% 400)::int, '信用卡', '',
                %(now)s - interval '40 days', %(now)s, NULL,
                CASE WHEN d.rn %% 10 = 0 OR d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - (d.rn %% 27)::int * interval '1 day' END,
                CASE WHEN d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE (%(collectors)s::bigint[])[1 + d.rn %% %(ncollectors)s] END,
                CASE WHEN d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - interval '30 days' END,
                CASE WHEN d.rn %% 10 = 0 OR d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - interval '29 days' END,
                CASE WHEN d.rn %% 10 = 0 OR d.rn %% 1000 < %(unassigned)s THEN NULL
                     ELSE %(now)s - (d.rn %% 27)::int * interval '1 day' END,
                CASE WHEN d.rn %% 37 = 0 THEN %(now)s - interval '1 hour' END,
                ''
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn
                  FROM cases_debtor WHERE id > %(start)s) d
            """,
            {
                **setup,
                "now": now,
                "start": self._debtor_start,
                "unassigned": round(unassigned_share * 1000),
                "ncollectors": len(setup["collectors"]),
            },
        )

    def _calls(self, cursor, count: int, setup: dict) -> None:
        outcomes = dict(CallOutcome.objects.values_list("code", "pk"))
        cursor.execute(
            "SELECT min(id), max(id) FROM cases_case WHERE id > %s AND assigned_to_id IS NOT NULL",
            [self._case_start],
        )
        low, high = cursor.fetchone()
        span = high - low + 1
        now = timezone.now()
        chunk = 1_000_000
        for first in range(1, count + 1, chunk):
            last = min(count, first + chunk - 1)
            cursor.execute(
                """
                INSERT INTO cases_calllog (case_id, collector_id, contact_point_id, party,
                    started_at, duration_seconds, outcome_id, notes, callback_at, recording,
                    recording_sha256, recording_size, recording_content_type,
                    telephony_recording_id, status, completed_at, created_at,
                    compliance_override_id)
                SELECT c.id, c.assigned_to_id, p.id,
                    CASE WHEN g %% 3 = 0 THEN 'debtor' ELSE 'nobody' END,
                    %(now)s - ((g %% 2419200) * interval '1 second'),
                    CASE WHEN g %% 3 = 0 THEN 30 + g %% 300 ELSE 0 END,
                    CASE WHEN g %% 3 = 0 THEN %(contacted)s ELSE %(no_answer)s END,
                    '', NULL, '', '', NULL, '', 'PBX-' || g, 'completed',
                    %(now)s - ((g %% 2419200) * interval '1 second'),
                    %(now)s - ((g %% 2419200) * interval '1 second'), NULL
                FROM generate_series(%(first)s, %(last)s) g
                JOIN cases_case c ON c.id = %(low)s + (g::bigint * 7919) %% %(span)s
                JOIN cases_contactpoint p ON p.debtor_id = c.debtor_id AND p.kind = 'phone'
                WHERE c.assigned_to_id IS NOT NULL
                """,
                {
                    "now": now,
                    "first": first,
                    "last": last,
                    "low": low,
                    "span": span,
                    "contacted": outcomes["contacted"],
                    "no_answer": outcomes["no_answer"],
                },
            )
            self.stdout.write(f"  call logs {last:,}")

    # --- Drive ------------------------------------------------------------------------

    def drive(self, options) -> None:
        port = options["port"] or _free_port()
        env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        gunicorn = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "collections_office.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(options["workers"]),
                "--threads",
                str(options["threads"]),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            _wait_for_port(port)
            self._run_clients(port, options)
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()

    def _run_clients(self, port: int, options) -> None:
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
        counted_from = time.monotonic() + options["warmup_seconds"]
        deadline = counted_from + seconds
        think = options["think_ms"] / 1000

        def record(name: str, elapsed: float, ok: bool) -> None:
            if time.monotonic() < counted_from:
                return  # warming up: each worker's first pages load catalogues and code
            with lock:
                if ok:
                    samples[name].append(elapsed * 1000)
                else:
                    errors[name] += 1

        def collector_loop(username: str) -> None:
            client = _Client(port)
            client.login(username, PASSWORD)
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

        def supervisor_loop(username: str) -> None:
            client = _Client(port)
            client.login(username, PASSWORD)
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
        context = multiprocessing.get_context("fork")
        results = context.Queue()

        def run_in_child(target, who: str) -> None:
            target(who)  # fills this process's own copy of `samples` and `errors`
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
        for process in processes:
            process.start()
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
        self.stdout.write(f"{'page':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for name in (
            "queue",
            "case page",
            "log a call",
            "unassigned list",
            "floor: signed-in redirect",
        ):
            p50, p95, p99 = _percentiles(samples[name])
            self.stdout.write(
                f"{name:<22}{len(samples[name]):>9}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
                + (f"   errors: {errors[name]}" if errors[name] else "")
            )
        for name, count in sorted(errors.items()):
            if name.startswith("log a call: "):
                self.stdout.write(f"  {name}: {count}")
        floor = statistics.median(samples["floor: signed-in redirect"] or [float("nan")])
        self.stdout.write(f"(floor median {floor:.1f} ms: HTTP + WSGI + session, no page work)")


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
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read().decode("utf-8", "replace")
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
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
