"""Fixtures for the cases app: banks, agreements, keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
import pytest

from cases.models import Agreement, Bank
from tests.factories import BranchFactory


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bank
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"bank{n}")
    name = factory.LazyAttribute(lambda o: f"Bank {o.code.upper()}")
    routine_contact_name = "Routine Contact"
    routine_contact_email = factory.LazyAttribute(lambda o: f"ops@{o.code}.example.com")
    routine_contact_phone = "+862100000000"
    file_transfer_channel = "REST API"
    emergency_contact_name = "Emergency Contact"
    emergency_contact_phone = "+8613800000000"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    bank = factory.SubFactory(BankFactory)
    number = factory.Sequence(lambda n: f"AGR-2026-{n:03d}")
    signed_on = dt.date(2026, 1, 5)
    effective_from = dt.date(2026, 1, 10)
    commission_type = Agreement.CommissionType.FLAT
    flat_rate = Decimal("0.1200")
    reconciliation_day = 25
    branch = factory.SubFactory(BranchFactory)


@pytest.fixture
def bank_a(db):
    return BankFactory(code="banka", name="Bank A")


@pytest.fixture
def bank_b(db):
    return BankFactory(code="bankb", name="Bank B")


@pytest.fixture
def agreement_a(bank_a, branch_a):
    return AgreementFactory(bank=bank_a, branch=branch_a, number="A-001")


@pytest.fixture
def agreement_b(bank_b, branch_b):
    return AgreementFactory(bank=bank_b, branch=branch_b, number="B-001")
