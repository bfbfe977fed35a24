"""Writes to the document register: register, scans, routing, signing, records, close."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collections_office.personal_data import encrypt_bytes
from collections_office.workdays import add_working_days, local_date
from staff.models import Branch

from ..models import (
    Document,
    DocumentAttachment,
    DocumentRecord,
    RoutingStep,
    Urgency,
)
from ..selectors import (
    current_step,
    department_of,
    may_manage_document,
    may_route_document,
)
from ..validators import check_uploaded_file
from .common import (
    apply_changes,
    correction_reason,
    desk_branch,
    display_name,
    local_text,
    notify_in_their_language,
    require_desk,
    required_void_reason,
    save_with_actor,
    void_entry,
)

ATTACHMENT_DIRECTORY = "frontdesk/attachments"


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
            save_with_actor(attachment, actor=actor)
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
    require_desk(actor)
    branch = desk_branch(actor)
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
    save_with_actor(document, actor=actor)
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
    save_with_actor(new_step, actor=actor)
    if document.status in (Document.Status.REGISTERED, Document.Status.IN_PROGRESS):
        document.status = Document.Status.ROUTED
        save_with_actor(document, actor=actor, update_fields=["status"])

    def make():
        title = _("Document to sign for: %(title)s") % {"title": document.title}
        lines = [
            _("%(who)s routed %(number)s to you. Please sign for it in the system by %(due)s.")
            % {
                "who": display_name(actor),
                "number": document.register_number,
                "due": local_text(new_step.sign_due_at),
            }
        ]
        if new_step.instructions:
            lines.append(new_step.instructions)
        return title, "\n".join(lines)

    notify_in_their_language(
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
    save_with_actor(step, actor=actor)
    document = step.document
    if document.status == Document.Status.ROUTED and current_step(document).pk == step.pk:
        document.status = Document.Status.IN_PROGRESS
        save_with_actor(document, actor=actor, update_fields=["status"])
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
    save_with_actor(record, actor=actor)
    if kind == DocumentRecord.Kind.REPLY:
        document.status = Document.Status.REPLIED
        if document.replied_at is None:
            document.replied_at = timezone.now()
        save_with_actor(document, actor=actor, update_fields=["status", "replied_at"])
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
    save_with_actor(document, actor=actor, update_fields=["status", "closed_at"])
    return document


@transaction.atomic
def document_void(*, document: Document, actor, reason: str) -> Document:
    """A wrongly registered document is voided with a reason (never deleted)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not may_manage_document(user=actor, document=document):
        raise PermissionDenied("only the registering desk voids a document")
    reason = required_void_reason(reason)
    return void_entry(document, actor=actor, reason=reason, update_fields=["status", "void_reason"])


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
            save_with_actor(attachment, actor=actor)
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
    require_desk(actor)
    reason = correction_reason(reason)
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not may_manage_document(user=actor, document=document):
        raise PermissionDenied("only the registering desk corrects a document")
    if not document.is_open:
        raise ValidationError(_("A closed or void document cannot be corrected."))
    was_confidential = document.is_confidential
    apply_changes(document, changes, DOCUMENT_CORRECTABLE_FIELDS)
    if not document.reply_required:
        document.reply_due = None
    elif document.reply_due is None:
        raise ValidationError({"reply_due": _("Give the date the reply is due.")})
    if was_confidential and not document.is_confidential and document.steps.exists():
        raise ValidationError(
            {"confidentiality": _("This document was routed in confidence; it stays confidential.")}
        )
    document._change_reason = reason
    save_with_actor(document, actor=actor)
    if document.is_confidential and not was_confidential:
        _encrypt_plain_attachments(document=document, actor=actor, reason=reason)
    return document


@transaction.atomic
def attachment_void(*, attachment: DocumentAttachment, actor, reason: str) -> DocumentAttachment:
    """A wrong scan is voided with a reason: kept on disk and in history, offered no more."""
    require_desk(actor)
    attachment = (
        DocumentAttachment.objects.select_for_update(of=("self",))
        .select_related("document")
        .get(pk=attachment.pk)
    )
    if not may_manage_document(user=actor, document=attachment.document):
        raise PermissionDenied("only the registering desk voids a scan")
    reason = required_void_reason(reason)
    if attachment.is_void:
        raise ValidationError(_("This scan is already void."))
    attachment.voided_at = timezone.now()
    attachment.voided_by = actor
    attachment.void_reason = reason[:255]
    attachment._change_reason = reason[:100]
    save_with_actor(attachment, actor=actor)
    return attachment
