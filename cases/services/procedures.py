"""Special procedures and collection-period extensions (DESIGN §4.6).

A special procedure is requested with a reason and documents, approved (or refused) by
the supervisor through the approvals framework, then started and closed with an
outcome. A collection-period extension needs a reason and a next-step plan, approved
the same way; once approved it moves the case's period end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import approvals
from cases.access import CASE_SUPERVISOR_ROLES
from cases.approvals import subject_pk
from cases.models import Case, CollectionPeriodExtension, SpecialProcedure, SpecialProcedureDocument
from cases.services.visits import move
from collections_office.workdays import local_date
from staff.selectors import has_role
from staff.stored_text import in_english

DOCUMENT_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
MAX_DOCUMENTS = 10


def _may_work(user, case: Case) -> bool:
    return case.assigned_to_id == user.pk or has_role(user, *CASE_SUPERVISOR_ROLES)


def _document_checked(upload) -> tuple[bytes, str, str]:
    name = getattr(upload, "name", "") or _("The file")
    size = getattr(upload, "size", 0) or 0
    if not size:
        raise ValidationError({"documents": _("“%(name)s” is empty.") % {"name": name}})
    if size > settings.VISIT_PHOTO_MAX_BYTES:
        raise ValidationError(
            {
                "documents": _("“%(name)s” is larger than %(limit)s MB.")
                % {"name": name, "limit": settings.VISIT_PHOTO_MAX_BYTES // 1048576}
            }
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    for magic, (content_type, extension) in DOCUMENT_TYPES.items():
        if data.startswith(magic):
            return data, content_type, extension
    raise ValidationError(
        {
            "documents": _(
                "“%(name)s” is not a PDF, JPEG or PNG file (its content says otherwise)."
            )
            % {"name": name}
        }
    )


@transaction.atomic
def procedure_request(
    *, case: Case, actor, kind: str, reason: str, documents=()
) -> SpecialProcedure:
    """Asks the supervisor to approve a special procedure on `case`; nothing starts yet."""
    errors = {}
    reason = (reason or "").strip()
    if kind not in SpecialProcedure.Kind.values:
        errors["kind"] = _("Choose the procedure.")
    if not reason:
        errors["reason"] = _("Say why the procedure is needed.")
    documents = [document for document in (documents or []) if document]
    if len(documents) > MAX_DOCUMENTS:
        errors["documents"] = _("At most %(count)s documents.") % {"count": MAX_DOCUMENTS}
    if errors:
        raise ValidationError(errors)
    checked = [(_document_checked(d), getattr(d, "name", "") or "document") for d in documents]
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not _may_work(actor, locked):
        raise ValidationError(_("Only the case's collector or a supervisor may ask for this."))
    if not locked.is_open:
        raise ValidationError(_("The case is closed."))
    if SpecialProcedure.objects.filter(
        case=locked, kind=kind, status__in=SpecialProcedure.OPEN_STATUSES
    ).exists():
        raise ValidationError({"kind": _("This procedure is already open on the case.")})
    procedure = SpecialProcedure(
        case=locked,
        branch_id=locked.branch_id,
        kind=kind,
        reason=reason,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    procedure._history_user = actor
    procedure.save()
    stored = []
    try:
        for (data, content_type, extension), original_name in checked:
            name = default_storage.save(
                f"procedure-documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}",
                ContentFile(data),
            )
            stored.append(name)
            SpecialProcedureDocument.objects.create(
                procedure=procedure,
                file=name,
                original_name=original_name[:255],
                content_type=content_type,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                uploaded_by=actor,
            )
        approvals.request_approval(
            kind="cases.special_procedure",
            subject=procedure,
            branch=procedure.branch,
            requested_by=actor,
            summary=in_english(
                gettext_noop("%(kind)s on case %(account)s"),
                kind=procedure.get_kind_display(),
                account=locked.account_no,
            ),
        )
    except BaseException:
        for name in stored:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        raise
    return procedure


def procedure_decided(approval, approved: bool) -> None:
    procedure = SpecialProcedure.objects.select_for_update().get(pk=subject_pk(approval))
    move(
        procedure,
        SpecialProcedure.Status.APPROVED if approved else SpecialProcedure.Status.REFUSED,
    )
    procedure.decided_at = approval.decided_at or timezone.now()
    procedure._history_user = approval.decided_by
    procedure.save()


@transaction.atomic
def procedure_start(*, procedure: SpecialProcedure, actor) -> SpecialProcedure:
    """Starts an approved procedure (a refused or pending one cannot start)."""
    locked = (
        SpecialProcedure.objects.select_for_update().select_related("case").get(pk=procedure.pk)
    )
    if not _may_work(actor, locked.case):
        raise ValidationError(_("Only the case's collector or a supervisor may start it."))
    if locked.status == SpecialProcedure.Status.REQUESTED:
        raise ValidationError(_("The procedure is not approved yet: it cannot start."))
    move(locked, SpecialProcedure.Status.STARTED)
    locked.started_by, locked.started_at = actor, timezone.now()
    locked._history_user = actor
    locked.save()
    return locked


@transaction.atomic
def procedure_close(*, procedure: SpecialProcedure, actor, outcome: str) -> SpecialProcedure:
    """Closes a started procedure with its outcome (the closing record, DESIGN §4.6)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Record the outcome of the procedure.")})
    locked = (
        SpecialProcedure.objects.select_for_update().select_related("case").get(pk=procedure.pk)
    )
    if not _may_work(actor, locked.case):
        raise ValidationError(_("Only the case's collector or a supervisor may close it."))
    move(locked, SpecialProcedure.Status.CLOSED)
    locked.closed_by, locked.closed_at, locked.outcome = actor, timezone.now(), outcome
    locked._history_user = actor
    locked.save()
    return locked


# --- Collection periods ------------------------------------------------------------------


def standard_period_end(case: Case) -> dt.date:
    """The agreement's period: from the placement, `collection_period_days` long."""
    return local_date(case.placed_at) + dt.timedelta(days=case.agreement.collection_period_days)


def period_end(case: Case) -> dt.date:
    """The period's end with the latest approved extension (one indexed query)."""
    extended = CollectionPeriodExtension.objects.filter(
        case_id=case.pk, status=CollectionPeriodExtension.Status.APPROVED
    ).aggregate(end=Max("new_ends_on"))["end"]
    standard = standard_period_end(case)
    return max(standard, extended) if extended else standard


@transaction.atomic
def period_extension_request(
    *, case: Case, actor, new_ends_on: dt.date, reason: str, next_steps: str
) -> CollectionPeriodExtension:
    """Asks to keep working `case` until `new_ends_on`, with a reason and next steps."""
    errors = {}
    reason, next_steps = (reason or "").strip(), (next_steps or "").strip()
    if not reason:
        errors["reason"] = _("Say why the case needs more time.")
    if not next_steps:
        errors["next_steps"] = _("Write the next-step plan.")
    if errors:
        raise ValidationError(errors)
    locked = Case.objects.select_for_update().select_related("agreement").get(pk=case.pk)
    if not _may_work(actor, locked):
        raise ValidationError(_("Only the case's collector or a supervisor may ask for this."))
    if not locked.is_open:
        raise ValidationError(_("The case is closed."))
    current = period_end(locked)
    if new_ends_on is None or new_ends_on <= current:
        raise ValidationError(
            {
                "new_ends_on": _("The new end must be after the current end, %(date)s.")
                % {"date": current.isoformat()}
            }
        )
    if CollectionPeriodExtension.objects.filter(
        case=locked, status=CollectionPeriodExtension.Status.PENDING
    ).exists():
        raise ValidationError(_("An extension for this case is already waiting for approval."))
    extension = CollectionPeriodExtension(
        case=locked,
        branch_id=locked.branch_id,
        ends_before=current,
        new_ends_on=new_ends_on,
        reason=reason,
        next_steps=next_steps,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    extension._history_user = actor
    extension.save()
    approvals.request_approval(
        kind="cases.period_extension",
        subject=extension,
        branch=extension.branch,
        requested_by=actor,
        summary=in_english(
            gettext_noop("Case %(account)s: until %(date)s"),
            account=locked.account_no,
            date=new_ends_on.isoformat(),
        ),
    )
    return extension


def period_extension_decided(approval, approved: bool) -> None:
    extension = CollectionPeriodExtension.objects.select_for_update().get(pk=subject_pk(approval))
    move(
        extension,
        CollectionPeriodExtension.Status.APPROVED
        if approved
        else CollectionPeriodExtension.Status.REFUSED,
    )
    extension.decided_at = approval.decided_at or timezone.now()
    extension._history_user = approval.decided_by
    extension.save()
