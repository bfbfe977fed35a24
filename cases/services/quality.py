"""Call quality reviews (issue 10): a supervisor scores a call against the checklist;
the checklist's items and weights are edited on a page (the weights of the items in
use add up to 100); a score below the threshold can be confirmed as a compliance
violation, which goes to part 1's violations (`compliance_violation_confirm`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import TEAM_LEAD_ROLES
from cases.models import (
    ITEM_SCALE,
    CallLog,
    CallQualityMark,
    CallQualityReview,
    QualityChecklistItem,
)
from cases.models.quality import WEIGHT_TOTAL
from staff.selectors import has_role

from .compliance import VIOLATION_RULES, compliance_violation_confirm, may_supervise_case

COMMENT_MAX = 4_000


def violation_threshold() -> int:
    """A review scoring below this may be confirmed as a violation (setting, default 60)."""
    return int(getattr(settings, "QUALITY_VIOLATION_THRESHOLD", 60))


def may_review_calls(user) -> bool:
    return has_role(user, *TEAM_LEAD_ROLES)


def active_items():
    return QualityChecklistItem.objects.filter(is_active=True).order_by("sort_order", "code")


def _parse_mark(raw) -> int | None:
    if isinstance(raw, int):
        return raw
    raw = str(raw if raw is not None else "").strip()
    if not raw.lstrip("-").isdigit():
        return None
    return int(raw)


@transaction.atomic
def call_quality_review(
    *, call: CallLog, actor, marks: dict[str, object], comment: str = "", now=None
) -> CallQualityReview:
    """Scores `call`: `marks` maps each active item's code to 0…ITEM_SCALE. The score is
    the weighted sum (0–100). A call is reviewed once; a second review is refused."""
    if not may_review_calls(actor) or not may_supervise_case(actor, call.case):
        raise PermissionDenied
    if call.collector_id == actor.pk:
        raise ValidationError({"__all__": _("Nobody reviews their own call.")})
    if call.status != CallLog.Status.COMPLETED:
        raise ValidationError({"__all__": _("Only a completed call can be reviewed.")})
    CallLog.objects.select_for_update().filter(pk=call.pk).first()
    if CallQualityReview.objects.filter(call=call).exists():
        raise ValidationError({"__all__": _("This call has already been reviewed.")})
    items = list(active_items())
    if sum(item.weight for item in items) != WEIGHT_TOTAL:
        raise ValidationError(
            {"__all__": _("The checklist's weights do not add up to 100: fix the checklist first.")}
        )
    errors: dict[str, str] = {}
    values: dict[int, int] = {}
    for item in items:
        mark = _parse_mark(marks.get(item.code))
        if mark is None:
            errors[f"item_{item.code}"] = _("Give this point a mark from 0 to %(n)d.") % {
                "n": ITEM_SCALE
            }
        elif not 0 <= mark <= ITEM_SCALE:
            errors[f"item_{item.code}"] = _("A mark is from 0 to %(n)d.") % {"n": ITEM_SCALE}
        else:
            values[item.pk] = mark
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Keep the comment under %(n)d characters.") % {"n": COMMENT_MAX}
    if errors:
        raise ValidationError(errors)
    weighted = sum(item.weight * values[item.pk] for item in items)
    score = round(weighted / ITEM_SCALE)
    review = CallQualityReview(
        call=call,
        collector_id=call.collector_id,
        case_id=call.case_id,
        reviewer=actor,
        score=score,
        comment=comment,
        reviewed_at=now or timezone.now(),
    )
    review._history_user = actor
    review._change_reason = "Call reviewed"
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        raise ValidationError({"__all__": _("This call has already been reviewed.")}) from None
    CallQualityMark.objects.bulk_create(
        CallQualityMark(review=review, item=item, weight=item.weight, mark=values[item.pk])
        for item in items
    )
    return review


@transaction.atomic
def quality_review_confirm_violation(
    *, review: CallQualityReview, actor, rule: str, description: str
):
    """Confirms a low-scoring review as a compliance violation of the call's collector."""
    if not may_review_calls(actor):
        raise PermissionDenied
    review = CallQualityReview.objects.select_for_update().get(pk=review.pk)
    if review.confirmed_violation_id is not None:
        raise ValidationError({"__all__": _("This review is already a confirmed violation.")})
    if review.score >= violation_threshold():
        raise ValidationError(
            {
                "__all__": _("Only a score below %(n)d can be confirmed as a violation.")
                % {"n": violation_threshold()}
            }
        )
    if rule not in VIOLATION_RULES:
        raise ValidationError({"rule": _("Choose the rule that was broken (or “other”).")})
    call = review.call
    violation = compliance_violation_confirm(
        case=call.case,
        collector=call.collector,
        rule=rule,
        occurred_at=call.started_at,
        description=description,
        actor=actor,
        call=call,
    )
    review.confirmed_violation = violation
    review._history_user = actor
    review._change_reason = "Confirmed as a violation"
    review.save(update_fields=["confirmed_violation"])
    return violation


@transaction.atomic
def quality_checklist_update(*, actor, rows: list[dict]) -> list[QualityChecklistItem]:
    """Saves the whole checklist at once: each row {"pk" (None: new), "label",
    "label_zh", "weight", "is_active", "sort_order"}. The weights of the items in use
    must add up to 100, or nothing is saved."""
    if not may_review_calls(actor):
        raise PermissionDenied
    errors: dict[str, str] = {}
    existing = {item.pk: item for item in QualityChecklistItem.objects.select_for_update()}
    items = []
    for index, row in enumerate(rows):
        pk = row.get("pk")
        item = existing.get(pk) if pk else QualityChecklistItem()
        if pk and item is None:
            errors[f"label_{index}"] = _("This item no longer exists.")
            continue
        label = " ".join((row.get("label") or "").split())
        if not label:
            if pk is None:
                continue  # an empty "new item" row
            errors[f"label_{index}"] = _("Give the item a label.")
        weight = _parse_mark(row.get("weight"))
        if weight is None or not 0 <= weight <= WEIGHT_TOTAL:
            errors[f"weight_{index}"] = _("A weight is a whole number from 0 to 100.")
            weight = 0
        item.label = label[:200]
        item.label_zh = " ".join((row.get("label_zh") or "").split())[:200]
        item.weight = weight
        item.is_active = bool(row.get("is_active"))
        item.sort_order = _parse_mark(row.get("sort_order")) or (index + 1) * 10
        if not item.code:
            item.code = f"item-{timezone.now():%Y%m%d%H%M%S}-{index}"
        items.append(item)
    total = sum(item.weight for item in items if item.is_active)
    if not errors and total != WEIGHT_TOTAL:
        errors["weights"] = _("The weights of the items in use add up to %(total)d, not 100.") % {
            "total": total
        }
    if not errors and not any(item.is_active for item in items):
        errors["weights"] = _("Keep at least one item in use.")
    if errors:
        raise ValidationError(errors)
    for item in items:
        item._history_user = actor
        item._change_reason = "Checklist changed"
        item.save()
    return items
