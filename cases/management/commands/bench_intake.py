"""Benchmark of placement intake: `python manage.py bench_intake --rows 100000`.

Generates a realistic placement file (Chinese names, valid resident ID numbers,
mobile and landline phones, addresses, amounts, dates, card numbers), imports it
through the real path (`placement_receive` → `placement_import`: parse,
validate, encrypt, upsert, history), then imports a changed copy in which every
account's balance moves (all updates), and prints rows/second and the peak
memory of each run.

Memory is the peak resident set size during the run minus the size before it,
sampled every 20 ms from /proc (tracemalloc would double the run time).
The import runs in this process; the Celery task it would queue is not sent.

Each invocation uses a new bank, so the first run always creates every case.
Results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from cases.models import Agreement, Bank, Case, Placement
from cases.services.placements import placement_import, placement_receive
from collections_office.id_numbers import resident_id_with_check
from staff.models import Branch

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志"
    "强文博子涵浩然欣怡梓轩雨桐宇航思远嘉怡俊杰晓东海燕春梅"
)
CITIES = [
    ("310115", "上海市浦东新区", "021"),
    ("110105", "北京市朝阳区", "010"),
    ("440305", "深圳市南山区", "0755"),
    ("330106", "杭州市西湖区", "0571"),
    ("510107", "成都市武侯区", "028"),
    ("420106", "武汉市武昌区", "027"),
    ("320102", "南京市玄武区", "025"),
    ("440106", "广州市天河区", "020"),
]
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "文化路"]
PRODUCTS = ["信用卡", "消费贷", "个人经营贷", "车贷", "信用卡分期"]
HEADER = "账号,客户姓名,身份证号,联系电话,地址,本金,利息,费用,币种,逾期日期,产品,卡号\r\n"


def resident_id(rng: random.Random, region: str) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(0, 14600))
    return resident_id_with_check(f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}")


def write_placement_file(path: Path, rows: int, *, seed: int, changed: bool) -> None:
    """Writes the file row by row (flat memory). `changed`: same accounts, new balances."""
    rng = random.Random(seed)  # the same people in both files
    change = random.Random(seed + 1)
    today = timezone.localdate()
    with open(path, "w", encoding="gb18030", newline="") as out:
        out.write(HEADER)
        for number in range(rows):
            region, city, area = CITIES[rng.randrange(len(CITIES))]
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN) for _ in range(rng.randint(1, 2))
            )
            id_number = resident_id(rng, region)
            phones = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
            if rng.random() < 0.3:
                phones += f";{area}-{rng.randrange(2, 9)}{rng.randrange(10**7):07d}"
            address = (
                f"{city}{rng.choice(STREETS)}{rng.randrange(1, 999)}号{rng.randrange(1, 30)}室"
            )
            principal = Decimal(rng.randrange(100_000, 50_000_000)) / 100
            interest = Decimal(rng.randrange(0, 2_000_000)) / 100
            fees = Decimal(rng.randrange(0, 50_000)) / 100
            overdue = today - dt.timedelta(days=rng.randrange(1, 720))
            product = rng.choice(PRODUCTS)
            card = f"622202{rng.randrange(10**10):010d}" if product.startswith("信用卡") else ""
            if changed:
                # The bank's next file: balances moved for every account, some new phones.
                principal = max(principal - Decimal(change.randrange(0, 10_000)) / 100, Decimal(0))
                interest += Decimal(change.randrange(1, 5_000)) / 100
                if change.random() < 0.1:
                    phones += f";1{change.choice('3578')}{change.randrange(10**9):09d}"
            out.write(
                f"62{number:014d},{name},{id_number},{phones},{address},{principal},"
                f"{interest},{fees},CNY,{overdue:%Y/%m/%d},{product},{card}\r\n"
            )


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _stat_fields(pid: int | str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _postgres_cpu(backend_pid: int | None) -> float:
    """CPU seconds used so far by the whole PostgreSQL server, when /proc can tell.

    The import writes on several connections whose backends come and go, and the
    WAL writer, checkpointer and background writer work for it too: so the sum
    over the postmaster's live children, plus what its exited children used
    (their time is added to the postmaster's when it reaps them). On a shared
    box this includes other databases' work.
    """
    fields = _stat_fields(backend_pid) if backend_pid else None
    if fields is None:
        return 0.0
    postmaster = fields[1]
    parent = _stat_fields(postmaster)
    if parent is None:
        return 0.0
    ticks = int(parent[13]) + int(parent[14])  # reaped children
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            child = _stat_fields(entry)
            if child is not None and child[1] == postmaster:
                ticks += int(child[11]) + int(child[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait_for_other_backends_to_exit(timeout: float = 3.0) -> None:
    """The streams' connections are closed when the import returns, but their backends
    exit (and are counted by the postmaster) a moment later."""
    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.05)
    time.sleep(0.2)  # the postmaster reaps them


class _PeakMemory:
    """Samples this process's resident memory in a thread; `peak - start` is the run's cost."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.start = self.peak = _rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())

    @property
    def delta_mb(self) -> float:
        return (self.peak - self.start) / 1024**2


class Command(BaseCommand):
    help = "Measures placement intake speed and memory (new accounts, then all updated)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument(
            "--seed", type=int, default=None, help="default: a new one, so debtors are new too"
        )
        parser.add_argument(
            "--engine", choices=["", "postgresql", "orm"], default="", help="default: by database"
        )
        parser.add_argument(
            "--streams",
            type=int,
            default=None,
            help="database connections writing side by side (default: PLACEMENT_IMPORT_STREAMS)",
        )

    def handle(self, *args, rows: int, seed: int | None, engine: str, streams, **options):
        if streams is None:
            streams = settings.PLACEMENT_IMPORT_STREAMS
        with override_settings(PLACEMENT_IMPORT_STREAMS=streams):
            self._benchmark(rows=rows, seed=seed, engine=engine, streams=streams)

    def _benchmark(self, *, rows: int, seed: int | None, engine: str, streams: int):
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        if seed is None:
            seed = random.SystemRandom().randrange(10**9)
        branch, _ = Branch.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
        bank = Bank.objects.create(
            name=f"Benchmark bank {stamp}",
            code=f"bench{stamp}",
            routine_contact_name="Bench",
            routine_contact_email="bench@example.com",
            routine_contact_phone="+862100000000",
            file_transfer_channel="benchmark",
            emergency_contact_name="Bench",
            emergency_contact_phone="+8613800000000",
        )
        agreement = Agreement.objects.create(
            bank=bank,
            number=f"BENCH-{stamp}",
            signed_on=dt.date(2026, 1, 1),
            effective_from=dt.date(2026, 1, 1),
            flat_rate=Decimal("0.1"),
            branch=branch,
        )
        self.stdout.write(
            f"database: {connection.vendor} {connection.settings_dict['NAME']}, rows: {rows:,}, "
            f"seed {seed}, streams {streams}, load average {os.getloadavg()[0]:.1f}, "
            f"{os.cpu_count()} CPUs"
        )
        with tempfile.TemporaryDirectory() as folder:
            for label, changed in (("new", False), ("update", True)):
                path = Path(folder) / f"placement-{label}.csv"
                started = time.perf_counter()
                write_placement_file(path, rows, seed=seed, changed=changed)
                generated = time.perf_counter() - started
                placement, seconds, memory, cpu = self._run(bank, agreement, path, engine)
                self.stdout.write(
                    f"{label:>6}: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
                    f"peak memory +{memory:.1f} MB (RSS {_rss_bytes() / 1024**2:.0f} MB); "
                    f"CPU: python {cpu[0]:.1f} s, PostgreSQL server {cpu[1]:.1f} s; "
                    f"load average {os.getloadavg()[0]:.1f}; "
                    f"file {path.stat().st_size / 1024**2:.1f} MB "
                    f"(generated in {generated:.1f} s); "
                    f"status {placement.status}, created {placement.rows_created:,}, "
                    f"updated {placement.rows_updated:,}, rejected {placement.rows_rejected:,}"
                )
                if placement.status != Placement.Status.COMPLETED:
                    self.stderr.write(f"failed: {placement.failure_reason}")
        self.stdout.write(
            f"cases of the benchmark bank: {Case.objects.filter(bank=bank).count():,}"
        )

    def _run(self, bank, agreement, path: Path, engine: str):
        backend_pid = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend_pid = cursor.fetchone()[0]
        cpu_before = (time.process_time(), _postgres_cpu(backend_pid))
        # The benchmark imports in this process; the queued task would race it. The
        # upload limit is lifted for files bigger than it (1,000,000 rows ≈ 140 MB).
        limit = max(settings.PLACEMENT_MAX_UPLOAD_BYTES, path.stat().st_size)
        with (
            mock.patch("cases.tasks.placement_import_task.delay"),
            override_settings(PLACEMENT_MAX_UPLOAD_BYTES=limit),
            _PeakMemory() as memory,
        ):
            started = time.perf_counter()
            with open(path, "rb") as handle:
                placement, _created = placement_receive(
                    bank=bank, agreement=agreement, uploaded_file=File(handle, name=path.name)
                )
            placement = placement_import(placement_id=placement.pk, engine=engine)
            seconds = time.perf_counter() - started
        _wait_for_other_backends_to_exit()
        cpu = (
            time.process_time() - cpu_before[0],
            _postgres_cpu(backend_pid) - cpu_before[1],
        )
        return placement, seconds, memory.delta_mb, cpu
