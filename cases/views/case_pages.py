"""Staff pages for cases: the list with search and filters (the case page: views/casepage.py)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from collections_office.pages import in_company_time, sort_queryset
from staff.access import role_required
from staff.selectors import sees_all_branches

from .. import selectors
from ..access import CASE_VIEWER_ROLES
from ..forms import (
    CaseFilterForm,
)
from ..models import Case, OverdueBucket, overdue_bucket

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


@role_required(*CASE_VIEWER_ROLES)
@in_company_time
def case_list(request):
    form = CaseFilterForm(request.GET or None)
    form.is_valid()  # a bad filter is reported on the page; the valid ones still apply
    data = getattr(form, "cleaned_data", {})
    cases = selectors.case_list_filtered(
        user=request.user,
        query=data.get("q", "").strip(),
        bank=data.get("bank"),
        status=data.get("status", ""),
        branch=data.get("branch"),
        bucket=data.get("bucket", ""),
    )
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
