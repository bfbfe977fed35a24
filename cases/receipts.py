"""Receipt scans of payments: an image (JPEG, PNG, WebP) or a PDF, judged by its bytes.

The same approach as call recordings (cases/audio.py): the name and the browser's
declared type are never trusted, only what the first bytes say.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

RECEIPT_MAX_BYTES = 10 * 1024 * 1024
RECEIPT_TYPES = {
    "jpeg": ("image/jpeg", "jpg"),
    "png": ("image/png", "png"),
    "webp": ("image/webp", "webp"),
    "pdf": ("application/pdf", "pdf"),
}
HEAD_BYTES = 16


def detect_receipt_type(head: bytes) -> str | None:
    """ "jpeg", "png", "webp" or "pdf" from a file's first bytes; None if none of them."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:5] == b"%PDF-":
        return "pdf"
    return None


def receipt_check(upload) -> str:
    """The receipt's type, or a ValidationError on the `receipt` field."""
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError({"receipt": _("The receipt scan is empty.")})
    if size > RECEIPT_MAX_BYTES:
        raise ValidationError(
            {
                "receipt": _(
                    "The receipt scan is %(size)s MB; the largest accepted is %(limit)s MB."
                )
                % {"size": f"{size / 1048576:.1f}", "limit": f"{RECEIPT_MAX_BYTES // 1048576}"}
            }
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = detect_receipt_type(head)
    if kind is None:
        raise ValidationError(
            {
                "receipt": _(
                    "“%(name)s” is not an image (JPEG, PNG, WebP) or a PDF — its content says "
                    "otherwise, whatever its name."
                )
                % {"name": getattr(upload, "name", "") or _("The file")}
            }
        )
    return kind


def receipt_store(upload, kind: str) -> tuple[str, str, str]:
    """Writes the scan under a random name: (stored name, SHA-256, content type)."""
    content_type, extension = RECEIPT_TYPES[kind]
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        digest.update(chunk)
    upload.seek(0)
    name = f"receipts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"
    stored = default_storage.save(name, File(upload, name=name))
    return stored, digest.hexdigest(), content_type


def receipt_remove(name: str | None) -> None:
    if name:
        with contextlib.suppress(OSError):
            default_storage.delete(name)
