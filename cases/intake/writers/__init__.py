"""Writing a batch of validated rows: debtors, cases, contact points and their history.

Two writers do the same thing:

- `PostgresWriter`: COPY the batch into temporary staging tables, look up the
  accounts' existing cases once, then a few set-based statements (debtors
  `INSERT … ON CONFLICT DO NOTHING`, new cases inserted and known ones updated,
  contact points added) whose results feed `INSERT … SELECT` into the
  django-simple-history tables in the same statements. ~100x faster than saving
  models one by one, which is what the 10,000 rows/s target needs (DESIGN §9).
- `OrmWriter`: model saves (simple-history records them), for SQLite — the
  embedded demo — where files are small.

Both are called inside the caller's transaction, one batch at a time.

Rules both follow:
- a case is found by (bank, account number); an update overwrites the balances
  (the previous ones stay in the case's history), adds new phones/addresses and
  keeps the old ones;
- a recalled case placed again becomes new again (recall time cleared, agreement,
  branch and placing time from this placement); other statuses are kept;
- one debtor per ID number hash, across banks; a row without an ID number gets
  the debtor of its existing case, or a new debtor of its own — we never guess
  that two people without ID numbers are the same person;
- a debtor's name and ID kind are not overwritten by later files;
- an account already written by this placement (an earlier row of the same file,
  possibly before a crash and resume) is reported as a duplicate, not written
  twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from cases.models import Placement

from .common import (
    BANK_LOCK_NAMESPACE,
    BatchWriter,
    change_reason,
    duplicate_message,
    encryptor,
)
from .orm import OrmWriter
from .postgres import PostgresWriter, foreign_key_checks_may_be_taken_over

__all__ = [
    "BANK_LOCK_NAMESPACE",
    "BatchWriter",
    "OrmWriter",
    "PostgresWriter",
    "change_reason",
    "duplicate_message",
    "encryptor",
    "foreign_key_checks_may_be_taken_over",
    "writer_for",
]


def writer_for(placement: Placement, *, now: dt.datetime, engine: str = "") -> BatchWriter:
    engine = engine or ("postgresql" if connection.vendor == "postgresql" else "orm")
    if engine == "postgresql":
        return PostgresWriter(placement, now=now)
    return OrmWriter(placement, now=now)
