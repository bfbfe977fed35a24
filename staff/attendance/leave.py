"""Writes and rules for leave: balances per type and year, applying (overlap and balance
refused with the reason), the approval's outcome, withdrawing, going on leave and the
return (銷假).

Year end (docs/decisions.md): each year starts with the type's days_per_year; unused
days move into the next year up to the type's carry_over_days (0: they lapse on 31
December). A leave across the year end is charged to each year for its own days. Days
of a request still waiting for approval are reserved, so two requests cannot spend the
same days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.workdays import WorkingCalendar
from staff.models import LeaveRequest, LeaveType, StaffProfile
from staff.selectors import profile_of

from .clock import ensure_month_open
from .days import AM, PM, leave_working_days, today
from .scope import is_hr_for, is_line_manager_of

# The agency's leave types as shipped (the migration writes the same rows): code, name,
# days per year (None: no limit), days carried over, HR approves above, paid.
DEFAULT_LEAVE_TYPES = [
    ("annual", "Annual leave", "5", "5", "3", True),
    ("sick", "Sick leave", "10", "0", "3", True),
    ("personal", "Personal leave (unpaid)", None, "0", "3", False),
    ("marriage", "Marriage leave", "3", "0", "3", True),
    ("bereavement", "Bereavement leave", "3", "0", "3", True),
]


def default_leave_types_ensure() -> dict[str, LeaveType]:
    """The shipped leave types, created when missing (HR's edits are kept)."""
    made = {}
    for code, name, days, carried, hr_above, paid in DEFAULT_LEAVE_TYPES:
        made[code], _created = LeaveType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "days_per_year": Decimal(days) if days else None,
                "carry_over_days": Decimal(carried),
                "hr_approval_over_days": Decimal(hr_above),
                "paid": paid,
            },
        )
    return made


@dataclass(frozen=True)
class LeaveBalance:
    leave_type: LeaveType
    year: int
    entitlement: Decimal | None  # None: no yearly limit
    carried_over: Decimal
    used: Decimal

    @property
    def available(self) -> Decimal | None:
        return None if self.entitlement is None else self.entitlement + self.carried_over

    @property
    def remaining(self) -> Decimal | None:
        return None if self.available is None else self.available - self.used


def charged_span(leave: LeaveRequest) -> tuple[dt.date, str, dt.date, str] | None:
    """The half days a leave is charged for: all of it, or up to the day before an early
    return (None: returned before it began)."""
    end, end_half = leave.end_date, leave.end_half
    if leave.returned_on is not None and leave.returned_on <= leave.end_date:
        end, end_half = leave.returned_on - dt.timedelta(days=1), PM
        if end < leave.start_date:
            return None
    return leave.start_date, leave.start_half, end, end_half


def days_by_year(leave: LeaveRequest, calendar=None) -> dict[int, Decimal]:
    span = charged_span(leave)
    if span is None:
        return {}
    start, start_half, end, end_half = span
    result = {}
    for year in range(start.year, end.year + 1):
        first = max(start, dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        result[year] = leave_working_days(
            first,
            start_half if first == start else AM,
            last,
            end_half if last == end else PM,
            calendar=calendar,
        )
    return result


def _used_by_year(*, person, leave_type, exclude_pk=None) -> dict[int, Decimal]:
    leaves = LeaveRequest.objects.filter(
        user=person, leave_type=leave_type, status__in=LeaveRequest.ACTIVE_STATUSES
    )
    if exclude_pk:
        leaves = leaves.exclude(pk=exclude_pk)
    used: dict[int, Decimal] = {}
    for leave in leaves:
        for year, days in days_by_year(leave).items():
            used[year] = used.get(year, Decimal("0")) + days
    return used


def leave_balance(*, person, leave_type: LeaveType, year: int, used_by_year=None) -> LeaveBalance:
    """The balance of one type for one year, carried days included."""
    used = (
        used_by_year
        if used_by_year is not None
        else _used_by_year(person=person, leave_type=leave_type)
    )
    if leave_type.days_per_year is None:
        return LeaveBalance(leave_type, year, None, Decimal("0"), used.get(year, Decimal("0")))
    profile = profile_of(person)
    first_year = min([profile.hire_date.year if profile else year, *used.keys(), year])
    carried = Decimal("0")
    for earlier in range(first_year, year):
        left = leave_type.days_per_year + carried - used.get(earlier, Decimal("0"))
        carried = min(leave_type.carry_over_days, max(Decimal("0"), left))
    return LeaveBalance(
        leave_type, year, leave_type.days_per_year, carried, used.get(year, Decimal("0"))
    )


def leave_balances(*, person, year: int) -> list[LeaveBalance]:
    return [
        leave_balance(person=person, leave_type=leave_type, year=year)
        for leave_type in LeaveType.objects.filter(active=True)
    ]


def _key(day: dt.date, half: str) -> tuple[dt.date, int]:
    return (day, 0 if half == AM else 1)


def overlapping_leave(*, person, start, start_half, end, end_half, exclude_pk=None):
    """The person's first active leave sharing a half day with the given span, or None."""
    candidates = LeaveRequest.objects.filter(
        user=person,
        status__in=LeaveRequest.ACTIVE_STATUSES,
        start_date__lte=end,
        end_date__gte=start,
    ).select_related("leave_type")
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    mine = (_key(start, start_half), _key(end, end_half))
    for other in candidates:
        span = (
            charged_span(other)
            if other.status == LeaveRequest.Status.RETURNED
            else (
                other.start_date,
                other.start_half,
                other.end_date,
                other.end_half,
            )
        )
        if span is None:
            continue
        theirs = (_key(span[0], span[1]), _key(span[2], span[3]))
        if mine[0] <= theirs[1] and theirs[0] <= mine[1]:
            return other
    return None


@transaction.atomic
def leave_apply(
    *,
    user,
    leave_type: LeaveType,
    start_date: dt.date,
    start_half: str,
    end_date: dt.date,
    end_half: str,
    reason: str,
    cover=None,
) -> LeaveRequest:
    """A leave request, checked (dates, overlap, balance) and sent for approval."""
    profile = profile_of(user)
    if profile is None:
        raise ValidationError(_("Only members of staff apply for leave."))
    # One person's requests one at a time: two tabs cannot both spend the last days.
    StaffProfile.objects.select_for_update().get(pk=profile.pk)
    if not leave_type.active:
        raise ValidationError({"leave_type": _("This type of leave is no longer in use.")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("The leave cannot end before it starts.")})
    if start_date == end_date and start_half == PM and end_half == AM:
        raise ValidationError(
            {
                "end_half": _(
                    "A leave on one day cannot end in the morning when it starts in the afternoon."
                )
            }
        )
    if (end_date - start_date).days > 366:
        raise ValidationError({"end_date": _("A leave is at most a year long.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the leave.")})
    if cover is not None:
        if cover.pk == user.pk:
            raise ValidationError({"cover": _("Someone else covers your work while you are away.")})
        cover_profile = profile_of(cover)
        if cover_profile is None or cover_profile.status != StaffProfile.Status.ACTIVE:
            raise ValidationError({"cover": _("The person covering must be active staff.")})
    ensure_month_open(person=user, day=start_date, field="start_date")
    calendar = WorkingCalendar(start_date, end_date)
    days = leave_working_days(start_date, start_half, end_date, end_half, calendar=calendar)
    if days <= 0:
        raise ValidationError(
            {"start_date": _("These dates hold no working day: no leave is needed.")}
        )
    clash = overlapping_leave(
        person=user, start=start_date, start_half=start_half, end=end_date, end_half=end_half
    )
    if clash is not None:
        raise ValidationError(
            {
                "start_date": _(
                    "You already have %(type)s from %(start)s to %(end)s (%(status)s) "
                    "in these dates."
                )
                % {
                    "type": clash.leave_type.display_name,
                    "start": clash.start_date,
                    "end": clash.end_date,
                    "status": clash.get_status_display(),
                }
            }
        )
    leave = LeaveRequest(
        user=user,
        branch=profile.branch,
        leave_type=leave_type,
        start_date=start_date,
        start_half=start_half,
        end_date=end_date,
        end_half=end_half,
        days=days,
        reason=reason.strip(),
        cover=cover,
        needs_hr=days > leave_type.hr_approval_over_days,
    )
    if leave_type.days_per_year is not None:
        used = _used_by_year(person=user, leave_type=leave_type)
        for year, needed in days_by_year(leave, calendar=calendar).items():
            balance = leave_balance(
                person=user, leave_type=leave_type, year=year, used_by_year=used
            )
            if needed > balance.remaining:
                raise ValidationError(
                    {
                        "leave_type": _(
                            "Not enough %(type)s left in %(year)s: %(remaining)s days left, "
                            "this leave needs %(needed)s."
                        )
                        % {
                            "type": leave_type.display_name,
                            "year": year,
                            "remaining": max(balance.remaining, Decimal("0")),
                            "needed": needed,
                        }
                    }
                )
    leave.save()
    from .approvals import ask_leave_approval

    ask_leave_approval(leave=leave, requested_by=user)
    return leave


def leave_decided(*, leave: LeaveRequest, approved: bool, decider) -> LeaveRequest:
    """The approval's outcome (called inside the decision's transaction)."""
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if leave.status != LeaveRequest.Status.REQUESTED:
        raise ValidationError(_("This leave is no longer waiting for a decision."))
    if decider.pk == leave.user_id:
        raise ValidationError(_("Nobody approves their own leave."))
    leave.status = LeaveRequest.Status.APPROVED if approved else LeaveRequest.Status.REJECTED
    leave.decided_by = decider
    leave.decided_at = timezone.now()
    if approved and leave.start_date <= today():
        leave.status = LeaveRequest.Status.TAKEN
    leave.save(update_fields=["status", "decided_by", "decided_at"])
    return leave


@transaction.atomic
def leave_cancel(*, leave: LeaveRequest, actor) -> LeaveRequest:
    """The person withdraws a leave that has not started (waiting or approved)."""
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if actor.pk != leave.user_id:
        raise ValidationError(_("Only the person withdraws their leave."))
    if leave.status not in (LeaveRequest.Status.REQUESTED, LeaveRequest.Status.APPROVED):
        raise ValidationError(_("Only a leave waiting for approval or approved can be withdrawn."))
    if leave.status == LeaveRequest.Status.APPROVED and leave.start_date <= today():
        raise ValidationError(_("The leave has begun: record your return instead."))
    was_waiting = leave.status == LeaveRequest.Status.REQUESTED
    leave.status = LeaveRequest.Status.CANCELLED
    leave.save(update_fields=["status"])
    if was_waiting:
        from .approvals import withdraw_leave_approval

        withdraw_leave_approval(leave=leave, actor=actor)
    return leave


@transaction.atomic
def leave_record_return(*, leave: LeaveRequest, actor, returned_on: dt.date) -> LeaveRequest:
    """銷假: the first day back at work. An early return gives the unused days back; a late
    one leaves the days after the leave as absence on the sheet."""
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if not (
        actor.pk == leave.user_id
        or is_hr_for(actor, leave.user)
        or is_line_manager_of(actor, leave.user)
    ):
        raise ValidationError(_("Only the person, their manager or HR records the return."))
    if leave.status not in (LeaveRequest.Status.APPROVED, LeaveRequest.Status.TAKEN):
        raise ValidationError(_("Only an approved leave that has begun can be ended."))
    if leave.start_date > today():
        raise ValidationError(_("The leave has not begun: withdraw it instead."))
    if returned_on <= leave.start_date:
        raise ValidationError(
            {"returned_on": _("The return must be after the first day of leave.")}
        )
    if returned_on > today():
        raise ValidationError({"returned_on": _("The return cannot be in the future.")})
    ensure_month_open(person=leave.user, day=min(returned_on, leave.end_date), field="returned_on")
    leave.returned_on = returned_on
    leave.return_recorded_by = actor
    leave.status = LeaveRequest.Status.RETURNED
    span = charged_span(leave)
    leave.days = leave_working_days(*span) if span else Decimal("0")
    leave.save(update_fields=["returned_on", "return_recorded_by", "status", "days"])
    return leave


def leaves_mark_taken() -> int:
    """Approved leave whose first day has come is now being taken (the daily job; a
    conditional update, so running it twice changes nothing)."""
    moved = 0
    due = LeaveRequest.objects.filter(status=LeaveRequest.Status.APPROVED, start_date__lte=today())
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            leave = LeaveRequest.objects.select_for_update().get(pk=pk)
            if leave.status != LeaveRequest.Status.APPROVED:
                continue
            # Saved one by one, not with update(): the history shows when each began.
            leave.status = LeaveRequest.Status.TAKEN
            leave.save(update_fields=["status"])
            moved += 1
    return moved
