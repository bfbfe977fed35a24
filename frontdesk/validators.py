"""Shape checks for what the desk types in and uploads: phones, ID numbers, scanned files."""

from __future__ import annotations

import re
import zipfile

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from collections_office.id_numbers import resident_id_check_character

DEFAULT_REGION = "CN"


def normalise_phone(value: str) -> str:
    """E.164 form of a Chinese or international number; raises ValidationError if invalid."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, e.g. 138 0013 8000 or 021 5888 1234."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    normalise_phone(value)


def format_phone(value: str) -> str:
    """A stored E.164 number the way people read it (national format for Chinese numbers)."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return value
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_PERMIT = re.compile(r"^[A-Z]?\d{8,10}$")


def normalise_id_number(document_type: str, value: str) -> str:
    """The ID number upper-cased without spaces; raises ValidationError if its shape is wrong.

    Resident ID cards (GB 11643) are checked with their check digit, so a
    mistyped digit is caught at the desk rather than found later.
    """
    value = re.sub(r"\s", "", value or "").upper()
    if not value:
        return ""
    if document_type == "resident_id":
        if not _RESIDENT_ID.match(value):
            raise ValidationError(
                _("A resident ID number has 18 characters: 17 digits and a digit or X."),
                code="invalid_id_number",
            )
        if resident_id_check_character(value[:17]) != value[17]:
            raise ValidationError(
                _("This resident ID number is not valid (its check digit does not match)."),
                code="invalid_id_number",
            )
    elif document_type == "passport":
        if not _PASSPORT.match(value):
            raise ValidationError(
                _("A passport number has 5 to 20 letters and digits."), code="invalid_id_number"
            )
    elif document_type == "hk_macao_permit":
        if not _PERMIT.match(value):
            raise ValidationError(
                _("A travel permit number has 8 to 10 digits, optionally after one letter."),
                code="invalid_id_number",
            )
    elif document_type == "":
        raise ValidationError(
            _("Choose the type of ID document first."), code="id_number_without_type"
        )
    elif len(value) > 40:
        raise ValidationError(_("An ID number has at most 40 characters."), code="too_long")
    return value


# --- Uploaded files ------------------------------------------------------------------


# extension -> (content type, check of the first bytes). Files are accepted by
# what they are, not by what they are called: an .exe renamed .pdf fails.
def _is_pdf(head: bytes, file) -> bool:
    return head.startswith(b"%PDF-")


def _is_jpeg(head: bytes, file) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_png(head: bytes, file) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_tiff(head: bytes, file) -> bool:
    return head.startswith((b"II*\x00", b"MM\x00*"))


def _is_office_open_xml(head: bytes, file) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        file.seek(0)


def _is_ole(head: bytes, file) -> bool:
    return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


ALLOWED_FILE_TYPES = {
    "pdf": ("application/pdf", _is_pdf),
    "jpg": ("image/jpeg", _is_jpeg),
    "jpeg": ("image/jpeg", _is_jpeg),
    "png": ("image/png", _is_png),
    "tif": ("image/tiff", _is_tiff),
    "tiff": ("image/tiff", _is_tiff),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _is_office_open_xml,
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _is_office_open_xml,
    ),
    "doc": ("application/msword", _is_ole),
    "xls": ("application/vnd.ms-excel", _is_ole),
}


def max_attachment_bytes() -> int:
    return getattr(settings, "FRONTDESK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)


def check_uploaded_file(file) -> str:
    """The content type of an acceptable scan; raises ValidationError naming the file."""
    name = getattr(file, "name", "") or ""
    limit = max_attachment_bytes()
    if file.size > limit:
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large",
            params={
                "name": name,
                "size": filesizeformat(file.size),
                "limit": filesizeformat(limit),
            },
        )
    if file.size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty_file", params={"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_FILE_TYPES:
        raise ValidationError(
            _("%(name)s: only PDF, JPEG, PNG, TIFF, Word and Excel files are accepted."),
            code="file_type",
            params={"name": name},
        )
    content_type, looks_right = ALLOWED_FILE_TYPES[extension]
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not looks_right(head, file):
        raise ValidationError(
            _("%(name)s is not really a .%(extension)s file (its contents do not match)."),
            code="file_content",
            params={"name": name, "extension": extension},
        )
    return content_type
