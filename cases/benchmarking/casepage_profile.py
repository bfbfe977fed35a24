"""One process, no HTTP: how much a case page costs the server (`bench_workflow --profile`).

Renders the case page of N different cases of one bench collector (and of their
supervisor) through Django's test client, in this process, after a first pass over the
same cases (their rows then sit in PostgreSQL's cache, as the cases of a queue being
worked do): the times are CPU + queries with nothing queued in front of them; the CPU
time of this process (Python: views, ORM, templates; not PostgreSQL's) moves least with
the load of a shared box.
Prints p50/p95 per viewer, the queries per page, and the top of a cProfile of the
collector's pages (cumulative), to see where the time goes.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import statistics
import time

from django.contrib.auth.models import User
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from cases.models import Case

from .workflow_data import PREFIX


class CasePageProfile:
    def __init__(self, stdout):
        self.stdout = stdout

    def run(self, pages: int) -> None:
        collector = User.objects.filter(username__startswith=f"{PREFIX}-collector-").order_by(
            "username"
        )[0]
        supervisor = User.objects.filter(username__startswith=f"{PREFIX}-supervisor-").order_by(
            "username"
        )[0]
        ids = list(
            Case.objects.filter(assigned_to=collector)
            .order_by("pk")
            .values_list("pk", flat=True)[: pages * 2]
        )
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            for user in (collector, supervisor):
                self._measure(user, ids, pages)
            self._profile(collector, ids[pages:], pages)

    def _client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        client.get(f"/cases/{Case.objects.order_by('pk').values_list('pk', flat=True)[0]}/")
        return client

    def _measure(self, user, ids, pages) -> None:
        client = self._client(user)
        for pk in ids[:pages]:  # warm: the rows in PostgreSQL's cache, as a worked queue has them
            client.get(f"/cases/{pk}/")
        # The floor, as the drive's: the signed-in user asking for the sign-in page is sent
        # on (302) by middleware and session alone, no page work.
        floor = []
        for _ in range(pages):
            started_cpu = time.process_time()
            assert client.get(reverse("login")).status_code == 302
            floor.append((time.process_time() - started_cpu) * 1000)
        self.stdout.write(
            f"floor as {user.username} (signed-in redirect): this process's CPU "
            f"{statistics.mean(floor):.1f} ms/request (p50 {statistics.median(floor):.1f})"
        )
        times, cpu, queries = [], [], []
        by_shape: dict[str, float] = {}
        connection.force_debug_cursor = True
        try:
            for pk in ids[:pages]:
                reset_queries()
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(f"/cases/{pk}/")
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                queries.append(len(connection.queries))
                for query in connection.queries:
                    shape = re.sub(r"\d+", "N", query["sql"])[:110]
                    by_shape[shape] = by_shape.get(shape, 0.0) + float(query["time"]) * 1000
                assert response.status_code == 200, response.status_code
        finally:
            connection.force_debug_cursor = False
        times.sort()
        load = os.getloadavg()[0]
        self.stdout.write(
            f"case page as {user.username}: {pages} pages, p50 {statistics.median(times):.1f} ms, "
            f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, this process's CPU "
            f"{statistics.mean(cpu):.1f} ms/page (p50 {statistics.median(cpu):.1f}), "
            f"queries {min(queries)}–{max(queries)}, load average {load:.1f}"
        )
        for shape, total in sorted(by_shape.items(), key=lambda item: -item[1])[:6]:
            self.stdout.write(f"  {total / pages:6.2f} ms/page  {shape}")

    def _profile(self, user, ids, pages) -> None:
        client = self._client(user)
        for pk in ids[:pages]:
            client.get(f"/cases/{pk}/")
        profile = cProfile.Profile()
        profile.enable()
        for pk in ids[:pages]:
            client.get(f"/cases/{pk}/")
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
        self.stdout.write(out.getvalue())
