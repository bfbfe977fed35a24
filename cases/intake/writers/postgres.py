# ruff: noqa: S608 - SQL is assembled from model metadata and constants; values are parameters
"""The PostgreSQL batch writer (the rules are in `cases.intake.writers`): COPY into
staging tables, then set-based statements that write the django-simple-history rows in
the same statements."""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, connection

from cases.intake.validation import ERROR, Record, RowProblem
from cases.models import Case, ContactPoint, Debtor, Placement

from .common import change_reason, duplicate_message, encryptor

# Staging tables live as long as the database session (created once, emptied by every
# commit): creating and dropping three tables per batch cost ~0.2 s per 100,000 rows in
# catalog writes. Emptied at the start of a batch too, for batches that share an outer
# transaction (tests).
_STAGING_TABLES = """
SET LOCAL client_min_messages = warning;
CREATE TEMP TABLE IF NOT EXISTS intake_rows (
    row_number integer NOT NULL,
    account_no text NOT NULL,
    debtor_name text NOT NULL,
    id_number text NOT NULL,
    id_hash text NOT NULL,
    id_kind text NOT NULL,
    principal numeric(14, 2) NOT NULL,
    interest numeric(14, 2) NOT NULL,
    fees numeric(14, 2) NOT NULL,
    currency text NOT NULL,
    overdue_since date,
    product text NOT NULL,
    card_no_masked text NOT NULL,
    debtor_id bigint,
    new_debtor boolean NOT NULL DEFAULT false
) ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS intake_contacts (
    row_number integer NOT NULL,
    kind text NOT NULL,
    value text NOT NULL,
    value_hash text NOT NULL
) ON COMMIT DELETE ROWS;
-- The batch's accounts that already have a case.
CREATE TEMP TABLE IF NOT EXISTS intake_known (
    row_number integer NOT NULL,
    case_id bigint NOT NULL,
    case_debtor_id bigint NOT NULL,
    duplicate boolean NOT NULL
) ON COMMIT DELETE ROWS;
DELETE FROM intake_rows;
DELETE FROM intake_contacts;
DELETE FROM intake_known
"""
_ROW_COLUMNS = (
    "row_number, account_no, debtor_name, id_number, id_hash, id_kind, principal, interest, "
    "fees, currency, overdue_since, product, card_no_masked"
)

NULL = "\\N"
# COPY's text format: backslash, tab, newline and carriage return are escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


def _copy_text(value: str) -> str:
    # A search is ~10x cheaper than translate() on Chinese text, and almost no value
    # needs escaping.
    return value.translate(_COPY_ESCAPES) if _NEEDS_ESCAPE.search(value) else value


_HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type"}


def _history_insert(model, source: str, history_type: str) -> str:
    """INSERT … SELECT of history rows for the rows of CTE `source` (all model columns).

    Built from the historical model so that a field added to the model later is
    copied too (or the statement fails loudly, never silently skips it).
    """
    historical = model.history.model
    model_columns = {field.column for field in model._meta.concrete_fields}
    columns, values = [], []
    for field in historical._meta.concrete_fields:
        column = field.column
        if column == "history_id":
            continue
        columns.append(connection.ops.quote_name(column))
        if column == "history_date":
            values.append("%(now)s")
        elif column == "history_change_reason":
            values.append("%(reason)s")
        elif column == "history_type":
            values.append(history_type)
        elif column == "history_user_id":
            values.append("NULL")
        elif column in model_columns:
            values.append(f"{source}.{connection.ops.quote_name(column)}")
        else:
            raise RuntimeError(f"{historical._meta.db_table}.{column} has no source column")
    return (
        f"INSERT INTO {historical._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )


def foreign_key_checks_may_be_taken_over() -> bool:
    """Whether this connection may switch off the per-row foreign-key triggers.

    `session_replication_role = replica` is what pg_restore and logical replication
    use; it needs a superuser, or (PostgreSQL 15+) `GRANT SET ON PARAMETER
    session_replication_role`. Without it the writer leaves the triggers on.
    """
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        if connection.pg_version >= 150000:
            cursor.execute(
                "SELECT current_setting('is_superuser') = 'on' "
                "OR has_parameter_privilege('session_replication_role', 'SET')"
            )
        else:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return bool(cursor.fetchone()[0])


# A case as placed: the columns and the values from a staging row `s`.
_CASE_COLUMNS = (
    "bank_id, agreement_id, branch_id, debtor_id, last_placement_id, account_no, status, "
    "principal, interest, fees, currency, overdue_since, product, card_no_masked, placed_at, "
    "updated_at, recalled_at, last_contact_at, assigned_to_id"
)
_CASE_VALUES = (
    "%(bank)s, %(agreement)s, %(branch)s, s.debtor_id, %(placement)s, s.account_no, "
    f"'{Case.Status.NEW}', s.principal, s.interest, s.fees, s.currency, s.overdue_since, "
    "s.product, s.card_no_masked, %(now)s, %(now)s, NULL, NULL, NULL"
)


class PostgresWriter:
    """See the module's docstring; `check_references_per_batch` below is the one
    departure from plain SQL, and where most of the speed comes from.

    Foreign keys: PostgreSQL checks each referencing row with a trigger that
    looks its parent up (`SELECT … FOR KEY SHARE`) at commit. A new account makes
    six such checks (bank, agreement, branch, placement, debtor on the case;
    debtor on each contact point): ~800,000 per 100,000-row file, which cost
    ~35% of the whole import (measured: 10,400 → 14,400 rows/s). Five of the six
    parents are the same row for the whole batch, and new debtors are rows this
    very transaction inserted. So when allowed, the writer switches the triggers
    off for its own statements only (`SET LOCAL session_replication_role =
    replica`, reset before the batch's bookkeeping) and takes over what they
    would do, once per batch: it locks the placement, agreement, bank and branch
    `FOR KEY SHARE`, and every already-existing debtor that a row newly points at
    — exactly the locks the triggers take, so a concurrent delete of a parent
    still waits or fails; a parent that is gone fails the batch like a foreign-key
    violation would. Unique and check constraints are not triggers and stay on.
    """

    def __init__(
        self,
        placement: Placement,
        *,
        now: dt.datetime,
        check_references_per_batch: bool | None = None,
    ):
        self.placement = placement
        if check_references_per_batch is None:
            check_references_per_batch = foreign_key_checks_may_be_taken_over()
        self.check_references_per_batch = check_references_per_batch
        self.params = {
            "bank": placement.bank_id,
            "agreement": placement.agreement_id,
            "branch": placement.agreement.branch_id,
            "placement": placement.pk,
            "now": now,
            "reason": change_reason(placement),
        }

    def prepare(self, records: list[Record]) -> tuple[bytes, bytes]:
        """The staging rows as COPY text, personal data encrypted.

        Formatted here, in the reading thread, so that the importing thread only
        hands bytes to PostgreSQL (psycopg's write_row would cost ~1 s per 100,000
        rows on the critical path).
        """
        encrypt = encryptor()
        phone, address = ContactPoint.Kind.PHONE.value, ContactPoint.Kind.ADDRESS.value
        rows, contacts = [], []
        for r in records:
            # Tokens, hashes, codes, amounts and dates never need escaping.
            rows.append(
                f"{r.row_number}\t{_copy_text(r.account_no)}\t{_copy_text(r.debtor_name)}\t"
                f"{encrypt(r.id_number) if r.id_number else ''}\t{r.id_hash}\t{r.id_kind}\t"
                f"{r.principal}\t{r.interest}\t{r.fees}\t{_copy_text(r.currency)}\t"
                f"{r.overdue_since.isoformat() if r.overdue_since else NULL}\t"
                f"{_copy_text(r.product)}\t{r.card_no_masked}\n"
            )
            for number, number_hash in r.phones:
                contacts.append(f"{r.row_number}\t{phone}\t{encrypt(number)}\t{number_hash}\n")
            if r.address:
                contacts.append(
                    f"{r.row_number}\t{address}\t{encrypt(r.address)}\t{r.address_hash}\n"
                )
        return "".join(rows).encode("utf-8"), "".join(contacts).encode("utf-8")

    def write(self, records: list[Record], prepared=None) -> tuple[int, int, list[RowProblem]]:
        if not records:
            return 0, 0, []
        if prepared is None:
            prepared = self.prepare(records)
        params = self.params
        with connection.cursor() as cursor:
            # The batch's commit does not wait for its ~40 MB of WAL to reach the disk
            # (the WAL writer flushes it within a moment). Safe here: a server crash
            # can lose only the last batches' commits — never part of one, and never
            # anything else's —, and those batches are simply not in `rows_done`, so
            # the resumed import writes them again. Only this transaction is affected.
            # Sent with the staging tables below (no round trip of its own).
            settings_sql = "SET LOCAL synchronous_commit = off; "
            if self.check_references_per_batch:
                settings_sql += "SET LOCAL session_replication_role = replica; "
            cursor.execute(settings_sql + _STAGING_TABLES)
            self._copy(cursor.cursor, *prepared)
            # Without statistics the planner takes the temp tables for tiny and
            # picks nested loops: quadratic in the batch size.
            cursor.execute("ANALYZE intake_rows (row_number, account_no, id_hash)")
            cursor.execute("ANALYZE intake_contacts (row_number)")
            if self.check_references_per_batch:
                self._lock_placement_parents(cursor)

            # Each account's existing case, looked up once for everything below (into a
            # narrow table: updating the wide staging rows costs twice as much).
            cursor.execute(
                """
                INSERT INTO intake_known
                SELECT s.row_number, c.id AS case_id, c.debtor_id AS case_debtor_id,
                       c.last_placement_id = %(placement)s AS duplicate
                FROM intake_rows s JOIN cases_case c
                  ON c.bank_id = %(bank)s AND c.account_no = s.account_no
                """,
                params,
            )
            cursor.execute(
                "DELETE FROM intake_rows s USING intake_known k "
                "WHERE k.row_number = s.row_number AND k.duplicate RETURNING s.row_number"
            )
            duplicates = [row[0] for row in cursor.fetchall()]
            self._resolve_debtors(cursor)
            if self.check_references_per_batch:
                self._lock_known_debtors(
                    cursor,
                    "SELECT s.debtor_id FROM intake_rows s LEFT JOIN intake_known k "
                    "USING (row_number) "
                    "WHERE NOT s.new_debtor AND s.debtor_id IS DISTINCT FROM k.case_debtor_id",
                )
            cursor.execute(self._case_upsert_sql(), params)
            created, updated = cursor.fetchone()
            self._insert_contacts(cursor)
            if self.check_references_per_batch:
                # The batch's own bookkeeping (row errors, counters) is checked as usual.
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")

        message = duplicate_message()
        problems = [(row, "", message, ERROR) for row in sorted(duplicates)]
        return created or 0, updated or 0, problems

    def _lock_placement_parents(self, cursor) -> None:
        cursor.execute(
            """
            SELECT 1 FROM cases_placement p, cases_agreement a, cases_bank b, staff_branch r
            WHERE p.id = %(placement)s AND a.id = %(agreement)s AND b.id = %(bank)s
              AND r.id = %(branch)s
            FOR KEY SHARE
            """,
            self.params,
        )
        if cursor.fetchone() is None:
            raise IntegrityError(
                f"placement {self.params['placement']}: its placement, agreement, bank or "
                "branch no longer exists"
            )

    def _lock_known_debtors(self, cursor, debtor_ids_sql: str, params=None) -> None:
        """Locks the existing debtors `debtor_ids_sql` selects, as the trigger would."""
        cursor.execute(
            f"""
            WITH wanted AS (SELECT DISTINCT debtor_id AS id FROM ({debtor_ids_sql}) w),
            locked AS (
                SELECT d.id FROM {Debtor._meta.db_table} d
                WHERE d.id IN (SELECT id FROM wanted)
                FOR KEY SHARE
            )
            SELECT (SELECT count(*) FROM wanted), (SELECT count(*) FROM locked)
            """,
            params,
        )
        wanted, locked = cursor.fetchone()
        if wanted != locked:
            raise IntegrityError(
                f"placement {self.params['placement']}: "
                f"{wanted - locked} debtor(s) were deleted during the import"
            )

    def _copy(self, raw_cursor, rows: bytes, contacts: bytes) -> None:
        with raw_cursor.copy(f"COPY intake_rows ({_ROW_COLUMNS}) FROM STDIN") as copy:
            copy.write(rows)
        with raw_cursor.copy(
            "COPY intake_contacts (row_number, kind, value, value_hash) FROM STDIN"
        ) as copy:
            copy.write(contacts)

    def _resolve_debtors(self, cursor) -> None:
        params = self.params
        debtor_table = Debtor._meta.db_table
        history = _history_insert(Debtor, "new_debtors", "'+'")
        # Debtors with an ID number: one per hash, whoever placed them first.
        cursor.execute(
            f"""
            WITH new_debtors AS (
                INSERT INTO {debtor_table} (name, id_number, id_number_hash, id_kind, created_at)
                SELECT DISTINCT ON (id_hash) debtor_name, id_number, id_hash, id_kind, %(now)s
                FROM intake_rows WHERE id_hash <> ''
                -- In hash order: imports (and streams) creating the same people wait
                -- for each other in one direction only, never in a cycle.
                ORDER BY id_hash, row_number
                ON CONFLICT (id_number_hash) WHERE NOT (id_number_hash = '') DO NOTHING
                RETURNING *
            ), debtor_history AS (
                {history}
            )
            -- New debtors' ids come back from the insert…
            UPDATE intake_rows s SET debtor_id = n.id, new_debtor = true FROM new_debtors n
            WHERE s.id_hash = n.id_number_hash
            """,
            params,
        )
        cursor.execute(
            f"""
            UPDATE intake_rows s SET debtor_id = (
                -- …known ones by one probe of the partial unique index per row (its
                -- predicate repeated so the planner may use it; a join would make the
                -- planner hash the whole debtor table once it outgrows the batch).
                SELECT d.id FROM {debtor_table} d
                WHERE d.id_number_hash = s.id_hash AND NOT (d.id_number_hash = '')
            )
            WHERE s.id_hash <> '' AND s.debtor_id IS NULL
            """
        )
        # Without an ID number: the debtor of the existing case, else a new one.
        cursor.execute(
            "UPDATE intake_rows s SET debtor_id = k.case_debtor_id FROM intake_known k "
            "WHERE s.id_hash = '' AND k.row_number = s.row_number"
        )
        cursor.execute(
            f"""
            UPDATE intake_rows
            SET debtor_id = nextval(pg_get_serial_sequence('{debtor_table}', 'id')),
                new_debtor = true
            WHERE debtor_id IS NULL AND id_hash = ''
            """
        )
        cursor.execute(
            f"""
            WITH new_debtors AS (
                INSERT INTO {debtor_table}
                    (id, name, id_number, id_number_hash, id_kind, created_at)
                SELECT debtor_id, debtor_name, '', '', '{Debtor.IdKind.NONE}', %(now)s
                FROM intake_rows WHERE new_debtor AND id_hash = ''
                RETURNING *
            )
            {history}
            """,
            params,
        )

    def _case_upsert_sql(self) -> str:
        """New accounts inserted, known ones (`intake_known`) updated, history for both.

        New accounts go in with a plain INSERT: the existing cases were looked up
        under the bank's lock (only intake creates cases), so there is nothing to
        speculate about, and `ON CONFLICT`'s speculative insertion costs an extra
        probe of the unique index per new row. Known accounts go through
        `ON CONFLICT … DO UPDATE`, which finds each case by one probe of that index
        (an `UPDATE … FROM` leaves the join to the planner, which hashes the whole
        case table once it thinks the batch is large).
        """
        recalled = f"cases_case.status = '{Case.Status.RECALLED}'"
        return f"""
            WITH inserted AS (
                INSERT INTO cases_case ({_CASE_COLUMNS})
                SELECT {_CASE_VALUES}
                FROM intake_rows s
                WHERE NOT EXISTS (SELECT FROM intake_known k WHERE k.row_number = s.row_number)
                RETURNING cases_case.*
            ), updated AS (
                INSERT INTO cases_case ({_CASE_COLUMNS})
                SELECT {_CASE_VALUES}
                FROM intake_rows s
                WHERE EXISTS (SELECT FROM intake_known k WHERE k.row_number = s.row_number)
                ON CONFLICT (bank_id, account_no) DO UPDATE SET
                    debtor_id = EXCLUDED.debtor_id,
                    last_placement_id = EXCLUDED.last_placement_id,
                    principal = EXCLUDED.principal,
                    interest = EXCLUDED.interest,
                    fees = EXCLUDED.fees,
                    currency = EXCLUDED.currency,
                    overdue_since = COALESCE(EXCLUDED.overdue_since, cases_case.overdue_since),
                    product = COALESCE(NULLIF(EXCLUDED.product, ''), cases_case.product),
                    card_no_masked = COALESCE(
                        NULLIF(EXCLUDED.card_no_masked, ''), cases_case.card_no_masked
                    ),
                    updated_at = EXCLUDED.updated_at,
                    status = CASE WHEN {recalled} THEN EXCLUDED.status ELSE cases_case.status END,
                    recalled_at = CASE WHEN {recalled} THEN NULL ELSE cases_case.recalled_at END,
                    placed_at = CASE WHEN {recalled} THEN EXCLUDED.placed_at
                                ELSE cases_case.placed_at END,
                    agreement_id = CASE WHEN {recalled} THEN EXCLUDED.agreement_id
                                   ELSE cases_case.agreement_id END,
                    branch_id = CASE WHEN {recalled} THEN EXCLUDED.branch_id
                                ELSE cases_case.branch_id END,
                    assigned_to_id = CASE WHEN {recalled} THEN NULL
                                     ELSE cases_case.assigned_to_id END
                RETURNING cases_case.*
            ), inserted_history AS (
                {_history_insert(Case, "inserted", "'+'")}
            ), updated_history AS (
                {_history_insert(Case, "updated", "'~'")}
            )
            SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)
        """

    def _insert_contacts(self, cursor) -> None:
        table = ContactPoint._meta.db_table
        history = _history_insert(ContactPoint, "new_contacts", "'+'")
        columns = "debtor_id, kind, value, value_hash, is_valid, source, created_at"
        values = (
            f"s.debtor_id, c.kind, c.value, c.value_hash, true, "
            f"'{ContactPoint.Source.PLACEMENT}', %(now)s"
        )
        # Debtors created by this batch have no contact points yet, and nobody else can
        # see them before we commit: a plain insert, without ON CONFLICT's speculative
        # insertion. Duplicates inside the batch (one person on two rows) are dropped.
        cursor.execute(
            f"""
            WITH new_contacts AS (
                INSERT INTO {table} ({columns})
                SELECT DISTINCT ON (s.debtor_id, c.kind, c.value_hash) {values}
                FROM intake_contacts c JOIN intake_rows s USING (row_number)
                WHERE s.new_debtor
                ORDER BY s.debtor_id, c.kind, c.value_hash, c.row_number
                RETURNING *
            )
            {history}
            """,
            self.params,
        )
        # Known debtors: add what they do not have yet.
        cursor.execute(
            f"""
            WITH new_contacts AS (
                INSERT INTO {table} ({columns})
                SELECT {values}
                FROM intake_contacts c JOIN intake_rows s USING (row_number)
                WHERE NOT s.new_debtor
                -- In key order: two imports (or streams) adding the same phones to the
                -- same people wait for each other in one direction only, never in a cycle.
                ORDER BY s.debtor_id, c.kind, c.value_hash
                ON CONFLICT (debtor_id, kind, value_hash) DO NOTHING
                RETURNING *
            ), history AS (
                {history}
            )
            SELECT DISTINCT debtor_id FROM new_contacts
            """,
            self.params,
        )
        debtor_ids = [row[0] for row in cursor.fetchall()]
        if self.check_references_per_batch and debtor_ids:
            self._lock_known_debtors(
                cursor, "SELECT unnest(%s::bigint[]) AS debtor_id", [debtor_ids]
            )
