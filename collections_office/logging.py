"""Structured (JSON) logs that never carry an unmasked ID number, phone or card.

The filter masks the message; the formatter masks everything it writes again
(message, the extra fields it copies, tracebacks), so a handler configured
with only one of them still cannot leak.
"""

from __future__ import annotations

import json
import logging
import re

from .personal_data import mask_card_number, mask_id_number, mask_phone

# Mainland resident IDs (18 chars, the last may be X; also typed as 6-8-4 groups),
# 13-19 digit card numbers (also in groups of four, or 4-6-5), mainland mobiles
# (with or without +86/0086, also as 3-4-4 groups). Order matters: IDs, then cards,
# then phones, so a longer number is never half-masked as a phone.
_ID_NUMBER = re.compile(
    r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])"
    r"|(?<![\w-])\d{6}[ -]\d{8}[ -]\d{3}[\dXx](?![\w-])"
)
_CARD_NUMBER = re.compile(
    r"(?<!\d)\d{13,19}(?!\d)"
    r"|(?<![\w-])(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?(?![\w-])"
    r"|(?<![\w-])\d{4}[ -]\d{6}[ -]\d{4,5}(?![\w-])"
)
_PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")

# Extra fields of a record that the JSON lines carry (see `get_scoped_object_or_404`).
_EXTRA_FIELDS = ("user_id", "object_type", "object_id", "path", "status_code")


def mask_personal_data_in_text(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: mask_id_number(re.sub(r"[ -]", "", m.group())), text)
    text = _CARD_NUMBER.sub(lambda m: mask_card_number(m.group()), text)
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
