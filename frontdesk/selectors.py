"""Scoped reads of the front desk's registers: every view goes through these.

Who sees what is `frontdesk.access` (each model's `objects.visible_to(user)`);
a row the user may not see is a 404 (and the miss is logged). The list pages'
search and filters live here too: the views parse the query string, these
selectors apply it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from staff.models import Branch, Department, StaffProfile
from staff.selectors import (
    get_scoped_object_or_404,
    sees_all_branches,
    staff_list,
    user_branch,
)

from .access import (  # noqa: F401  (the views and services ask these through the selectors)
    is_desk,
    may_attach_to_document,
    may_handle_message,
    may_manage_document,
    may_manage_message,
    may_manage_visit,
    may_record_on_document,
    may_route_document,
    sees_branch_registers,
)
from .models import Document, DocumentAttachment, PhoneMessage, RoutingStep, Visit
from .validators import normalise_phone

# --- Visits ---------------------------------------------------------------------------


def visit_list(*, user) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related(
        "host", "host_department", "registered_by", "branch"
    )


def visit_list_filtered(
    *,
    user,
    query: str = "",
    status: str = "",
    host_id: int | None = None,
    department_id: int | None = None,
    organisation: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Visit]:
    """The visitor log page: searched (name, organisation, phone, badge, purpose) and filtered."""
    queryset = visit_list(user=user)
    if query:
        queryset = queryset.filter(
            Q(visitor_name__icontains=query)
            | Q(organisation__icontains=query)
            | Q(phone__contains=query.replace(" ", ""))
            | Q(badge_number__iexact=query)
            | Q(purpose__icontains=query)
        )
    if status in Visit.Status.values:
        queryset = queryset.filter(status=status)
    if host_id is not None:
        queryset = queryset.filter(host_id=host_id)
    if department_id is not None:
        queryset = queryset.filter(host_department_id=department_id)
    if organisation:
        queryset = queryset.filter(organisation__icontains=organisation)
    # A visitor who never arrived counts on the day they were expected.
    if date_from:
        queryset = queryset.filter(
            Q(arrived_at__date__gte=date_from)
            | Q(arrived_at__isnull=True, expected_at__date__gte=date_from)
        )
    if date_to:
        queryset = queryset.filter(
            Q(arrived_at__date__lte=date_to)
            | Q(arrived_at__isnull=True, expected_at__date__lte=date_to)
        )
    return queryset


def visit_get(*, user, pk: int) -> Visit:
    return get_scoped_object_or_404(visit_list(user=user), user=user, pk=pk)


def buildings(*, user) -> list[Branch]:
    """The buildings (branches) whose roll-call the user may take: their own first, then,
    for those who see every branch (HQ), the others in the usual branch order."""
    own = user_branch(user)
    if not sees_all_branches(user):
        return [own] if own is not None else []
    others = [branch for branch in Branch.objects.all() if own is None or branch.pk != own.pk]
    return [own, *others] if own is not None else others


def building_of(*, user, branch_id: int | None = None) -> Branch | None:
    """The building asked for if the user may take its roll-call, else their own
    (a user without a branch who sees every branch: the first, HQ)."""
    choices = buildings(user=user)
    for branch in choices:
        if branch.pk == branch_id:
            return branch
    return choices[0] if choices else None


def visits_in_building(*, user, branch: Branch | None = None) -> QuerySet[Visit]:
    """Who is on site now in one building (a fire roll-call is per building), longest
    there first. `branch`: one of `buildings(user=...)`; by default the user's own."""
    branch = branch or building_of(user=user)
    return (
        visit_list(user=user)
        .filter(status=Visit.Status.ON_SITE, branch=branch)
        .order_by("arrived_at", "pk")
    )


def visits_expected(
    *, user, day: dt.date | None = None, branch: Branch | None = None
) -> QuerySet[Visit]:
    """Expected visitors of one building (by default the user's own)."""
    branch = branch or building_of(user=user)
    queryset = visit_list(user=user).filter(status=Visit.Status.EXPECTED, branch=branch)
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
    """Active staff the user may name as host, recipient or routing target: the user's own
    building first (the desk's visitors nearly always see someone there), then the other
    branches HQ sees, branch by branch (the forms group them under the branch's name)."""
    from django.contrib.auth import get_user_model

    profiles = staff_list(user=user).values("user_id")
    own = user_branch(user)
    own_first = Case(
        When(staff_profile__branch=own, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        get_user_model()
        .objects.filter(pk__in=profiles, is_active=True)
        .select_related("staff_profile__department", "staff_profile__branch")
        .order_by(
            own_first,
            "-staff_profile__branch__is_hq",
            "staff_profile__branch__name",
            "last_name",
            "first_name",
            "username",
        )
    )


def department_choices(*, user) -> QuerySet[Department]:
    return (
        Department.objects.visible_to(user)
        .select_related("branch", "head")
        .order_by("branch__name", "name")
    )


def department_of(user) -> Department | None:
    try:
        return user.staff_profile.department
    except StaffProfile.DoesNotExist:
        return None


# --- Phone messages ---------------------------------------------------------------------


def message_list(*, user) -> QuerySet[PhoneMessage]:
    return PhoneMessage.objects.visible_to(user).select_related(
        "recipient", "recipient_department", "taken_by", "handled_by", "branch"
    )


def message_list_filtered(
    *,
    user,
    query: str = "",
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    mine: bool = False,
) -> QuerySet[PhoneMessage]:
    """The message log page: searched (caller, organisation, text, phone) and filtered."""
    queryset = message_list(user=user)
    if query:
        queryset = queryset.filter(
            Q(caller_name__icontains=query)
            | Q(caller_organisation__icontains=query)
            | Q(message__icontains=query)
            | Q(caller_phone__contains=query.replace(" ", ""))
        )
    if status in PhoneMessage.Status.values:
        queryset = queryset.filter(status=status)
    if date_from:
        queryset = queryset.filter(taken_at__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(taken_at__date__lte=date_to)
    if mine:
        queryset = queryset.filter(Q(recipient=user) | Q(recipient_department__head=user))
    return queryset


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


# --- Documents ----------------------------------------------------------------------------


def document_list(*, user) -> QuerySet[Document]:
    return Document.objects.visible_to(user).select_related("registered_by", "branch")


def document_list_filtered(
    *,
    user,
    query: str = "",
    status: str = "",
    direction: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Document]:
    """The document register page: searched (title, numbers, sender, unit) and filtered."""
    queryset = document_list(user=user)
    if query:
        queryset = queryset.filter(
            Q(title__icontains=query)
            | Q(register_number__icontains=query)
            | Q(reference_number__icontains=query)
            | Q(sender__icontains=query)
            | Q(receiving_unit__icontains=query)
        )
    if status in Document.Status.values:
        queryset = queryset.filter(status=status)
    if direction in Document.Direction.values:
        queryset = queryset.filter(direction=direction)
    if date_from:
        queryset = queryset.filter(document_date__gte=date_from)
    if date_to:
        queryset = queryset.filter(document_date__lte=date_to)
    return queryset


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
