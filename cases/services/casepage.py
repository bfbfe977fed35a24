"""Writes of the case page: the debtor's classification, dispute and cease-contact holds.

Contact points are added and marked invalid by the shared services in
`cases.services.work` (the call log adds numbers too). Each service here checks who
may do it (`PermissionDenied`), refuses bad input with a ValidationError on the
field, and writes its history row in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseHold
from cases.selectors.casepage import may_lift_holds, may_work_on_case

from .work import case_action_logged

REASON_MAX = 500


def _reason(value: str, *, field: str, message: str) -> str:
    reason = " ".join((value or "").split())
    if not reason:
        raise ValidationError({field: message})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {field: _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX}}
        )
    return reason


@transaction.atomic
def case_classify(*, case: Case, actor, classification: str, reason: str) -> Case:
    """Sets what the debtor can do (DESIGN §4.4); history keeps every change and its reason."""
    if not may_work_on_case(actor, case):
        raise PermissionDenied
    if classification not in Case.Classification.values:
        raise ValidationError({"classification": _("Choose a classification.")})
    reason = _reason(
        reason, field="reason", message=_("Say briefly why the debtor is classified so.")
    )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.classification == classification:
        raise ValidationError({"classification": _("The case is already classified so.")})
    locked.classification = classification
    locked._history_user = actor
    locked._change_reason = reason
    locked.save(update_fields=["classification", "updated_at"])
    case.classification = classification
    case_action_logged(case=case, actor=actor)
    return case


@transaction.atomic
def case_hold_place(*, case: Case, actor, kind: str, reason: str) -> CaseHold:
    """Stops every contact with the case until a supervisor lifts the hold (DESIGN §4.7).

    One active hold per kind: a second one is refused by name, also when two people
    place it at the same moment (the partial unique constraint decides).
    """
    if not may_work_on_case(actor, case):
        raise PermissionDenied
    if kind not in CaseHold.Kind.values:
        raise ValidationError({"kind": _("Choose dispute or cease contact.")})
    reason = _reason(reason, field="reason", message=_("Say why contact must stop."))
    hold = CaseHold(case=case, kind=kind, reason=reason, placed_by=actor, placed_at=timezone.now())
    hold._history_user = actor
    try:
        with transaction.atomic():
            hold.save()
    except IntegrityError:
        active = CaseHold.objects.filter(case=case, kind=kind, lifted_at__isnull=True).first()
        since = timezone.localtime(active.placed_at).strftime("%Y-%m-%d %H:%M") if active else ""
        raise ValidationError(
            {
                "kind": _("This case is already on a %(kind)s hold (since %(since)s).")
                % {"kind": CaseHold.Kind(kind).label.lower(), "since": since}
            }
        ) from None
    case_action_logged(case=case, actor=actor)
    return hold


@transaction.atomic
def case_hold_lift(*, hold: CaseHold, actor, reason: str) -> CaseHold:
    """Ends a hold: a supervisor only, with a reason; the hold row keeps who, when and why."""
    if not may_lift_holds(actor):
        raise PermissionDenied
    reason = _reason(reason, field="reason", message=_("Say why the hold can be lifted."))
    hold = CaseHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError({"reason": _("This hold has already been lifted.")})
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    hold._history_user = actor
    hold._change_reason = reason
    hold.save()
    return hold
