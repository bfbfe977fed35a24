"""Scoped reads of campaigns: the list, one campaign's cases and its results, and the
number of campaigns each person led (promotion reviews count them).

Results come from confirmed payments (another area's model, read by name: None =
"not yet available") on the campaign's cases, paid between its first and last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from cases.models import Campaign, CampaignCase

from .reports import optional_model

# A member case's open balance (principal + interest + fees), as on the case pages.
BALANCE_OF_CASE = F("case__principal") + F("case__interest") + F("case__fees")


def campaign_list(*, user) -> QuerySet[Campaign]:
    return (
        Campaign.objects.visible_to(user)
        .select_related("branch", "lead")
        .annotate(case_count=Count("members"))
    )


def campaign_members(*, campaign: Campaign) -> QuerySet[CampaignCase]:
    return (
        CampaignCase.objects.filter(campaign=campaign)
        .select_related("case", "case__debtor", "case__assigned_to", "added_by")
        .annotate(balance=BALANCE_OF_CASE)
        .order_by("case__account_no")
    )


@dataclass(frozen=True)
class CampaignResults:
    case_count: int
    amount_confirmed: Decimal | None  # None: payments not available yet
    cases_paid: int | None
    target_amount: Decimal

    @property
    def progress_percent(self) -> int | None:
        if self.amount_confirmed is None or not self.target_amount:
            return None
        return min(100, int(self.amount_confirmed * 100 / self.target_amount))


def campaign_results(campaign: Campaign) -> CampaignResults:
    case_count = CampaignCase.objects.filter(campaign=campaign).count()
    Payment = optional_model("Payment")
    amount = paid = None
    if Payment is not None:
        payments = Payment.objects.filter(
            case__campaign_memberships__campaign=campaign,
            status="confirmed",
            paid_on__gte=campaign.starts_on,
            paid_on__lte=campaign.ends_on,
        )
        totals = payments.aggregate(total=Sum("amount"), cases=Count("case", distinct=True))
        amount = totals["total"] or Decimal("0.00")
        paid = totals["cases"]
    return CampaignResults(
        case_count=case_count,
        amount_confirmed=amount,
        cases_paid=paid,
        target_amount=campaign.target_amount,
    )


def campaigns_led(*, user_ids, start: dt.date, end: dt.date) -> dict[int, int]:
    """user id → campaigns they led that ended in [start, end] (the rule of
    cases.performance, which promotion reviews read)."""
    ids = list(user_ids)
    rows = (
        Campaign.objects.filter(lead_id__in=ids)
        .filter(Q(ends_on__gte=start) & Q(ends_on__lte=end))
        .order_by()
        .values("lead_id")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({row["lead_id"]: row["n"] for row in rows})
    return counts
