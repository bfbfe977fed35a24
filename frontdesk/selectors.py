"""Scoped reads of the front desk's registers: every view goes through these.

Who sees what:
- visits and phone messages: the front desk and the branch manager see their
  branch (HQ all branches); anyone else sees the visits they host or
  pre-registered and the messages left for them (or for the department they head);
- documents: the desk and the branch manager see the normal documents of their
  branch (HQ all); a confidential document is seen only by the front desk of
  the branch that registered it and by the people it was routed to (and who
  routed it). Everyone else gets a 404 (and the miss is logged).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from staff import roles
from staff.models import Department, StaffProfile
from staff.selectors import (
    get_scoped_object_or_404,
    has_role,
    restrict_to_branch,
    sees_all_branches,
    staff_list,
    user_branch,
)

from .models import Document, DocumentAttachment, PhoneMessage, RoutingStep, Visit
from .validators import normalise_phone


def is_desk(user) -> bool:
    return has_role(user, roles.FRONT_DESK)


def sees_branch_registers(user) -> bool:
    """The desk and the branch manager read the whole branch's registers."""
    return has_role(user, roles.FRONT_DESK, roles.BRANCH_MANAGER)


# --- Visits ---------------------------------------------------------------------------


def visit_list(*, user) -> QuerySet[Visit]:
    queryset = Visit.objects.select_related("host", "host_department", "registered_by", "branch")
    if sees_branch_registers(user):
        return restrict_to_branch(queryset, user=user)
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(Q(host=user) | Q(registered_by=user))


def visit_get(*, user, pk: int) -> Visit:
    return get_scoped_object_or_404(visit_list(user=user), user=user, pk=pk)


def visits_in_building(*, user) -> QuerySet[Visit]:
    """Who is on site now (for a fire roll-call), longest there first."""
    return visit_list(user=user).filter(status=Visit.Status.ON_SITE).order_by("arrived_at", "pk")


def may_manage_visit(*, user, visit: Visit) -> bool:
    """The desk of the visit's branch (or HQ's desk) checks out, corrects and voids it."""
    if not is_desk(user):
        return False
    branch = user_branch(user)
    return sees_all_branches(user) or (branch is not None and branch.pk == visit.branch_id)


def visits_expected(*, user, day: dt.date | None = None) -> QuerySet[Visit]:
    queryset = visit_list(user=user).filter(status=Visit.Status.EXPECTED)
    if day is not None:
        queryset = queryset.filter(expected_at__date=day)
    return queryset.order_by("expected_at", "pk")


def returning_visitors(*, user, query: str, limit: int = 8) -> list[Visit]:
    """Earlier visits matching a phone number or a name, one per person, newest first."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    condition = Q(visitor_name__icontains=query)
    try:
        phone = normalise_phone(query)
    except Exception:
        phone = ""
    if phone:
        condition |= Q(phone=phone)
    elif query.replace(" ", "").isdigit() and len(query.replace(" ", "")) >= 4:
        condition |= Q(phone__endswith=query.replace(" ", ""))
    visits = (
        visit_list(user=user)
        .exclude(status=Visit.Status.VOID)
        .filter(condition)
        .order_by("-registered_at", "-pk")[:100]
    )
    seen, found = set(), []
    for visit in visits:
        key = (visit.visitor_name.strip().lower(), visit.phone)
        if key in seen:
            continue
        seen.add(key)
        found.append(visit)
        if len(found) >= limit:
            break
    return found


# --- People the desk can choose ---------------------------------------------------------


def host_choices(*, user) -> QuerySet:
    """Active staff the user may name as host, recipient or routing target."""
    from django.contrib.auth import get_user_model

    profiles = staff_list(user=user).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=profiles, is_active=True)
        .select_related("staff_profile__department", "staff_profile__branch")
        .order_by("last_name", "first_name", "username")
    )


def department_choices(*, user) -> QuerySet[Department]:
    return restrict_to_branch(
        Department.objects.select_related("branch", "head"), user=user
    ).order_by("branch__name", "name")


def department_of(user) -> Department | None:
    try:
        return user.staff_profile.department
    except StaffProfile.DoesNotExist:
        return None


# --- Phone messages ---------------------------------------------------------------------


def message_list(*, user) -> QuerySet[PhoneMessage]:
    queryset = PhoneMessage.objects.select_related(
        "recipient", "recipient_department", "taken_by", "handled_by", "branch"
    )
    if sees_branch_registers(user):
        return restrict_to_branch(queryset, user=user)
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(Q(recipient=user) | Q(recipient_department__head=user))


def message_get(*, user, pk: int) -> PhoneMessage:
    return get_scoped_object_or_404(message_list(user=user), user=user, pk=pk)


def messages_for_me(*, user) -> QuerySet[PhoneMessage]:
    """Open messages the user has to deal with (their own or their department's)."""
    return (
        PhoneMessage.objects.filter(status=PhoneMessage.Status.OPEN)
        .filter(Q(recipient=user) | Q(recipient_department__head=user, recipient__isnull=True))
        .select_related("recipient", "recipient_department", "taken_by")
    )


def unhandled_message_threshold() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "FRONTDESK_UNHANDLED_MESSAGE_MINUTES", 120))


def messages_unhandled_too_long(*, user) -> QuerySet[PhoneMessage]:
    cutoff = timezone.now() - unhandled_message_threshold()
    return (
        message_list(user=user)
        .filter(status=PhoneMessage.Status.OPEN, taken_at__lt=cutoff)
        .order_by("taken_at")
    )


def may_manage_message(*, user, message: PhoneMessage) -> bool:
    """The desk of the message's branch (or HQ's desk) corrects and voids it."""
    if not is_desk(user):
        return False
    branch = user_branch(user)
    return sees_all_branches(user) or (branch is not None and branch.pk == message.branch_id)


def may_handle_message(*, user, message: PhoneMessage) -> bool:
    if message.recipient_id:
        return message.recipient_id == user.pk
    return bool(message.recipient_department and message.recipient_department.head_id == user.pk)


# --- Documents ----------------------------------------------------------------------------


def _routed_to_or_by(user) -> Q:
    steps = RoutingStep.objects.filter(Q(recipient=user) | Q(routed_by=user)).values("document_id")
    return Q(pk__in=steps)


def document_list(*, user) -> QuerySet[Document]:
    queryset = Document.objects.select_related("registered_by", "branch")
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    visible = _routed_to_or_by(user)
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
    return queryset.filter(visible)


def document_get(*, user, pk: int) -> Document:
    return get_scoped_object_or_404(document_list(user=user), user=user, pk=pk)


def document_attachments(*, document: Document) -> QuerySet[DocumentAttachment]:
    """The scans the pages offer: a voided scan is kept (and in history) but not listed."""
    return document.attachments.filter(voided_at__isnull=True).select_related("uploaded_by")


def document_attachments_voided(*, document: Document) -> QuerySet[DocumentAttachment]:
    return document.attachments.filter(voided_at__isnull=False).select_related("voided_by")


def attachment_get(*, user, document: Document, pk: int) -> DocumentAttachment:
    """A scan the user may download: one of the document's, and not voided (else 404)."""
    return get_scoped_object_or_404(document_attachments(document=document), user=user, pk=pk)


def current_step(document: Document) -> RoutingStep | None:
    return document.steps.order_by("-sequence").first()


def is_document_holder(*, user, document: Document) -> bool:
    """The person the document was last routed to."""
    step = current_step(document)
    return step is not None and step.recipient_id == user.pk


def may_manage_document(*, user, document: Document) -> bool:
    """The desk of the document's branch (or HQ's desk) registers, routes, closes and voids."""
    if not is_desk(user):
        return False
    return sees_all_branches(user) or user_branch(user) == document.branch


def steps_awaiting_signature(*, user) -> QuerySet[RoutingStep]:
    """Unsigned steps: for the desk, of every document it sees; for others, their own."""
    queryset = (
        RoutingStep.objects.filter(signed_at__isnull=True)
        .exclude(document__status__in=[Document.Status.CLOSED, Document.Status.VOID])
        .select_related("document", "recipient", "routed_by")
    )
    if is_desk(user):
        return queryset.filter(document__in=document_list(user=user)).order_by("routed_at")
    return queryset.filter(recipient=user).order_by("routed_at")
