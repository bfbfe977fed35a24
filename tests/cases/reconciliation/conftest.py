"""Fixtures of the reconciliation tests: November 2026 of agreement A with every kind of
line and a tie, reconciled on 7 December 2026."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import BankRepayment, Payment, RepaymentFile
from tests.cases.workflow.money.conftest import (  # noqa: F401 - fixtures
    api_a,
    api_b,
    assigned_case,
    at_today,
    clock,
    collector_a,
    finance_a,
    finance_b,
    key_a,
    key_b,
    supervisor_a,
)

NOVEMBER = dt.date(2026, 11, 1)
_counter = itertools.count(1)


def nov(day: int) -> dt.date:
    return dt.date(2026, 11, day)


def repayment_file(agreement, *, status=RepaymentFile.Status.COMPLETED) -> RepaymentFile:
    n = next(_counter)
    content = f"repayments {n}".encode()
    return RepaymentFile.objects.create(
        bank=agreement.bank,
        agreement=agreement,
        status=status,
        original_file=f"repayments/test-{n}.csv",
        original_name=f"test-{n}.csv",
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def repayment(file, *, account_no, amount, paid_on, case=None, reference=None) -> BankRepayment:
    n = next(_counter)
    return BankRepayment.objects.create(
        repayment_file=file,
        bank=file.bank,
        agreement=file.agreement,
        case=case,
        account_no=account_no,
        amount=Decimal(amount),
        paid_on=paid_on,
        reference=reference or f"REF-{n:05d}",
        row=n + 1,
    )


def payment(case, *, amount, paid_on, claimed_by, status="claimed", confirmed_by=None) -> Payment:
    fields = {}
    if status == "confirmed":
        fields = {"confirmed_by": confirmed_by, "confirmed_at": timezone.now()}
    return Payment.objects.create(
        case=case,
        amount=Decimal(amount),
        paid_on=paid_on,
        channel=Payment.Channel.TO_BANK,
        claimed_by=claimed_by,
        status=status,
        **fields,
    )


@pytest.fixture
def november(at_today, agreement_a, collector_a, supervisor_a):  # noqa: F811
    """Every kind of line: matched (same day, within tolerance, already confirmed, a tie),
    an amount difference, agency only, bank only (placed and not placed)."""
    placed = timezone.make_aware(dt.datetime(2026, 9, 1, 9))
    cases = {
        name: assigned_case(agreement_a, collector_a, account_no=f"ACC-{name}", placed_at=placed)
        for name in ("same", "near", "confirmed", "tie", "differ", "agency", "bank")
    }
    file = repayment_file(agreement_a)
    p = {
        "same": payment(cases["same"], amount="100.00", paid_on=nov(5), claimed_by=collector_a),
        "near": payment(cases["near"], amount="200.00", paid_on=nov(10), claimed_by=collector_a),
        "confirmed": payment(
            cases["confirmed"],
            amount="80.00",
            paid_on=nov(3),
            claimed_by=collector_a,
            status="confirmed",
            confirmed_by=supervisor_a,
        ),
        "tie_first": payment(cases["tie"], amount="60.00", paid_on=nov(8), claimed_by=collector_a),
        "tie_second": payment(cases["tie"], amount="60.00", paid_on=nov(8), claimed_by=collector_a),
        "differ": payment(
            cases["differ"], amount="300.00", paid_on=nov(15), claimed_by=collector_a
        ),
        "agency": payment(cases["agency"], amount="50.00", paid_on=nov(20), claimed_by=collector_a),
    }
    r = {
        "same": repayment(
            file, account_no="ACC-same", amount="100.00", paid_on=nov(5), case=cases["same"]
        ),
        "near": repayment(
            file, account_no="ACC-near", amount="200.00", paid_on=nov(12), case=cases["near"]
        ),
        "confirmed": repayment(
            file,
            account_no="ACC-confirmed",
            amount="80.00",
            paid_on=nov(3),
            case=cases["confirmed"],
        ),
        "tie": repayment(
            file, account_no="ACC-tie", amount="60.00", paid_on=nov(8), case=cases["tie"]
        ),
        "differ": repayment(
            file, account_no="ACC-differ", amount="290.00", paid_on=nov(15), case=cases["differ"]
        ),
        "bank": repayment(
            file, account_no="ACC-bank", amount="70.00", paid_on=nov(21), case=cases["bank"]
        ),
        "unknown": repayment(file, account_no="NOT-OURS-1", amount="40.00", paid_on=nov(22)),
    }
    return {"cases": cases, "payments": p, "repayments": r, "file": file}
