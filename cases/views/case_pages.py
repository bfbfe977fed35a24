"""Staff pages for cases: the list with search and filters (the case page: views/casepage.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q, Subquery
from django.shortcuts import render
from django.utils import timezone

from collections_office.pages import in_company_time, sort_queryset
from collections_office.personal_data import keyed_hash
from staff.selectors import sees_all_branches

from .. import selectors
from ..forms import (
    CaseFilterForm,
)
from ..models import Case, ContactPoint, OverdueBucket, overdue_bucket
from .common import (
    require_role,
)

# --- Cases ------------------------------------------------------------------------------

CASE_SORTS = {
    "account": "account_no",
    "debtor": "debtor__name",
    "bank": "bank__name",
    "status": "status",
    "balance": "total_balance",
    "overdue": "overdue_since",
    "updated": "updated_at",
}


def _case_search(queryset, query: str):
    """Account number, debtor name, resident ID (by keyed hash) or phone (by keyed hash)."""
    condition = Q(account_no__istartswith=query) | Q(debtor__name__icontains=query)
    compact = query.replace(" ", "").replace("-", "")
    if len(compact) >= 15 and compact[:17].isdigit():
        from ..normalise import validate_id_number

        try:
            number = validate_id_number(compact)[0]
        except ValueError:
            number = compact
        condition |= Q(debtor__id_number_hash=keyed_hash(number))
    digits = sum(ch.isdigit() for ch in compact)
    if 7 <= digits <= 15:
        from ..normalise import normalise_phone

        try:
            phone = normalise_phone(query)
        except ValueError:
            phone = ""
        if phone:
            debtors = ContactPoint.objects.filter(
                kind=ContactPoint.Kind.PHONE, value_hash=keyed_hash(phone)
            ).values("debtor_id")
            condition |= Q(debtor_id__in=Subquery(debtors))
    return queryset.filter(condition)


@in_company_time
def case_list(request):
    require_role(request.user, selectors.CASE_VIEWER_ROLES)
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list_with_balance(user=request.user)
    form.is_valid()  # a bad filter is reported on the page; the valid ones still apply
    data = getattr(form, "cleaned_data", {})
    if data.get("q", "").strip():
        cases = _case_search(cases, data["q"].strip())
    if data.get("bank"):
        cases = cases.filter(bank=data["bank"])
    if data.get("status"):
        cases = cases.filter(status=data["status"])
    if data.get("branch"):
        cases = cases.filter(branch=data["branch"])
    if data.get("bucket"):
        cases = cases.filter(selectors.overdue_bucket_range(data["bucket"]))
    cases, sort = sort_queryset(cases, request, CASE_SORTS, "-updated")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for case in page:
        case.bucket = overdue_bucket(case.overdue_since, today)
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "form": form,
            "query": request.GET.get("q", ""),
            "sort": sort,
            "banks": selectors.case_filter_banks(user=request.user),
            "status_choices": Case.Status.choices,
            "bucket_choices": OverdueBucket.choices,
            "branches": _branch_choices(request.user),
            "selected": {
                key: request.GET.get(key, "") for key in ("bank", "status", "branch", "bucket")
            },
        },
    )


def _branch_choices(user):
    if not sees_all_branches(user):
        return []
    from staff.models import Branch

    return list(Branch.objects.values_list("pk", "name"))
