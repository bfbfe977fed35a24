"""Fixtures for placement intake: files built in memory, received and imported."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.intake.writers import postgres as postgres_writer
from cases.services.placements import placement_import, placement_receive
from collections_office.id_numbers import resident_id_with_check

HEADER = [
    "account_no",
    "debtor_name",
    "id_number",
    "phones",
    "address",
    "principal",
    "interest",
    "fees",
    "currency",
    "overdue_since",
    "product",
    "card_no",
]


def make_id(region: str = "110105", birth: str = "19800101", sequence: str = "123") -> str:
    """A resident ID number with a correct GB 11643 check character."""
    return resident_id_with_check(region + birth + sequence)


def wrong_check(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def _sequence(account_no: str) -> str:
    digits = "".join(ch for ch in account_no if ch.isdigit())
    return digits[-3:].rjust(3, "0")


def row(account_no: str = "6222000000000001", **values) -> dict:
    base = {
        "account_no": account_no,
        "debtor_name": "张三",
        "id_number": "" if "id_number" in values else make_id(sequence=_sequence(account_no)),
        "phones": "13812345678",
        "address": "上海市浦东新区世纪大道100号",
        "principal": "10000.00",
        "interest": "250.50",
        "fees": "30.00",
        "currency": "CNY",
        "overdue_since": "2026-03-01",
        "product": "信用卡",
        "card_no": "6222021234567890",
    }
    base.update(values)
    return base


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


@pytest.fixture
def receive(bank_a, agreement_a):
    """receive(content, name=..., **kwargs) → (placement, created) for bank A."""

    def _receive(content: bytes, name: str = "placement.csv", **kwargs):
        kwargs.setdefault("bank", bank_a)
        upload = SimpleUploadedFile(name, content, content_type="text/csv")
        return placement_receive(uploaded_file=upload, **kwargs)

    return _receive


class WorkerKilled(BaseException):
    """Stands for the worker process dying: nothing after it runs but `finally` blocks."""


@pytest.fixture
def worker_dies_after(monkeypatch):
    """worker_dies_after(n): the import's worker "dies" once n batches are committed;
    worker_dies_after(None): it lives again."""
    from cases.intake import engine

    def arm(batches: int | None) -> None:
        def hook(batches_written: int) -> None:
            if batches_written == batches:
                raise WorkerKilled

        monkeypatch.setattr(engine, "_after_batch_hook", None if batches is None else hook)

    return arm


# The PostgreSQL writer with the foreign-key triggers left on, as for a database role
# that may not switch them off (see PostgresWriter).
WITH_TRIGGERS = "postgresql-with-triggers"


@pytest.fixture
def import_file(receive, monkeypatch):
    """import_file(content, name=..., engine=...) → the placement after its import.

    engine: "postgresql", "orm", or WITH_TRIGGERS.
    """

    def _import(content: bytes, name: str = "placement.csv", engine: str = "", **kwargs):
        if engine == WITH_TRIGGERS:
            monkeypatch.setattr(
                postgres_writer, "foreign_key_checks_may_be_taken_over", lambda: False
            )
            engine = "postgresql"
        placement, _created = receive(content, name, **kwargs)
        return placement_import(placement_id=placement.pk, engine=engine)

    return _import


def errors_of(placement) -> list[tuple[int, str, str, str]]:
    return [
        (error.row_number, error.column, error.message, error.severity)
        for error in placement.row_errors.order_by("row_number", "pk")
    ]
