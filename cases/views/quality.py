"""Call quality pages: calls to review and reviews done, scoring a call while listening
to its recording, one review (confirm a low score as a compliance violation), the
checklist (items and weights), and the scores per collector per month."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.pages import in_company_time
from collections_office.workdays import company_tz
from staff.access import role_required
from staff.selectors import get_scoped_object_or_404

from ..access import TEAM_LEAD_ROLES, TEAM_READER_ROLES
from ..models import ITEM_SCALE, CallLog, QualityChecklistItem
from ..selectors import quality as selectors
from ..selectors.compliance import rule_label
from ..services import quality as services
from ..services.compliance import VIOLATION_RULES
from .common import history_rows

PER_PAGE = 50
MONTHS_SHOWN = 6


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


@role_required(*TEAM_READER_ROLES)
@in_company_time
def quality_reviews(request):
    """Calls waiting for a review (supervisors) and the reviews done."""
    reviews = selectors.review_list(user=request.user)
    calls = (
        selectors.reviewable_calls(user=request.user)
        if services.may_review_calls(request.user)
        else CallLog.objects.none()
    )
    return render(
        request,
        "cases/teamwork/quality_reviews.html",
        {
            "reviews": Paginator(reviews, PER_PAGE).get_page(request.GET.get("page")),
            "calls": calls[:50],
            "threshold": services.violation_threshold(),
        },
    )


@role_required(*TEAM_LEAD_ROLES)
@in_company_time
def quality_review_call(request, pk: int):
    """Score one call against the checklist, with its recording on the page."""
    call = get_scoped_object_or_404(
        CallLog.objects.visible_to(request.user).select_related(
            "case", "collector", "outcome", "contact_point"
        ),
        user=request.user,
        pk=pk,
    )
    existing = call.quality_reviews.first()
    if existing is not None:
        messages.info(request, _("This call has already been reviewed."))
        return redirect("cases:quality_review_detail", pk=existing.pk)
    errors: dict = {}
    items = list(services.active_items())
    if request.method == "POST":
        marks = {item.code: request.POST.get(f"item_{item.code}") for item in items}
        try:
            review = services.call_quality_review(
                call=call, actor=request.user, marks=marks, comment=request.POST.get("comment", "")
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, _("Review saved: %(score)d of 100.") % {"score": review.score}
            )
            return redirect("cases:quality_review_detail", pk=review.pk)
    return render(
        request,
        "cases/teamwork/quality_review_form.html",
        {
            "call": call,
            "items": [
                {
                    "item": item,
                    "name": f"item_{item.code}",
                    "value": request.POST.get(f"item_{item.code}", ""),
                    "errors": errors.get(f"item_{item.code}", []),
                }
                for item in items
            ],
            "scale": range(ITEM_SCALE + 1),
            "scale_max": ITEM_SCALE,
            "errors": errors,
            "comment": request.POST.get("comment", ""),
        },
        status=422 if errors else 200,
    )


@role_required(*TEAM_READER_ROLES)
@in_company_time
def quality_review_detail(request, pk: int):
    review = get_scoped_object_or_404(
        selectors.review_list(user=request.user), user=request.user, pk=pk
    )
    threshold = services.violation_threshold()
    may_confirm = (
        services.may_review_calls(request.user)
        and review.confirmed_violation_id is None
        and review.score < threshold
    )
    errors: dict = {}
    if request.method == "POST":
        if not may_confirm:
            raise PermissionDenied
        try:
            services.quality_review_confirm_violation(
                review=review,
                actor=request.user,
                rule=request.POST.get("rule", ""),
                description=request.POST.get("description", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Confirmed as a compliance violation."))
            return redirect("cases:quality_review_detail", pk=review.pk)
    return render(
        request,
        "cases/teamwork/quality_review.html",
        {
            "review": review,
            "call": review.call,
            "marks": review.marks.select_related("item"),
            "scale_max": ITEM_SCALE,
            "threshold": threshold,
            "may_confirm": may_confirm,
            "rules": [(code, rule_label(code)) for code in VIOLATION_RULES],
            "errors": errors,
            "posted": request.POST if errors else {},
            "history": history_rows(
                review.history.select_related("history_user").order_by("-history_id")
            ),
        },
        status=422 if errors else 200,
    )


@role_required(*TEAM_LEAD_ROLES)
@in_company_time
def quality_checklist(request):
    """The checklist, all rows edited at once (the weights in use must add up to 100)."""
    items = list(QualityChecklistItem.objects.order_by("sort_order", "code"))
    errors: dict = {}
    rows = [
        {
            "pk": item.pk,
            "label": item.label,
            "label_zh": item.label_zh,
            "weight": item.weight,
            "is_active": item.is_active,
            "sort_order": item.sort_order,
        }
        for item in items
    ]
    if request.method == "POST":
        count = len(items) + 1  # the existing items and one new row
        rows = []
        for index in range(count):
            prefix = f"row{index}-"
            rows.append(
                {
                    "pk": int(request.POST.get(prefix + "pk"))
                    if (request.POST.get(prefix + "pk") or "").isdigit()
                    else None,
                    "label": request.POST.get(prefix + "label", ""),
                    "label_zh": request.POST.get(prefix + "label_zh", ""),
                    "weight": request.POST.get(prefix + "weight", ""),
                    "is_active": request.POST.get(prefix + "is_active") == "on",
                    "sort_order": request.POST.get(prefix + "sort_order", ""),
                }
            )
        try:
            services.quality_checklist_update(actor=request.user, rows=rows)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Checklist saved."))
            return redirect("cases:quality_checklist")
    else:
        rows.append(
            {
                "pk": None,
                "label": "",
                "label_zh": "",
                "weight": "",
                "is_active": True,
                "sort_order": "",
            }
        )
    for index, row in enumerate(rows):
        row["index"] = index
        row["errors"] = errors.get(f"label_{index}", []) + errors.get(f"weight_{index}", [])
    return render(
        request,
        "cases/teamwork/quality_checklist.html",
        {"rows": rows, "errors": errors, "scale_max": ITEM_SCALE},
    )


@role_required(*TEAM_READER_ROLES)
@in_company_time
def quality_scores(request):
    today = timezone.localtime(timezone.now(), company_tz()).date()
    months = selectors.months_back(today, MONTHS_SHOWN)
    return render(
        request,
        "cases/teamwork/quality_scores.html",
        {
            "months": months,
            "rows": selectors.scores_by_collector_and_month(user=request.user, months=months),
            "threshold": services.violation_threshold(),
        },
    )
