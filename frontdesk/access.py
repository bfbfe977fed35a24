"""Who may see and do what in the front desk's registers: each rule in one place.

Visibility (each model's `objects.visible_to(user)` applies these):
- visits and phone messages: the front desk and the branch manager see their
  branch (HQ all branches); anyone else sees the visits they host or
  pre-registered and the messages left for them (or for the department they head);
- documents: the desk and the branch manager see the normal documents of their
  branch (HQ all); a confidential document is seen only by the front desk of
  the branch that registered it and by the people it was routed to (and who
  routed it); routing steps and scans are visible with their document.
What a person may do with a row they see (`may_*`) is here too: the pages ask
it to show a button, the services ask it again before they write.
"""

from __future__ import annotations

from django.db.models import Q

from staff import roles
from staff.selectors import has_role, sees_all_branches, user_branch

_NOTHING = Q(pk__in=[])


def is_desk(user) -> bool:
    return has_role(user, roles.FRONT_DESK)


def sees_branch_registers(user) -> bool:
    """The desk and the branch manager read the whole branch's registers."""
    return has_role(user, roles.FRONT_DESK, roles.BRANCH_MANAGER)


def _branch(user, field: str = "branch") -> Q | None:
    if sees_all_branches(user):
        return None
    branch = user_branch(user)
    return Q(**{field: branch}) if branch is not None else _NOTHING


def visit_visibility(user) -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if sees_branch_registers(user):
        return _branch(user)
    return Q(host=user) | Q(registered_by=user)


def message_visibility(user) -> Q | None:
    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    if sees_branch_registers(user):
        return _branch(user)
    return Q(recipient=user) | Q(recipient_department__head=user)


def document_visibility(user, *, prefix: str = "") -> Q | None:
    """Normal documents: the branch's desk and manager; confidential: recipients + desk."""
    from .models import Document, RoutingStep

    if not getattr(user, "is_authenticated", False):
        return _NOTHING
    steps = RoutingStep.objects.filter(Q(recipient=user) | Q(routed_by=user)).values("document_id")
    visible = Q(pk__in=steps)
    branch = user_branch(user)
    if sees_branch_registers(user):
        normal = Q(confidentiality=Document.Confidentiality.NORMAL)
        if sees_all_branches(user):
            visible |= normal
        elif branch is not None:
            visible |= normal & Q(branch=branch)
    if is_desk(user) and branch is not None:
        # The registering desk keeps following up its confidential documents.
        visible |= Q(branch=branch)
    if prefix:
        return Q(**{f"{prefix}in": Document.objects.filter(visible).values("pk")})
    return visible


def _desk_of_branch(user, branch_id) -> bool:
    """The desk of the row's branch (or HQ's desk)."""
    if not is_desk(user):
        return False
    if sees_all_branches(user):
        return True
    branch = user_branch(user)
    return branch is not None and branch.pk == branch_id


def may_manage_visit(*, user, visit) -> bool:
    """The desk of the visit's branch (or HQ's desk) checks out, corrects and voids it."""
    return _desk_of_branch(user, visit.branch_id)


def may_manage_message(*, user, message) -> bool:
    """The desk of the message's branch (or HQ's desk) corrects and voids it."""
    return _desk_of_branch(user, message.branch_id)


def may_handle_message(*, user, message) -> bool:
    if message.recipient_id:
        return message.recipient_id == user.pk
    return bool(message.recipient_department and message.recipient_department.head_id == user.pk)


def may_manage_document(*, user, document) -> bool:
    """The desk of the document's branch (or HQ's desk) registers, routes, closes and voids."""
    return _desk_of_branch(user, document.branch_id)


def may_route_document(*, user, document, current_step) -> bool:
    """The desk routes; the person holding it routes it on once they have signed for it."""
    if not document.is_open:
        return False
    if may_manage_document(user=user, document=document):
        return True
    return (
        current_step is not None
        and current_step.recipient_id == user.pk
        and current_step.signed_at is not None
    )


def may_record_on_document(*, user, document, signed: bool) -> bool:
    """A reply or processing record: the desk, or a recipient who signed for it."""
    return document.is_open and (signed or may_manage_document(user=user, document=document))


def may_attach_to_document(*, user, document, is_recipient: bool) -> bool:
    """More scans: the desk, or anyone the document was routed to."""
    return document.is_open and (is_recipient or may_manage_document(user=user, document=document))
