"""bench_reporting --http: the landing pages as a person's browser waits for them.

gunicorn on loopback (sync workers, as the Dockerfile runs it; `--http-workers`), and for
each bench person: the page ("/"), each panel URL it asks for (as its script asks it),
and the time from asking for the page until the last panel has arrived, the panels asked
over BROWSER_CONNECTIONS connections at once as a browser does — each beside a floor
(a signed-in GET of the login page: a redirect through the same middleware, session and
auth) measured in the same run. The HTTP client is threads in this process, waiting on
sockets; the work is in gunicorn's processes.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

# The workflow bench's loopback helpers (one way to start gunicorn and talk to it).
from cases.benchmarking.workflow_drive import (
    ROOT,
    _Client,
    _free_port,
    _wait_for_port,
    gunicorn_command,
    stop_gunicorn,
)

HX = {"HX-Request": "true"}
BROWSER_CONNECTIONS = 6  # a browser's connections to one host (HTTP/1.1)


def _median_p95(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    median = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return median * 1000, p95 * 1000


class LandingOverHttp:
    def __init__(self, out, *, workers: int, threads: int = 1):
        self.out = out
        self.workers, self.threads = workers, threads

    def run(self, people: dict, repeat: int) -> None:
        port = _free_port()
        env = {**os.environ, "DJANGO_DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        server = subprocess.Popen(
            gunicorn_command(port, workers=self.workers, threads=self.threads),
            cwd=ROOT,
            env=env,
        )
        try:
            _wait_for_port(port)
            self.out(
                f"   over HTTP: gunicorn {self.workers} sync workers on loopback, panels asked "
                f"over {BROWSER_CONNECTIONS} connections; median / p95 of {repeat}"
            )
            for who, user in people.items():
                if user is not None:
                    self._person(port, who, user, repeat)
        finally:
            stop_gunicorn(server)

    @staticmethod
    def _client(port: int, session_key: str) -> _Client:
        client = _Client(port)
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        return client

    @staticmethod
    def _get(client: _Client, path: str, expect: int, headers=None) -> tuple[str, float]:
        status, body, seconds = client._request("GET", path, headers=headers)
        if status != expect:
            raise CommandError(f"GET {path}: HTTP {status}, expected {expect}")
        return body, seconds

    def _person(self, port: int, who: str, user, repeat: int) -> None:
        signed_in = Client()
        signed_in.force_login(user)  # a session row; no password hash, no last_login
        session_key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        page_client = self._client(port, session_key)
        panel_clients = [self._client(port, session_key) for _ in range(BROWSER_CONNECTIONS)]
        login, home = reverse("login"), reverse("dashboard")
        body, _seconds = self._get(page_client, home, 200)
        urls = [
            reverse("dashboard_panel", kwargs={"key": key})
            for key in re.findall(r'id="slot-([\w-]+)"', body)
        ]
        for _ in range(2):  # warm-up: each worker's templates, translations
            for url in [login, home, *urls]:
                page_client._request("GET", url, headers=HX)
        floor, frame, waits = [], [], []
        per_panel: dict[str, list[float]] = {url: [] for url in urls}
        with ThreadPoolExecutor(BROWSER_CONNECTIONS) as pool:
            for _ in range(repeat):
                floor.append(self._get(page_client, login, 302)[1])
                started = time.perf_counter()
                body, seconds = self._get(page_client, home, 200)
                frame.append(seconds)
                asked = [
                    reverse("dashboard_panel", kwargs={"key": key})
                    for key in re.findall(r'id="slot-([\w-]+)"', body)
                ]
                # Connection i asks every BROWSER_CONNECTIONS-th panel, one after another.
                lanes = [asked[i::BROWSER_CONNECTIONS] for i in range(BROWSER_CONNECTIONS)]
                timed = pool.map(
                    lambda lane: [
                        (url, self._get(panel_clients[lane[0]], url, 200, HX)[1]) for url in lane[1]
                    ],
                    enumerate(lanes),
                )
                for lane in list(timed):
                    for url, panel_seconds in lane:
                        per_panel[url].append(panel_seconds)
                waits.append(time.perf_counter() - started)
        slowest = sorted(
            ((url.rstrip("/").rsplit("/", 1)[-1], *_median_p95(t)) for url, t in per_panel.items()),
            key=lambda row: -row[1],
        )
        floor_ms, frame_ms, wait_ms = _median_p95(floor), _median_p95(frame), _median_p95(waits)
        self.out(
            f"   {who:<15} page (frame) {frame_ms[0]:5.1f} / {frame_ms[1]:5.1f} ms | slowest "
            f"panel {slowest[0][0]} {slowest[0][1]:5.1f} / {slowest[0][2]:5.1f} ms | until "
            f"every panel is in {wait_ms[0]:5.1f} / {wait_ms[1]:5.1f} ms | floor "
            f"{floor_ms[0]:4.1f} / {floor_ms[1]:4.1f} ms   (target ≤ 50 ms each request)"
        )
        self.out(
            f"      {len(urls)} panels (median/p95 ms, asked in parallel): "
            + ", ".join(f"{key} {median:.1f}/{p95:.1f}" for key, median, p95 in slowest)
        )
