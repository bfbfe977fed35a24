"""Leave and overtime go through the shared approvals: who decides, and what follows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from staff import roles
from staff.attendance.leave import leave_apply, leave_cancel
from staff.attendance.overtime import overtime_apply
from staff.models import ApprovalRequest, LeaveRequest, Notification, OvertimeRequest
from staff.services_approvals import approval_decide, approval_withdraw
from tests.factories import DepartmentFactory, make_staff

from .conftest import local

pytestmark = pytest.mark.django_db


def _leave(team, start, end, leave_type=None):
    return leave_apply(
        user=team.collector,
        leave_type=leave_type or team.annual,
        start_date=start,
        start_half="am",
        end_date=end,
        end_half="pm",
        reason="family",
        cover=team.colleague,
    )


def test_the_supervisor_approves_a_leave_and_it_is_approved(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    leave = _leave(team, dt.date(2025, 3, 10), dt.date(2025, 3, 11))
    approval = ApprovalRequest.objects.get(object_id=leave.pk, kind="staff.leave")
    approval_decide(approval=approval, user=team.supervisor, approve=True)
    leave.refresh_from_db()
    assert (leave.status, leave.decided_by) == (LeaveRequest.Status.APPROVED, team.supervisor)
    told = Notification.objects.get(recipient=team.colleague)  # the cover
    assert "You cover" in told.title


def test_approving_ones_own_leave_is_refused_and_nothing_changes(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    own = leave_apply(
        user=team.supervisor,
        leave_type=team.annual,
        start_date=dt.date(2025, 3, 10),
        start_half="am",
        end_date=dt.date(2025, 3, 10),
        end_half="pm",
        reason="family",
    )
    approval = ApprovalRequest.objects.get(object_id=own.pk)
    with pytest.raises(ValidationError, match="own request"):
        approval_decide(approval=approval, user=team.supervisor, approve=True)
    own.refresh_from_db()
    approval.refresh_from_db()
    assert own.status == LeaveRequest.Status.REQUESTED
    assert approval.status == ApprovalRequest.Status.PENDING


def test_only_the_persons_own_department_head_decides(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    other_head = make_staff(roles.DEPARTMENT_HEAD, branch=team.branch, username="head2.a")
    finance = DepartmentFactory(branch=team.branch, name="Finance")
    finance.head = other_head
    finance.save()
    leave = _leave(team, dt.date(2025, 3, 10), dt.date(2025, 3, 10))
    approval = ApprovalRequest.objects.get(object_id=leave.pk)
    with pytest.raises(ValidationError, match="line manager"):
        approval_decide(approval=approval, user=other_head, approve=True)
    approval_decide(approval=approval, user=team.head, approve=False, comment="month end")
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.REJECTED


def test_long_leave_is_decided_by_hr_of_the_branch_not_the_supervisor(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    leave = _leave(team, dt.date(2025, 3, 10), dt.date(2025, 3, 14), leave_type=team.sick)
    approval = ApprovalRequest.objects.get(object_id=leave.pk)
    assert approval.kind == "staff.leave_long"
    with pytest.raises(Http404):  # not a kind supervisors decide: they do not see it
        approval_decide(approval=approval, user=team.supervisor, approve=True)
    with pytest.raises(Http404):
        approval_decide(approval=approval, user=team.foreign_hr, approve=True)
    approval_decide(approval=approval, user=team.hr, approve=True)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED


def test_withdrawing_the_leave_withdraws_its_approval_and_the_other_way_round(team, time_machine):
    time_machine.move_to(local(2025, 3, 3, 9))
    first = _leave(team, dt.date(2025, 3, 10), dt.date(2025, 3, 10))
    leave_cancel(leave=first, actor=team.collector)
    assert ApprovalRequest.objects.get(object_id=first.pk).status == "withdrawn"
    second = _leave(team, dt.date(2025, 3, 11), dt.date(2025, 3, 11))
    approval_withdraw(
        approval=ApprovalRequest.objects.get(object_id=second.pk), user=team.collector
    )
    second.refresh_from_db()
    assert second.status == LeaveRequest.Status.CANCELLED


def test_overtime_is_approved_by_the_line_manager(team, time_machine):
    time_machine.move_to(local(2025, 3, 12, 9))
    overtime = overtime_apply(
        user=team.collector, work_date=dt.date(2025, 3, 12), expected_hours=Decimal("2"), reason="x"
    )
    approval = ApprovalRequest.objects.get(kind="staff.overtime")
    with pytest.raises(ValidationError):
        approval_decide(approval=approval, user=team.collector, approve=True)
    approval_decide(approval=approval, user=team.supervisor, approve=True)
    overtime.refresh_from_db()
    assert overtime.status == OvertimeRequest.Status.APPROVED


def test_a_leave_asked_for_in_english_reads_in_chinese_to_the_approver(team, time_machine, client):
    from django.urls import reverse
    from django.utils import translation

    team.supervisor.staff_profile.language = "zh-hans"
    team.supervisor.staff_profile.save()
    time_machine.move_to(local(2025, 3, 3, 9))
    with translation.override("en"):  # the collector works in English
        _leave(team, dt.date(2025, 3, 10), dt.date(2025, 3, 11))
    approval = ApprovalRequest.objects.get(kind="staff.leave")
    assert approval.summary.startswith("Annual leave, 2025-03-10 – 2025-03-11 (")

    client.force_login(team.supervisor)
    page = client.get(reverse("staff:approvals")).content.decode()

    assert "年假，2025-03-10 – 2025-03-11" in page and " 天" in page
    assert "Annual leave" not in page and "days)" not in page
    # The approver's bell says it in their language too.
    bell = Notification.objects.get(recipient=team.supervisor)
    assert bell.body.startswith("年假，2025-03-10 – 2025-03-11")
