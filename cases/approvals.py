"""The cases app's kinds of approval (visit plans, visit deadline extensions, special
procedures, collection-period extensions) in the shared approvals framework
(staff/approvals.py), and the one way the cases services ask for an approval.

Each kind's `on_decided` callback (in the area's service module) moves the subject's own
state inside the decision's transaction, so the subject and its approval never disagree.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staff import roles


def subject_pk(approval) -> int:
    """The id of the row an approval request is about."""
    return int(approval.object_id)


def request_approval(*, kind: str, subject, branch, requested_by, summary: str):
    from staff.services_approvals import approval_request

    return approval_request(
        kind=kind, subject=subject, branch=branch, requested_by=requested_by, summary=summary
    )


def _on_decided(dotted: str):
    """The callback named by `dotted` (imported when a decision runs: no import cycle)."""

    def callback(approval, approved: bool) -> None:
        from importlib import import_module

        module, name = dotted.rsplit(".", 1)
        getattr(import_module(module), name)(approval, approved)

    return callback


def _on_withdrawn(dotted: str):
    """A withdrawn request ends its subject as a refusal would (returned plan, refused
    extension or procedure): nothing it asked for happens, and history says who withdrew."""
    decided = _on_decided(dotted)

    def callback(approval) -> None:
        decided(approval, False)

    return callback


def register_kinds() -> None:
    from staff.approvals import ApprovalKind, register_approval_kind

    supervisors = (roles.SUPERVISOR,)
    register_approval_kind(
        ApprovalKind(
            key="cases.visit_plan",
            label=_("Visit plan"),
            approver_roles=supervisors,
            on_decided=_on_decided("cases.services.visits.visit_plan_decided"),
            on_withdrawn=_on_withdrawn("cases.services.visits.visit_plan_decided"),
            subject_url=lambda plan: reverse("cases:visit_plan", args=[plan.pk]),
        )
    )
    register_approval_kind(
        ApprovalKind(
            key="cases.visit_extension",
            label=_("Visit deadline extension"),
            approver_roles=supervisors,
            on_decided=_on_decided("cases.services.visits.visit_extension_decided"),
            on_withdrawn=_on_withdrawn("cases.services.visits.visit_extension_decided"),
            subject_url=lambda extension: reverse(
                "cases:visit_detail", args=[extension.nomination_id]
            ),
        )
    )
    register_approval_kind(
        ApprovalKind(
            key="cases.special_procedure",
            label=_("Special procedure"),
            approver_roles=supervisors,
            on_decided=_on_decided("cases.services.procedures.procedure_decided"),
            on_withdrawn=_on_withdrawn("cases.services.procedures.procedure_decided"),
            subject_url=lambda procedure: reverse("cases:procedure", args=[procedure.pk]),
        )
    )
    register_approval_kind(
        ApprovalKind(
            key="cases.period_extension",
            label=_("Collection period extension"),
            approver_roles=supervisors,
            on_decided=_on_decided("cases.services.procedures.period_extension_decided"),
            on_withdrawn=_on_withdrawn("cases.services.procedures.period_extension_decided"),
            subject_url=lambda extension: (
                reverse("cases:case_detail", args=[extension.case_id]) + "#panel-period"
            ),
        )
    )


register_kinds()
