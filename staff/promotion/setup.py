"""HR's and supervisors' writes around the chain: cycles, criteria, monthly targets,
upheld complaints, and level corrections (every level change lands in LevelChange)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import roles
from ..models import (
    CAREER_LADDER,
    LevelChange,
    MonthlyTarget,
    Position,
    PromotionApplication,
    PromotionCriteria,
    PromotionCycle,
    StaffProfile,
    UpheldComplaint,
    next_position,
)
from ..selectors import has_role, sees_all_branches, user_branch
from .services import today

STEP_POSITIONS = [p for p in CAREER_LADDER if next_position(p)]


def _require_role(actor, *wanted: str) -> None:
    if not has_role(actor, *wanted):
        raise ValidationError(_("You do not have the role for this."), code="wrong_role")


def _same_branch_or_hq(actor, person) -> bool:
    profile = getattr(person, "staff_profile", None)
    return sees_all_branches(actor) or (
        profile is not None and profile.branch_id == getattr(user_branch(actor), "pk", None)
    )


@transaction.atomic
def cycle_open(
    *,
    actor,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    steps: list[str],
    deadline: dt.date,
    committee,
    notice_working_days: int = 5,
    quorum: int = 3,
) -> PromotionCycle:
    """HR opens a promotion cycle: the period judged, the steps open, the deadline."""
    _require_role(actor, roles.HR)
    errors = {}
    if period_end < period_start:
        errors["period_end"] = _("The period ends before it starts.")
    if deadline < period_start:
        errors["deadline"] = _("The deadline is before the period starts.")
    bad_steps = [s for s in steps if s not in STEP_POSITIONS]
    if not steps or bad_steps:
        errors["steps"] = _("Choose at least one step of the ladder.")
    members = list(committee)
    if quorum < 1 or quorum > len(members):
        errors["quorum"] = _("The quorum must be between 1 and the number of members (%(n)s).") % {
            "n": len(members)
        }
    if errors:
        raise ValidationError(errors)
    cycle = PromotionCycle(
        name=name.strip(),
        period_start=period_start,
        period_end=period_end,
        steps=list(steps),
        deadline=deadline,
        notice_working_days=notice_working_days,
        quorum=quorum,
        opened_by=actor,
    )
    cycle.full_clean()
    cycle.save()
    cycle.committee.set(members)
    return cycle


# Where an application still moves: these carry on when their cycle is closed early.
IN_FLIGHT = (
    PromotionApplication.Status.DEPARTMENT_REVIEW,
    PromotionApplication.Status.MORE_EVIDENCE,
    PromotionApplication.Status.HR_REVIEW,
    PromotionApplication.Status.COMMITTEE,
    PromotionApplication.Status.PUBLIC_NOTICE,
)


def may_close_cycles(user) -> bool:
    """Cycles are the whole company's: only HR of headquarters closes one early."""
    return has_role(user, roles.HR) and sees_all_branches(user)


@transaction.atomic
def cycle_close(*, actor, cycle, reason: str) -> PromotionCycle:
    """HQ HR closes a cycle before its deadline: no new application from now on.

    Applications already submitted carry on through the chain to their decision (their
    applicants applied under the cycle's rules; HR or the committee may still refuse
    them). The reason, who and when are on the cycle and in its history.
    """
    if not may_close_cycles(actor):
        raise ValidationError(
            _("Only HR of headquarters closes a promotion cycle."), code="wrong_role"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the cycle is closed early.")})
    cycle = PromotionCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != PromotionCycle.Status.OPEN:
        raise ValidationError(
            _("The cycle “%(cycle)s” is already closed.") % {"cycle": cycle.name},
            code="already_closed",
        )
    cycle.status = PromotionCycle.Status.CLOSED
    cycle.closed_by = actor
    cycle.closed_at = timezone.now()
    cycle.close_reason = reason
    cycle._history_user = actor
    cycle._change_reason = reason[:100]
    cycle.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
    return cycle


def applications_in_flight(cycle) -> int:
    return PromotionApplication.objects.filter(cycle=cycle, status__in=IN_FLIGHT).count()


@transaction.atomic
def criteria_save(*, actor, criteria: PromotionCriteria) -> PromotionCriteria:
    """HR's edit of one step's criteria (validated; history keeps the old values)."""
    _require_role(actor, roles.HR)
    criteria.full_clean()
    criteria._history_user = actor
    criteria.save()
    return criteria


@transaction.atomic
def complex_definition_save(*, actor, definition):
    """HR's edit of what counts as a complex case (history keeps the old values)."""
    _require_role(actor, roles.HR)
    definition.full_clean()
    definition._history_user = actor
    definition.save()
    return definition


@transaction.atomic
def monthly_target_set(*, actor, collector, month: dt.date, amount) -> MonthlyTarget | None:
    """A supervisor sets (or, with no amount, clears) a collector's target for a month."""
    _require_role(actor, roles.SUPERVISOR)
    if not _same_branch_or_hq(actor, collector):
        raise ValidationError(_("You set targets only for collectors of your branch."))
    month = month.replace(day=1)
    if amount in (None, ""):
        MonthlyTarget.objects.filter(user=collector, month=month).delete()
        return None
    try:
        amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValidationError({"amount": _("Enter an amount.")}) from None
    if amount <= 0:
        raise ValidationError({"amount": _("The target must be more than zero.")})
    target, _created = MonthlyTarget.objects.update_or_create(
        user=collector, month=month, defaults={"amount": amount, "set_by": actor}
    )
    return target


@transaction.atomic
def complaint_record(*, actor, subject, upheld_on: dt.date, summary: str) -> UpheldComplaint:
    """HR records an upheld complaint against a staff member (it blocks promotion)."""
    _require_role(actor, roles.HR)
    if not _same_branch_or_hq(actor, subject):
        raise ValidationError(_("You record complaints only for staff of your branch."))
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Say what the complaint was.")})
    if upheld_on > today():
        raise ValidationError({"upheld_on": _("The date cannot be in the future.")})
    return UpheldComplaint.objects.create(
        subject=subject,
        branch=subject.staff_profile.branch,
        upheld_on=upheld_on,
        summary=summary.strip(),
        recorded_by=actor,
    )


@transaction.atomic
def level_correct(*, actor, person, to_position: str, effective_on: dt.date, note: str):
    """HR corrects a person's level (a mistake, a transfer): recorded like an appointment."""
    _require_role(actor, roles.HR)
    if not _same_branch_or_hq(actor, person):
        raise ValidationError(_("You correct levels only for staff of your branch."))
    if to_position not in Position.values:
        raise ValidationError({"to_position": _("Choose a position.")})
    if effective_on > today():
        raise ValidationError({"effective_on": _("A correction takes effect today or earlier.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the level is corrected.")})
    profile = StaffProfile.objects.select_for_update().get(user=person)
    if profile.position == to_position:
        raise ValidationError({"to_position": _("The person is already at this level.")})
    change = LevelChange.objects.create(
        user=person,
        from_position=profile.position,
        to_position=to_position,
        effective_on=effective_on,
        reason=LevelChange.Reason.HR_CORRECTION,
        note=note.strip(),
        recorded_by=actor,
    )
    profile.position = to_position
    profile._history_user = actor
    profile.save(update_fields=["position"])
    return change
