"""One process, no HTTP: what the collector's queue and the supervisor's unassigned list
cost the server (`bench_workflow --profile-lists N`).

The drive's collectors open their queue without filters and its supervisors the
unassigned list without filters: the same URLs here, through Django's test client in
this process, for N different collectors (the queue) and N times for a bench supervisor
(the list), after one first pass of each (PostgreSQL's cache warm, each URL's code
loaded). Printed per page: this process's CPU per page (Python: views, ORM, templates;
not PostgreSQL's — the figure that moves least with the load of a shared box), wall
p50/p95, the queries per page and the slowest query shapes, then the top of a cProfile
of each page (cumulative), to see where the time goes.
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

from .workflow_data import PREFIX


class ListPageProfile:
    def __init__(self, stdout):
        self.stdout = stdout

    def run(self, pages: int, *, profile_lines: int = 40) -> None:
        collectors = list(
            User.objects.filter(username__startswith=f"{PREFIX}-collector-").order_by("username")[
                :pages
            ]
        )
        supervisor = User.objects.filter(username__startswith=f"{PREFIX}-supervisor-").order_by(
            "username"
        )[0]
        queue, unassigned = reverse("cases:queue"), reverse("cases:assignment")
        with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
            queue_clients = [self._client(user) for user in collectors]
            supervisor_client = self._client(supervisor)
            # The floor, as the drive's: a signed-in user asking for the sign-in page is
            # sent on (302) by middleware and session alone, no page work.
            self._measure(
                "floor: signed-in redirect",
                [(client, reverse("login")) for client in queue_clients],
                pages,
                0,
                status=302,
            )
            self._measure(
                "queue", [(client, queue) for client in queue_clients], pages, profile_lines
            )
            self._measure(
                "unassigned list",
                [(supervisor_client, unassigned)] * pages,
                pages,
                profile_lines,
            )

    @staticmethod
    def _client(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def _measure(self, name, requests, pages, profile_lines, *, status=200) -> None:
        for client, url in requests:  # warm: the rows in PostgreSQL's cache, the code loaded
            assert client.get(url).status_code == status
        times, cpu, queries = [], [], []
        by_shape: dict[str, float] = {}
        connection.force_debug_cursor = True
        try:
            for client, url in requests:
                reset_queries()
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                queries.append(len(connection.queries))
                for query in connection.queries:
                    shape = re.sub(r"\d+", "N", query["sql"])[:120]
                    by_shape[shape] = by_shape.get(shape, 0.0) + float(query["time"]) * 1000
                assert response.status_code == status, response.status_code
        finally:
            connection.force_debug_cursor = False
        times.sort()
        load = os.getloadavg()[0]
        self.stdout.write(
            f"{name}: {pages} pages, this process's CPU {statistics.mean(cpu):.1f} ms/page "
            f"(p50 {statistics.median(cpu):.1f}), wall p50 {statistics.median(times):.1f} ms, "
            f"p95 {times[max(0, int(len(times) * 0.95) - 1)]:.1f} ms, "
            f"queries {min(queries)}–{max(queries)}, "
            f"SQL {sum(by_shape.values()) / pages:.1f} ms/page, load average {load:.1f}"
        )
        for shape, total in sorted(by_shape.items(), key=lambda item: -item[1])[:6]:
            self.stdout.write(f"  {total / pages:6.2f} ms/page  {shape}")
        if not profile_lines:
            return
        profile = cProfile.Profile()
        profile.enable()
        for client, url in requests:
            client.get(url)
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        # The project's own code by cumulative time, then the hottest functions anywhere.
        stats.sort_stats("cumulative").print_stats(r"/(cases|collections_office|staff)/", 30)
        stats.sort_stats("tottime").print_stats(profile_lines)
        self.stdout.write(out.getvalue())
