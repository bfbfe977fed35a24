"""Benchmark of reporting (issue 13): `python manage.py bench_reporting`.

On a database loaded by `bench_workflow` (cases, collectors, call logs over four weeks,
promises, payments), measures, each beside a floor measured in the same run:

1. the rollup refresh of one day (`compute_day`, yesterday: a whole day of calls) —
   floor: a bare COUNT of that day's calls;
2. rebuilding the rollups of the last four weeks (`compute_days`) — floor: a bare COUNT
   of those weeks' calls;
3. the collectors' weekly report (reporting kind `collector_weekly`) for every bench
   collector from the rollups (the report's own recompute of its week left out, and
   then with it) — floor: a bare COUNT of the week's rollup rows;
4. every dashboard: for a collector, a supervisor, a branch manager and headquarters,
   through Django's test client (median and p95 of `--repeat`): the landing page ("/",
   the frame with a placeholder per panel) and each panel URL the frame asks for
   (`/dashboard/panels/<key>/`, as the page's script asks it), and each figures panel's
   function alone; with `--http`, what the person's browser waits for: the same over
   HTTP from gunicorn, the panels asked over six connections at once, until the last one
   is in (reporting/bench_landing_http.py) — floor: a signed-in GET of the login page
   (a redirect: middleware, session and auth, no panel).

It writes to the database the rollups it measures, and (if missing) a branch manager and
a headquarters manager (usernames `bench-dash-…`), one collector's monthly target and the
test client's sessions; signing in writes no last_login. The
load average is printed at the start and the end. Results go to
docs/benchmarks.md ("Reporting (issue 13)").
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import statistics
import time
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.contrib.auth.models import Group, User, update_last_login
from django.contrib.auth.signals import user_logged_in
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import CallLog
from collections_office.workdays import local_date
from reporting import dashboard_panels, rollups
from reporting.kinds import period_bounds
from reporting.models import DailyCollectorFigures
from staff import roles
from staff.models import Branch, MonthlyTarget, StaffProfile

PREFIX = "bench"
# The page's panels are asked as the browser asks them (app.js, htmx).
HX = {"HX-Request": "true"}


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (2 cores)"


class Command(BaseCommand):
    help = "Times the rollups, the weekly report from them and every dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30, help="requests per dashboard")
        parser.add_argument("--weeks", type=int, default=4, help="weeks of rollups to rebuild")
        parser.add_argument(
            "--skip-rebuild", action="store_true", help="reuse the rollups already there"
        )
        parser.add_argument("--only-dashboards", action="store_true", help="step 4 only")
        parser.add_argument(
            "--panels-only", action="store_true", help="time the panels, not the pages"
        )
        parser.add_argument(
            "--http",
            action="store_true",
            help="also time the landing pages over HTTP (gunicorn), panels in parallel",
        )
        parser.add_argument("--http-workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument(
            "--early-warning",
            action="store_true",
            help="first time the nightly early-warning reading (the staff panel reads it)",
        )

    def handle(
        self,
        *args,
        repeat,
        weeks,
        skip_rebuild,
        early_warning,
        only_dashboards,
        panels_only,
        http,
        http_workers,
        **options,
    ):
        logging.getLogger("axes").setLevel(logging.WARNING)  # a line per sign-in otherwise
        if connection.vendor != "postgresql":
            raise CommandError("bench_reporting needs PostgreSQL (DATABASE_URL).")
        collectors = User.objects.filter(username__startswith=f"{PREFIX}-collector-")
        if not collectors.exists():
            raise CommandError("no bench collectors: load the data with bench_workflow first")
        self.out(f"start: {_load()}")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, reltuples::bigint FROM pg_class WHERE relname IN "
                "('cases_case', 'cases_calllog', 'cases_promise', 'cases_payment')"
            )
            sizes = ", ".join(f"{name} ≈ {rows:,}" for name, rows in sorted(cursor.fetchall()))
        self.out(f"data: {sizes}; {collectors.count()} bench collectors")
        today = local_date(timezone.now())
        yesterday = today - dt.timedelta(days=1)

        if not only_dashboards:
            self._rollups_and_report(today, yesterday, weeks, skip_rebuild)
        if early_warning:
            from staff.succession.nightly import early_warning_flags_refresh

            seconds, flagged = self._timed(early_warning_flags_refresh)
            self.out(
                f"\n   nightly early-warning reading: {seconds:.1f} s, {flagged} people flagged"
            )
        self.out("\n4. dashboards")
        # Signing in must not write last_login (a bench user's row other runs sign in with).
        # No transaction around the step: it would hold locks other runs wait for.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        try:
            self._dashboards(today, repeat, pages=not panels_only)
            if http:
                from reporting.bench_landing_http import LandingOverHttp

                LandingOverHttp(self.out, workers=http_workers).run(self._people(today), repeat)
        finally:
            user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
        self.out(f"\nend: {_load()}")

    def _rollups_and_report(self, today, yesterday, weeks: int, skip_rebuild: bool) -> None:
        self.out("\n1. rollup refresh of one day")
        self._one_day(yesterday)
        self.out("\n2. rebuilding the rollups")
        first = today - dt.timedelta(days=7 * weeks - 1)
        if skip_rebuild:
            self.out("   skipped (--skip-rebuild)")
        else:
            self._rebuild(first, today)
        self.out("\n3. the collectors' weekly report from the rollups")
        self._weekly_report(today)

    def out(self, line: str) -> None:
        self.stdout.write(line)

    @staticmethod
    def _timed(function, *args, **kwargs):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        return time.perf_counter() - started, result

    def _calls_between(self, start: dt.date, end: dt.date) -> int:
        since, until = period_bounds(start, end)
        return CallLog.objects.filter(started_at__gte=since, started_at__lt=until).count()

    # --- 1 and 2 -------------------------------------------------------------------------

    def _one_day(self, day: dt.date) -> None:
        floor, calls = self._timed(self._calls_between, day, day)
        with CaptureQueriesContext(connection) as queries:
            seconds, rows = self._timed(rollups.compute_day, day)
        again, _rows = self._timed(rollups.compute_day, day)
        self.out(
            f"   compute_day({day}): {seconds:.2f} s ({again:.2f} s run again), {rows} rows, "
            f"{len(queries)} queries, over {calls:,} calls | floor COUNT of the day's calls "
            f"{floor:.2f} s   (target ≤ 10 s)"
        )
        seconds, days = self._timed(rollups.refresh)
        self.out(f"   refresh() (today, yesterday, marked days: {len(days)} days): {seconds:.2f} s")

    def _rebuild(self, first: dt.date, last: dt.date) -> None:
        floor, calls = self._timed(self._calls_between, first, last)
        seconds, rows = self._timed(rollups.compute_days, first, last)
        days = (last - first).days + 1
        self.out(
            f"   compute_days({first} … {last}, {days} days): {seconds:.2f} s, {rows:,} rows, "
            f"over {calls:,} calls | floor COUNT of those calls {floor:.2f} s"
        )

    # --- 3 ----------------------------------------------------------------------------------

    def _weekly_report(self, today: dt.date) -> None:
        from reporting.kinds import kind

        this_monday = today - dt.timedelta(days=today.weekday())
        start, end = this_monday - dt.timedelta(days=7), this_monday - dt.timedelta(days=1)
        run = mock.Mock(period_start=start, period_end=end)
        report = kind("collector_weekly")
        rollups.compute_days(start, end)  # the week is in the rollups before we read them

        def rollup_rows():
            return DailyCollectorFigures.objects.filter(day__gte=start, day__lte=end).count()

        floors, timings, with_recompute = [], [], []
        for _ in range(5):
            floors.append(self._timed(rollup_rows)[0])
            with mock.patch.object(rollups, "compute_days", lambda *a, **k: 0):
                seconds, data = self._timed(report.generate, run)
            timings.append(seconds)
        for _ in range(2):
            with_recompute.append(self._timed(report.generate, run)[0])
        self.out(
            f"   collector_weekly {start} … {end}: {len(data.rows)} collectors, "
            f"median {statistics.median(timings):.3f} s (best {min(timings):.3f} s) from the "
            f"rollups | floor COUNT of the week's {rollup_rows():,} rollup rows "
            f"{statistics.median(floors) * 1000:.1f} ms   (target ≤ 0.5 s)"
        )
        self.out(
            f"   the same run with its recompute of the week from the sources: "
            f"median {statistics.median(with_recompute):.2f} s"
        )

    # --- 4 ----------------------------------------------------------------------------------

    def _people(self, today: dt.date) -> dict[str, User]:
        collector = User.objects.filter(username__startswith=f"{PREFIX}-collector-").order_by(
            "username"
        )[0]
        supervisor = User.objects.filter(username__startswith=f"{PREFIX}-supervisor-").first()
        branch = collector.staff_profile.branch
        hq = Branch.objects.filter(is_hq=True).first()
        manager = self._person(f"{PREFIX}-dash-branch-manager", roles.BRANCH_MANAGER, branch)
        hq_manager = self._person(f"{PREFIX}-dash-hq-manager", roles.BRANCH_MANAGER, hq)
        MonthlyTarget.objects.get_or_create(
            user=collector,
            month=today.replace(day=1),
            defaults={"amount": Decimal("50000.00"), "set_by": supervisor or manager},
        )
        return {
            "collector": collector,
            "supervisor": supervisor,
            "branch manager": manager,
            "headquarters": hq_manager,
        }

    @staticmethod
    def _person(username: str, role: str, branch) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(username=username)
            user.groups.add(Group.objects.get(name=role))
            StaffProfile.objects.create(
                user=user,
                employee_number=username[-12:],
                branch=branch,
                hire_date=timezone.localdate(),
            )
        return user

    @contextmanager
    def _signed_in(self, user):
        client = Client()
        client.force_login(user)
        yield client

    @staticmethod
    def _median_p95(timings: list[float]) -> tuple[float, float]:
        timings = sorted(timings)
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        return statistics.median(timings) * 1000, p95 * 1000

    def _time_get(
        self, client, path: str, repeat: int, expect: int, headers=None
    ) -> tuple[float, float]:
        for _ in range(3):  # warm-up: templates, translations, connections
            client.get(path, headers=headers)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            timings.append(time.perf_counter() - started)
            if response.status_code != expect:
                raise CommandError(f"GET {path}: HTTP {response.status_code}, expected {expect}")
        return self._median_p95(timings)

    def _every_panel(self, user) -> None:
        """Every panel of the page for `user` (all apps' registries), slowest first, so a
        slow page names its panel."""
        from reporting.views import LANDING

        timings = []
        for entry in LANDING.placeholders(user):
            entry.function(user)  # warm-up
            with CaptureQueriesContext(connection) as queries:
                seconds, context = self._timed(entry.function, user)
            if context:
                timings.append((seconds * 1000, entry.key, len(queries)))
        shown = ", ".join(f"{key} {ms:.0f} ms/{n} q" for ms, key, n in sorted(timings)[::-1])
        self.out(f"      its panels (function only, one call): {shown}")

    def _fragments(self, client, repeat: int) -> dict[str, tuple[float, float]]:
        """Each panel URL the landing page asks for, as the page's script asks it (HTMX
        header): median and p95 per panel, slowest first."""
        page = client.get(reverse("dashboard")).content.decode()
        timed = {
            key: self._time_get(client, self._panel_url(key), repeat, 200, HX)
            for key in re.findall(r'id="slot-([\w-]+)"', page)
        }
        return dict(sorted(timed.items(), key=lambda item: -item[1][0]))

    @staticmethod
    def _panel_url(key: str) -> str:
        return reverse("dashboard_panel", kwargs={"key": key})

    def _dashboards(self, today: dt.date, repeat: int, *, pages: bool = True) -> None:
        people = self._people(today)
        panels = {
            "collector": ("my-week", dashboard_panels.my_week_panel),
            "supervisor": ("team-week", dashboard_panels.team_week_panel),
            "branch manager": ("branches-side-by-side", dashboard_panels.groups_panel),
            "headquarters": ("branches-side-by-side", dashboard_panels.groups_panel),
        }
        for who, user in people.items():
            if user is None:
                self.out(f"   {who}: no such bench user, skipped")
                continue
            user = User.objects.select_related("staff_profile__branch").get(pk=user.pk)
            page, fragments = (float("nan"), float("nan")), {}
            with self._signed_in(user) as client:
                floor = self._time_get(client, reverse("login"), repeat, 302)
                if pages:
                    page = self._time_get(client, reverse("dashboard"), repeat, 200)
                    fragments = self._fragments(client, repeat)
            key, panel = panels[who]
            panel(user)  # warm-up (the user's roles)
            with CaptureQueriesContext(connection) as queries:
                panel(user)
            alone = []
            for _ in range(repeat):
                alone.append(self._timed(panel, user)[0] * 1000)
            self.out(
                f"   {who:<15} page (frame) median {page[0]:6.1f} ms, p95 {page[1]:6.1f} ms | "
                f"panel {key} alone median {statistics.median(alone):5.1f} ms "
                f"({len(queries)} queries) | floor signed-in redirect median {floor[0]:5.1f} ms"
                f", p95 {floor[1]:5.1f} ms   (target ≤ 50 ms)"
            )
            if fragments:
                slowest = max(fragments.values())
                self.out(
                    f"      {len(fragments)} panel URLs (GET as the page asks them), slowest "
                    f"median {slowest[0]:.1f} ms, p95 {slowest[1]:.1f} ms   (target ≤ 50 ms each)"
                )
                self.out(
                    "      "
                    + ", ".join(
                        f"{key} {median:.1f}/{p95:.1f}" for key, (median, p95) in fragments.items()
                    )
                    + " ms (median/p95)"
                )
                self.out(
                    "      the panels one after another (no browser does that): "
                    f"{page[0] + sum(median for median, _p95 in fragments.values()):.1f} ms; "
                    "in parallel, as a browser asks them: --http"
                )
            self._every_panel(user)
