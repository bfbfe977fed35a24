"""The approvals page: what waits for my decision (one list across the product), my own
requests, and what I decided; deciding and withdrawing are POSTs from that list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collections_office.pages import in_company_time, sort_queryset

from .access import role_required
from .approvals import approval_kinds
from .models import ApprovalRequest
from .selectors import get_scoped_object_or_404
from .selectors_approvals import (
    approval_kind_choices,
    approvals_decided_by,
    approvals_pending_for,
    approvals_requested_by,
)
from .services_approvals import approval_decide, approval_withdraw
from .stored_text import shown_in_language

SHOWS = ("waiting", "mine", "decided")
SORTABLE = {"requested": "requested_at", "kind": "kind", "status": "status"}


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(message) for errors in exc.error_dict.values() for message in errors[0]]
    return [str(message) for message in exc.messages]


@role_required()
@in_company_time
def approval_list(request):
    kinds_i_decide = approval_kind_choices(request.user)
    show = request.GET.get("show") or ("waiting" if kinds_i_decide else "mine")
    if show not in SHOWS:
        show = "waiting"
    kind = request.GET.get("kind", "")
    if kind not in approval_kinds():
        kind = ""
    source = {
        "waiting": approvals_pending_for,
        "mine": approvals_requested_by,
        "decided": approvals_decided_by,
    }[show]
    queryset, sort = sort_queryset(source(request.user, kind=kind), request, SORTABLE, "-requested")
    if show == "waiting" and "sort" not in request.GET:
        # Oldest first: the longest-waiting request is the one to decide next.
        queryset, sort = queryset.order_by("requested_at", "pk"), "requested"
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/approvals/list.html",
        {
            "page": page,
            "show": show,
            "kind": kind,
            "sort": sort,
            "kind_choices": sorted(
                ((key, str(value.label)) for key, value in approval_kinds().items()),
                key=lambda item: item[1],
            ),
            "decides": bool(kinds_i_decide),
            "waiting_count": approvals_pending_for(request.user).count(),
        },
    )


def _back(request):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(reverse("staff:approvals"))


@require_POST
@role_required()
def approval_decide_view(request, pk: int):
    # What the user may not see is a 404 (and logged) before anything else is looked at.
    get_scoped_object_or_404(
        ApprovalRequest.objects.visible_to(request.user), user=request.user, pk=pk
    )
    decision = request.POST.get("decision")
    if decision not in ("approve", "return"):
        messages.error(request, _("Choose approve or return."))
        return _back(request)
    try:
        approval = approval_decide(
            approval=pk,
            user=request.user,
            approve=decision == "approve",
            comment=request.POST.get("comment", "")[:2000],
        )
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return _back(request)
    if decision == "approve":
        messages.success(
            request, _("Approved: %(summary)s") % {"summary": shown_in_language(approval.summary)}
        )
    else:
        messages.success(
            request, _("Returned: %(summary)s") % {"summary": shown_in_language(approval.summary)}
        )
    return _back(request)


@require_POST
@role_required()
def approval_withdraw_view(request, pk: int):
    get_scoped_object_or_404(
        ApprovalRequest.objects.filter(requested_by=request.user), user=request.user, pk=pk
    )
    try:
        approval = approval_withdraw(approval=pk, user=request.user)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return _back(request)
    messages.success(
        request, _("Withdrawn: %(summary)s") % {"summary": shown_in_language(approval.summary)}
    )
    return _back(request)


__all__ = ["approval_decide_view", "approval_list", "approval_withdraw_view"]
