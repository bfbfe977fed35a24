"""Benchmark of the idle-session renewal: `python manage.py bench_session`.

The floor of every page (bench_workflow's "signed-in redirect": a signed-in user asking
for the login page is sent on by the middleware and the session alone), asked
`--requests` times by one signed-in user through Django's test client (in process, no
HTTP), in alternating rounds:

- **every request** — as before: SESSION_SAVE_EVERY_REQUEST, the session row written
  (UPDATE + COMMIT) on every request;
- **renewal** — now: IdleSessionRenewalMiddleware, the row written when more than
  SESSION_RENEW_AFTER_SECONDS passed since the last renewal (so within a run: once).

Prints per variant the median and p95 time per request, the session writes counted on
the connection, and the load average. Needs a migrated database; creates one user
(`bench.session`) and leaves it. Results in docs/benchmarks.md.
"""

from __future__ import annotations

import os
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

RENEWAL = "collections_office.middleware.IdleSessionRenewalMiddleware"


class _SessionWrites:
    """Counts statements that write the session table (an execute wrapper: no debug log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        if "django_session" in sql and sql.lstrip().upper().startswith(("UPDATE", "INSERT")):
            self.count += 1
        return execute(sql, params, many, context)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Command(BaseCommand):
    help = "Times the page floor with the session written on every request vs renewed."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=300, help="per variant and round")
        parser.add_argument("--rounds", type=int, default=3)

    def handle(self, *args, **options):
        user, _ = get_user_model().objects.get_or_create(username="bench.session")
        floor = reverse("login")
        old_middleware = [m for m in settings.MIDDLEWARE if m != RENEWAL]
        variants = {
            "every request": {"SESSION_SAVE_EVERY_REQUEST": True, "MIDDLEWARE": old_middleware},
            "renewal": {"SESSION_SAVE_EVERY_REQUEST": False},
        }
        timings: dict[str, list[float]] = {name: [] for name in variants}
        writes: dict[str, int] = dict.fromkeys(variants, 0)
        for _round in range(options["rounds"]):
            for name, overrides in variants.items():
                with override_settings(**overrides):
                    client = Client()
                    client.force_login(user)
                    client.get(floor)  # first request: connection, renewal marker
                    counter = _SessionWrites()
                    with connection.execute_wrapper(counter):
                        for _ in range(options["requests"]):
                            started = time.perf_counter()
                            response = client.get(floor)
                            timings[name].append((time.perf_counter() - started) * 1000)
                            assert response.status_code == 302, response.status_code
                    writes[name] += counter.count
                    Session.objects.filter(session_key=client.session.session_key).delete()
        self.stdout.write(
            f"load average {os.getloadavg()[0]:.2f}; {options['rounds']} rounds × "
            f"{options['requests']} requests per variant, signed-in redirect (the floor)"
        )
        for name in variants:
            values = timings[name]
            self.stdout.write(
                f"{name:>14}: median {statistics.median(values):6.2f} ms, "
                f"p95 {_percentile(values, 0.95):6.2f} ms, session writes {writes[name]:>5}"
                f" of {len(values)} requests"
            )
