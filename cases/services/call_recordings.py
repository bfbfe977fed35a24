"""Call recordings (DESIGN §4.4): checked from their bytes, stored with their SHA-256.

A file is written to storage before the call's row; `recording_remove` takes it away
again when that row's transaction does not commit.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audio import AUDIO_TYPES, HEAD_BYTES, detect_audio_type

TELEPHONY_ID = re.compile(r"^[A-Za-z0-9._:/-]{1,120}$")


class StoredRecording:
    """A recording file written to storage, and what was learnt reading it."""

    def __init__(self, name: str, sha256: str, size: int, content_type: str):
        self.name, self.sha256, self.size, self.content_type = name, sha256, size, content_type


def recording_check(upload) -> str:
    """The audio type of an uploaded file ("wav", …), or a ValidationError on `recording`."""
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError({"recording": _("The recording is empty.")})
    limit = settings.CALL_RECORDING_MAX_BYTES
    if size > limit:
        raise ValidationError(
            {
                "recording": _(
                    "The recording is %(size)s MB; the largest accepted is %(limit)s MB."
                )
                % {"size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"}
            }
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = detect_audio_type(head)
    if kind is None:
        raise ValidationError(
            {
                "recording": _(
                    "“%(name)s” is not an audio recording (MP3, WAV, M4A, AMR or OGG) — "
                    "its content says otherwise, whatever its name."
                )
                % {"name": getattr(upload, "name", "") or _("The file")}
            }
        )
    return kind


def recording_store(upload, kind: str) -> StoredRecording:
    """Writes the file under a random name; its SHA-256 is computed while it is read."""
    content_type, extension = AUDIO_TYPES[kind]
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        digest.update(chunk)
    upload.seek(0)
    now = timezone.now()
    name = f"recordings/{now:%Y/%m}/{uuid.uuid4().hex}.{extension}"
    stored = default_storage.save(name, File(upload, name=name))
    return StoredRecording(stored, digest.hexdigest(), upload.size, content_type)


def recording_remove(stored: StoredRecording | None) -> None:
    if stored is not None:
        # Nothing to remove, or the storage is gone: the row was not written either.
        with contextlib.suppress(OSError):
            default_storage.delete(stored.name)


def telephony_id_clean(value: str) -> str:
    value = (value or "").strip()
    if value and not TELEPHONY_ID.match(value):
        raise ValidationError(
            {
                "telephony_recording_id": _(
                    "A telephony recording id is up to 120 letters, digits and . _ : / -"
                )
            }
        )
    return value
