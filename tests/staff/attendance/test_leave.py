"""Leave: half days and working days, overlap and balance refused with the reason,
balances across a year end (carry-over), approval outcome, return from leave."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from staff.attendance.leave import (
    leave_apply,
    leave_balance,
    leave_cancel,
    leave_decided,
    leave_record_return,
    leaves_mark_taken,
)
from staff.models import LeaveRequest, StaffProfile

from .conftest import local

pytestmark = pytest.mark.django_db


def apply(team, start, end, *, leave_type=None, start_half="am", end_half="pm", user=None, **extra):
    return leave_apply(
        user=user or team.collector,
        leave_type=leave_type or team.annual,
        start_date=start,
        start_half=start_half,
        end_date=end,
        end_half=end_half,
        reason=extra.pop("reason", "family matters"),
        cover=extra.pop("cover", None),
    )


def test_days_count_working_half_days_only(team, time_machine):
    time_machine.move_to(local(2025, 9, 1, 9))
    # Tue 30 Sep afternoon to Thu 9 Oct morning: 0.5 + the holiday (0) + 0.5 on the 9th.
    leave = apply(team, dt.date(2025, 9, 30), dt.date(2025, 10, 9), start_half="pm", end_half="am")
    assert leave.days == Decimal("1.0")


def test_a_leave_overlapping_another_is_refused_with_the_reason(team, time_machine):
    time_machine.move_to(local(2025, 9, 1, 9))
    apply(team, dt.date(2025, 9, 15), dt.date(2025, 9, 16))
    with pytest.raises(ValidationError) as refused:
        apply(team, dt.date(2025, 9, 16), dt.date(2025, 9, 17), leave_type=team.sick)
    assert "2025-09-15" in str(refused.value.error_dict["start_date"])
    assert LeaveRequest.objects.count() == 1
    # The afternoon of a morning leave is free.
    apply(team, dt.date(2025, 9, 18), dt.date(2025, 9, 18), end_half="am")
    apply(team, dt.date(2025, 9, 18), dt.date(2025, 9, 18), start_half="pm", leave_type=team.sick)


def test_a_withdrawn_or_rejected_leave_frees_its_days(team, time_machine):
    time_machine.move_to(local(2025, 9, 1, 9))
    first = apply(team, dt.date(2025, 9, 15), dt.date(2025, 9, 16))
    leave_cancel(leave=first, actor=team.collector)
    second = apply(team, dt.date(2025, 9, 15), dt.date(2025, 9, 16))
    leave_decided(leave=second, approved=False, decider=team.head)
    apply(team, dt.date(2025, 9, 15), dt.date(2025, 9, 16))


def test_a_leave_over_the_balance_is_refused_naming_what_is_left(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    apply(team, dt.date(2025, 3, 10), dt.date(2025, 3, 12))  # 3 of 5 annual days
    with pytest.raises(ValidationError) as refused:
        apply(team, dt.date(2025, 3, 17), dt.date(2025, 3, 19))
    message = str(refused.value.error_dict["leave_type"])
    assert "2.0 days left" in message and "needs 3.0" in message
    assert LeaveRequest.objects.count() == 1
    # Unpaid personal leave has no limit.
    apply(team, dt.date(2025, 3, 17), dt.date(2025, 3, 28), leave_type=team.personal)


def test_balances_across_a_year_end_carry_over_up_to_the_cap(team, time_machine):
    """Annual leave: 5 a year, at most 5 carried. 2024: 1 day used → 4 carried into 2025.
    A leave from Wed 31 Dec 2025 to Mon 5 Jan 2026 is charged 1 day to 2025 and 2 to
    2026 (1–3 Jan are the holiday, Sun 4 Jan a make-up working day). Sick leave (nothing
    carried) lapses on 31 December."""
    StaffProfile.objects.filter(user=team.collector).update(hire_date=dt.date(2024, 1, 2))
    time_machine.move_to(local(2024, 6, 3, 9))
    approved = apply(team, dt.date(2024, 6, 4), dt.date(2024, 6, 4))
    leave_decided(leave=approved, approved=True, decider=team.head)
    apply(team, dt.date(2024, 6, 10), dt.date(2024, 6, 11), leave_type=team.sick)
    time_machine.move_to(local(2025, 12, 1, 9))
    balance_2025 = leave_balance(person=team.collector, leave_type=team.annual, year=2025)
    assert (balance_2025.carried_over, balance_2025.available, balance_2025.remaining) == (4, 9, 9)
    sick_2025 = leave_balance(person=team.collector, leave_type=team.sick, year=2025)
    assert (sick_2025.carried_over, sick_2025.remaining) == (0, 10)

    across = apply(team, dt.date(2025, 12, 31), dt.date(2026, 1, 5))
    assert across.days == 3
    assert leave_balance(person=team.collector, leave_type=team.annual, year=2025).used == 1
    balance_2026 = leave_balance(person=team.collector, leave_type=team.annual, year=2026)
    # 2025 left 8 of 9: only 5 cross into 2026 (the cap); 2 of 2026's 10 are used.
    assert (balance_2026.carried_over, balance_2026.used, balance_2026.remaining) == (5, 2, 8)
    with pytest.raises(ValidationError, match=r"left in 2026: 8\.0 days left"):
        apply(team, dt.date(2026, 2, 2), dt.date(2026, 2, 13))  # 10 working days


def test_long_leave_goes_to_hr_and_a_short_one_to_the_line_manager(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    short = apply(team, dt.date(2025, 3, 10), dt.date(2025, 3, 12))
    long = apply(team, dt.date(2025, 3, 17), dt.date(2025, 3, 20), leave_type=team.personal)
    assert (short.needs_hr, long.needs_hr) == (False, True)


def test_nobody_approves_their_own_leave(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    leave = apply(team, dt.date(2025, 3, 10), dt.date(2025, 3, 10))
    with pytest.raises(ValidationError, match="own leave"):
        leave_decided(leave=leave, approved=True, decider=team.collector)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REQUESTED


def test_approved_leave_is_taken_then_an_early_return_gives_days_back(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    leave = apply(team, dt.date(2025, 3, 10), dt.date(2025, 3, 14))  # 5 days
    leave_decided(leave=leave, approved=True, decider=team.head)
    assert leaves_mark_taken() == 0
    time_machine.move_to(local(2025, 3, 10, 0, 10))
    assert leaves_mark_taken() == 1
    assert leaves_mark_taken() == 0
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.TAKEN
    time_machine.move_to(local(2025, 3, 12, 9))
    with pytest.raises(ValidationError) as refused:
        leave_record_return(leave=leave, actor=team.collector, returned_on=dt.date(2025, 3, 13))
    assert "returned_on" in refused.value.error_dict  # not in the future
    with pytest.raises(ValidationError, match="Only the person, their manager or HR"):
        leave_record_return(leave=leave, actor=team.colleague, returned_on=dt.date(2025, 3, 12))
    leave_record_return(leave=leave, actor=team.collector, returned_on=dt.date(2025, 3, 12))
    leave.refresh_from_db()
    assert (leave.status, leave.days) == (LeaveRequest.Status.RETURNED, 2)
    assert leave_balance(person=team.collector, leave_type=team.annual, year=2025).remaining == 3
    # The days given back are free for another leave.
    apply(team, dt.date(2025, 3, 13), dt.date(2025, 3, 13), leave_type=team.sick)


def test_bad_input_is_refused_on_its_field(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    cases = [
        ({"start": dt.date(2025, 3, 12), "end": dt.date(2025, 3, 10)}, "end_date"),
        (
            {
                "start": dt.date(2025, 3, 10),
                "end": dt.date(2025, 3, 10),
                "start_half": "pm",
                "end_half": "am",
            },
            "end_half",
        ),
        ({"start": dt.date(2025, 3, 8), "end": dt.date(2025, 3, 9)}, "start_date"),  # a weekend
        ({"start": dt.date(2025, 3, 10), "end": dt.date(2025, 3, 10), "reason": "  "}, "reason"),
        ({"start": dt.date(2025, 3, 10), "end": dt.date(2025, 3, 10), "cover": "self"}, "cover"),
    ]
    for arguments, field in cases:
        if arguments.get("cover") == "self":
            arguments["cover"] = team.collector
        start, end = arguments.pop("start"), arguments.pop("end")
        with pytest.raises(ValidationError) as refused:
            apply(team, start, end, **arguments)
        assert field in refused.value.error_dict, field
    assert not LeaveRequest.objects.exists()
