"""Personal data: encryption at rest, keyed hashes for exact lookups, masking.

Debtors' ID numbers, phones and addresses, visitors' ID documents: stored as
Fernet ciphertext (`EncryptedTextField`), found by an HMAC of the normalised
value (`KeyedHashField`), and shown masked unless the viewer may see them, in
which case the view is recorded (`staff.services.personal_data_view_record`).

Keys come from the environment: FIELD_ENCRYPTION_KEYS (comma-separated; the
first encrypts, all decrypt, so a new key can be put in front and old rows
re-encrypted with `manage.py rotate_field_keys`) and FIELD_HASH_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Every Fernet token starts with this (version byte 0x80, base64-encoded).
_TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - a format marker, not a secret


class PersonalDataDecryptionError(Exception):
    """Raised when stored ciphertext cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        # Never fall back to returning the stored text: it would show ciphertext
        # as if it were data, or worse, hide that the key is wrong.
        raise PersonalDataDecryptionError(
            "Stored personal data cannot be decrypted with the configured "
            "FIELD_ENCRYPTION_KEYS (wrong or missing key)"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypts a token with the first (current) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def normalise_for_hash(value: str) -> str:
    """Case, width and separator differences must not change the lookup hash."""
    value = unicodedata.normalize("NFKC", value).strip().upper()
    return re.sub(r"[\s\-()]", "", value)


def keyed_hash(value: str | None) -> str:
    """HMAC-SHA256 of the normalised value; '' for an empty value."""
    if not value:
        return ""
    return hmac.new(
        settings.FIELD_HASH_KEY.encode("utf-8"),
        normalise_for_hash(value).encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored as Fernet ciphertext; Python code sees plaintext.

    History tables copy this field class, so they hold ciphertext too. The
    database cannot search or sort it: pair it with a `KeyedHashField`.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


class KeyedHashField(models.CharField):
    """The HMAC of another field's plaintext, kept in step on every save.

    `bulk_update` and raw SQL do not call `pre_save`: writers that use them
    set the value with `keyed_hash()` themselves.
    """

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        if self.source:
            value = keyed_hash(getattr(model_instance, self.source))
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)


def looks_encrypted(raw: str | None) -> bool:
    return bool(raw) and raw.startswith(_TOKEN_PREFIX)


# --- Masking ---------------------------------------------------------------------


def _mask(value: str, keep_start: int, keep_end: int) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        # Too short to show both ends without revealing it all.
        return "*" * max(len(value) - min(keep_end, 2), 0) + value[-min(keep_end, 2) :]
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


def mask_id_number(value: str | None) -> str:
    """Resident ID: first 6 (region) and last 4 shown."""
    return _mask(value or "", 6, 4)


def mask_phone(value: str | None) -> str:
    """Phone: last 4 digits shown."""
    return _mask(value or "", 0, 4)


def mask_card_number(value: str | None) -> str:
    """Card: first 6 (issuer) and last 4 shown, as PCI DSS allows."""
    digits = re.sub(r"\D", "", value or "")
    return _mask(digits, 6, 4)
