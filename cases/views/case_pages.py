"""Staff pages for cases: the list with search and filters, the case page, reveals."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from collections_office.pages import in_company_time, sort_queryset
from staff.selectors import get_scoped_object_or_404, has_role, sees_all_branches
from staff.services import personal_data_view_record

from .. import selectors
from ..case_page import panels_for
from ..forms import (
    CaseFilterForm,
)
from ..models import Case, ContactPoint, OverdueBucket, overdue_bucket
from .common import (
    history_rows,
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


@in_company_time
def case_list(request):
    require_role(request.user, selectors.CASE_VIEWER_ROLES)
    form = CaseFilterForm(request.GET or None)
    cases = selectors.case_list_with_balance(user=request.user)
    form.is_valid()  # a bad filter is reported on the page; the valid ones still apply
    data = getattr(form, "cleaned_data", {})
    if data.get("q", "").strip():
        cases = selectors.case_search(cases, data["q"].strip())
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


def _case(request, pk: int) -> Case:
    return get_scoped_object_or_404(
        selectors.case_list_with_balance(user=request.user).select_related(
            "agreement", "last_placement"
        ),
        user=request.user,
        pk=pk,
    )


def mask_address(value: str) -> str:
    """Province and city (about the first 6 characters) stay; the street is hidden."""
    value = (value or "").strip()
    if len(value) <= 6:
        return "*" * len(value)
    return value[:6] + "*" * min(len(value) - 6, 12)


def _may_see_personal_data(user, case: Case) -> bool:
    return has_role(user, *selectors.PERSONAL_DATA_VIEWER_ROLES) or (
        case.assigned_to_id is not None and case.assigned_to_id == user.pk
    )


@in_company_time
def case_detail(request, pk: int, *, revealed: bool = False):
    require_role(request.user, selectors.CASE_VIEWER_ROLES + selectors.COLLECTOR_ROLES)
    case = _case(request, pk)
    contact_points = list(case.debtor.contact_points.all())
    for point in contact_points:
        if point.kind == ContactPoint.Kind.ADDRESS:
            point.masked = mask_address(point.value)
    linked = (
        selectors.case_list_with_balance(user=request.user)
        .filter(debtor=case.debtor)
        .exclude(pk=case.pk)
        .order_by("-placed_at")[:20]
    )
    history = history_rows(case.history.select_related("history_user").order_by("-history_id"))
    context = {
        "case": case,
        "debtor": case.debtor,
        "phones": [p for p in contact_points if p.kind == ContactPoint.Kind.PHONE],
        "addresses": [p for p in contact_points if p.kind == ContactPoint.Kind.ADDRESS],
        "linked": linked,
        "history": history,
        "bucket": overdue_bucket(case.overdue_since, timezone.localdate()),
        "may_reveal": _may_see_personal_data(request.user, case),
        "revealed": revealed,
        "panels": panels_for(request, case),
    }
    if request.htmx and revealed:
        return render(request, "cases/case_detail.html#personal-data", context)
    return render(request, "cases/case_detail.html", context)


@in_company_time
@require_POST
def case_reveal(request, pk: int):
    """Shows the ID number, phones and addresses in full — and records that it happened."""
    require_role(request.user, selectors.CASE_VIEWER_ROLES + selectors.COLLECTOR_ROLES)
    case = _case(request, pk)
    if not _may_see_personal_data(request.user, case):
        raise PermissionDenied
    personal_data_view_record(
        user=request.user,
        obj=case,
        fields=["debtor.id_number", "debtor.phones", "debtor.addresses"],
        path=request.path,
    )
    return case_detail(request, pk, revealed=True)
