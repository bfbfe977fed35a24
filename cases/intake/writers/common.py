"""What both batch writers share: the bank lock's namespace, the duplicate row's message,
the writer's interface, the batch encryptor and the history's change reason."""

from __future__ import annotations

import binascii
import os
from typing import Protocol

from django.utils.translation import gettext as _

from cases.intake.validation import Record, RowProblem
from cases.models import Placement
from collections_office.personal_data import keyring

# Namespace of the advisory lock under which one bank's placements are imported one at
# a time (taken by the engine for the whole run): the writer's look-up of existing cases
# and its plain INSERT of new ones rely on it.
BANK_LOCK_NAMESPACE = 7204


def duplicate_message() -> str:
    return _("The account number appears earlier in this file; only the first row was imported.")


class BatchWriter(Protocol):
    def prepare(self, records: list[Record]):
        """CPU work that needs no database (encryption): runs in the reading thread."""
        ...

    def write(self, records: list[Record], prepared) -> tuple[int, int, list[RowProblem]]:
        """Writes the records → (cases created, cases updated, rows found to be duplicates)."""
        ...


def encryptor():
    """`personal_data.encrypt` with the keyring looked up once per batch, not per value.

    Produces the same "g1." tokens (key id | nonce | ciphertext+tag), readable
    by `personal_data.decrypt`; a batch encrypts ~30,000 values.
    """
    ring = keyring()
    key_id = ring.primary_id
    seal = ring.ciphers[key_id].encrypt
    # base64.urlsafe_b64encode is these two steps behind two Python calls; ~330,000
    # values per 100,000 rows make the calls worth saving.
    b2a, urlsafe = binascii.b2a_base64, bytes.maketrans(b"+/", b"-_")
    # Nonces: 12 random bytes each, as personal_data.encrypt takes them, but read from
    # os.urandom 4,096 at a time (one system call per value cost ~0.2 s per file).
    # The pool lives in this closure only, which serves one batch in one thread.
    pool, used = b"", 0

    def encrypt(plaintext: str) -> str:
        nonlocal pool, used
        if used >= len(pool):
            pool, used = os.urandom(12 * 4096), 0
        nonce = pool[used : used + 12]
        used += 12
        sealed = key_id + nonce + seal(nonce, plaintext.encode("utf-8"), None)
        return "g1." + b2a(sealed, newline=False).translate(urlsafe).decode("ascii")

    return encrypt


def change_reason(placement: Placement) -> str:
    return f"Placement #{placement.pk} ({placement.original_name})"[:100]
