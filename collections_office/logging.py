"""Structured (JSON) logs that never carry an unmasked ID number, phone or card."""

from __future__ import annotations

import json
import logging
import re

from .personal_data import mask_card_number, mask_id_number, mask_phone

# Mainland resident ID (18 chars, last may be X), mainland mobiles with or without
# +86, and 13-19 digit card numbers. Order matters: IDs before cards.
_ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])")
_CARD_NUMBER = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+?86[ -]?)?1[3-9]\d{9}(?!\d)")


def mask_personal_data_in_text(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    text = _CARD_NUMBER.sub(lambda m: mask_card_number(m.group()), text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites the record's message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = mask_personal_data_in_text(message)
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("user_id", "object_type", "object_id", "path", "status_code"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = mask_personal_data_in_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)
