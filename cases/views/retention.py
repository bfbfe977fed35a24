"""Headquarters' admin staff's pages of the retention purge: the dry-run lists waiting for
approval with what they would delete (rows per model, files), the decision through the
approvals registry's own endpoint, and the purge records afterwards."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from collections_office.pages import in_company_time
from staff import roles
from staff.access import role_required
from staff.models import ApprovalRequest
from staff.selectors import get_scoped_object_or_404

from ..models import RetentionPurge
from ..services.retention import APPROVAL_KIND, plan_rows

SORTS = {
    "listed": "listed_at",
    "agreement": "agreement__number",
    "ended": "retention_ended_on",
    "status": "status",
}


@require_GET
@role_required(roles.ADMIN_STAFF)
@in_company_time
def retention_purge_list(request):
    purges = RetentionPurge.objects.visible_to(request.user).select_related(
        "agreement__bank", "decided_by"
    )
    status = request.GET.get("status", "")
    if status in RetentionPurge.Status.values:
        purges = purges.filter(status=status)
    sort = request.GET.get("sort", "-listed")
    field = SORTS.get(sort.lstrip("-"), "listed_at")
    purges = purges.order_by(("-" if sort.startswith("-") else "") + field, "-pk")
    page = Paginator(purges, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/retention/list.html",
        {
            "page": page,
            "status": status,
            "sort": sort,
            "statuses": RetentionPurge.Status.choices,
        },
    )


@require_GET
@role_required(roles.ADMIN_STAFF)
@in_company_time
def retention_purge_detail(request, pk: int):
    purge = get_scoped_object_or_404(
        RetentionPurge.objects.visible_to(request.user).select_related(
            "agreement__bank", "decided_by"
        ),
        user=request.user,
        pk=pk,
    )
    approval = (
        ApprovalRequest.objects.visible_to(request.user)
        .filter(
            kind=APPROVAL_KIND,
            content_type=ContentType.objects.get_for_model(RetentionPurge),
            object_id=purge.pk,
        )
        .order_by("-requested_at")
        .first()
    )
    history = purge.history.select_related("history_user").order_by("-history_id")[:50]
    return render(
        request,
        "cases/retention/detail.html",
        {
            "purge": purge,
            "rows": plan_rows(purge),
            "approval": approval,
            "history": history,
        },
    )
