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

With the cases: 500,000 promises and 300,000 payments (`--promises`, `--payments`), and
the nightly promise settlement timed over them; `--add-promises` adds just those to a
database already loaded, `--settle-only` only times the settlement.

Use a database of its own, e.g.
    createdb collections_bench_workflow
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/collections_bench_workflow \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=… .venv/bin/python manage.py bench_workflow
Results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.benchmarking.casepage_profile import CasePageProfile
from cases.benchmarking.money_data import MoneyData
from cases.benchmarking.workflow_data import WorkflowData
from cases.benchmarking.workflow_drive import WorkflowDrive


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
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="threads per worker: 1 = sync workers (as the Dockerfile runs them; the "
            "default since session 6's quiet runs showed them faster on every page), "
            "more = gthread (the set-up of the figures before session 6)",
        )
        parser.add_argument("--port", type=int, default=0)
        parser.add_argument("--promises", type=int, default=500_000)
        parser.add_argument("--payments", type=int, default=300_000)
        parser.add_argument(
            "--add-promises",
            action="store_true",
            help="add the promises and payments to an already loaded database (cases and "
            "calls untouched), then time the nightly settlement; no drive unless asked",
        )
        parser.add_argument(
            "--settle-only",
            action="store_true",
            help="only time the nightly promise settlement on the loaded database",
        )
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--skip-drive", action="store_true")
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="PAGES",
            help="instead of driving: time PAGES case pages in this process and profile them",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_workflow needs PostgreSQL (DATABASE_URL).")
        money = MoneyData(self.stdout)
        if options["add_promises"] or options["settle_only"]:
            if options["add_promises"]:
                money.load(promises=options["promises"], payments=options["payments"])
            money.time_settlement()
            return
        if not options["skip_load"]:
            WorkflowData(self.stdout).load(options)
            money.load(promises=options["promises"], payments=options["payments"])
            money.time_settlement()
        if options["profile"]:
            CasePageProfile(self.stdout).run(options["profile"])
        elif not options["skip_drive"]:
            WorkflowDrive(self.stdout).drive(options)
