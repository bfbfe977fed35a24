"""Campaign pages: the list, a campaign with its cases and results, create and edit
(supervisors of the branch), adding and removing cases by account number."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from collections_office.pages import id_param, in_company_time, sort_queryset
from staff import roles
from staff.access import role_required
from staff.models import Branch
from staff.selectors import get_scoped_object_or_404, sees_all_branches, user_branch

from ..access import COLLECTOR_ROLES, TEAM_LEAD_ROLES, TEAM_READER_ROLES
from ..selectors import campaigns as selectors
from ..services import campaigns as services
from .common import history_rows

User = get_user_model()

CAMPAIGN_ROLES = (*TEAM_READER_ROLES, *COLLECTOR_ROLES)
PER_PAGE = 50
CAMPAIGN_SORTS = {
    "name": "name",
    "lead": "lead__first_name",
    "starts": "starts_on",
    "ends": "ends_on",
    "target": "target_amount",
    "cases": "case_count",
}


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _campaign(request, pk: int):
    return get_scoped_object_or_404(
        selectors.campaign_list(user=request.user), user=request.user, pk=pk
    )


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _leads(branch) -> list:
    if branch is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            groups__name__in=(roles.PHONE_COLLECTOR, roles.FIELD_COLLECTOR),
            staff_profile__branch=branch,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _values(post) -> dict:
    lead_id = id_param(post.get("lead"))
    return {
        "name": post.get("name", ""),
        "lead": User.objects.filter(pk=lead_id).first() if lead_id else None,
        "starts_on": _date(post.get("starts_on", "")),
        "ends_on": _date(post.get("ends_on", "")),
        "target_amount": post.get("target_amount", ""),
        "description": post.get("description", ""),
    }


@role_required(*CAMPAIGN_ROLES)
@in_company_time
def campaign_list(request):
    campaigns, sort = sort_queryset(
        selectors.campaign_list(user=request.user), request, CAMPAIGN_SORTS, "-starts"
    )
    return render(
        request,
        "cases/teamwork/campaign_list.html",
        {
            "page": Paginator(campaigns, PER_PAGE).get_page(request.GET.get("page")),
            "sort": sort,
            "may_create": services.may_manage_campaigns(request.user),
        },
    )


def _form_page(request, *, campaign=None, errors=None, posted=None, branch=None, status=200):
    branch = campaign.branch if campaign else branch
    return render(
        request,
        "cases/teamwork/campaign_form.html",
        {
            "campaign": campaign,
            "branch": branch,
            "branches": Branch.objects.order_by("name") if sees_all_branches(request.user) else [],
            "leads": _leads(branch),
            "errors": errors or {},
            "posted": posted or {},
        },
        status=status,
    )


@role_required(*TEAM_LEAD_ROLES)
@in_company_time
def campaign_create(request):
    branch = user_branch(request.user)
    if sees_all_branches(request.user):
        chosen = id_param(request.POST.get("branch") or request.GET.get("branch"))
        branch = Branch.objects.filter(pk=chosen).first() if chosen else branch
    if request.method != "POST":
        return _form_page(request, branch=branch)
    values = _values(request.POST)
    try:
        campaign = services.campaign_create(actor=request.user, branch=branch, **values)
    except ValidationError as exc:
        # 200 with the messages, like the other form pages without an id (the scoping
        # battery holds id-less routes to 200/302/403/405).
        return _form_page(request, branch=branch, errors=_errors(exc), posted=request.POST)
    messages.success(request, _("Campaign created. Add its cases below."))
    return redirect("cases:campaign_detail", pk=campaign.pk)


@role_required(*TEAM_LEAD_ROLES)
@in_company_time
def campaign_edit(request, pk: int):
    campaign = _campaign(request, pk)
    if not services.may_manage_campaigns(request.user, campaign.branch):
        raise PermissionDenied
    if request.method != "POST":
        posted = {
            "name": campaign.name,
            "lead": str(campaign.lead_id),
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "target_amount": campaign.target_amount,
            "description": campaign.description,
        }
        return _form_page(request, campaign=campaign, posted=posted)
    try:
        services.campaign_update(campaign=campaign, actor=request.user, **_values(request.POST))
    except ValidationError as exc:
        return _form_page(
            request, campaign=campaign, errors=_errors(exc), posted=request.POST, status=422
        )
    messages.success(request, _("Campaign changed."))
    return redirect("cases:campaign_detail", pk=campaign.pk)


@role_required(*CAMPAIGN_ROLES)
@in_company_time
def campaign_detail(request, pk: int):
    """The campaign, its results and its cases; supervisors add and remove cases here."""
    campaign = _campaign(request, pk)
    may_manage = services.may_manage_campaigns(request.user, campaign.branch)
    errors: dict = {}
    accounts = ""
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "remove":
                services.campaign_remove_case(
                    campaign=campaign,
                    actor=request.user,
                    case_id=id_param(request.POST.get("case")) or 0,
                )
                messages.success(request, _("Case removed from the campaign."))
            else:
                accounts = request.POST.get("accounts", "")
                added = services.campaign_add_cases(
                    campaign=campaign, actor=request.user, account_numbers=accounts
                )
                messages.success(
                    request,
                    ngettext("%(n)d case added.", "%(n)d cases added.", added) % {"n": added},
                )
            return redirect("cases:campaign_detail", pk=campaign.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    members = selectors.campaign_members(campaign=campaign)
    return render(
        request,
        "cases/teamwork/campaign_detail.html",
        {
            "campaign": campaign,
            "results": selectors.campaign_results(campaign),
            "page": Paginator(members, PER_PAGE).get_page(request.GET.get("page")),
            "may_manage": may_manage,
            "errors": errors,
            "accounts": accounts,
            "history": history_rows(
                campaign.history.select_related("history_user").order_by("-history_id"),
                limit=20,
            ),
        },
        status=422 if errors else 200,
    )
