"""`seed_demo`'s cases part: two banks, agreements, keys, cases through the real import."""

from __future__ import annotations

import io

import pytest

from cases import demo
from cases.models import Bank, BankApiKey, Case, Placement
from cases.services.banks import api_key_hash
from staff import demo as staff_demo

pytestmark = pytest.mark.django_db


def test_seed_imports_thousands_of_cases_and_a_second_run_changes_nothing(settings):
    settings.DJANGO_ENV = "test"
    staff_demo.seed()
    out = io.StringIO()
    summary = demo.seed(stdout=out)
    assert summary["banks"] == 2 and summary["placements"] == 2
    assert Case.objects.count() >= 2900
    cmb = Bank.objects.get(code="cmb")
    assert cmb.agreements.get().branch.code == "SH"
    assert Bank.objects.get(code="citic").agreements.get().branch.code == "BJ"
    assert cmb.agreements.get().bucket_rates.count() == 5
    assert set(Placement.objects.values_list("status", flat=True)) == {"completed"}
    assert Placement.objects.filter(rows_rejected__gt=0).count() == 2
    assert Case.objects.filter(status=Case.Status.RECALLED).count() == 20
    # Some debtors owe both banks (linked cases).
    assert Case.objects.values("debtor").distinct().count() < Case.objects.count()
    # Outside development the keys are random and printed once.
    printed = out.getvalue()
    for key in BankApiKey.objects.all():
        raw = next(line for line in printed.splitlines() if line.startswith(key.prefix))
        assert key.key_hash == api_key_hash(raw)
        assert raw not in demo.DEVELOPMENT_KEYS.values()

    before = (Case.objects.count(), Placement.objects.count(), BankApiKey.objects.count())
    again = io.StringIO()
    demo.seed(stdout=again)
    assert (Case.objects.count(), Placement.objects.count(), BankApiKey.objects.count()) == before
    assert "co_" not in again.getvalue()


def test_development_gets_the_documented_demo_keys(settings, monkeypatch):
    settings.DJANGO_ENV = "development"
    monkeypatch.setattr(demo, "BANKS", [{**spec, "rows": 30} for spec in demo.BANKS])
    staff_demo.seed()
    demo.seed()
    for code, raw in demo.DEVELOPMENT_KEYS.items():
        key = BankApiKey.objects.get(bank__code=code)
        assert key.key_hash == api_key_hash(raw)
        assert raw.startswith(key.prefix + "_")
