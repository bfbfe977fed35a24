"""Every write to the front desk's registers.

Each function validates, writes, leaves its history row (with `actor` as the
history user, also when called from a task) and sends its notifications in
one transaction; notification emails go out after commit.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from collections_office.personal_data import encrypt_bytes
from collections_office.workdays import add_working_days, company_tz, local_date
from staff.models import Branch
from staff.selectors import profile_of, user_branch
from staff.services import notification_send

from .models import (
    Document,
    DocumentAttachment,
    DocumentRecord,
    DocumentReminder,
    PhoneMessage,
    RoutingStep,
    Urgency,
    Visit,
)
from .selectors import (
    current_step,
    department_of,
    is_desk,
    may_handle_message,
    may_manage_document,
    may_manage_message,
    may_manage_visit,
    may_route_document,
)
from .validators import check_uploaded_file, format_phone

ATTACHMENT_DIRECTORY = "frontdesk/attachments"


# --- helpers --------------------------------------------------------------------------


def _save(instance: Model, *, actor, update_fields: list[str] | None = None) -> None:
    """Validates and saves, naming the actor in the history row (also outside a request)."""
    instance.full_clean()
    instance._history_user = actor
    instance.save(update_fields=update_fields)


def _required_void_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"void_reason": _("Give the reason for voiding.")})
    return reason


def _void(instance, *, actor, reason: str, update_fields: list[str] | None = None):
    """Marks a register entry void with its reason: entries are voided, never deleted."""
    if instance.status == instance.Status.VOID:
        raise ValidationError(_("This entry is already void."))
    instance.status = instance.Status.VOID
    instance.void_reason = reason[:255]
    instance._change_reason = reason[:100]
    _save(instance, actor=actor, update_fields=update_fields)
    return instance


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment, company_tz()).strftime("%Y-%m-%d %H:%M")


def _display(user) -> str:
    return user.get_full_name() or user.username


# Back-filling past entries (the demo data, a paper register typed in later) must
# not ping people about last week's visitors; `quiet_notifications()` says so.
_quiet = contextvars.ContextVar("frontdesk_quiet_notifications", default=False)


@contextlib.contextmanager
def quiet_notifications():
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _notify(*, recipient, actor, url: str, make) -> None:
    """Sends a notification in the recipient's own language (`make()` → title, body)."""
    if _quiet.get():
        return
    profile = profile_of(recipient)
    language = (profile.language if profile else "") or translation.get_language() or "en"
    with translation.override(language):
        title, body = make()
    notification_send(recipient=recipient, actor=actor, title=title, body=body, url=url)


def _require_desk(actor) -> None:
    if not is_desk(actor):
        raise PermissionDenied("front desk only")


def _correction_reason(reason: str) -> str:
    """A correction always says why; the reason becomes the history row's change reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is corrected.")})
    # simple-history keeps at most 100 characters of a change reason.
    return reason[:100]


def _apply_changes(instance: Model, changes: dict, allowed: set[str]) -> None:
    for field, value in changes.items():
        if field not in allowed:
            raise ValueError(f"{field} cannot be corrected")
        setattr(instance, field, value.strip() if isinstance(value, str) else value)


def _desk_branch(actor) -> Branch:
    branch = user_branch(actor)
    if branch is None:
        raise ValidationError(_("Your account has no branch; ask HR to complete your profile."))
    return branch


# --- Visits ---------------------------------------------------------------------------


def _notify_host_of_arrival(visit: Visit, actor) -> None:
    def make():
        title = _("Visitor for you: %(name)s") % {"name": visit.visitor_name}
        lines = [
            _("%(name)s arrived at %(time)s.")
            % {"name": visit.visitor_name, "time": _local(visit.arrived_at)},
        ]
        if visit.organisation:
            lines.append(_("Organisation: %(org)s") % {"org": visit.organisation})
        lines.append(_("Purpose: %(purpose)s") % {"purpose": visit.purpose})
        return title, "\n".join(lines)

    _notify(
        recipient=visit.host,
        actor=actor,
        url=reverse("frontdesk:visit_detail", args=[visit.pk]),
        make=make,
    )


@transaction.atomic
def visit_register(
    *,
    actor,
    visitor_name: str,
    purpose: str,
    host,
    organisation: str = "",
    phone: str = "",
    arrived_at: dt.datetime | None = None,
    id_document_type: str = "",
    id_number: str = "",
    badge_number: str = "",
    notes: str = "",
) -> Visit:
    """The desk registers a visitor who has arrived; the host is told at once."""
    _require_desk(actor)
    visit = Visit(
        branch=_desk_branch(actor),
        status=Visit.Status.ON_SITE,
        visitor_name=visitor_name.strip(),
        organisation=organisation.strip(),
        phone=phone,
        purpose=purpose.strip(),
        host=host,
        host_department=department_of(host),
        arrived_at=arrived_at or timezone.now(),
        id_document_type=id_document_type,
        id_number=id_number,
        badge_number=badge_number.strip(),
        notes=notes.strip(),
        registered_by=actor,
    )
    _save(visit, actor=actor)
    _notify_host_of_arrival(visit, actor)
    return visit


@transaction.atomic
def visit_preregister(
    *,
    actor,
    visitor_name: str,
    purpose: str,
    host,
    expected_at: dt.datetime,
    organisation: str = "",
    phone: str = "",
    notes: str = "",
) -> Visit:
    """Any member of staff announces an expected visitor; the desk admits them on arrival."""
    host_profile = profile_of(host)
    branch = host_profile.branch if host_profile else _desk_branch(actor)
    visit = Visit(
        branch=branch,
        status=Visit.Status.EXPECTED,
        visitor_name=visitor_name.strip(),
        organisation=organisation.strip(),
        phone=phone,
        purpose=purpose.strip(),
        host=host,
        host_department=department_of(host),
        expected_at=expected_at,
        notes=notes.strip(),
        registered_by=actor,
    )
    _save(visit, actor=actor)
    return visit


@transaction.atomic
def visit_arrive(
    *,
    visit: Visit,
    actor,
    id_document_type: str = "",
    id_number: str = "",
    badge_number: str = "",
) -> Visit:
    """An expected visitor has arrived: one click turns the pre-registration into a visit."""
    _require_desk(actor)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != Visit.Status.EXPECTED:
        raise ValidationError(_("This visitor is not expected any more (already arrived or void)."))
    visit.status = Visit.Status.ON_SITE
    visit.arrived_at = timezone.now()
    if id_document_type or id_number:
        visit.id_document_type = id_document_type
        visit.id_number = id_number
    if badge_number:
        visit.badge_number = badge_number.strip()
    _save(visit, actor=actor)
    _notify_host_of_arrival(visit, actor)
    return visit


@transaction.atomic
def visit_check_out(*, visit: Visit, actor, departed_at: dt.datetime | None = None) -> Visit:
    """Records that the visitor left (and handed back the badge)."""
    _require_desk(actor)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != Visit.Status.ON_SITE:
        raise ValidationError(_("Only a visitor who is in the building can be checked out."))
    departed_at = departed_at or timezone.now()
    if departed_at < visit.arrived_at:
        raise ValidationError({"departed_at": _("The departure is before the arrival.")})
    visit.status = Visit.Status.LEFT
    visit.departed_at = departed_at
    _save(visit, actor=actor)
    return visit


@transaction.atomic
def visit_correct(*, visit: Visit, actor, reason: str, **changes) -> Visit:
    """Corrects a visit's details; the history keeps the old values, the reason and who."""
    _require_desk(actor)
    reason = _correction_reason(reason)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not may_manage_visit(user=actor, visit=visit):
        raise PermissionDenied("only the desk of the visit's branch corrects it")
    if visit.status == Visit.Status.VOID:
        raise ValidationError(_("A void entry cannot be corrected."))
    allowed = {
        "visitor_name",
        "organisation",
        "phone",
        "purpose",
        "host",
        "arrived_at",
        "departed_at",
        "id_document_type",
        "id_number",
        "badge_number",
        "notes",
    }
    _apply_changes(visit, changes, allowed)
    visit.host_department = department_of(visit.host)
    visit._change_reason = reason
    _save(visit, actor=actor)
    return visit


@transaction.atomic
def visit_void(*, visit: Visit, actor, reason: str) -> Visit:
    """A wrong entry is voided with a reason, never deleted."""
    _require_desk(actor)
    reason = _required_void_reason(reason)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    return _void(visit, actor=actor, reason=reason)


# --- Phone messages ---------------------------------------------------------------------


def _message_notify_target(*, recipient, recipient_department):
    """Who is told of a message: the person, or the head of the department it is for."""
    if recipient is not None:
        return recipient
    if recipient_department is None:
        return None
    if recipient_department.head is None:
        raise ValidationError(
            {
                "recipient_department": _(
                    "This department has no head to notify; choose a person instead."
                )
            }
        )
    return recipient_department.head


def _relay_message(phone_message: PhoneMessage, *, notify, actor) -> None:
    def make():
        urgent = phone_message.urgency != Urgency.NORMAL
        title = _("Phone message from %(name)s") % {"name": phone_message.caller_name}
        if urgent:
            title = _("URGENT: %(title)s") % {"title": title}
        lines = [phone_message.message]
        if phone_message.caller_organisation:
            lines.append(_("Organisation: %(org)s") % {"org": phone_message.caller_organisation})
        if phone_message.caller_phone:
            phone = format_phone(phone_message.caller_phone)
            lines.append(_("Call back: %(phone)s") % {"phone": phone})
        lines.append(
            _("Taken by %(desk)s at %(time)s.")
            % {"desk": _display(phone_message.taken_by), "time": _local(phone_message.taken_at)}
        )
        return title, "\n".join(lines)

    _notify(
        recipient=notify,
        actor=actor,
        url=reverse("frontdesk:message_detail", args=[phone_message.pk]),
        make=make,
    )


@transaction.atomic
def message_take(
    *,
    actor,
    caller_name: str,
    message: str,
    recipient=None,
    recipient_department=None,
    caller_organisation: str = "",
    caller_phone: str = "",
    urgency: str = Urgency.NORMAL,
    outcome: str = PhoneMessage.Outcome.MESSAGE_TAKEN,
    taken_at: dt.datetime | None = None,
) -> PhoneMessage:
    """The desk logs a call; the person (or the department's head) is notified."""
    _require_desk(actor)
    notify = _message_notify_target(recipient=recipient, recipient_department=recipient_department)
    now = timezone.now()
    phone_message = PhoneMessage(
        branch=_desk_branch(actor),
        caller_name=caller_name.strip(),
        caller_organisation=caller_organisation.strip(),
        caller_phone=caller_phone,
        message=message.strip(),
        recipient=recipient,
        recipient_department=recipient_department if recipient is None else None,
        urgency=urgency,
        outcome=outcome,
        taken_by=actor,
        taken_at=taken_at or now,
        relayed_at=now if notify is not None else None,
    )
    _save(phone_message, actor=actor)
    if notify is not None:
        _relay_message(phone_message, notify=notify, actor=actor)
    return phone_message


MESSAGE_CORRECTABLE_FIELDS = {
    "caller_name",
    "caller_organisation",
    "caller_phone",
    "message",
    "recipient",
    "recipient_department",
    "urgency",
    "outcome",
    "taken_at",
}


@transaction.atomic
def message_correct(*, phone_message: PhoneMessage, actor, reason: str, **changes) -> PhoneMessage:
    """Corrects a phone message; the history keeps the old values, the reason and who.

    A message moved to another person (or department) while still open is relayed
    to them at once; a handled message keeps the recipient who handled it.
    (`phone_message`, not `message`: "message" is one of the fields to correct.)
    """
    _require_desk(actor)
    reason = _correction_reason(reason)
    message = PhoneMessage.objects.select_for_update().get(pk=phone_message.pk)
    if not may_manage_message(user=actor, message=message):
        raise PermissionDenied("only the desk of the message's branch corrects it")
    if message.status == PhoneMessage.Status.VOID:
        raise ValidationError(_("A void entry cannot be corrected."))
    before = (message.recipient_id, message.recipient_department_id)
    _apply_changes(message, changes, MESSAGE_CORRECTABLE_FIELDS)
    if message.recipient_id is not None:
        message.recipient_department = None  # one recipient: the person wins, as when taken
    moved = (message.recipient_id, message.recipient_department_id) != before
    notify = None
    if moved:
        if message.status != PhoneMessage.Status.OPEN:
            raise ValidationError(
                {"recipient": _("The message is handled; its recipient cannot be changed.")}
            )
        notify = _message_notify_target(
            recipient=message.recipient, recipient_department=message.recipient_department
        )
        message.relayed_at = timezone.now() if notify is not None else None
    message._change_reason = reason
    _save(message, actor=actor)
    if notify is not None:
        _relay_message(message, notify=notify, actor=actor)
    return message


@transaction.atomic
def message_mark_handled(*, message: PhoneMessage, actor, note: str = "") -> PhoneMessage:
    """The recipient says the message is dealt with (called back, passed on …)."""
    message = PhoneMessage.objects.select_for_update().get(pk=message.pk)
    if not may_handle_message(user=actor, message=message):
        raise PermissionDenied("only the recipient marks a message handled")
    if message.status != PhoneMessage.Status.OPEN:
        raise ValidationError(_("This message is not open."))
    message.status = PhoneMessage.Status.HANDLED
    message.handled_at = timezone.now()
    message.handled_by = actor
    message.handled_note = (note or "").strip()[:255]
    _save(message, actor=actor)
    return message


@transaction.atomic
def message_void(*, message: PhoneMessage, actor, reason: str) -> PhoneMessage:
    _require_desk(actor)
    reason = _required_void_reason(reason)
    message = PhoneMessage.objects.select_for_update().get(pk=message.pk)
    return _void(message, actor=actor, reason=reason)


# --- Documents ----------------------------------------------------------------------------


def _next_register_number(branch: Branch, year: int) -> str:
    # The branch row lock serialises numbering, so two desks never get the same number.
    Branch.objects.select_for_update().get(pk=branch.pk)
    prefix = f"{branch.code}-{year}-"
    last = (
        Document.objects.filter(register_number__startswith=prefix)
        .order_by("-register_number")
        .values_list("register_number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _store_attachments(*, document: Document, actor, files) -> list[DocumentAttachment]:
    attachments, written = [], []
    try:
        for upload in files:
            content_type = check_uploaded_file(upload)
            upload.seek(0)
            data = upload.read()
            digest = hashlib.sha256(data).hexdigest()
            if document.is_confidential:
                data = encrypt_bytes(data)
            # A random name: nothing about the document can be read from the disk.
            stored = default_storage.save(
                f"{ATTACHMENT_DIRECTORY}/{uuid.uuid4().hex}", ContentFile(data)
            )
            written.append(stored)
            attachment = DocumentAttachment(
                document=document,
                original_name=(upload.name or "file").rsplit("/", 1)[-1][:255],
                stored_name=stored,
                content_type=content_type,
                size=upload.size,
                sha256=digest,
                encrypted=document.is_confidential,
                uploaded_by=actor,
            )
            _save(attachment, actor=actor)
            attachments.append(attachment)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return attachments


@transaction.atomic
def document_register(
    *,
    actor,
    title: str,
    sender: str,
    receiving_unit: str,
    document_date: dt.date,
    direction: str = Document.Direction.INCOMING,
    reference_number: str = "",
    urgency: str = Urgency.NORMAL,
    confidentiality: str = Document.Confidentiality.NORMAL,
    reply_required: bool = False,
    reply_due: dt.date | None = None,
    notes: str = "",
    files=(),
) -> Document:
    """The desk enters a document in the register, with its scans."""
    _require_desk(actor)
    branch = _desk_branch(actor)
    if reply_required and reply_due is None:
        raise ValidationError({"reply_due": _("Give the date the reply is due.")})
    document = Document(
        branch=branch,
        direction=direction,
        title=title.strip(),
        reference_number=reference_number.strip(),
        sender=sender.strip(),
        receiving_unit=receiving_unit.strip(),
        document_date=document_date,
        urgency=urgency,
        confidentiality=confidentiality,
        reply_required=reply_required,
        reply_due=reply_due if reply_required else None,
        notes=notes.strip(),
        registered_by=actor,
    )
    document.register_number = _next_register_number(branch, local_date(timezone.now()).year)
    _save(document, actor=actor)
    _store_attachments(document=document, actor=actor, files=files)
    return document


@transaction.atomic
def document_attach(*, document: Document, actor, files) -> list[DocumentAttachment]:
    """More scans for a registered document (by its desk or its current holder)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not (
        may_manage_document(user=actor, document=document)
        or document.steps.filter(recipient=actor).exists()
    ):
        raise PermissionDenied("not the desk or a recipient of this document")
    if not document.is_open:
        raise ValidationError(_("The document is closed."))
    return _store_attachments(document=document, actor=actor, files=files)


@transaction.atomic
def document_route(*, document: Document, actor, recipient, instructions: str = "") -> RoutingStep:
    """Hands the document to a person (a department head or anyone), who must sign for it.

    The desk routes; a recipient who has signed for it may route it onwards.
    """
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document.is_open:
        raise ValidationError(_("A closed or void document cannot be routed."))
    step = current_step(document)
    if not may_route_document(user=actor, document=document, current_step=step):
        if step is not None and step.recipient_id == actor.pk and step.signed_at is None:
            raise ValidationError(_("Sign for the document before routing it on."))
        raise PermissionDenied("only the desk or the current holder routes a document")
    if step is not None and step.recipient_id == recipient.pk and step.signed_at is None:
        raise ValidationError({"recipient": _("The document is already waiting for this person.")})
    now = timezone.now()
    new_step = RoutingStep(
        document=document,
        sequence=(step.sequence + 1) if step else 1,
        routed_by=actor,
        routed_at=now,
        recipient=recipient,
        recipient_department=department_of(recipient),
        instructions=(instructions or "").strip()[:255],
        sign_due_at=add_working_days(now, 1),
    )
    _save(new_step, actor=actor)
    if document.status in (Document.Status.REGISTERED, Document.Status.IN_PROGRESS):
        document.status = Document.Status.ROUTED
        _save(document, actor=actor, update_fields=["status"])

    def make():
        title = _("Document to sign for: %(title)s") % {"title": document.title}
        lines = [
            _("%(who)s routed %(number)s to you. Please sign for it in the system by %(due)s.")
            % {
                "who": _display(actor),
                "number": document.register_number,
                "due": _local(new_step.sign_due_at),
            }
        ]
        if new_step.instructions:
            lines.append(new_step.instructions)
        return title, "\n".join(lines)

    _notify(
        recipient=recipient,
        actor=actor,
        url=reverse("frontdesk:document_detail", args=[document.pk]),
        make=make,
    )
    return new_step


@transaction.atomic
def step_sign(*, step: RoutingStep, actor) -> RoutingStep:
    """The person a step was routed to signs for receipt (who and when are recorded)."""
    step = RoutingStep.objects.select_for_update().select_related("document").get(pk=step.pk)
    if step.recipient_id != actor.pk:
        raise PermissionDenied("only the person it was routed to signs for a document")
    if step.signed_at is not None:
        raise ValidationError(_("You have already signed for this document."))
    if not step.document.is_open:
        raise ValidationError(_("A closed or void document cannot be signed for."))
    step.signed_at = timezone.now()
    step.signed_by = actor
    _save(step, actor=actor)
    document = step.document
    if document.status == Document.Status.ROUTED and current_step(document).pk == step.pk:
        document.status = Document.Status.IN_PROGRESS
        _save(document, actor=actor, update_fields=["status"])
    return step


@transaction.atomic
def document_record_add(
    *,
    document: Document,
    actor,
    kind: str,
    content: str,
    result: str = "",
    record_date: dt.date | None = None,
) -> DocumentRecord:
    """A reply or processing record, by a recipient who signed for it or by the desk."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    signed = document.steps.filter(recipient=actor, signed_at__isnull=False).exists()
    if not (signed or may_manage_document(user=actor, document=document)):
        if document.steps.filter(recipient=actor).exists():
            raise ValidationError(_("Sign for the document before recording a reply."))
        raise PermissionDenied("not a recipient of this document")
    if not document.is_open:
        raise ValidationError(_("The document is closed."))
    record = DocumentRecord(
        document=document,
        kind=kind,
        content=(content or "").strip(),
        result=(result or "").strip(),
        record_date=record_date or local_date(timezone.now()),
        recorded_by=actor,
    )
    _save(record, actor=actor)
    if kind == DocumentRecord.Kind.REPLY:
        document.status = Document.Status.REPLIED
        if document.replied_at is None:
            document.replied_at = timezone.now()
        _save(document, actor=actor, update_fields=["status", "replied_at"])
    return record


@transaction.atomic
def document_close(*, document: Document, actor) -> Document:
    """The desk closes a document whose follow-up is complete."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not may_manage_document(user=actor, document=document):
        raise PermissionDenied("only the registering desk closes a document")
    if not document.is_open:
        raise ValidationError(_("The document is already closed or void."))
    if document.steps.filter(signed_at__isnull=True).exists():
        raise ValidationError(_("Someone has not signed for the document yet."))
    if document.reply_required and document.replied_at is None:
        raise ValidationError(_("The document needs a reply before it can be closed."))
    document.status = Document.Status.CLOSED
    document.closed_at = timezone.now()
    _save(document, actor=actor, update_fields=["status", "closed_at"])
    return document


@transaction.atomic
def document_void(*, document: Document, actor, reason: str) -> Document:
    """A wrongly registered document is voided with a reason (never deleted)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not may_manage_document(user=actor, document=document):
        raise PermissionDenied("only the registering desk voids a document")
    reason = _required_void_reason(reason)
    return _void(document, actor=actor, reason=reason, update_fields=["status", "void_reason"])


DOCUMENT_CORRECTABLE_FIELDS = {
    "direction",
    "title",
    "reference_number",
    "sender",
    "receiving_unit",
    "document_date",
    "urgency",
    "confidentiality",
    "reply_required",
    "reply_due",
    "notes",
}


def _encrypt_plain_attachments(*, document: Document, actor, reason: str) -> None:
    """A document made confidential: its scans on disk are encrypted too.

    Each scan is written encrypted under a new random name and the row points at it;
    the plaintext file is deleted only after commit (a rollback deletes the new one).
    """
    written = []
    try:
        for attachment in document.attachments.select_for_update().filter(encrypted=False):
            with default_storage.open(attachment.stored_name, "rb") as stored:
                data = stored.read()
            new_name = default_storage.save(
                f"{ATTACHMENT_DIRECTORY}/{uuid.uuid4().hex}", ContentFile(encrypt_bytes(data))
            )
            written.append(new_name)
            old_name = attachment.stored_name
            attachment.stored_name = new_name
            attachment.encrypted = True
            attachment._change_reason = reason
            _save(attachment, actor=actor)
            transaction.on_commit(lambda name=old_name: default_storage.delete(name))
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


@transaction.atomic
def document_correct(*, document: Document, actor, reason: str, **changes) -> Document:
    """Corrects a register entry; the history keeps the old values, the reason and who.

    Confidentiality: raising it is always a correction (the scans are encrypted on
    disk there and then); lowering it is allowed only before the document was routed
    to anyone — once people received it in confidence, it stays confidential.
    """
    _require_desk(actor)
    reason = _correction_reason(reason)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not may_manage_document(user=actor, document=document):
        raise PermissionDenied("only the registering desk corrects a document")
    if not document.is_open:
        raise ValidationError(_("A closed or void document cannot be corrected."))
    was_confidential = document.is_confidential
    _apply_changes(document, changes, DOCUMENT_CORRECTABLE_FIELDS)
    if not document.reply_required:
        document.reply_due = None
    elif document.reply_due is None:
        raise ValidationError({"reply_due": _("Give the date the reply is due.")})
    if was_confidential and not document.is_confidential and document.steps.exists():
        raise ValidationError(
            {"confidentiality": _("This document was routed in confidence; it stays confidential.")}
        )
    document._change_reason = reason
    _save(document, actor=actor)
    if document.is_confidential and not was_confidential:
        _encrypt_plain_attachments(document=document, actor=actor, reason=reason)
    return document


@transaction.atomic
def attachment_void(*, attachment: DocumentAttachment, actor, reason: str) -> DocumentAttachment:
    """A wrong scan is voided with a reason: kept on disk and in history, offered no more."""
    _require_desk(actor)
    attachment = (
        DocumentAttachment.objects.select_for_update(of=("self",))
        .select_related("document")
        .get(pk=attachment.pk)
    )
    if not may_manage_document(user=actor, document=attachment.document):
        raise PermissionDenied("only the registering desk voids a scan")
    reason = _required_void_reason(reason)
    if attachment.is_void:
        raise ValidationError(_("This scan is already void."))
    attachment.voided_at = timezone.now()
    attachment.voided_by = actor
    attachment.void_reason = reason[:255]
    attachment._change_reason = reason[:100]
    _save(attachment, actor=actor)
    return attachment


# --- Follow-ups -------------------------------------------------------------------------


def _remind_once(*, document: Document, step, kind: str, recipient, today: dt.date, make) -> bool:
    """Sends a reminder unless the same one went out today; True if it was sent now."""
    with transaction.atomic():
        _reminder, created = DocumentReminder.objects.get_or_create(
            document=document,
            kind=kind,
            recipient=recipient,
            reminded_on=today,
            defaults={"step": step},
        )
        if created:
            _notify(
                recipient=recipient,
                actor=None,
                url=reverse("frontdesk:document_detail", args=[document.pk]),
                make=make,
            )
    return created


def document_reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Reminds people of documents not signed for in time and of replies past due.

    Safe to run again: at most one reminder per document, kind, person and day.
    """
    now = now or timezone.now()
    today = local_date(now)
    sent = {"sign_overdue": 0, "reply_overdue": 0}
    open_documents = [Document.Status.CLOSED, Document.Status.VOID]
    overdue_steps = (
        RoutingStep.objects.filter(signed_at__isnull=True, sign_due_at__lt=now)
        .exclude(document__status__in=open_documents)
        .select_related("document", "recipient")
    )
    for step in overdue_steps:

        def make(step=step):
            return (
                _("Reminder: sign for %(number)s") % {"number": step.document.register_number},
                _(
                    "“%(title)s” was routed to you on %(routed)s and is not signed for yet "
                    "(due %(due)s)."
                )
                % {
                    "title": step.document.title,
                    "routed": _local(step.routed_at),
                    "due": _local(step.sign_due_at),
                },
            )

        sent["sign_overdue"] += _remind_once(
            document=step.document,
            step=step,
            kind=DocumentReminder.Kind.SIGN_OVERDUE,
            recipient=step.recipient,
            today=today,
            make=make,
        )
    overdue_replies = (
        Document.objects.filter(reply_required=True, replied_at__isnull=True, reply_due__lt=today)
        .exclude(status__in=open_documents)
        .select_related("registered_by")
    )
    for document in overdue_replies:
        step = current_step(document)
        recipient = step.recipient if step else document.registered_by

        def make(document=document):
            return (
                _("Reply overdue: %(number)s") % {"number": document.register_number},
                _("The reply to “%(title)s” was due on %(due)s and has not been recorded.")
                % {"title": document.title, "due": document.reply_due.isoformat()},
            )

        sent["reply_overdue"] += _remind_once(
            document=document,
            step=step,
            kind=DocumentReminder.Kind.REPLY_OVERDUE,
            recipient=recipient,
            today=today,
            make=make,
        )
    return sent
