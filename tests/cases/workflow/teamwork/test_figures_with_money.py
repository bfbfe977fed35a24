"""With promises and payments installed: the weekly figures and a campaign's results count
them (promises made and kept, amount confirmed, cases paid)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cases.selectors import campaigns as campaign_selectors
from cases.selectors import reports as selectors
from cases.services import campaigns as campaign_services

from .conftest import assigned_case, shanghai

pytestmark = pytest.mark.django_db

WEEK = dt.date(2026, 11, 23)


@pytest.fixture
def money_models():
    from cases.models import Payment, Promise

    return Promise, Payment


def test_week_figures_count_promises_and_confirmed_payments(
    clock, money_models, agreement_a, collector_a, supervisor_a
):
    Promise, Payment = money_models
    clock(shanghai(2026, 11, 24, 10, 0))
    case = assigned_case(agreement_a, collector_a)
    Promise.objects.create(
        case=case,
        amount=Decimal("500.00"),
        due_on=WEEK + dt.timedelta(days=3),
        counts_from=WEEK,
        status="kept",
        amount_paid=Decimal("500.00"),
        made_by=collector_a,
    )
    Promise.objects.create(
        case=case,
        amount=Decimal("300.00"),
        due_on=WEEK + dt.timedelta(days=10),
        counts_from=WEEK,
        status="open",
        made_by=collector_a,
    )
    Payment.objects.create(
        case=case,
        amount=Decimal("500.00"),
        paid_on=WEEK + dt.timedelta(days=1),
        channel="to_bank",
        status="confirmed",
        claimed_by=collector_a,
        confirmed_by=supervisor_a,
        confirmed_at=shanghai(2026, 11, 25, 9, 0),
    )
    Payment.objects.create(
        case=case,
        amount=Decimal("90.00"),
        paid_on=WEEK + dt.timedelta(days=1),
        channel="to_bank",
        status="claimed",
        claimed_by=collector_a,
    )
    figures = selectors.collector_figures(
        collector_a, start_day=WEEK, end_day=WEEK + dt.timedelta(days=6)
    )
    assert figures["promises_made"] == 2
    assert figures["promises_kept"] == 1
    assert figures["amount_confirmed"] == Decimal("500.00")

    campaign = campaign_services.campaign_create(
        actor=supervisor_a,
        branch=case.branch,
        name="November",
        lead=collector_a,
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 30),
        target_amount="1000",
    )
    campaign_services.campaign_add_cases(
        campaign=campaign, actor=supervisor_a, account_numbers=case.account_no
    )
    results = campaign_selectors.campaign_results(campaign)
    assert results.amount_confirmed == Decimal("500.00")
    assert results.cases_paid == 1
    assert results.progress_percent == 50


def test_week_figures_count_the_visits_requested(
    clock, agreement_a, collector_a, staff_user, branch_a
):
    from cases.models import VisitNomination as Nomination
    from staff import roles

    clock(shanghai(2026, 11, 24, 10, 0))
    field_collector = staff_user(roles.FIELD_COLLECTOR, branch=branch_a, username="field.a")
    case = assigned_case(agreement_a, collector_a)
    Nomination.objects.create(
        case=case,
        branch=branch_a,
        nominated_by=collector_a,
        field_collector=field_collector,
        reason="No answer for two weeks",
        address="Shanghai Road 1",
        find_out="Still there?",
        nominated_at=shanghai(2026, 11, 24, 9, 0),
        list_day=WEEK + dt.timedelta(days=1),
        due_at=shanghai(2026, 11, 26, 9, 0),
    )
    figures = selectors.collector_figures(
        collector_a, start_day=WEEK, end_day=WEEK + dt.timedelta(days=6)
    )
    assert figures["visits_requested"] == 1
    assert figures["visits_done"] == 0
