"""Benchmark of the performance figures: `python manage.py bench_promotion_figures`.

Loads the workflow bench's data (`cases.benchmarking.workflow_data`: collectors, cases,
call logs spread over four weeks) unless `--skip-load`, then measures:

1. `performance_figures` for every bench collector at once over the last year (the
   annual assessment's call) — seconds and number of queries;
2. the "My promotion" page of one collector (figures, criteria, compliance gate) through
   Django's test client — median and p95 of `--repeat` requests.

Use a database of its own (see bench_workflow). Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.benchmarking.workflow_data import PREFIX, WorkflowData
from cases.performance import performance_figures
from staff.models import Position, StaffProfile


class Command(BaseCommand):
    help = "Times performance_figures for all bench collectors and one collector's page."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200_000)
        parser.add_argument("--collectors", type=int, default=2_000)
        parser.add_argument("--calls", type=int, default=1_000_000)
        parser.add_argument("--unassigned-share", type=float, default=0.02)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--skip-load", action="store_true")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_promotion_figures needs PostgreSQL (DATABASE_URL).")
        if not options["skip_load"]:
            WorkflowData(self.stdout).load(options)
        ids = list(
            User.objects.filter(username__startswith=PREFIX, calls__isnull=False)
            .distinct()
            .values_list("pk", flat=True)
        )
        if not ids:
            raise CommandError("no bench collectors with calls: run without --skip-load")
        end = timezone.localdate()
        start = end - dt.timedelta(days=365)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            figures = performance_figures(user_ids=ids, start=start, end=end)
            seconds = time.perf_counter() - started
        worked = sum(f.cases_worked for f in figures.values())
        self.stdout.write(
            f"performance_figures: {len(ids):,} collectors, {worked:,} cases worked, "
            f"{seconds:.2f} s, {len(queries)} queries"
        )
        # Bench people are hired "off the ladder": put the measured one on its first step so
        # the page computes the figures and checks every criterion.
        StaffProfile.objects.filter(user_id=ids[0]).update(position=Position.JUNIOR_COLLECTOR)
        client = Client()
        client.force_login(User.objects.get(pk=ids[0]))
        client.get("/promotion/")  # warm up
        timings = []
        for _ in range(options["repeat"]):
            reset_queries()
            started = time.perf_counter()
            response = client.get("/promotion/")
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"/promotion/ answered {response.status_code}")
        timings.sort()
        p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
        self.stdout.write(
            f"My promotion page: median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms "
            f"({options['repeat']} requests)"
        )
