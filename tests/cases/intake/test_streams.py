"""Streams: a placement's rows written side by side on two database connections.

These tests commit for real (`transaction=True`): each stream has its own
connection, which sees only what the others have committed.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from cases.intake import engine
from cases.models import Case, ContactPoint, Debtor, Placement, PlacementStream
from cases.services.placements import placement_import
from tests.cases.intake.conftest import WorkerKilled, csv_bytes, make_id, row

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="streams are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

PERSON_P = make_id(sequence="900")


def mixed_file() -> bytes:
    """14 data rows (file rows 2–15): 10 accounts, two of them one person (P), two
    without ID number, a bad amount, a duplicate of A005 far from its first row (and
    an even data row where the first is odd: routing by row would split them)."""
    rows = []
    for n in range(1, 11):
        account = f"A{n:03d}"
        values = {"id_number": make_id(sequence=f"{n:03d}"), "phones": f"1380000{n:04d}"}
        if account in ("A003", "A007"):
            values["id_number"] = PERSON_P
        if account in ("A004", "A008"):
            values["id_number"] = ""
        rows.append(row(account, **values))
    rows.append(row("A011", principal="-1"))  # file row 12: rejected
    rows.append(row("A005", principal="1.00"))  # file row 13: duplicate of row 6
    rows.append(row("A012", id_number=PERSON_P, phones="13900000012"))  # P again
    rows.append(row("A013", id_number="", address=""))
    return csv_bytes(rows)


@pytest.fixture
def small_batches(monkeypatch, settings):
    settings.PLACEMENT_IMPORT_STREAMS = 2
    monkeypatch.setitem(engine.BATCH_ROWS, "postgresql", 2)


@pytest.fixture
def writing_threads(monkeypatch):
    """Thread name → the account numbers of the rows it wrote, in order."""
    accounts_by_thread: dict[str, list[str]] = {}
    original = engine._write_batch

    def spy(placement, writer, batch):
        original(placement, writer, batch)
        accounts = accounts_by_thread.setdefault(threading.current_thread().name, [])
        accounts.extend(record.account_no for record in batch.records)

    monkeypatch.setattr(engine, "_write_batch", spy)
    return accounts_by_thread


def test_two_streams_write_side_by_side_with_one_stream_s_rules(
    receive, small_batches, writing_threads
):
    placement, _ = receive(mixed_file())

    placement = placement_import(placement_id=placement.pk)

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    # Both streams wrote, each on its own thread (and so its own connection), and every
    # account's rows — the duplicate of A005 too — went to one stream.
    assert set(writing_threads) == {"placement-stream-0", "placement-stream-1"}
    stream_of = {}
    for thread, accounts in writing_threads.items():
        for account in accounts:
            assert stream_of.setdefault(account, thread) == thread, account
    assert sum(accounts.count("A005") for accounts in writing_threads.values()) == 2
    streams = list(PlacementStream.objects.filter(placement=placement).order_by("number"))
    assert len(streams) == 2 and max(s.rows_done for s in streams) == 14
    assert (placement.rows_total, placement.rows_done) == (14, 14)
    assert (placement.rows_created, placement.rows_updated, placement.rows_rejected) == (12, 0, 2)
    accounts = sorted(Case.objects.values_list("account_no", flat=True))
    assert accounts == [f"A{n:03d}" for n in (*range(1, 11), 12, 13)]
    # The first row of A005 won, wherever the streams were; the duplicate is reported.
    assert Case.objects.get(account_no="A005").principal == 10000
    errors = list(placement.row_errors.values_list("row_number", "severity"))
    assert sorted(errors) == [(12, "error"), (13, "error")]
    # One debtor per person: P for three accounts, with all three phones.
    person = Debtor.objects.get(cases__account_no="A003")
    assert sorted(person.cases.values_list("account_no", flat=True)) == ["A003", "A007", "A012"]
    assert person.contact_points.filter(kind="phone").count() == 3
    # 7 people with an ID number, and one debtor per account without one.
    assert Debtor.objects.count() == 7 + 3
    assert Counter(Case.history.values_list("history_type", flat=True)) == {"+": 12}
    assert ContactPoint.objects.filter(debtor__cases__account_no="A013").count() == 1


def test_placing_the_file_again_in_streams_updates_every_account_once(
    receive, small_batches, writing_threads
):
    first, _ = receive(mixed_file(), name="first.csv")
    placement_import(placement_id=first.pk)
    changed = mixed_file().replace(b"10000.00", b"9999.00")
    second, _ = receive(changed, name="second.csv")

    second = placement_import(placement_id=second.pk)

    assert (second.rows_created, second.rows_updated, second.rows_rejected) == (0, 12, 2)
    assert Case.objects.filter(principal=9999).count() == 12
    history = Counter(Case.history.values_list("history_type", flat=True))
    assert history == {"+": 12, "~": 12}


def test_an_import_that_dies_while_streams_write_is_finished_by_the_next_run(
    receive, small_batches, worker_dies_after
):
    placement, _ = receive(mixed_file())
    worker_dies_after(3)
    with pytest.raises(WorkerKilled):
        placement_import(placement_id=placement.pk)

    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROCESSING
    assert 3 * 2 <= placement.rows_done < 14
    assert Case.objects.count() < 12

    worker_dies_after(None)
    placement = placement_import(placement_id=placement.pk)

    assert placement.status == Placement.Status.COMPLETED
    assert (placement.rows_total, placement.rows_done) == (14, 14)
    assert (placement.rows_created, placement.rows_updated, placement.rows_rejected) == (12, 0, 2)
    assert Counter(Case.history.values_list("history_type", flat=True)) == {"+": 12}
    assert sorted(placement.row_errors.values_list("row_number", flat=True)) == [12, 13]
    assert Debtor.objects.count() == 7 + 3
