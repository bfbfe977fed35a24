"""Training plans are approved through the shared approvals (staff.approvals): the
branch manager of the plan's branch decides (staffing plan 二(二)7: 培訓計劃審批)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staff import roles
from staff.approvals import ApprovalKind, register_approval_kind

from .services import APPROVAL_KIND, plan_decided, plan_withdrawn

register_approval_kind(
    ApprovalKind(
        key=APPROVAL_KIND,
        label=_("Training plan"),
        approver_roles=(roles.BRANCH_MANAGER,),
        on_decided=plan_decided,
        subject_url=lambda plan: reverse("staff:training_plan", args=[plan.pk]),
        on_withdrawn=plan_withdrawn,
    )
)
