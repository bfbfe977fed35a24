"""Visit photos are checked from their bytes, and lose their location data unless the
company keeps it (settings.VISIT_PHOTOS_KEEP_LOCATION)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.images import photo_clean

from .rows import PNG

GPS_EXIF = b"Exif\x00\x00MM\x00*GPSLatitude=31.2304N"


def jpeg_with_exif() -> bytes:
    """A real 16×16 JPEG (Pillow decodes it) with an EXIF block naming a GPS position,
    as a phone's camera writes it (APP1 right after the start marker)."""
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, "JPEG")
    plain = out.getvalue()
    app1 = b"\xff\xe1" + struct.pack(">H", len(GPS_EXIF) + 2) + GPS_EXIF
    return plain[:2] + app1 + plain[2:]


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


def test_a_stored_photo_decodes_in_full_after_cleaning():
    cleaned, kind = photo_clean(upload(jpeg_with_exif()))
    with Image.open(io.BytesIO(cleaned)) as image:
        image.load()
        assert (kind, image.size, image.getpixel((8, 8))[0] > 150) == ("jpeg", (16, 16), True)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def test_a_photo_whose_structure_is_right_but_whose_picture_is_not_is_refused():
    """Every chunk well formed with its checksum, but the picture data is not a
    compressed image: the structural check passes it, decoding does not."""
    forged = (
        PNG[:8]
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", b"not a zlib stream at all")
        + _png_chunk(b"IEND", b"")
    )
    with pytest.raises(ValidationError) as error:
        photo_clean(upload(forged, "receipt.png"))
    assert "receipt.png" in error.value.message_dict["photos"][0]
