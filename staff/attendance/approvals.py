"""Leave and overtime through the shared approvals framework (wired once it lands)."""

from __future__ import annotations


def ask_leave_approval(*, leave, requested_by) -> None:
    return None


def withdraw_leave_approval(*, leave, actor) -> None:
    return None


def ask_overtime_approval(*, overtime, requested_by) -> None:
    return None


def withdraw_overtime_approval(*, overtime, actor) -> None:
    return None


def approval_for(obj):
    return None
