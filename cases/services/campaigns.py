"""Campaigns (issue 10): a supervisor creates and edits a named group of cases of their
branch with a lead collector, dates and a target; adds and removes cases."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.access import TEAM_LEAD_ROLES
from cases.models import Campaign, CampaignCase, Case
from staff import roles
from staff.models import StaffProfile
from staff.selectors import has_role, sees_all_branches, user_branch

NAME_MAX = 200
ACCOUNTS_MAX = 2000
MAX_DAYS = 366


def may_manage_campaigns(user, branch=None) -> bool:
    if not has_role(user, *TEAM_LEAD_ROLES):
        return False
    if branch is None or sees_all_branches(user):
        return True
    return user_branch(user) == branch


def _money(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def _validated(*, name, branch, lead, starts_on, ends_on, target_amount) -> dict:
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("Give the campaign a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep the name under %(n)d characters.") % {"n": NAME_MAX}
    if lead is None:
        errors["lead"] = _("Choose the lead collector.")
    else:
        profile = StaffProfile.objects.filter(user=lead).first()
        if not has_role(lead, roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR) or profile is None:
            errors["lead"] = _("The lead must be a collector.")
        elif profile.branch_id != branch.pk:
            errors["lead"] = _("The lead must work in the campaign's branch.")
        elif profile.status != StaffProfile.Status.ACTIVE or not lead.is_active:
            errors["lead"] = _("The lead is no longer active.")
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day.")
    if ends_on is None:
        errors["ends_on"] = _("Enter the last day.")
    if starts_on and ends_on:
        if ends_on < starts_on:
            errors["ends_on"] = _("The last day is before the first day.")
        elif (ends_on - starts_on).days > MAX_DAYS:
            errors["ends_on"] = _("A campaign lasts at most a year.")
    amount = _money(target_amount)
    if amount is None:
        errors["target_amount"] = _("Enter an amount, e.g. 50000.00.")
    elif amount <= 0:
        errors["target_amount"] = _("The target must be more than zero.")
    elif amount.as_tuple().exponent < -2 or amount >= Decimal("1e12"):
        errors["target_amount"] = _("Enter an amount with at most two decimals.")
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "lead": lead,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "target_amount": amount,
    }


@transaction.atomic
def campaign_create(
    *,
    actor,
    branch,
    name: str,
    lead,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    target_amount,
    description: str = "",
) -> Campaign:
    if branch is None:
        raise ValidationError({"branch": _("Choose the branch.")})
    if not may_manage_campaigns(actor, branch):
        raise PermissionDenied
    values = _validated(
        name=name,
        branch=branch,
        lead=lead,
        starts_on=starts_on,
        ends_on=ends_on,
        target_amount=target_amount,
    )
    campaign = Campaign(
        branch=branch, created_by=actor, description=(description or "").strip(), **values
    )
    campaign._history_user = actor
    campaign._change_reason = "Created"
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor, description: str = "", **changes) -> Campaign:
    if not may_manage_campaigns(actor, campaign.branch):
        raise PermissionDenied
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    current = {
        "name": campaign.name,
        "lead": campaign.lead,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "target_amount": campaign.target_amount,
    }
    current.update({key: value for key, value in changes.items() if key in current})
    values = _validated(branch=campaign.branch, **current)
    for key, value in values.items():
        setattr(campaign, key, value)
    campaign.description = (description or "").strip()
    campaign._history_user = actor
    campaign._change_reason = "Changed"
    campaign.save()
    return campaign


def _account_numbers(text: str) -> list[str]:
    return list(dict.fromkeys(part for part in re.split(r"[\s,;]+", text or "") if part))


@transaction.atomic
def campaign_add_cases(*, campaign: Campaign, actor, account_numbers: str) -> int:
    """Adds the branch's open cases named by account number (one per line, or separated
    by commas). Unknown or closed accounts refuse the whole list, naming them."""
    if not may_manage_campaigns(actor, campaign.branch):
        raise PermissionDenied
    wanted = _account_numbers(account_numbers)
    if not wanted:
        raise ValidationError({"accounts": _("Enter at least one account number.")})
    if len(wanted) > ACCOUNTS_MAX:
        raise ValidationError(
            {"accounts": _("At most %(n)d accounts at a time.") % {"n": ACCOUNTS_MAX}}
        )
    found = {
        case.account_no: case
        for case in Case.objects.filter(branch=campaign.branch, account_no__in=wanted)
    }
    missing = [number for number in wanted if number not in found]
    if missing:
        raise ValidationError(
            {
                "accounts": ngettext(
                    "No case of this branch has the account number %(names)s.",
                    "No case of this branch has these account numbers: %(names)s.",
                    len(missing),
                )
                % {"names": ", ".join(missing[:20])}
            }
        )
    closed = [case.account_no for case in found.values() if not case.is_open]
    if closed:
        raise ValidationError(
            {
                "accounts": _("These cases are no longer open: %(names)s.")
                % {"names": ", ".join(closed[:20])}
            }
        )
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    already = set(CampaignCase.objects.filter(campaign=campaign).values_list("case_id", flat=True))
    rows = [
        CampaignCase(campaign=campaign, case=case, added_by=actor)
        for case in found.values()
        if case.pk not in already
    ]
    for row in rows:
        row._history_user = actor
        row.save()
    return len(rows)


@transaction.atomic
def campaign_remove_case(*, campaign: Campaign, actor, case_id: int) -> None:
    if not may_manage_campaigns(actor, campaign.branch):
        raise PermissionDenied
    row = CampaignCase.objects.filter(campaign=campaign, case_id=case_id).first()
    if row is None:
        raise ValidationError({"case": _("This case is not in the campaign.")})
    row._history_user = actor
    row.delete()
