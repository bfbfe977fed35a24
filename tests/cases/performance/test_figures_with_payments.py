"""The money figures against hand-computed numbers, on the real cases.Payment and
cases.Campaign (collection workflow part 2) — or, in an installation without them, on
stand-ins built to the contract in the brief.

The stand-ins exist only inside these tests: registered as cases.Payment /
cases.Campaign, their tables created in the test's transaction (rolled back with it), and
unregistered afterwards, so no other test ever sees them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models

from cases.models import Case
from staff.models import ComplexCaseDefinition
from staff.performance import performance_figures

from .test_figures import END, START, has_model
from .test_figures import people as people  # the fixture

pytestmark = pytest.mark.django_db
REAL = has_model("Payment") and has_model("Campaign")


@pytest.fixture
def money(people):
    """(pay, campaign): writers of a payment and a campaign on whichever models exist."""
    if not REAL:
        yield from _stand_ins(people)
        return
    from django.utils import timezone

    payment_model, campaign_model = (
        apps.get_model("cases", "Payment"),
        apps.get_model("cases", "Campaign"),
    )
    supervisor = people["supervisor"]

    def pay(case, who, amount, day, status="confirmed"):
        extra = {}
        if status == "confirmed":
            extra = {"confirmed_by": supervisor, "confirmed_at": timezone.now()}
        return payment_model.objects.create(
            case=case,
            claimed_by=who,
            amount=Decimal(amount),
            paid_on=day,
            status=status,
            channel="to_agency",
            **extra,
        )

    def campaign(name, lead, starts_on, ends_on):
        return campaign_model.objects.create(
            name=name,
            lead=lead,
            starts_on=starts_on,
            ends_on=ends_on,
            branch=lead.staff_profile.branch,
            created_by=supervisor,
        )

    yield pay, campaign


def _stand_ins(people):
    class Payment(models.Model):  # noqa: DJ008 - a stand-in
        case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
        amount = models.DecimalField(max_digits=14, decimal_places=2)
        paid_on = models.DateField()
        status = models.CharField(max_length=10)
        claimed_by = models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
        )

        class Meta:
            app_label = "cases"
            db_table = "test_stand_in_payment"

    class Campaign(models.Model):  # noqa: DJ008 - a stand-in
        name = models.CharField(max_length=50)
        lead = models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
        )
        starts_on = models.DateField()
        ends_on = models.DateField()

        class Meta:
            app_label = "cases"
            db_table = "test_stand_in_campaign"

    with connection.schema_editor() as editor:
        editor.create_model(Payment)
        editor.create_model(Campaign)

    def pay(case, who, amount, day, status="confirmed"):
        return Payment.objects.create(
            case=case, claimed_by=who, amount=Decimal(amount), paid_on=day, status=status
        )

    def campaign(name, lead, starts_on, ends_on):
        return Campaign.objects.create(name=name, lead=lead, starts_on=starts_on, ends_on=ends_on)

    try:
        yield pay, campaign
    finally:
        for name in ("payment", "campaign"):
            apps.all_models["cases"].pop(name, None)
        apps.clear_cache()


def test_amount_success_rate_monthly_completion_complex_and_campaigns(people, money):
    pay, campaign = money
    alice, bob, cases = people["alice"], people["bob"], people["cases"]
    Case.objects.filter(pk=cases[0].pk).update(principal=Decimal("60000"))  # complex
    assert ComplexCaseDefinition.objects.get().min_balance == Decimal("50000")

    pay(cases[0], alice, "3000", dt.date(2026, 1, 10))
    pay(cases[0], alice, "2000", dt.date(2026, 3, 5))
    pay(cases[1], alice, "999", dt.date(2026, 2, 20), status="claimed")  # not confirmed
    pay(cases[2], alice, "4000", dt.date(2026, 3, 10))  # counts; case not worked in period
    pay(cases[0], alice, "500", dt.date(2025, 12, 31))  # before the period
    pay(cases[2], bob, "1000", dt.date(2026, 3, 2))
    campaign("Q1", alice, dt.date(2026, 1, 1), dt.date(2026, 2, 28))
    campaign("Q2", alice, dt.date(2026, 3, 1), dt.date(2026, 4, 30))

    figures = performance_figures(user_ids=[alice.pk, bob.pk], start=START, end=END)
    a, b = figures[alice.pk], figures[bob.pk]

    # Alice: 3000 + 2000 + 4000; worked cases 0 and 1, paid on case 0 → 1 / 2.
    assert a.amount_collected == Decimal("9000.00")
    assert (a.cases_worked, a.cases_with_payment, a.success_rate) == (2, 1, Decimal("50.00"))
    # January 3000 / 10000; February no target; March 6000 / 20000.
    assert [(m.confirmed, m.completion) for m in a.months] == [
        (Decimal("3000"), Decimal("30.00")),
        (Decimal("0.00"), None),
        (Decimal("6000"), Decimal("30.00")),
    ]
    assert a.lowest_monthly_completion == Decimal("30.00")
    assert a.complex_cases == 1  # case 0: balance over 50,000
    assert a.campaigns_led == 1  # Q2 ends after the period
    # Bob: 1000 on the one case he worked; no targets, no campaigns.
    assert b.amount_collected == Decimal("1000.00")
    assert (b.cases_worked, b.cases_with_payment, b.success_rate) == (1, 1, Decimal("100.00"))
    assert all(m.completion is None for m in b.months)
    assert (b.complex_cases, b.campaigns_led) == (0, 0)
