"""Writes every area of the collection work shares: the first action, contact points.

`case_action_logged` is called by every service that records something a collector
did on a case (a call, a new number, a hold …): it starts the case's work (status
assigned → in progress) and stops the first-action clock (DESIGN §4.3).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, ContactPoint
from cases.normalise import normalise_phone
from collections_office.personal_data import keyed_hash


def case_action_logged(*, case: Case, actor, at: dt.datetime | None = None) -> bool:
    """Records that `actor` acted on `case`; True if it was their first action in the assignment.

    Only the assigned collector's action counts (a supervisor's note does not start
    the collector's work). A conditional update, so two first actions at the same
    moment set the time once.
    """
    at = at or timezone.now()
    if case.assigned_to_id is None or case.assigned_to_id != getattr(actor, "pk", None):
        return False
    changed = Case.objects.filter(
        pk=case.pk, assigned_to_id=actor.pk, first_action_at__isnull=True
    ).update(first_action_at=at)
    Case.objects.filter(pk=case.pk, status=Case.Status.ASSIGNED).update(
        status=Case.Status.IN_PROGRESS, updated_at=timezone.now()
    )
    if changed:
        case.first_action_at = at
        if case.status == Case.Status.ASSIGNED:
            case.status = Case.Status.IN_PROGRESS
    return bool(changed)


@transaction.atomic
def contact_point_add(
    *,
    case: Case,
    actor,
    value: str,
    kind: str = ContactPoint.Kind.PHONE,
    relation: str = ContactPoint.Relation.DEBTOR,
    contact_name: str = "",
    source: str = ContactPoint.Source.COLLECTOR,
) -> ContactPoint:
    """A new phone number (normalised to E.164) or address of the case's debtor.

    Errors are a ValidationError on the field (`value`, `relation`, `contact_name`).
    A number the debtor already has is refused by name, not added twice.
    """
    value = (value or "").strip()
    if not value:
        raise ValidationError({"value": _("Enter the number or address.")})
    if kind == ContactPoint.Kind.PHONE:
        try:
            value = normalise_phone(value)
        except ValueError as exc:
            raise ValidationError(
                {"value": _("“%(value)s” %(problem)s.") % {"value": value, "problem": _(str(exc))}}
            ) from None
    if relation not in ContactPoint.Relation.values:
        raise ValidationError({"relation": _("Choose whose number it is.")})
    if relation != ContactPoint.Relation.DEBTOR and not contact_name.strip():
        raise ValidationError(
            {"contact_name": _("Say whose number it is (e.g. “sister, Wang Fang”).")}
        )
    point = ContactPoint(
        debtor=case.debtor,
        kind=kind,
        value=value,
        relation=relation,
        contact_name=contact_name.strip(),
        source=source,
        added_by=actor,
    )
    if ContactPoint.objects.filter(
        debtor=case.debtor, kind=kind, value_hash=keyed_hash(value)
    ).exists():
        raise ValidationError({"value": _("This debtor already has that number or address.")})
    point._history_user = actor
    point._change_reason = f"Added on case {case.pk}"
    point.save()
    case_action_logged(case=case, actor=actor)
    return point


@transaction.atomic
def contact_point_mark_invalid(*, point: ContactPoint, actor, reason: str, case: Case) -> None:
    """The number or address no longer reaches anyone; the reason is required and kept."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the number is invalid.")})
    point = ContactPoint.objects.select_for_update().get(pk=point.pk)
    if not point.is_valid:
        raise ValidationError({"reason": _("This number is already marked invalid.")})
    point.is_valid = False
    point.invalid_reason = reason[:255]
    point.invalidated_at = timezone.now()
    point.invalidated_by = actor
    point._history_user = actor
    point._change_reason = f"Marked invalid on case {case.pk}"
    point.save()
    case_action_logged(case=case, actor=actor)
