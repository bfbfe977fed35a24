"""Handover (DESIGN §4.3): when a collector leaves or moves, a supervisor hands all
their open cases to others in one supervised step.

The plan is the automatic distribution's (`assignment.distribution_plan`, balanced by
open balance and count, optionally by overdue bucket); the move is the assignment
service's (`assignment._move`: rows locked, each case moved only if it is still with
the leaver, one `CaseAssignment` per case with the reason and a HANDOVER batch, the
case's history row). Everything open on a case (callbacks, notes, calls, holds,
promises, plans, visit nominations …) hangs on the case, not on the collector, so it
follows the case: nothing is copied, nothing can be left behind.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import CaseAssignmentBatch
from cases.selectors.assignment import BALANCE, display_name

from . import assignment


def _check_receivers(*, leaver, receivers: list, branch_id: int | None) -> None:
    if not receivers:
        raise ValidationError({"collectors": _("Choose the collectors who take the cases.")})
    if any(receiver is None for receiver in receivers):
        raise ValidationError({"collectors": _("One of the chosen collectors does not exist.")})
    if any(receiver.pk == leaver.pk for receiver in receivers):
        raise ValidationError(
            {
                "collectors": _("%(name)s is the one handing over: choose others.")
                % {"name": display_name(leaver)}
            }
        )
    for receiver in receivers:
        try:
            assignment.check_collector(
                receiver, branches={branch_id} if branch_id is not None else set()
            )
        except ValidationError as exc:
            raise ValidationError({"collectors": exc.error_dict["collector"]}) from None


def handover_cases(*, leaver, supervised_cases):
    """The leaver's open cases among those the supervisor sees, with their balance."""
    return (
        supervised_cases.open()
        .filter(assigned_to=leaver)
        .annotate(total_balance=BALANCE)
        .order_by("pk")
    )


def handover_plan(*, leaver, cases: list, receivers: list, by_bucket: bool = False):
    """The preview: who gets which of the leaver's cases (nothing is written)."""
    if not cases:
        message = _("%(name)s has no open cases to hand over.") % {"name": display_name(leaver)}
        raise ValidationError({"cases": message})
    branches = {case.branch_id for case in cases}
    if len(branches) > 1:
        raise ValidationError({"cases": _("The cases belong to several branches.")})
    _check_receivers(leaver=leaver, receivers=receivers, branch_id=next(iter(branches)))
    return assignment.distribution_plan(cases=cases, collectors=receivers, by_bucket=by_bucket)


@transaction.atomic
def handover_apply(
    *,
    leaver,
    moves: dict[int, int],
    receivers: list,
    branch_id: int,
    actor,
    reason: str,
    now: dt.datetime | None = None,
) -> assignment.AssignmentResult:
    """Applies a previewed handover exactly (case id → collector id), with the reason.
    Cases that left the leaver since the preview are reported, not moved."""
    reason = assignment._clean_reason(reason, required=True)
    if not moves:
        raise ValidationError({"cases": _("The plan has no cases.")})
    by_id = {receiver.pk: receiver for receiver in receivers}
    chosen = [by_id.get(pk) for pk in sorted(set(moves.values()))]
    _check_receivers(leaver=leaver, receivers=chosen, branch_id=branch_id)
    return assignment._move(
        moves=moves,
        expected=dict.fromkeys(moves, leaver.pk),
        actor=actor,
        kind=CaseAssignmentBatch.Kind.HANDOVER,
        branch_id=branch_id,
        reason=reason,
        description=_("Handover from %(name)s") % {"name": display_name(leaver)},
        now=now,
    )
