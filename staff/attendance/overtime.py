"""Writes and reads for overtime (加班): asked for in advance, approved, the actual hours
recorded by the person afterwards, confirmed by their manager or HR; monthly totals of
confirmed hours for HR and payroll."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from staff.models import OvertimeRequest
from staff.selectors import profile_of

from .clock import ensure_month_open
from .days import month_bounds, today
from .scope import is_hr_for, is_line_manager_of

MAX_EXPECTED_HOURS = Decimal("12")
MAX_ACTUAL_HOURS = Decimal("16")


def _hours_in_range(value: Decimal, *, field: str, maximum: Decimal) -> None:
    if value is None or value < Decimal("0.5") or value > maximum:
        raise ValidationError(
            {field: _("Hours must be between 0.5 and %(max)s.") % {"max": maximum}}
        )
    if (value * 2) % 1:
        raise ValidationError({field: _("Hours are counted in half hours (e.g. 2.5).")})


@transaction.atomic
def overtime_apply(
    *, user, work_date: dt.date, expected_hours: Decimal, reason: str
) -> OvertimeRequest:
    """Overtime asked for in advance (today or later) and sent for approval."""
    profile = profile_of(user)
    if profile is None:
        raise ValidationError(_("Only members of staff apply for overtime."))
    if work_date < today():
        raise ValidationError({"work_date": _("Overtime is asked for in advance, not afterwards.")})
    _hours_in_range(expected_hours, field="expected_hours", maximum=MAX_EXPECTED_HOURS)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the overtime.")})
    ensure_month_open(person=user, day=work_date, field="work_date")
    request = OvertimeRequest.objects.create(
        user=user,
        branch=profile.branch,
        work_date=work_date,
        expected_hours=expected_hours,
        reason=reason.strip(),
    )
    from .approvals import ask_overtime_approval

    ask_overtime_approval(overtime=request, requested_by=user)
    return request


def overtime_decided(*, overtime: OvertimeRequest, approved: bool, decider) -> OvertimeRequest:
    """The approval's outcome (called inside the decision's transaction)."""
    overtime = OvertimeRequest.objects.select_for_update().get(pk=overtime.pk)
    if overtime.status != OvertimeRequest.Status.REQUESTED:
        raise ValidationError(_("This overtime is no longer waiting for a decision."))
    if decider.pk == overtime.user_id:
        raise ValidationError(_("Nobody approves their own overtime."))
    overtime.status = (
        OvertimeRequest.Status.APPROVED if approved else OvertimeRequest.Status.REJECTED
    )
    overtime.decided_by = decider
    overtime.decided_at = timezone.now()
    overtime.save(update_fields=["status", "decided_by", "decided_at"])
    return overtime


@transaction.atomic
def overtime_cancel(*, overtime: OvertimeRequest, actor) -> OvertimeRequest:
    overtime = OvertimeRequest.objects.select_for_update().get(pk=overtime.pk)
    if actor.pk != overtime.user_id:
        raise ValidationError(_("Only the person withdraws their overtime request."))
    if overtime.status not in (OvertimeRequest.Status.REQUESTED, OvertimeRequest.Status.APPROVED):
        raise ValidationError(_("Only overtime not yet worked can be withdrawn."))
    was_waiting = overtime.status == OvertimeRequest.Status.REQUESTED
    overtime.status = OvertimeRequest.Status.CANCELLED
    overtime.save(update_fields=["status"])
    if was_waiting:
        from .approvals import withdraw_overtime_approval

        withdraw_overtime_approval(overtime=overtime, actor=actor)
    return overtime


@transaction.atomic
def overtime_record(
    *, overtime: OvertimeRequest, actor, actual_hours: Decimal, work_done: str = ""
) -> OvertimeRequest:
    """The person records the hours actually worked; only approved overtime is recorded."""
    overtime = OvertimeRequest.objects.select_for_update().get(pk=overtime.pk)
    if actor.pk != overtime.user_id:
        raise ValidationError(_("Only the person who worked the overtime records its hours."))
    if overtime.status != OvertimeRequest.Status.APPROVED:
        raise ValidationError(
            {
                "actual_hours": _(
                    "Only approved overtime is recorded; this request is: %(status)s."
                )
                % {"status": overtime.get_status_display()}
            }
        )
    if overtime.work_date > today():
        raise ValidationError({"actual_hours": _("Record the hours once the overtime is worked.")})
    _hours_in_range(actual_hours, field="actual_hours", maximum=MAX_ACTUAL_HOURS)
    ensure_month_open(person=overtime.user, day=overtime.work_date, field="actual_hours")
    overtime.actual_hours = actual_hours
    overtime.work_done = work_done.strip()
    overtime.recorded_at = timezone.now()
    overtime.status = OvertimeRequest.Status.RECORDED
    overtime.save(update_fields=["actual_hours", "work_done", "recorded_at", "status"])
    return overtime


@transaction.atomic
def overtime_confirm(*, overtime: OvertimeRequest, actor) -> OvertimeRequest:
    """The line manager or HR confirms the recorded hours (then they count for payroll)."""
    overtime = OvertimeRequest.objects.select_for_update().get(pk=overtime.pk)
    if actor.pk == overtime.user_id:
        raise ValidationError(_("Nobody confirms their own overtime."))
    if not (is_line_manager_of(actor, overtime.user) or is_hr_for(actor, overtime.user)):
        raise ValidationError(_("Only the person's manager or HR confirms overtime."))
    if overtime.status != OvertimeRequest.Status.RECORDED:
        raise ValidationError(_("Only overtime with recorded hours can be confirmed."))
    ensure_month_open(person=overtime.user, day=overtime.work_date)
    overtime.status = OvertimeRequest.Status.CONFIRMED
    overtime.confirmed_by = actor
    overtime.confirmed_at = timezone.now()
    overtime.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return overtime


def overtime_monthly_totals(queryset, *, month: dt.date):
    """Confirmed hours per person in `month` (rows of the already-scoped `queryset`)."""
    first, last = month_bounds(month)
    return (
        queryset.filter(status=OvertimeRequest.Status.CONFIRMED, work_date__range=(first, last))
        .values(
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__staff_profile__employee_number",
            "branch__name",
        )
        .annotate(hours=Sum("actual_hours"), sessions=Count("pk"))
        .order_by("user__staff_profile__employee_number")
    )
