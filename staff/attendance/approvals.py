"""Leave and overtime through the shared approvals framework (staff.approvals).

Three kinds: ordinary leave and overtime are decided by the person's line manager (the
head of their department, or a supervisor or branch manager of their branch); leave
longer than the type's threshold (LeaveType.hr_approval_over_days) by HR of their branch.
The framework checks the role, the branch, "not one's own" and "not twice"; the
`refuse_decider` rules below add "this person's manager" / "this person's HR".
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from staff import roles
from staff.approvals import ApprovalKind, approval_kind, register_approval_kind
from staff.models import LeaveRequest, OvertimeRequest
from staff.selectors import has_role
from staff.selectors_approvals import latest_approval
from staff.services_approvals import approval_request, approval_withdraw
from staff.stored_text import in_english

from .scope import is_hr_for, is_line_manager_of

LEAVE = "staff.leave"
LONG_LEAVE = "staff.leave_long"
OVERTIME = "staff.overtime"
LINE_MANAGER_ROLES = (roles.SUPERVISOR, roles.BRANCH_MANAGER, roles.DEPARTMENT_HEAD)


def _name(user) -> str:
    return user.get_full_name() or user.username


def _refuse_unless_line_manager(approval, user) -> str | None:
    person = approval.requested_by
    if is_line_manager_of(user, person):
        return None
    return _(
        "Only %(name)s's line manager (the head of their department or a supervisor of "
        "their branch) decides this."
    ) % {"name": _name(person)}


def _refuse_unless_their_hr(approval, user) -> str | None:
    if is_hr_for(user, approval.requested_by):
        return None
    return _("Only HR of %(name)s's branch decides long leave.") % {
        "name": _name(approval.requested_by)
    }


def _leave_decided(approval, approved: bool) -> None:
    from .leave import leave_decided

    leave_decided(leave=approval.subject, approved=approved, decider=approval.decided_by)


def _leave_withdrawn(approval) -> None:
    # Withdrawn from the approvals page: the leave is withdrawn too (no-op when the leave
    # page withdrew it first).
    leave = LeaveRequest.objects.select_for_update().get(pk=approval.object_id)
    if leave.status == LeaveRequest.Status.REQUESTED:
        leave.status = LeaveRequest.Status.CANCELLED
        leave.save(update_fields=["status"])


def _overtime_decided(approval, approved: bool) -> None:
    from .overtime import overtime_decided

    overtime_decided(overtime=approval.subject, approved=approved, decider=approval.decided_by)


def _overtime_withdrawn(approval) -> None:
    overtime = OvertimeRequest.objects.select_for_update().get(pk=approval.object_id)
    if overtime.status == OvertimeRequest.Status.REQUESTED:
        overtime.status = OvertimeRequest.Status.CANCELLED
        overtime.save(update_fields=["status"])


register_approval_kind(
    ApprovalKind(
        key=LEAVE,
        label=gettext_lazy("Leave"),
        approver_roles=LINE_MANAGER_ROLES,
        on_decided=_leave_decided,
        subject_url=lambda leave: reverse("staff:leave_detail", args=[leave.pk]),
        refuse_decider=_refuse_unless_line_manager,
        on_withdrawn=_leave_withdrawn,
    )
)
register_approval_kind(
    ApprovalKind(
        key=LONG_LEAVE,
        label=gettext_lazy("Long leave (HR)"),
        approver_roles=(roles.HR,),
        on_decided=_leave_decided,
        subject_url=lambda leave: reverse("staff:leave_detail", args=[leave.pk]),
        refuse_decider=_refuse_unless_their_hr,
        on_withdrawn=_leave_withdrawn,
    )
)
register_approval_kind(
    ApprovalKind(
        key=OVERTIME,
        label=gettext_lazy("Overtime"),
        approver_roles=LINE_MANAGER_ROLES,
        on_decided=_overtime_decided,
        subject_url=lambda overtime: reverse("staff:overtime_detail", args=[overtime.pk]),
        refuse_decider=_refuse_unless_line_manager,
        on_withdrawn=_overtime_withdrawn,
    )
)


def ask_leave_approval(*, leave: LeaveRequest, requested_by) -> None:
    approval_request(
        kind=LONG_LEAVE if leave.needs_hr else LEAVE,
        subject=leave,
        branch=leave.branch,
        requested_by=requested_by,
        summary=in_english(
            # The comma ends the type for the reader's translation (stored_text): a
            # type of several words ("Annual leave") is then read whole.
            gettext_noop("%(type)s, %(start)s – %(end)s (%(days)s days): %(name)s"),
            type=leave.leave_type.name,
            start=date_format(leave.start_date, "Y-m-d"),
            end=date_format(leave.end_date, "Y-m-d"),
            days=leave.days,
            name=_name(leave.user),
        ),
    )


def ask_overtime_approval(*, overtime: OvertimeRequest, requested_by) -> None:
    approval_request(
        kind=OVERTIME,
        subject=overtime,
        branch=overtime.branch,
        requested_by=requested_by,
        summary=in_english(
            gettext_noop("Overtime %(date)s, %(hours)s h: %(name)s"),
            date=date_format(overtime.work_date, "Y-m-d"),
            hours=overtime.expected_hours,
            name=_name(overtime.user),
        ),
    )


def _withdraw_pending(subject, actor) -> None:
    approval = latest_approval(subject)
    if approval is not None and approval.status == approval.Status.PENDING:
        approval_withdraw(approval=approval, user=actor)


def withdraw_leave_approval(*, leave, actor) -> None:
    _withdraw_pending(leave, actor)


def withdraw_overtime_approval(*, overtime, actor) -> None:
    _withdraw_pending(overtime, actor)


def approval_for(subject, user=None) -> dict | None:
    """The subject's latest approval request, and whether `user` may decide it now."""
    approval = latest_approval(subject)
    if approval is None:
        return None
    may_decide = False
    if user is not None and approval.status == approval.Status.PENDING:
        kind = approval_kind(approval.kind)
        may_decide = (
            approval.requested_by_id != user.pk
            and has_role(user, *kind.approver_roles)
            and (kind.refuse_decider is None or kind.refuse_decider(approval, user) is None)
        )
    return {"request": approval, "may_decide": may_decide}
