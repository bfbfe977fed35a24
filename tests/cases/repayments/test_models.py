"""The repayment models' own guarantees (the database refuses what the import refuses)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from cases.models import BankRepayment, RepaymentFile


def _file(bank, agreement, sha="a" * 64) -> RepaymentFile:
    repayment_file = RepaymentFile(
        bank=bank, agreement=agreement, original_name="r.csv", size_bytes=3, sha256=sha
    )
    repayment_file.original_file.save("r.csv", ContentFile(b"x,y"), save=False)
    repayment_file.save()
    return repayment_file


def _repayment(repayment_file, **values) -> BankRepayment:
    fields = {
        "repayment_file": repayment_file,
        "bank": repayment_file.bank,
        "agreement": repayment_file.agreement,
        "account_no": "6222000000000001",
        "amount": Decimal("100.00"),
        "paid_on": dt.date(2026, 11, 2),
        "reference": "R-1",
        "row": 2,
    }
    fields.update(values)
    return BankRepayment.objects.create(**fields)


@pytest.mark.django_db
def test_a_reference_once_per_bank_and_amounts_positive(agreement_a, agreement_b):
    file_a = _file(agreement_a.bank, agreement_a)
    _repayment(file_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        _repayment(file_a, row=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        _repayment(file_a, reference="R-2", amount=Decimal("0.00"))
    # Another bank may use the same reference.
    _repayment(_file(agreement_b.bank, agreement_b), reference="R-1")
    assert BankRepayment.objects.count() == 2
    assert BankRepayment.history.count() == 2
    assert file_a.history.count() == 1


@pytest.mark.django_db
def test_the_same_file_once_per_bank(agreement_a):
    _file(agreement_a.bank, agreement_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        _file(agreement_a.bank, agreement_a)
