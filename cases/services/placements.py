"""Placements: receiving a bank's file of overdue accounts, and importing it (DESIGN §4.2).

`placement_receive` is what the API and the staff upload page call: cheap checks
that answer at once (size, empty, not CSV/XLSX, agreement), the original bytes
stored unchanged with their SHA-256 plus a copy in the backup storage, and the
import queued after commit. The same file (or the same Idempotency-Key) returns
the first placement, also when two uploads race.

`placement_import` is the import itself (see `cases.intake.engine`), run by the
Celery task and directly by tests, the demo and the benchmark.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zoneinfo
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.intake import PlacementFileError
from cases.intake.engine import run_import
from cases.intake.readers import SNIFF_BYTES, XLSX, check_xlsx_archive, sniff_kind
from cases.models import Agreement, Bank, BankApiKey, Placement

_CHUNK = 1024 * 1024


class PlacementInputError(Exception):
    """The upload is refused before anything is stored; `field` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = str(message)


class PlacementConflict(Exception):
    """The Idempotency-Key was already used by this bank for a different file (HTTP 409)."""

    def __init__(self, placement: Placement):
        super().__init__(
            _("This Idempotency-Key was already used for a different file (placement #%(id)s).")
            % {"id": placement.pk}
        )
        self.placement = placement


def _company_today():
    return timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(settings.COMPANY_TIME_ZONE)).date()


def _agreement_for(bank: Bank, agreement: Agreement | None) -> Agreement:
    today = _company_today()
    if agreement is not None:
        if agreement.bank_id != bank.pk:
            raise PlacementInputError("agreement", _("This agreement belongs to another bank."))
        if not agreement.is_in_force(today):
            raise PlacementInputError("agreement", _("This agreement is not in force today."))
        return agreement
    in_force = [a for a in Agreement.objects.filter(bank=bank) if a.is_in_force(today)]
    if not in_force:
        raise PlacementInputError(
            "agreement", _("The bank has no agreement in force today; file one first.")
        )
    if len(in_force) > 1:
        raise PlacementInputError(
            "agreement",
            _("The bank has several agreements in force; say which one this file belongs to."),
        )
    return in_force[0]


def _too_large() -> PlacementInputError:
    limit_mb = settings.PLACEMENT_MAX_UPLOAD_BYTES // (1024 * 1024)
    return PlacementInputError(
        "file", _("The file is larger than the limit of %(mb)s MB.") % {"mb": limit_mb}
    )


def _read_upload(uploaded_file) -> tuple[str, int, bytes, IO[bytes]]:
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
                raise _too_large()
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


def _existing(bank: Bank, sha256: str, idempotency_key: str) -> Placement | None:
    if idempotency_key:
        by_key = Placement.objects.filter(bank=bank, idempotency_key=idempotency_key).first()
        if by_key is not None:
            if by_key.sha256 != sha256:
                raise PlacementConflict(by_key)
            return by_key
    return Placement.objects.filter(bank=bank, sha256=sha256).first()


def placement_receive(
    *,
    bank: Bank,
    uploaded_file,
    agreement: Agreement | None = None,
    idempotency_key: str = "",
    api_key: BankApiKey | None = None,
    uploaded_by=None,
) -> tuple[Placement, bool]:
    """Stores a bank's placement file and queues its import → (placement, created).

    Raises PlacementInputError (nothing stored) or PlacementConflict.
    """
    idempotency_key = (idempotency_key or "").strip()
    if len(idempotency_key) > 128:
        raise PlacementInputError(
            "idempotency_key", _("The Idempotency-Key is longer than 128 characters.")
        )
    agreement = _agreement_for(bank, agreement)
    declared = getattr(uploaded_file, "size", None)
    if isinstance(declared, int) and declared > settings.PLACEMENT_MAX_UPLOAD_BYTES:
        raise _too_large()  # before reading a byte of it
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or "")) or "placement"
    name = name[:200]

    sha256, size, head, source = _read_upload(uploaded_file)
    try:
        if size == 0:
            raise PlacementInputError("file", _("The file is empty."))
        try:
            kind = sniff_kind(head, name)
            if kind == XLSX:
                check_xlsx_archive(source)
        except PlacementFileError as exc:
            raise PlacementInputError("file", exc.message) from None

        existing = _existing(bank, sha256, idempotency_key)
        if existing is not None:
            return existing, False

        placement = Placement(
            bank=bank,
            agreement=agreement,
            original_name=name,
            size_bytes=size,
            sha256=sha256,
            idempotency_key=idempotency_key,
            api_key=api_key,
            uploaded_by=uploaded_by,
        )
        source.seek(0)
        placement.original_file.save(name, File(source, name=name), save=False)
        source.seek(0)
        placement.backup_path = storages["backup"].save(
            placement.original_file.name, File(source, name=name)
        )
    finally:
        if source is not uploaded_file:
            source.close()

    try:
        with transaction.atomic():
            placement._change_reason = "File received"
            placement.save()
    except IntegrityError:
        # An identical upload won the race between our check and our insert.
        _delete_copies(placement)
        winner = _existing(bank, sha256, idempotency_key)
        if winner is None:
            raise
        return winner, False

    from cases.tasks import placement_import_task  # the task module imports this one

    placement_id = placement.pk
    transaction.on_commit(lambda: placement_import_task.delay(placement_id))
    return placement, True


def _delete_copies(placement: Placement) -> None:
    if placement.original_file:
        placement.original_file.storage.delete(placement.original_file.name)
    if placement.backup_path:
        storages["backup"].delete(placement.backup_path)


def placement_import(*, placement_id: int, engine: str = "") -> Placement:
    """Imports a received placement; safe to run twice and to re-run after a crash.

    `engine` ("postgresql" or "orm") is for tests that exercise both writers;
    by default the database decides.
    """
    return run_import(placement_id, engine=engine)
