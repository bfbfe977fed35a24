"""Fixtures for repayment files: files built in memory, accounts placed, files imported."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.services.repayments import repayment_file_receive, repayment_import
from tests.cases.api.builders import make_case

HEADER = ["account_no", "amount", "paid_on", "reference"]
# A few days ago (the company date is within a day of the machine's).
PAID_ON = (dt.date.today() - dt.timedelta(days=3)).isoformat()


def line(account_no: str = "ACC-1", amount="100.00", paid_on=PAID_ON, reference=None):
    return {
        "account_no": account_no,
        "amount": amount,
        "paid_on": paid_on,
        "reference": reference if reference is not None else f"REF-{account_no}-{amount}",
    }


def csv_bytes(rows: list, *, header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    """A CSV file; rows are dicts (by header name) or lists of cells."""
    header = header or HEADER
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for item in rows:
        writer.writerow([item.get(name, "") for name in header] if isinstance(item, dict) else item)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list, *, header: list[str] | None = None) -> bytes:
    import openpyxl

    header = header or HEADER
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for item in rows:
        sheet.append([item.get(name) for name in header] if isinstance(item, dict) else item)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def errors_of(repayment_file) -> list[tuple[int, str, str]]:
    return [
        (error.row_number, error.column, error.message)
        for error in repayment_file.row_errors.order_by("row_number", "pk")
    ]


@pytest.fixture
def placed(agreement_a):
    """Accounts ACC-1 … ACC-5 placed by bank A under agreement A."""
    return {n: make_case(agreement_a, account_no=f"ACC-{n}") for n in range(1, 6)}


@pytest.fixture
def receive(bank_a, agreement_a):
    """receive(content, name=..., **kwargs) → (repayment file, created) for bank A."""

    def _receive(content: bytes, name: str = "repayments.csv", **kwargs):
        kwargs.setdefault("bank", bank_a)
        kwargs.setdefault("agreement", agreement_a)
        upload = SimpleUploadedFile(name, content, content_type="text/csv")
        return repayment_file_receive(uploaded_file=upload, **kwargs)

    return _receive


@pytest.fixture
def import_file(receive):
    """import_file(content, name=...) → the repayment file after its import."""

    def _import(content: bytes, name: str = "repayments.csv", **kwargs):
        repayment_file, _created = receive(content, name, **kwargs)
        return repayment_import(repayment_file_id=repayment_file.pk)

    return _import
