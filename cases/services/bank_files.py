"""Receiving a bank's file (placements, repayment files): what every kind shares.

`receive_bank_file` does the cheap checks that answer at once (size, empty, not
CSV/XLSX), stores the original bytes unchanged with their SHA-256 plus a copy in
the backup storage, and saves the row; the same file (or the same
Idempotency-Key) of the same bank returns the first row, also when two uploads
race; the same key with another file is a conflict (HTTP 409); the import is
queued after commit (each kind names its task).

The models are `cases.models.bank_files.BankFile`s: the same fields and constraints.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from cases.intake import PlacementFileError
from cases.intake.readers import SNIFF_BYTES, XLSX, check_xlsx_archive, sniff_kind
from cases.models import Agreement, Bank
from collections_office.workdays import company_today

_CHUNK = 1024 * 1024


class BankFileInputError(Exception):
    """The upload is refused before anything is stored; `field` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = str(message)


class BankFileConflict(Exception):
    """The Idempotency-Key was already used by this bank for a different file (HTTP 409).
    Raised as a subclass that names the earlier file (PlacementConflict, RepaymentConflict)."""


def agreement_for(
    bank: Bank, agreement: Agreement | None, *, allow_terminated: bool = False
) -> Agreement:
    """The agreement a file is filed under: the one named (the bank's own, in force —
    or, with `allow_terminated`, started), else the bank's one agreement in force."""
    today = company_today()
    if agreement is not None:
        if agreement.bank_id != bank.pk:
            raise BankFileInputError("agreement", _("This agreement belongs to another bank."))
        if allow_terminated:
            if agreement.effective_from > today:
                raise BankFileInputError("agreement", _("This agreement has not started yet."))
        elif not agreement.is_in_force(today):
            raise BankFileInputError("agreement", _("This agreement is not in force today."))
        return agreement
    in_force = [a for a in Agreement.objects.filter(bank=bank) if a.is_in_force(today)]
    if not in_force:
        raise BankFileInputError(
            "agreement", _("The bank has no agreement in force today; file one first.")
        )
    if len(in_force) > 1:
        raise BankFileInputError(
            "agreement",
            _("The bank has several agreements in force; say which one this file belongs to."),
        )
    return in_force[0]


def too_large() -> BankFileInputError:
    limit_mb = settings.PLACEMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
    return BankFileInputError(
        "file", _("The file is larger than the limit of %(mb)s MB.") % {"mb": limit_mb}
    )


def read_upload(uploaded_file) -> tuple[str, int, bytes, IO[bytes]]:
    """One streaming pass: SHA-256, size and the first bytes, stopping at the size limit.

    Returns a seekable file to store from: the upload itself, or a spooled copy
    when the upload is a one-way stream.
    """
    limit = settings.PLACEMENT_MAX_UPLOAD_BYTES
    seekable = hasattr(uploaded_file, "seek") and (
        not hasattr(uploaded_file, "seekable") or uploaded_file.seekable()
    )
    if seekable:
        uploaded_file.seek(0)
        copy = None
    else:
        copy = tempfile.SpooledTemporaryFile(max_size=8 * _CHUNK)  # noqa: SIM115 - returned
    if hasattr(uploaded_file, "chunks"):
        chunks = uploaded_file.chunks(_CHUNK)
    else:
        chunks = iter(lambda: uploaded_file.read(_CHUNK), b"")
    digest = hashlib.sha256()
    size = 0
    head = b""
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise too_large()
            digest.update(chunk)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            if copy is not None:
                copy.write(chunk)
    except BaseException:
        if copy is not None:
            copy.close()
        raise
    source = uploaded_file if copy is None else copy
    source.seek(0)
    return digest.hexdigest(), size, head, source


def find_existing(
    model: type[models.Model],
    bank: Bank,
    sha256: str,
    idempotency_key: str,
    conflict: Callable[[models.Model], Exception],
):
    """The bank's earlier upload of the same key (conflict if another file) or file."""
    if idempotency_key:
        by_key = model.objects.filter(bank=bank, idempotency_key=idempotency_key).first()
        if by_key is not None:
            if by_key.sha256 != sha256:
                raise conflict(by_key)
            return by_key
    return model.objects.filter(bank=bank, sha256=sha256).first()


def delete_copies(received: models.Model) -> None:
    """Deletes the stored original and its backup copy."""
    if received.original_file:
        received.original_file.storage.delete(received.original_file.name)
    if received.backup_path:
        storages["backup"].delete(received.backup_path)


def receive_bank_file(
    *,
    model: type[models.Model],
    bank: Bank,
    uploaded_file,
    agreement: Agreement | None,
    idempotency_key: str,
    api_key,
    uploaded_by,
    conflict: Callable[[models.Model], Exception],
    default_name: str,
    queue_import: Callable[[int], object],
    allow_terminated: bool = False,
) -> tuple[models.Model, bool]:
    """Checks and stores an upload → (the row, created), and queues its import after
    commit (`queue_import(pk)`). The agreement is `agreement_for`'s (`allow_terminated`
    for a kind a bank still sends after the agreement ended). On a race the winner's row
    is returned. Raises BankFileInputError (nothing stored) or `conflict(existing)`."""
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > 128:
        raise BankFileInputError(
            "idempotency_key", _("The Idempotency-Key is longer than 128 characters.")
        )
    agreement = agreement_for(bank, agreement, allow_terminated=allow_terminated)
    received, created = _store(
        model=model,
        bank=bank,
        uploaded_file=uploaded_file,
        idempotency_key=idempotency_key,
        conflict=conflict,
        default_name=default_name,
        fields={
            "bank": bank,
            "agreement": agreement,
            "api_key": api_key,
            "uploaded_by": uploaded_by,
        },
    )
    if created:
        received_id = received.pk
        transaction.on_commit(lambda: queue_import(received_id))
    return received, created


def _store(
    *, model, bank, uploaded_file, idempotency_key: str, conflict, default_name: str, fields
) -> tuple[models.Model, bool]:
    declared = getattr(uploaded_file, "size", None)
    if isinstance(declared, int) and declared > settings.PLACEMENT_MAX_UPLOAD_BYTES:
        raise too_large()  # before reading a byte of it
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or "")) or default_name
    name = name[:200]

    sha256, size, head, source = read_upload(uploaded_file)
    try:
        if size == 0:
            raise BankFileInputError("file", _("The file is empty."))
        try:
            kind = sniff_kind(head, name)
            if kind == XLSX:
                check_xlsx_archive(source)
        except PlacementFileError as exc:
            raise BankFileInputError("file", exc.message) from None

        existing = find_existing(model, bank, sha256, idempotency_key, conflict)
        if existing is not None:
            return existing, False

        received = model(
            original_name=name,
            size_bytes=size,
            sha256=sha256,
            idempotency_key=idempotency_key,
            **fields,
        )
        source.seek(0)
        received.original_file.save(name, File(source, name=name), save=False)
        source.seek(0)
        received.backup_path = storages["backup"].save(
            received.original_file.name, File(source, name=name)
        )
    finally:
        if source is not uploaded_file:
            source.close()

    try:
        with transaction.atomic():
            received._change_reason = "File received"
            received.save()
    except IntegrityError:
        # An identical upload won the race between our check and our insert.
        delete_copies(received)
        winner = find_existing(model, bank, sha256, idempotency_key, conflict)
        if winner is None:
            raise
        return winner, False
    return received, True
