"""Scoped reads for attendance, leave and overtime (each through `visible_to`), and the
calendar of who is away (names and dates only, for everyone who plans meetings)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from staff.models import (
    AttendanceMonth,
    AttendanceRecord,
    LeaveRequest,
    OvertimeRequest,
    StaffProfile,
)
from staff.selectors import get_scoped_object_or_404, restrict_to_branch

from .scope import people_filter


def people_visible(*, user) -> QuerySet[StaffProfile]:
    """The staff whose attendance `user` may read (themselves, their team, their branch)."""
    condition = people_filter(user)
    queryset = StaffProfile.objects.select_related("user", "branch", "department")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset if condition is None else queryset.filter(condition)


def person_get(*, user, user_id: int):
    """The person (a User) whose records `user` may read, else 404."""
    profile = get_scoped_object_or_404(people_visible(user=user), user=user, user_id=user_id)
    return get_user_model().objects.select_related("staff_profile__branch").get(pk=profile.user_id)


def attendance_records(*, user) -> QuerySet[AttendanceRecord]:
    return AttendanceRecord.objects.visible_to(user).select_related("user", "branch")


def attendance_record_get(*, user, pk: int) -> AttendanceRecord:
    return get_scoped_object_or_404(attendance_records(user=user), user=user, pk=pk)


def attendance_sheet_status(*, person, month: dt.date) -> AttendanceMonth | None:
    return AttendanceMonth.objects.filter(user=person, month=month.replace(day=1)).first()


def leave_list(*, user, status: str = "", mine_only: bool = False) -> QuerySet[LeaveRequest]:
    queryset = LeaveRequest.objects.visible_to(user).select_related(
        "user", "leave_type", "cover", "branch", "decided_by"
    )
    if mine_only:
        queryset = queryset.filter(user=user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def leave_get(*, user, pk: int) -> LeaveRequest:
    return get_scoped_object_or_404(leave_list(user=user), user=user, pk=pk)


def overtime_list(*, user, status: str = "", mine_only: bool = False) -> QuerySet[OvertimeRequest]:
    queryset = OvertimeRequest.objects.visible_to(user).select_related(
        "user", "branch", "decided_by", "confirmed_by"
    )
    if mine_only:
        queryset = queryset.filter(user=user)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def overtime_get(*, user, pk: int) -> OvertimeRequest:
    return get_scoped_object_or_404(overtime_list(user=user), user=user, pk=pk)


def away_between(*, user, start: dt.date, end: dt.date) -> QuerySet[LeaveRequest]:
    """Approved leave in `user`'s branch (HQ: all) between two dates: who cannot be met.

    The calendar shows names, dates and the cover, never the type or the reason (a sick
    leave is nobody else's business)."""
    queryset = LeaveRequest.objects.filter(
        status__in=(LeaveRequest.Status.APPROVED, LeaveRequest.Status.TAKEN),
        start_date__lte=end,
        end_date__gte=start,
    ).select_related("user__staff_profile__department", "cover", "branch")
    return restrict_to_branch(queryset, user=user).order_by("start_date", "user__last_name", "pk")


def away_today(*, user, day: dt.date) -> QuerySet[LeaveRequest]:
    return away_between(user=user, start=day, end=day)
