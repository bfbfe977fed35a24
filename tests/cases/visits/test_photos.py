"""Visit photos are checked from their bytes, and lose their location data unless the
company keeps it (settings.VISIT_PHOTOS_KEEP_LOCATION)."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.images import photo_clean

from .rows import PNG

GPS_EXIF = b"Exif\x00\x00MM\x00*GPSLatitude=31.2304N"


def jpeg_with_exif() -> bytes:
    app1 = b"\xff\xe1" + struct.pack(">H", len(GPS_EXIF) + 2) + GPS_EXIF
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0" + struct.pack(">H", 11) + b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    scan = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00" + b"\x12\x34"
    return b"\xff\xd8" + app0 + app1 + frame + scan + b"\xff\xd9"


def png_with_exif() -> bytes:
    body = GPS_EXIF
    chunk = (
        struct.pack(">I", len(body))
        + b"eXIf"
        + body
        + struct.pack(">I", zlib.crc32(b"eXIf" + body) & 0xFFFFFFFF)
    )
    return PNG[:33] + chunk + PNG[33:]


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_jpeg_loses_its_exif_block_with_the_gps_position():
    cleaned, kind = photo_clean(upload(jpeg_with_exif()))
    assert kind == "jpeg"
    assert b"GPSLatitude" not in cleaned
    assert cleaned.startswith(b"\xff\xd8") and cleaned.endswith(b"\xff\xd9")
    assert b"JFIF" in cleaned  # the picture's own segments stay


def test_a_png_loses_its_exif_chunk():
    data = png_with_exif()
    assert b"GPSLatitude" in data
    cleaned, kind = photo_clean(upload(data, "photo.png"))
    assert kind == "png"
    assert b"GPSLatitude" not in cleaned
    assert cleaned == PNG


def test_the_company_may_keep_the_location(settings):
    settings.VISIT_PHOTOS_KEEP_LOCATION = True
    cleaned, _kind = photo_clean(upload(jpeg_with_exif()))
    assert b"GPSLatitude" in cleaned


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4 not a photo",
        b"\xff\xd8\xff\xe0 truncated jpeg",
        PNG[:-5],  # no end chunk
        PNG[:24] + b"\x07" + PNG[25:],  # a changed byte: the checksum no longer matches
        b"GIF89a" + b"\x00" * 20,
    ],
)
def test_anything_else_is_refused_on_the_photos_field_whatever_its_name(data):
    with pytest.raises(ValidationError) as error:
        photo_clean(upload(data, "holiday.jpg"))
    assert "holiday.jpg" in error.value.message_dict["photos"][0]


def test_an_empty_or_huge_photo_is_refused(settings):
    with pytest.raises(ValidationError):
        photo_clean(upload(b""))
    settings.VISIT_PHOTO_MAX_BYTES = 10
    with pytest.raises(ValidationError) as error:
        photo_clean(upload(PNG, "big.png"))
    assert "MB" in error.value.message_dict["photos"][0]
