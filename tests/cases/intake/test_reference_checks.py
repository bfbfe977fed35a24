"""The PostgreSQL writer's own reference checks (foreign-key triggers off per batch).

The writer switches PostgreSQL's per-row foreign-key triggers off for its own
statements when the database role may, and takes the triggers' locks itself once
per batch. These tests hold it to that: it decides by the role's rights, it
switches the triggers back on, it leaves no dangling reference, and its locks
stop a concurrent delete exactly as the triggers' would.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.intake.writers import PostgresWriter, foreign_key_checks_may_be_taken_over
from cases.models import Case, Debtor, Placement
from tests.cases.intake.conftest import csv_bytes, make_id, row

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL writer's own checks"
)

# Every foreign key the import writes: (table, column, parent table).
REFERENCES = [
    ("cases_case", "bank_id", "cases_bank"),
    ("cases_case", "agreement_id", "cases_agreement"),
    ("cases_case", "branch_id", "staff_branch"),
    ("cases_case", "debtor_id", "cases_debtor"),
    ("cases_case", "last_placement_id", "cases_placement"),
    ("cases_case", "assigned_to_id", "auth_user"),
    ("cases_contactpoint", "debtor_id", "cases_debtor"),
    ("cases_placementrowerror", "placement_id", "cases_placement"),
]


def _as_role(cursor, *, may_set_replication_role: bool) -> str:
    """Switches this (test) transaction to a new role without superuser rights."""
    role = f"intake_test_{uuid.uuid4().hex[:12]}"
    cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    if may_set_replication_role:
        cursor.execute(f"GRANT SET ON PARAMETER session_replication_role TO {role}")
    cursor.execute(f"SET ROLE {role}")
    return role


@pytest.mark.django_db
def test_only_a_role_allowed_to_set_the_replication_role_takes_the_checks_over():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser')")
        assert cursor.fetchone()[0] == "on", "the test database user creates roles"
        assert foreign_key_checks_may_be_taken_over() is True

        _as_role(cursor, may_set_replication_role=False)
        assert foreign_key_checks_may_be_taken_over() is False
        cursor.execute("RESET ROLE")

        if connection.pg_version >= 150000:
            _as_role(cursor, may_set_replication_role=True)
            assert foreign_key_checks_may_be_taken_over() is True
        cursor.execute("RESET ROLE")


@pytest.mark.django_db
def test_a_batch_switches_the_triggers_back_on_and_leaves_no_dangling_reference(
    import_file, bank_b, agreement_b, monkeypatch
):
    taken_over = []
    original = PostgresWriter._lock_placement_parents

    def spy(self, cursor):
        taken_over.append(self.placement.pk)
        return original(self, cursor)

    monkeypatch.setattr(PostgresWriter, "_lock_placement_parents", spy)
    shared_person = make_id(sequence="555")
    # Bank B knows the person first: bank A's file then points at an existing debtor.
    import_file(
        csv_bytes([row("B001", id_number=shared_person, phones="13700000001")]), bank=bank_b
    )
    first = import_file(
        csv_bytes(
            [
                row("A001", id_number=shared_person, phones="13700000002"),
                row("A002"),
                row("A003", id_number=""),
                row("A004", id_number="", phones="bad phone"),
            ]
        ),
        name="first.csv",
    )
    second = import_file(
        csv_bytes(
            [
                row("A001", id_number=shared_person, principal="1.00", phones="13700000003"),
                row("A003", id_number="", principal="2.00", address="北京市"),
                row("A005"),
            ]
        ),
        name="second.csv",
    )

    assert first.status == second.status == Placement.Status.COMPLETED
    assert taken_over == [Placement.objects.get(bank=bank_b).pk, first.pk, second.pk]
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        for table, column, parent in REFERENCES:
            cursor.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN {parent} p ON p.id = t.{column} "  # noqa: S608
                f"WHERE t.{column} IS NOT NULL AND p.id IS NULL"
            )
            assert cursor.fetchone()[0] == 0, f"{table}.{column} points at nothing"
    shared = Debtor.objects.get(cases__account_no="B001")
    assert set(shared.cases.values_list("account_no", flat=True)) == {"A001", "B001"}
    assert shared.contact_points.filter(kind="phone").count() == 3
    assert sorted(Case.objects.filter(bank=first.bank).values_list("account_no", flat=True)) == [
        "A001",
        "A002",
        "A003",
        "A005",
    ]


@pytest.fixture
def other_connection():
    raw = connection.get_new_connection(connection.get_connection_params())
    raw.autocommit = True
    yield raw
    raw.close()


@pytest.mark.django_db(transaction=True)
def test_the_batch_locks_known_debtors_as_the_triggers_would(receive, other_connection):
    placement, _created = receive(csv_bytes([row("A001")]))
    debtor = Debtor.objects.create(name="王五", id_kind=Debtor.IdKind.NONE)
    writer = PostgresWriter(placement, now=timezone.now(), check_references_per_batch=True)
    one_id = "SELECT unnest(%s::bigint[]) AS debtor_id"

    with transaction.atomic(), connection.cursor() as cursor:
        writer._lock_known_debtors(cursor, one_id, [[debtor.pk]])
        with pytest.raises(psycopg.errors.LockNotAvailable):
            other_connection.execute("SET lock_timeout = '300ms'")
            other_connection.execute("DELETE FROM cases_debtor WHERE id = %s", [debtor.pk])
    # Once the batch is over, the debtor may go.
    other_connection.execute("DELETE FROM cases_debtor WHERE id = %s", [debtor.pk])

    with (
        pytest.raises(IntegrityError, match="deleted during the import"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        writer._lock_known_debtors(cursor, one_id, [[debtor.pk]])


@pytest.mark.django_db(transaction=True)
def test_a_batch_whose_placement_is_gone_fails_like_a_foreign_key_would(receive):
    placement, _created = receive(csv_bytes([row("A001")]))
    writer = PostgresWriter(placement, now=timezone.now(), check_references_per_batch=True)
    writer.params["branch"] = -1  # a branch that does not exist
    with (
        pytest.raises(IntegrityError, match="no longer exists"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        writer._lock_placement_parents(cursor)
