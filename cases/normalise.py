"""Normalising what banks send: phone numbers to E.164, resident ID numbers checked.

Both run once per value of a placement file (hundreds of thousands per file), so
the common case — a mainland mobile number, an 18-digit resident ID — takes a
regex and a few integer operations; the `phonenumbers` library is only asked
about the rest (landlines, foreign numbers).

Messages are for a bank clerk reading the rejected-rows report, and never repeat
the value itself (the report is downloaded and e-mailed around).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers

from cases.models import Debtor
from collections_office.id_numbers import resident_id_check_character

# --- Phones ---------------------------------------------------------------------

# Separators people type inside a number; removed before matching.
_PHONE_NOISE = str.maketrans("", "", " -()\t.\u3000")
# 11-digit mainland mobile, optionally with the country code written three ways.
_MAINLAND_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# Mainland landline with its trunk 0: area code 10 or 2x (two digits), else three.
_MAINLAND_LANDLINE = re.compile(r"0((?:10|2\d)|[3-9]\d{2})([2-9]\d{6,7})")


# (area code, first two local digits, local length) → phonenumbers' verdict.
_landline_shapes: dict[tuple[str, str, int], bool] = {}


def _landline_valid(number: str, area: str, local: str) -> bool:
    """phonenumbers' verdict, asked once per landline shape.

    Whether a mainland landline is valid depends on its area code, the length of
    the local number and its first digits; asking once per shape keeps 30,000
    landlines in a file from costing 30,000 library calls (~50 µs each).
    """
    shape = (area, local[:2], len(local))
    verdict = _landline_shapes.get(shape)
    if verdict is None:
        verdict = phonenumbers.is_valid_number(phonenumbers.parse(number, "CN"))
        if len(_landline_shapes) < 20_000:
            _landline_shapes[shape] = verdict
    return verdict


def normalise_phone(raw: str) -> str:
    """One phone number → E.164 ("+8613812345678"); ValueError with a clerk-readable message."""
    if len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1" and raw[1] > "2":
        return "+86" + raw  # the usual bare mobile number, without translate and regex
    text = raw.strip()
    if text.isascii():
        compact = text.translate(_PHONE_NOISE)
    else:
        # Full-width digits and plus signs (１３８…, ＋８６) are common in Chinese files.
        compact = unicodedata.normalize("NFKC", text).translate(_PHONE_NOISE)
    if not compact:
        raise ValueError("phone number is empty")
    match = _MAINLAND_MOBILE.fullmatch(compact)
    if match:
        return "+86" + match.group(1)
    if compact.startswith("0") and not compact.startswith("00"):
        match = _MAINLAND_LANDLINE.fullmatch(compact)
        if match:
            area, local = match.groups()
            if _landline_valid(compact, area, local):
                return f"+86{area}{local}"
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    try:
        parsed = phonenumbers.parse(compact, "CN")
    except phonenumbers.NumberParseException:
        raise ValueError("is not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        if parsed.country_code == 86:
            raise ValueError(
                "is not a valid Chinese phone number (mobile: 11 digits starting with 1; "
                "landline: area code and number)"
            ) from None
        raise ValueError("is not a valid phone number (foreign numbers need +country code)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- ID numbers ------------------------------------------------------------------

_ID_18 = re.compile(r"\d{17}[\dX]")
_OLD_FOREIGN_PERMANENT = re.compile(r"[A-Z]{3}\d{12}")
# Residence permits for Hong Kong, Macau and Taiwan residents use these region codes.
_PERMIT_PREFIXES = ("810000", "820000", "830000")


# Birth date (digits 7-14) → the date, or None when it is not a real date; a file of
# 100,000 people has a few thousand distinct birth dates.
_birth_dates: dict[str, dt.date | None] = {}
_OLDEST_BIRTH = dt.date(1900, 1, 1)


def _birth_date_ok(number: str, today: dt.date | None = None) -> bool:
    digits = number[6:14]
    try:
        born = _birth_dates[digits]
    except KeyError:
        try:
            born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            born = None
        if len(_birth_dates) < 100_000:
            _birth_dates[digits] = born
    if born is None:
        return False
    return _OLDEST_BIRTH <= born <= (today or dt.date.today())


def validate_id_number(raw: str, *, today: dt.date | None = None) -> tuple[str, str, str | None]:
    """Checks an identity number → (normalised number, Debtor.IdKind, warning or None).

    18-character numbers (resident ID cards, HK/Macau/Taiwan residence permits,
    the 2023 foreigners' permanent residence ID) carry a GB 11643 check
    character and a birth date; both are verified. Permits and foreigners' IDs
    are accepted with a warning so that staff double-check them. Anything else
    raises ValueError. `today` (default: the server's date) bounds the birth date.
    """
    text = raw.strip().upper()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).upper()
    text = text.replace(" ", "").replace("-", "")
    if not text:
        raise ValueError("ID number is empty")
    if len(text) == 18 and _ID_18.fullmatch(text):
        if resident_id_check_character(text[:17]) != text[17]:
            raise ValueError(
                "ID number is not valid: its last character does not match the others "
                "(check digit). Please check it for a typing mistake"
            )
        if not _birth_date_ok(text, today):
            raise ValueError("ID number is not valid: the birth date in it (digits 7-14) is wrong")
        if text.startswith(_PERMIT_PREFIXES):
            return (
                text,
                Debtor.IdKind.PERMIT.value,
                "Hong Kong/Macau/Taiwan residence permit number: accepted, please check it",
            )
        if text[0] == "9":
            return (
                text,
                Debtor.IdKind.FOREIGN_PERMANENT.value,
                "Foreigner's permanent residence ID: accepted, please check it",
            )
        return text, Debtor.IdKind.RESIDENT.value, None
    if len(text) == 15 and _OLD_FOREIGN_PERMANENT.fullmatch(text):
        return (
            text,
            Debtor.IdKind.FOREIGN_PERMANENT.value,
            "Foreigner's permanent residence ID (old 15-character format): accepted, "
            "please check it",
        )
    if len(text) == 15 and text.isdigit():
        raise ValueError(
            "15-digit first-generation ID numbers are no longer valid; send the 18-digit number"
        )
    raise ValueError(
        "ID number is not valid: a resident ID number has 18 characters "
        "(17 digits and a digit or X)"
    )
