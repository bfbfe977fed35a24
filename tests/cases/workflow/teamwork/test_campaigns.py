"""Campaigns: created and edited by a supervisor of the branch, cases added by account
number, results from confirmed payments (read defensively)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.models import Campaign, CampaignCase, Case
from cases.selectors import campaigns as selectors
from cases.selectors.reports import optional_model
from cases.services import campaigns as services

from .conftest import assigned_case

pytestmark = pytest.mark.django_db


def create(actor, branch, lead, **overrides):
    values = {
        "name": "Spring push",
        "lead": lead,
        "starts_on": dt.date(2026, 11, 1),
        "ends_on": dt.date(2026, 12, 31),
        "target_amount": "50000",
    }
    values.update(overrides)
    return services.campaign_create(actor=actor, branch=branch, **values)


def test_a_supervisor_creates_a_campaign_and_adds_cases(
    supervisor_a, branch_a, collector_a, agreement_a
):
    cases = [assigned_case(agreement_a, collector_a) for _ in range(3)]
    campaign = create(supervisor_a, branch_a, collector_a)
    added = services.campaign_add_cases(
        campaign=campaign,
        actor=supervisor_a,
        account_numbers="\n".join(case.account_no for case in cases) + "\n" + cases[0].account_no,
    )
    assert added == 3
    assert campaign.cases.count() == 3
    assert (
        services.campaign_add_cases(
            campaign=campaign, actor=supervisor_a, account_numbers=cases[0].account_no
        )
        == 0
    )
    assert campaign.history.count() == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("name", {"name": " "}),
        ("ends_on", {"ends_on": dt.date(2026, 10, 1)}),
        ("target_amount", {"target_amount": "-5"}),
        ("target_amount", {"target_amount": "abc"}),
        ("starts_on", {"starts_on": None}),
    ],
)
def test_bad_campaign_input_is_refused_on_its_field(
    supervisor_a, branch_a, collector_a, field, overrides
):
    with pytest.raises(ValidationError) as error:
        create(supervisor_a, branch_a, collector_a, **overrides)
    assert field in error.value.message_dict
    assert not Campaign.objects.exists()


def test_the_lead_must_be_a_collector_of_the_branch(supervisor_a, branch_a, collector_b, manager_a):
    for lead in (collector_b, manager_a, None):
        with pytest.raises(ValidationError) as error:
            create(supervisor_a, branch_a, lead)
        assert "lead" in error.value.message_dict


def test_unknown_or_other_branch_accounts_refuse_the_whole_list(
    supervisor_a, branch_a, collector_a, agreement_a, agreement_b
):
    mine = assigned_case(agreement_a, collector_a)
    theirs = assigned_case(agreement_b, None, status=Case.Status.NEW)
    campaign = create(supervisor_a, branch_a, collector_a)
    with pytest.raises(ValidationError) as error:
        services.campaign_add_cases(
            campaign=campaign,
            actor=supervisor_a,
            account_numbers=f"{mine.account_no}, {theirs.account_no}, NOPE-1",
        )
    assert theirs.account_no in error.value.message_dict["accounts"][0]
    assert not CampaignCase.objects.exists()


def test_another_branchs_supervisor_cannot_edit(supervisor_a, supervisor_b, branch_a, collector_a):
    campaign = create(supervisor_a, branch_a, collector_a)
    with pytest.raises(PermissionDenied):
        services.campaign_update(campaign=campaign, actor=supervisor_b, name="Mine now")
    campaign.refresh_from_db()
    assert campaign.name == "Spring push"


def test_editing_changes_the_campaign_and_keeps_history(
    supervisor_a, branch_a, collector_a, collector_a2
):
    campaign = create(supervisor_a, branch_a, collector_a)
    services.campaign_update(
        campaign=campaign, actor=supervisor_a, lead=collector_a2, target_amount="60000"
    )
    campaign.refresh_from_db()
    assert campaign.lead == collector_a2
    assert campaign.target_amount == Decimal("60000")
    assert campaign.history.count() == 2


def test_results_are_not_yet_available_without_payments_or_count_confirmed_ones(
    supervisor_a, branch_a, collector_a, agreement_a
):
    case = assigned_case(agreement_a, collector_a)
    campaign = create(supervisor_a, branch_a, collector_a)
    services.campaign_add_cases(
        campaign=campaign, actor=supervisor_a, account_numbers=case.account_no
    )
    results = selectors.campaign_results(campaign)
    if optional_model("Payment") is None:
        assert results.amount_confirmed is None
        assert results.cases_paid is None
    else:
        assert results.amount_confirmed == Decimal("0.00")
        assert results.cases_paid == 0
    assert results.case_count == 1


def test_campaigns_led_are_counted_per_person(supervisor_a, branch_a, collector_a, collector_a2):
    create(supervisor_a, branch_a, collector_a)
    create(
        supervisor_a,
        branch_a,
        collector_a,
        name="Autumn",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 9, 30),
    )
    create(
        supervisor_a,
        branch_a,
        collector_a2,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 1, 31),
    )
    counts = selectors.campaigns_led(
        user_ids=[collector_a.pk, collector_a2.pk],
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
    )
    assert counts == {collector_a.pk: 2, collector_a2.pk: 0}
