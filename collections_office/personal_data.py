"""Personal data: encryption at rest, keyed hashes for exact lookups, masking.

Debtors' ID numbers, phones and addresses, visitors' ID documents: stored as
AES-256-GCM ciphertext (`EncryptedTextField`), found by an HMAC of the
normalised value (`KeyedHashField`), and shown masked unless the viewer may
see them, in which case the view is recorded
(`staff.services.personal_data_view_record`).

Why AES-GCM and not Fernet: a placement file of 100,000 rows carries ~300,000
values to encrypt; Fernet manages ~65,000 a second here, AES-GCM ~500,000
(both from `cryptography`). GCM authenticates like Fernet's HMAC does.

Keys come from the environment: FIELD_ENCRYPTION_KEYS (comma-separated,
32 url-safe base64-encoded bytes each — `make key` makes one; the first
encrypts, all decrypt, so a new key can be put in front and old rows
re-encrypted with `manage.py rotate_field_keys`) and FIELD_HASH_KEY.

Token format: "g1." + urlsafe-base64(key id (4 bytes) | nonce (12) | ciphertext+tag).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models

_TOKEN_PREFIX = "g1."  # noqa: S105 - a format marker, not a secret
_BYTES_PREFIX = b"CO-ENC1"  # marks encrypted files on disk


class PersonalDataDecryptionError(Exception):
    """Raised when stored ciphertext cannot be decrypted with any configured key."""


class _Keyring:
    """The configured keys: the first encrypts; any, found by its id, decrypts."""

    def __init__(self, keys: tuple[str, ...]):
        if not keys:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
        self.ciphers: dict[bytes, AESGCM] = {}
        self.primary_id = b""
        for index, key in enumerate(keys):
            try:
                raw = base64.urlsafe_b64decode(key.encode("ascii"))
            except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
                raise ImproperlyConfigured(
                    f"FIELD_ENCRYPTION_KEYS[{index}] is not url-safe base64"
                ) from exc
            if len(raw) != 32:
                raise ImproperlyConfigured(
                    f"FIELD_ENCRYPTION_KEYS[{index}] must decode to 32 bytes (use `make key`)"
                )
            key_id = hashlib.sha256(raw).digest()[:4]
            self.ciphers[key_id] = AESGCM(raw)
            if index == 0:
                self.primary_id = key_id

    def encrypt(self, data: bytes) -> bytes:
        nonce = os.urandom(12)
        return self.primary_id + nonce + self.ciphers[self.primary_id].encrypt(nonce, data, None)

    def decrypt(self, blob: bytes) -> bytes:
        key_id, nonce, body = blob[:4], blob[4:16], blob[16:]
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            raise PersonalDataDecryptionError(
                "Stored personal data was encrypted with a key that is not in FIELD_ENCRYPTION_KEYS"
            )
        try:
            return cipher.decrypt(nonce, body, None)
        except InvalidTag as exc:
            raise PersonalDataDecryptionError(
                "Stored personal data failed authentication (wrong key or tampered data)"
            ) from exc


@lru_cache(maxsize=4)
def _keyring_for(keys: tuple[str, ...]) -> _Keyring:
    return _Keyring(keys)


def keyring() -> _Keyring:
    return _keyring_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    # encode()/decode() without a codec are UTF-8 (the language's default, not the
    # locale's); Base64 is ASCII, which UTF-8 reads the same.
    blob = keyring().encrypt(plaintext.encode())
    return _TOKEN_PREFIX + base64.urlsafe_b64encode(blob).decode()


def decrypt(token: str) -> str:
    # Never fall back to returning the stored text: it would show ciphertext
    # as if it were data, or hide that the key is wrong.
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
        raise PersonalDataDecryptionError("Stored value is not encrypted personal data")
    try:
        blob = base64.urlsafe_b64decode(token[len(_TOKEN_PREFIX) :].encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise PersonalDataDecryptionError("Stored personal data is corrupt") from exc
    return keyring().decrypt(blob).decode()


def rotate(token: str) -> str:
    """Re-encrypts a token with the first (current) key."""
    return encrypt(decrypt(token))


def needs_rotation(token: str) -> bool:
    """Whether a stored token was encrypted with another key than the first (current) one.

    Anything that is not a readable token answers True, so that `rotate()`
    raises the clear error instead of the value being skipped silently.
    """
    if not isinstance(token, str) or not token.startswith(_TOKEN_PREFIX):
        return True
    try:
        blob = base64.urlsafe_b64decode(token[len(_TOKEN_PREFIX) :].encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return True
    return blob[:4] != keyring().primary_id


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypts file contents (confidential attachments) for storage on disk."""
    return _BYTES_PREFIX + keyring().encrypt(data)


def decrypt_bytes(data: bytes) -> bytes:
    if not data.startswith(_BYTES_PREFIX):
        raise PersonalDataDecryptionError("File is not an encrypted attachment")
    return keyring().decrypt(data[len(_BYTES_PREFIX) :])


def rotate_bytes(data: bytes) -> bytes:
    """Re-encrypts encrypted file contents with the first (current) key."""
    return encrypt_bytes(decrypt_bytes(data))


def bytes_need_rotation(data: bytes) -> bool:
    """Whether encrypted file contents were written under another key than the first one."""
    if not data.startswith(_BYTES_PREFIX):
        return True  # rotate_bytes() then raises the clear error
    start = len(_BYTES_PREFIX)
    return data[start : start + 4] != keyring().primary_id


class _BytesCipher:
    """encrypt/decrypt of bytes, for code that wants an object (file storage)."""

    encrypt = staticmethod(encrypt_bytes)
    decrypt = staticmethod(decrypt_bytes)


def fernet() -> _BytesCipher:
    """Kept for callers written against the first version; prefer encrypt_bytes()."""
    return _BytesCipher()


def normalise_for_hash(value: str) -> str:
    """Case, width and separator differences must not change the lookup hash."""
    value = unicodedata.normalize("NFKC", value).strip().upper()
    return re.sub(r"[\s\-()]", "", value)


def keyed_hash(value: str | None) -> str:
    """HMAC-SHA256 of the normalised value; '' for an empty value."""
    if not value:
        return ""
    return hmac.new(
        settings.FIELD_HASH_KEY.encode(),
        normalise_for_hash(value).encode(),
        hashlib.sha256,
    ).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored as AES-GCM ciphertext; Python code sees plaintext.

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

    def get_lookup(self, lookup_name):
        # Every encryption differs (random nonce), so `filter(id_number="…")` would
        # silently match nothing: only emptiness can be asked; the rest fails loudly.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _EmptyOnlyExact
        return None


class _EmptyOnlyExact(models.lookups.Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.output_field.name} is encrypted and cannot be searched: "
                "filter on its KeyedHashField with keyed_hash(value)"
            )
        return super().get_prep_lookup()


class KeyedHashIndex(models.Index):
    """An index for equality look-ups of a keyed hash: a hash index on PostgreSQL.

    A keyed hash is only ever compared for equality (nobody sorts HMACs or asks for
    a range of them), and its values are random: a b-tree on them is ~70 bytes an
    entry, inserted at random places. A PostgreSQL hash index keeps 4 bytes an
    entry (measured: placement intake −0.5 s of database time per 100,000 rows).
    Other databases (SQLite, the embedded demo) get the usual b-tree. Hash indexes
    cannot be unique: unique constraints on hashes stay b-trees.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            using = " USING hash"
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class KeyedHashField(models.CharField):
    """The HMAC of another field's plaintext, kept in step on every save.

    `bulk_update` and raw SQL do not call `pre_save`: writers that use them
    set the value with `keyed_hash()` themselves.
    """

    # Our defaults differ from CharField's: what equals ours is left out of migrations,
    # anything else is written, also when it equals CharField's (which Django leaves out).
    _DEFAULTS = (("max_length", 64), ("editable", False), ("blank", True), ("db_index", True))

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        for key, default in self._DEFAULTS:
            kwargs.setdefault(key, default)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in self._DEFAULTS:
            value = getattr(self, key)
            if value == default:
                del kwargs[key]  # our default is never CharField's: Django wrote it
            else:
                kwargs[key] = value
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
