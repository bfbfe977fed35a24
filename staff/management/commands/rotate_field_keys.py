"""`manage.py rotate_field_keys`: re-encrypt stored personal data with the current key.

Key rotation: put a new key first in FIELD_ENCRYPTION_KEYS (keep the old ones
after it), deploy, run this command, then remove the old keys. Every
`EncryptedTextField` column of every model is rewritten — history tables
included, since django-simple-history copies the field — in batches, each
batch in its own transaction with its rows locked, so the web and the workers
keep running. Values already under the current key are left alone, so the
command can be stopped and run again.

Encrypted *files* (confidential attachments, `personal_data.encrypt_bytes`)
live in storage, not in a column: each app that writes them provides
`<app>.key_rotation.rotate_files(*, batch_size, stdout) -> int` (using
`personal_data.rotate_bytes`), which this command calls after the columns.
Until every such app has one, keep the old key in FIELD_ENCRYPTION_KEYS.

The columns are read and written with SQL: going through the ORM would
decrypt on read and encrypt again on write, which is what we want, but would
also run `save()` side effects and write new history rows for every object.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction

from collections_office.personal_data import (
    EncryptedTextField,
    PersonalDataDecryptionError,
    needs_rotation,
    rotate,
)

# Apps whose `key_rotation.rotate_files()` re-encrypts the encrypted files they keep.
FILE_ROTATION_MODULES = ["frontdesk.key_rotation", "cases.key_rotation"]


@dataclass(frozen=True)
class EncryptedTable:
    label: str
    table: str
    pk_column: str
    columns: tuple[str, ...]


def encrypted_tables(using: str = DEFAULT_DB_ALIAS) -> list[EncryptedTable]:
    """Every table (history tables too) that has at least one EncryptedTextField column."""
    tables = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        if not router.allow_migrate_model(using, model):
            continue
        # Local fields only: a multi-table child's inherited columns live in the parent's table.
        columns = tuple(
            field.column
            for field in opts.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        )
        if columns:
            tables.append(EncryptedTable(opts.label, opts.db_table, opts.pk.column, columns))
    return sorted(tables, key=lambda table: table.label)


def rotate_table(table: EncryptedTable, *, using: str, batch_size: int) -> tuple[int, int]:
    """Re-encrypts one table's columns; returns (rows seen, values re-encrypted)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    pk, columns = quote(table.pk_column), ", ".join(quote(c) for c in table.columns)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    table_sql = quote(table.table)

    def select_batch(cursor, after) -> list[tuple]:
        # Keyset pagination on the primary key; identifiers are quoted, values are parameters.
        where, params = ("", []) if after is None else (f"WHERE {pk} > %s", [after])
        cursor.execute(
            f"SELECT {pk}, {columns} FROM {table_sql} {where} "  # noqa: S608
            f"ORDER BY {pk} LIMIT %s{lock}",
            [*params, batch_size],
        )
        return cursor.fetchall()

    last_pk, rows_seen, rotated = None, 0, 0
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            rows = select_batch(cursor, last_pk)
            if not rows:
                break
            for row_pk, *values in rows:
                changes = {}
                for column, value in zip(table.columns, values, strict=True):
                    if value and needs_rotation(value):
                        try:
                            changes[column] = rotate(value)
                        except PersonalDataDecryptionError as exc:
                            raise CommandError(
                                f"{table.label} {table.pk_column}={row_pk} column {column}: "
                                f"{exc}. Nothing in this batch was changed; earlier batches "
                                "are re-encrypted. Add the missing key and run again."
                            ) from exc
                if changes:
                    assignments = ", ".join(f"{quote(column)} = %s" for column in changes)
                    cursor.execute(
                        f"UPDATE {table_sql} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                        [*changes.values(), row_pk],
                    )
                    rotated += len(changes)
            rows_seen += len(rows)
            last_pk = rows[-1][0]
        if len(rows) < batch_size:
            break
    return rows_seen, rotated


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted personal-data column (history tables included) "
        "with the first key of FIELD_ENCRYPTION_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, batch_size: int, database: str, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        existing = set(connections[database].introspection.table_names())
        total = 0
        for table in encrypted_tables(database):
            if table.table not in existing:
                # Not migrated yet, so it holds no data to rotate.
                self.stdout.write(f"{table.label}: table {table.table} does not exist, skipped")
                continue
            rows, rotated = rotate_table(table, using=database, batch_size=batch_size)
            total += rotated
            self.stdout.write(f"{table.label}: {rotated} values re-encrypted in {rows} rows")
        files = 0
        for dotted in FILE_ROTATION_MODULES:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                continue
            rotated = module.rotate_files(batch_size=batch_size, stdout=self.stdout)
            files += rotated
            self.stdout.write(f"{dotted}: {rotated} files re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(f"Done: {total} values and {files} files re-encrypted.")
        )
