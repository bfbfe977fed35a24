"""Demo banks for `manage.py seed_demo`: two banks, their agreements and keys, ~3,000 cases.

The cases come in through the real intake path (`placement_receive` and then
`placement_import`, run here synchronously) from generated placement files, so
the demo shows real placements, rejected rows and linked debtors. Idempotent:
the files are generated from a fixed seed, so a second run finds the same
placements and imports nothing again.

API keys: with DJANGO_ENV=development each bank gets a fixed, documented demo
key (README, "Bank API") so the curl examples work as written; those keys are
never created in any other mode. Elsewhere the key is random and printed once,
when it is created. Banks and keys made here are marked as demo data
(`staff.DemoData`): production refuses to start, or to accept a key, while one works.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from collections_office.id_numbers import resident_id_with_check
from staff.models import Branch
from staff.services import demo_data_mark

from .models import Agreement, Bank, BankApiKey, Case, Placement
from .services.banks import agreement_create, api_key_issue, bank_create
from .services.cases import case_recall

# Development only — published in the README on purpose; refused in other modes.
DEVELOPMENT_KEYS = {
    "cmb": "co_democmb0_development-only-demo-key-for-cmb",
    "citic": "co_democit0_development-only-demo-key-for-citic",
}
DEMO_KEY_NAME = "Demo key"

BANKS = [
    {
        "code": "cmb",
        "name": "招商银行 China Merchants Bank",
        "branch": "SH",
        "agreement": "CMB-2026-001",
        "routine": ("Credit card collections desk", "collections@cmb.example.cn", "+862161000000"),
        "emergency": ("Wang Lei (duty officer)", "+8613900000001"),
        "channel": "REST API (placements nightly), SFTP sftp.cmb.example.cn:/outbound",
        "by_bucket": True,
        "rows": 1600,
    },
    {
        "code": "citic",
        "name": "中信银行 CITIC Bank",
        "branch": "BJ",
        "agreement": "CITIC-2026-001",
        "routine": ("Retail risk team", "risk-ops@citic.example.cn", "+861065000000"),
        "emergency": ("Liu Yang (on call)", "+8613900000002"),
        "channel": "REST API",
        "by_bucket": False,
        "rows": 1400,
    },
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志"
CITIES = [
    ("310115", "上海市浦东新区"),
    ("310104", "上海市徐汇区"),
    ("110105", "北京市朝阳区"),
    ("110108", "北京市海淀区"),
    ("440305", "深圳市南山区"),
    ("330106", "杭州市西湖区"),
]
STREETS = ["世纪大道", "张杨路", "建国路", "中关村大街", "科技园路", "文三路"]
PRODUCTS = ["信用卡", "消费贷", "信用卡分期", "个人经营贷"]
HEADER = "账号,姓名,身份证号,电话,地址,本金,利息,费用,逾期日期,产品,卡号\n"


def _resident_id(rng: random.Random, region: str) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    return resident_id_with_check(f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}")


def _placement_file(spec: dict, shared_people: list[tuple[str, str, str]]) -> bytes:
    """A deterministic placement file; ~1 % of rows carry a mistake to show rejected rows."""
    rng = random.Random(f"demo-{spec['code']}")  # noqa: S311 - reproducible demo data
    lines = [HEADER]
    for number in range(spec["rows"]):
        region, city = CITIES[rng.randrange(len(CITIES))]
        if number < len(shared_people):
            name, id_number, phone = shared_people[number]  # debtors of both banks
        else:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(2))
            id_number = _resident_id(rng, region)
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        if number % 97 == 50:
            id_number = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")  # bad checksum
        address = f"{city}{rng.choice(STREETS)}{rng.randrange(1, 999)}号"
        principal = Decimal(rng.randrange(50_000, 8_000_000)) / 100
        interest = Decimal(rng.randrange(0, 300_000)) / 100
        fees = Decimal(rng.randrange(0, 20_000)) / 100
        overdue = dt.date(2026, 10, 31) - dt.timedelta(days=rng.randrange(10, 400))
        card = f"6225{rng.randrange(10**12):012d}" if rng.random() < 0.6 else ""
        account = f"{spec['code'].upper()}{number + 1:07d}"
        lines.append(
            f"{account},{name},{id_number},{phone},{address},{principal},{interest},{fees},"
            f"{overdue:%Y-%m-%d},{rng.choice(PRODUCTS)},{card}\n"
        )
    return "".join(lines).encode("utf-8")


def _shared_people() -> list[tuple[str, str, str]]:
    rng = random.Random("demo-shared")  # noqa: S311 - reproducible demo data
    return [
        (
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            _resident_id(rng, CITIES[0][0]),
            f"138{rng.randrange(10**8):08d}",
        )
        for _ in range(25)
    ]


def _bank(spec: dict, branches: dict) -> tuple[Bank, Agreement, bool]:
    bank = Bank.objects.filter(code=spec["code"]).first()
    created = bank is None
    if bank is None:
        routine_name, routine_email, routine_phone = spec["routine"]
        emergency_name, emergency_phone = spec["emergency"]
        bank = bank_create(
            actor=None,
            name=spec["name"],
            code=spec["code"],
            routine_contact_name=routine_name,
            routine_contact_email=routine_email,
            routine_contact_phone=routine_phone,
            file_transfer_channel=spec["channel"],
            emergency_contact_name=emergency_name,
            emergency_contact_phone=emergency_phone,
        )
        demo_data_mark(obj=bank)
    agreement = Agreement.objects.filter(bank=bank, number=spec["agreement"]).first()
    if agreement is None:
        terms = (
            {
                "commission_type": Agreement.CommissionType.BY_BUCKET,
                "bucket_rates": {
                    "M1": Decimal("0.0800"),
                    "M2": Decimal("0.1200"),
                    "M3": Decimal("0.1800"),
                    "M4-6": Decimal("0.2500"),
                    "M6+": Decimal("0.3500"),
                },
            }
            if spec["by_bucket"]
            else {"commission_type": Agreement.CommissionType.FLAT, "flat_rate": Decimal("0.1500")}
        )
        agreement = agreement_create(
            actor=None,
            bank=bank,
            number=spec["agreement"],
            signed_on=dt.date(2026, 1, 5),
            effective_from=dt.date(2026, 1, 10),
            branch=branches[spec["branch"]],
            reconciliation_day=25,
            collection_period_days=30,
            notes="Demo agreement.",
            **terms,
        )
    return bank, agreement, created


def _key(bank: Bank, stdout) -> None:
    if BankApiKey.objects.filter(bank=bank, name=DEMO_KEY_NAME).exists():
        return
    fixed = DEVELOPMENT_KEYS.get(bank.code) if settings.DJANGO_ENV == "development" else None
    key, raw = api_key_issue(bank=bank, actor=None, name=DEMO_KEY_NAME, raw_key=fixed)
    demo_data_mark(obj=key)  # production refuses it (cases/checks.py, authentication)
    if stdout:
        note = " (development demo key, see README)" if fixed else " — shown once, store it now"
        # The key alone on its own line (OutputWrapper adds no second newline).
        stdout.write(f"cases: API key for {bank.code}{note}:\n{raw}\n")


def seed(*, stdout=None) -> dict:
    """Creates what is missing; a second run changes nothing."""
    from .services.placements import placement_import, placement_receive

    branches = {branch.code: branch for branch in Branch.objects.filter(code__in=["SH", "BJ"])}
    if len(branches) < 2:
        if stdout:
            stdout.write("cases: skipped (the SH and BJ branches of staff.demo are missing)")
        return {}
    shared = _shared_people()
    summary = {"banks": 0, "placements": 0, "cases": 0}
    for spec in BANKS:
        bank, agreement, created = _bank(spec, branches)
        summary["banks"] += created
        _key(bank, stdout)
        content = _placement_file(spec, shared)
        upload = SimpleUploadedFile(
            f"{spec['code']}-placement-2026-11.csv", content, content_type="text/csv"
        )
        placement, received = placement_receive(
            bank=bank, uploaded_file=upload, agreement=agreement
        )
        summary["placements"] += received
        if placement.status != Placement.Status.COMPLETED:
            placement = placement_import(placement_id=placement.pk)
        if received:
            # A few withdrawals, through the same service the bank API uses.
            for case in Case.objects.filter(bank=bank).order_by("account_no")[5:15]:
                case_recall(case=case, reason="Demo: withdrawn by the bank")
        summary["cases"] += Case.objects.filter(bank=bank).count()
    if stdout:
        stdout.write(
            "cases: {banks} banks created, {placements} placements imported, "
            "{cases} cases in total".format(**summary)
        )
    return summary
