"""Payment plans outside the agreement's terms go to a supervisor of the case's branch through
the shared approvals framework (staff/approvals.py): the plan waits, the supervisor approves
(its instalments become promises) or returns it (the plan is rejected)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from staff import roles
from staff.approvals import ApprovalKind, register_approval_kind
from staff.models import ApprovalRequest
from staff.selectors_approvals import latest_approval
from staff.services_approvals import approval_request
from staff.stored_text import in_english

KIND = "cases.payment_plan"


def _plan_of(approval):
    from cases.models import PaymentPlan

    return PaymentPlan.objects.get(pk=approval.object_id)


def _on_decided(approval, approved: bool) -> None:
    from .promises import plan_decided

    plan_decided(plan=_plan_of(approval), approved=approved, actor=approval.decided_by)


def _on_withdrawn(approval) -> None:
    from cases.models import PaymentPlan

    plan = _plan_of(approval)
    if plan.status == PaymentPlan.Status.PENDING_APPROVAL:
        plan.status = PaymentPlan.Status.CANCELLED
        plan.decided_at = timezone.now()
        plan._history_user = approval.requested_by
        plan._change_reason = "Approval request withdrawn"
        plan.save(update_fields=["status", "decided_at"])


register_approval_kind(
    ApprovalKind(
        key=KIND,
        label=gettext_lazy("Payment plan outside the agreement's terms"),
        approver_roles=(roles.SUPERVISOR,),
        on_decided=_on_decided,
        subject_url=lambda plan: reverse("cases:plan_detail", args=[plan.pk]),
        on_withdrawn=_on_withdrawn,
    )
)


def plan_approval_request(*, plan, actor) -> ApprovalRequest:
    """Asks the supervisors of the case's branch to approve the plan."""
    case = plan.case
    # In English, shown in each reader's language: the unmet terms follow, one a line.
    summary = in_english(
        gettext_noop("%(account)s: %(total)s in %(count)s instalments, outside the terms:"),
        account=case.account_no,
        total=f"{plan.total_amount:,.2f}",
        count=len(plan.schedule),
    )
    summary = "\n".join([summary, *plan.terms_breached.splitlines()])
    return approval_request(
        kind=KIND, subject=plan, branch=case.branch, requested_by=actor, summary=summary
    )


def plan_approval_close(*, plan) -> None:
    """A plan cancelled while it waited: its request leaves the approvers' list."""
    approval = latest_approval(plan, KIND)
    if approval is not None and approval.status == ApprovalRequest.Status.PENDING:
        approval.status = ApprovalRequest.Status.WITHDRAWN
        approval.decided_at = timezone.now()
        approval.save(update_fields=["status", "decided_at"])


def plan_approval(plan) -> ApprovalRequest | None:
    return latest_approval(plan, KIND)
