"""Structured (JSON) logs that never carry an unmasked ID number, phone or card.

The filter masks the message; the formatter masks everything it writes again
(message, the extra fields it copies, tracebacks), so a handler configured
with only one of them still cannot leak.
"""

from __future__ import annotations

import json
import logging
import re

from .id_numbers import resident_id_check_character
from .personal_data import mask_card_number, mask_id_number, mask_phone

# What is masked is what looks like personal data *in context*, not every long run of
# digits (a duration "0.02251234565496s" was masked like a card): a number counts only
# where it stands alone — not inside a longer number, a word or a decimal fraction —
# and only when it passes the check real ones pass: the GB 11643 check character and a
# birth date for resident IDs, the Luhn check for cards, a mainland mobile prefix for
# phones. IDs are tried first, then cards, then phones, so a longer number is never
# half-masked as a phone.
_BEFORE = r"(?<![0-9A-Za-z.])"
_AFTER = r"(?![0-9A-Za-z]|\.\d)"
# Mainland resident IDs (18 characters, the last may be X; also typed as 6-8-4 groups).
_ID_NUMBER = re.compile(_BEFORE + r"(?:\d{17}[\dXx]|\d{6}[ -]\d{8}[ -]\d{3}[\dXx])" + _AFTER)
# Cards: 14-19 digits (13-digit runs are millisecond timestamps far more often than the
# old 13-digit Visa cards), also in groups of four, or 4-6-5 (Amex).
_CARD_NUMBER = re.compile(
    _BEFORE
    + r"(?:\d{14,19}|(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?|\d{4}[ -]\d{6}[ -]\d{4,5})"
    + _AFTER
)
# Mainland mobiles (with or without +86/0086, also as 3-4-4 groups), by their prefixes.
_PHONE = re.compile(
    r"(?<![0-9A-Za-z.+])(?:(?:\+|00)?86[ -]?)?"
    r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])[ -]?\d{4}[ -]?\d{4}" + _AFTER
)


def _is_resident_id(number: str) -> bool:
    if resident_id_check_character(number[:17]) != number[17].upper():
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    return 1880 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _passes_luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_id(match: re.Match) -> str:
    number = re.sub(r"[ -]", "", match.group())
    return mask_id_number(number) if _is_resident_id(number) else match.group()


def _mask_card(match: re.Match) -> str:
    digits = re.sub(r"[ -]", "", match.group())
    return mask_card_number(digits) if _passes_luhn(digits) else match.group()


# Extra fields of a record that the JSON lines carry (see `get_scoped_object_or_404`).
_EXTRA_FIELDS = ("user_id", "object_type", "object_id", "path", "status_code")


def mask_personal_data_in_text(text: str) -> str:
    text = _ID_NUMBER.sub(_mask_id, text)
    text = _CARD_NUMBER.sub(_mask_card, text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


def _masked(value):
    return mask_personal_data_in_text(value) if isinstance(value, str) else value


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites the record's message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = mask_personal_data_in_text(message)
        record.args = None
        for key in _EXTRA_FIELDS:
            if hasattr(record, key):
                setattr(record, key, _masked(getattr(record, key)))
        return True


class ClientErrorsWithoutTracebackFilter(logging.Filter):
    """A 4xx answer (a 403 for a wrong role, a 404) is the client's mistake, not ours:
    one WARNING line without the traceback Django attaches when a view raised
    PermissionDenied or Http404. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal_data_in_text(record.getMessage()),
        }
        for key in _EXTRA_FIELDS:
            if hasattr(record, key):
                entry[key] = _masked(getattr(record, key))
        if record.exc_info:
            entry["exception"] = mask_personal_data_in_text(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = mask_personal_data_in_text(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
