"""`seed_demo`'s promises, plans and payments: some due today, some broken, a plan, claims
waiting and confirmed payments; a second run adds nothing."""

from __future__ import annotations

import pytest

from cases import demo, demo_money, demo_work
from cases.models import Case, Payment, PaymentPlan, Promise
from staff import demo as staff_demo

from .conftest import TODAY


@pytest.fixture
def small_demo(settings, monkeypatch, workflow_defaults, at_today):
    settings.DJANGO_ENV = "test"
    monkeypatch.setattr(demo, "BANKS", [{**spec, "rows": 160} for spec in demo.BANKS])
    staff_demo.seed()
    demo.seed()
    demo_work.seed()


def test_demo_money_covers_every_state_once(small_demo):
    summary = demo_money.seed()
    assert summary["promises"] > 0
    open_today = Promise.objects.filter(status="open", due_on=TODAY, plan__isnull=True)
    assert open_today.exists()
    assert Promise.objects.filter(status="broken").exists()
    assert Promise.objects.filter(status="kept").exists()
    assert Promise.objects.filter(status="partly_kept").exists()
    assert PaymentPlan.objects.filter(status="active").exists()
    assert PaymentPlan.objects.filter(status="pending").exists()
    assert Payment.objects.filter(status="claimed").exists()
    assert Payment.objects.filter(status="confirmed").exists()
    # The queue columns follow: due today and broken cases lead their collectors' queues.
    assert Case.objects.filter(promise_due_on=TODAY).exists()
    assert Case.objects.filter(promise_broken_on__isnull=False).exists()
    counts = (Promise.objects.count(), Payment.objects.count(), PaymentPlan.objects.count())
    assert demo_money.seed()["promises"] == 0
    assert counts == (Promise.objects.count(), Payment.objects.count(), PaymentPlan.objects.count())
