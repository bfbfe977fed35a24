"""Benchmark of the monthly reconciliation: `python manage.py bench_reconciliation`.

Loads (once; `--skip-load` reuses it) one agreement with `--rows` cases, a payment on
most of them and a bank repayment on most of them in the previous month, generated
inside PostgreSQL: 1 in 50 cases has no payment (bank only), 1 in 40 no repayment
(agency only), 1 in 25 repayments is 1.00 off (amount difference), the rest match, the
bank booking 0–2 days after the agency's date. Then, `--repeat` times, prints:

- **floor, raw join**: the matching pairs as one SQL join (account, amount, dates within
  the tolerance), fetched with a bare cursor — what the database alone needs;
- **floor, raw fetch**: both sides fetched with a bare cursor, nothing matched;
- **reconcile**: what `statement_prepare` computes before it writes — both sides read
  through the ORM (with the commission of each repayment, `cases.commission`) and
  matched by `cases.reconciliation.match` (dicts keyed by account) — the ≤ 2 s figure;
- of which **match**: the pure matching alone;
- **CPU here**: the same two, as this process's CPU time (time.process_time): on a
  loaded box a niced process waits for a core, which the wall-clock figures include;
- **prepare (with writing)**: the whole `statement_prepare`, writing the draft and its
  lines (replacing the previous run's draft).

Use a database of its own (DATABASE_URL=…/collections_bench_reconciliation, migrated).
Results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from cases import reconciliation
from cases.benchmarking.workflow_data import WorkflowData
from cases.models import Agreement, Case, RepaymentFile
from cases.services.statements import (
    month_bounds,
    reconciliation_inputs,
    statement_prepare,
    tolerance_days,
)

_PAYMENTS_SQL = """
    INSERT INTO cases_payment (case_id, amount, paid_on, channel, reference, receipt,
        receipt_sha256, receipt_content_type, over_balance_reason, status, claimed_by_id,
        claimed_at, confirmed_by_id, confirmed_at, rejected_by_id, rejected_at,
        rejected_reason, reversed_by_id, reversed_at, reversed_reason, applied_fees,
        applied_interest, applied_principal)
    SELECT c.id, 100 + (c.rn * 37) %% 4900, %(first)s::date + (c.rn %% 28)::int, 'to_bank',
        'RB-' || c.rn, '', '', '', '', 'claimed', %(collector)s, now(),
        NULL, NULL, NULL, NULL, '', NULL, NULL, '', 0, 0, 0
    FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM cases_case
          WHERE agreement_id = %(agreement)s) c
    WHERE c.rn %% 50 <> 0
"""

_REPAYMENTS_SQL = """
    INSERT INTO cases_bankrepayment (repayment_file_id, bank_id, agreement_id, case_id,
        account_no, amount, paid_on, reference, row)
    SELECT %(file)s, %(bank)s, %(agreement)s, c.id, c.account_no,
        100 + (c.rn * 37) %% 4900 + CASE WHEN c.rn %% 25 = 0 THEN 1 ELSE 0 END,
        %(first)s::date + (c.rn %% 28)::int + (c.rn %% 3)::int,
        'BANK-' || %(file)s || '-' || c.rn, c.rn + 1
    FROM (SELECT id, account_no, row_number() OVER (ORDER BY id) AS rn FROM cases_case
          WHERE agreement_id = %(agreement)s) c
    WHERE c.rn %% 40 <> 0
"""

_RAW_JOIN_SQL = """
    SELECT p.id, r.id, c.account_no, p.amount, r.amount, p.paid_on, r.paid_on
    FROM cases_payment p
    JOIN cases_case c ON c.id = p.case_id
    JOIN cases_bankrepayment r ON r.agreement_id = c.agreement_id
        AND r.account_no = c.account_no AND r.amount = p.amount
        AND r.paid_on BETWEEN p.paid_on - %(days)s AND p.paid_on + %(days)s
    WHERE c.agreement_id = %(agreement)s AND p.status IN ('claimed', 'confirmed')
      AND p.paid_on BETWEEN %(first)s AND %(last)s
      AND r.paid_on BETWEEN %(first)s AND %(last)s
"""

_RAW_SIDES_SQL = (
    """
    SELECT p.id, c.account_no, p.amount, p.paid_on, p.status, p.case_id
    FROM cases_payment p JOIN cases_case c ON c.id = p.case_id
    WHERE c.agreement_id = %(agreement)s AND p.status IN ('claimed', 'confirmed')
      AND p.paid_on BETWEEN %(first)s AND %(last)s
    """,
    """
    SELECT r.id, r.account_no, r.amount, r.paid_on, r.reference, r.case_id
    FROM cases_bankrepayment r
    WHERE r.agreement_id = %(agreement)s AND r.paid_on BETWEEN %(first)s AND %(last)s
    """,
)


class Command(BaseCommand):
    help = "Times a 100,000 × 100,000 monthly reconciliation beside the raw SQL floor."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument(
            "--prepare-repeat", type=int, default=1, help="times the full prepare is timed"
        )
        parser.add_argument(
            "--skip-prepare", action="store_true", help="do not time the full prepare (writes)"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_reconciliation needs PostgreSQL (DATABASE_URL).")
        today = timezone.localdate()
        month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        if not options["skip_load"]:
            self._load(options["rows"], month)
        agreement = Agreement.objects.get(number="BENCH-1")
        first, last = month_bounds(month)
        tolerance = tolerance_days()
        params = {"agreement": agreement.pk, "first": first, "last": last, "days": tolerance}
        figures: dict[str, list[float]] = {
            "floor, raw join": [],
            "floor, raw fetch": [],
            "reconcile": [],
            "match": [],
            "reconcile, CPU here": [],
            "match, CPU here": [],
        }
        for _ in range(options["repeat"]):
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(_RAW_JOIN_SQL, params)
                joined = cursor.fetchall()
                figures["floor, raw join"].append(time.perf_counter() - started)
                started = time.perf_counter()
                sides = []
                for sql in _RAW_SIDES_SQL:
                    cursor.execute(sql, params)
                    sides.append(cursor.fetchall())
                figures["floor, raw fetch"].append(time.perf_counter() - started)
            started, cpu_started = time.perf_counter(), time.process_time()
            payments, repayments = reconciliation_inputs(
                agreement=agreement, month=month, tolerance=tolerance
            )
            matching, cpu_matching = time.perf_counter(), time.process_time()
            lines = reconciliation.match(payments, repayments, tolerance_days=tolerance)
            done, cpu_done = time.perf_counter(), time.process_time()
            figures["reconcile"].append(done - started)
            figures["match"].append(done - matching)
            # This process's CPU time: what the niced process used, whatever the wait for
            # a core on a loaded box (the database server's share is not in it).
            figures["reconcile, CPU here"].append(cpu_done - cpu_started)
            figures["match, CPU here"].append(cpu_done - cpu_matching)
        counts = reconciliation.totals(lines)
        self.stdout.write(
            f"{len(payments):,} payments × {len(repayments):,} repayments, tolerance "
            f"{tolerance} days; raw join pairs {len(joined):,}; lines: "
            + ", ".join(f"{kind} {figures_['count']:,}" for kind, figures_ in counts.items())
        )
        for name, values in figures.items():
            self.stdout.write(
                f"  {name:<22} median {statistics.median(values):6.3f} s   "
                f"min {min(values):6.3f} s   ({len(values)} runs)"
            )
        for _ in range(0 if options["skip_prepare"] else options["prepare_repeat"]):
            started, cpu_started = time.perf_counter(), time.process_time()
            statement = statement_prepare(agreement=agreement, month=month)
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"  {'prepare (with writing)':<22} {elapsed:6.3f} s   CPU here "
                f"{time.process_time() - cpu_started:6.3f} s   "
                f"({statement.lines.count():,} lines written)"
            )
        with open("/proc/loadavg") as loadavg:
            self.stdout.write(f"  load average: {loadavg.read().split()[0]}")
        self.stdout.write(f"  nice: {os.nice(0)}")

    def _load(self, rows: int, month: dt.date) -> None:
        data = WorkflowData(self.stdout)
        setup = data._people_and_bank(1)
        if Case.objects.filter(agreement_id=setup["agreement"]).exists():
            raise CommandError(
                "The bench agreement already has cases: use --skip-load (or a fresh database)."
            )
        first, _last = month_bounds(month)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            data._debtors(cursor, rows)
            data._cases(cursor, rows, setup, 0.0)
            cursor.execute(
                _PAYMENTS_SQL,
                {
                    "agreement": setup["agreement"],
                    "first": first,
                    "collector": setup["collectors"][0],
                },
            )
            repayment_file = RepaymentFile.objects.create(
                bank_id=setup["bank"],
                agreement_id=setup["agreement"],
                status=RepaymentFile.Status.COMPLETED,
                original_file="repayments/bench.csv",
                original_name="bench.csv",
                size_bytes=1,
                sha256="0" * 64,
            )
            cursor.execute(
                _REPAYMENTS_SQL,
                {
                    "file": repayment_file.pk,
                    "bank": setup["bank"],
                    "agreement": setup["agreement"],
                    "first": first,
                },
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case, cases_payment, cases_bankrepayment")
        self.stdout.write(f"loaded {rows:,} cases in {time.perf_counter() - started:.1f} s")
