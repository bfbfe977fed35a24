"""Photos from field visits: checked from their bytes and stripped of location data.

A photo is accepted when its bytes are a well-formed JPEG or PNG (the name and the
browser's declared type are never trusted). Unless the company keeps it
(settings.VISIT_PHOTOS_KEEP_LOCATION), the metadata that can carry where and by what
device the photo was taken is removed: a JPEG's APP1 segments (EXIF, which holds the
GPS block, and XMP) and APP13 (IPTC); a PNG's eXIf and text chunks. The picture data is
not re-encoded, so nothing is lost in quality. As a last check Pillow decodes the
stored bytes in full: a file whose structure is right but whose picture data is not
(a truncated or forged scan, a decompression bomb) is refused.
"""

from __future__ import annotations

import io
import struct
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
IMAGE_TYPES = {"jpeg": ("image/jpeg", "jpg"), "png": ("image/png", "png")}
# JPEG markers whose segments carry metadata that may include a location.
_JPEG_LOCATION_MARKERS = {0xE1, 0xED}  # APP1 (EXIF, XMP), APP13 (IPTC)
# PNG chunks that may carry a location (EXIF, XMP in iTXt, free text).
_PNG_LOCATION_CHUNKS = {b"eXIf", b"tEXt", b"zTXt", b"iTXt"}


class NotAnImage(ValueError):
    pass


def _jpeg_segments(data: bytes):
    """(marker, whole segment bytes) up to the start of scan, then the rest as one piece."""
    if not data.startswith(b"\xff\xd8"):
        raise NotAnImage("no JPEG start marker")
    position = 2
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise NotAnImage("broken JPEG segment")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2 or position + 2 + length > len(data):
            raise NotAnImage("JPEG segment runs past the end")
        end = position + 2 + length
        if marker == 0xDA:  # start of scan: the picture data follows to the end
            yield marker, data[position:]
            return
        yield marker, data[position:end]
        position = end


def _clean_jpeg(data: bytes, *, keep_location: bool) -> bytes:
    parts = [b"\xff\xd8"]
    has_frame = False
    for marker, segment in _jpeg_segments(data):
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            has_frame = True
        if marker in _JPEG_LOCATION_MARKERS and not keep_location:
            continue
        parts.append(segment)
    if not has_frame or not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise NotAnImage("JPEG without a frame or an end marker")
    return b"".join(parts)


def _clean_png(data: bytes, *, keep_location: bool) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise NotAnImage("no PNG signature")
    parts = [PNG_SIGNATURE]
    position = len(PNG_SIGNATURE)
    first = True
    while position < len(data):
        if position + 12 > len(data):
            raise NotAnImage("PNG chunk runs past the end")
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise NotAnImage("PNG chunk runs past the end")
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : end])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise NotAnImage("PNG chunk checksum does not match")
        if first and (kind != b"IHDR" or length != 13):
            raise NotAnImage("PNG does not start with its header")
        first = False
        if not (kind in _PNG_LOCATION_CHUNKS and not keep_location):
            parts.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(parts)
    raise NotAnImage("PNG without an end chunk")


def _pillow_decodes(data: bytes) -> bool:
    """Whether Pillow reads the whole picture. `verify()` only walks the structure (a
    PNG's checksums), so the image is opened again and its pixels decoded; Pillow refuses
    images of more than twice MAX_IMAGE_PIXELS (DecompressionBombError) before decoding."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, bomb errors…)
        return False
    return True


def photo_clean(upload, *, field: str = "photos") -> tuple[bytes, str]:
    """(the bytes to store, "jpeg" or "png") of an uploaded photo, or a ValidationError
    on `field` naming the file."""
    name = getattr(upload, "name", "") or _("The file")
    limit = settings.VISIT_PHOTO_MAX_BYTES
    size = getattr(upload, "size", 0) or 0
    if not size:
        raise ValidationError({field: _("“%(name)s” is empty.") % {"name": name}})
    if size > limit:
        raise ValidationError(
            {
                field: _("“%(name)s” is %(size)s MB; the largest photo accepted is %(limit)s MB.")
                % {
                    "name": name,
                    "size": f"{size / 1048576:.1f}",
                    "limit": f"{limit / 1048576:.0f}",
                }
            }
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    keep = settings.VISIT_PHOTOS_KEEP_LOCATION
    try:
        if data.startswith(b"\xff\xd8"):
            kind, cleaned = "jpeg", _clean_jpeg(data, keep_location=keep)
        elif data.startswith(PNG_SIGNATURE):
            kind, cleaned = "png", _clean_png(data, keep_location=keep)
        else:
            raise NotAnImage("neither JPEG nor PNG")
        # The bytes that are stored are the ones decoded: cleaning must not break them.
        if not _pillow_decodes(cleaned):
            raise NotAnImage("does not decode")
    except NotAnImage:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is not a photo (JPEG or PNG) — its content says otherwise, "
                    "whatever its name."
                )
                % {"name": name}
            }
        ) from None
    return cleaned, kind
