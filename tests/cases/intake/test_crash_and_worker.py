"""Crash safety, re-runs, and the real Celery worker importing a received placement."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.intake import engine
from cases.models import Case, Debtor, Placement
from cases.services.placements import placement_import, placement_receive
from tests.cases.intake.conftest import WorkerKilled, csv_bytes, make_id, row
from tests.conftest import wait_for


def twelve_rows_with_one_bad_and_one_duplicate() -> bytes:
    rows = [row(f"A{n:03d}", id_number=make_id(sequence=f"{n:03d}")) for n in range(1, 11)]
    rows.insert(4, row("A004"))  # row 6: duplicate of row 5 (A004), rejected
    rows.append(row("A999", principal="-1"))  # rejected
    return csv_bytes(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("engine_name", ["postgresql", "orm"])
def test_a_run_that_dies_mid_import_is_finished_by_the_next_run_without_duplicates(
    receive, monkeypatch, worker_dies_after, engine_name
):
    monkeypatch.setitem(engine.BATCH_ROWS, "postgresql", 4)
    monkeypatch.setitem(engine.BATCH_ROWS, "orm", 4)

    placement, _ = receive(twelve_rows_with_one_bad_and_one_duplicate())
    worker_dies_after(2)
    with pytest.raises(WorkerKilled):
        placement_import(placement_id=placement.pk, engine=engine_name)

    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROCESSING
    assert (placement.rows_done, placement.rows_total) == (8, 12)
    assert Case.objects.count() == 7  # 8 rows, one of them the duplicate

    worker_dies_after(None)
    placement = placement_import(placement_id=placement.pk, engine=engine_name)

    assert placement.status == Placement.Status.COMPLETED
    assert (placement.rows_total, placement.rows_done) == (12, 12)
    assert (placement.rows_created, placement.rows_updated, placement.rows_rejected) == (10, 0, 2)
    assert Case.objects.count() == 10
    assert Debtor.objects.count() == 10
    # Every case written once: one '+' history row each, no '~'.
    assert Counter(Case.history.values_list("history_type", flat=True)) == {"+": 10}
    assert sorted(placement.row_errors.values_list("row_number", flat=True)) == [6, 13]


@pytest.mark.django_db
def test_running_a_completed_import_again_changes_nothing(import_file):
    placement = import_file(csv_bytes([row("A001"), row("A002")]))
    history_rows = Case.history.count()

    again = placement_import(placement_id=placement.pk)

    assert again.status == Placement.Status.COMPLETED
    assert (again.rows_created, again.rows_updated) == (2, 0)
    assert Case.history.count() == history_rows


@pytest.mark.django_db
def test_the_file_level_checks_happen_before_any_batch_is_written(import_file, monkeypatch):
    monkeypatch.setitem(engine.BATCH_ROWS, "postgresql", 1)
    header_with_unknown = [*row("A001").keys(), "mystery"]
    placement = import_file(
        csv_bytes([[*row("A001").values(), "x"]] * 1, header=header_with_unknown)
    )
    assert placement.status == Placement.Status.FAILED
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_fast_hash_and_encryption_match_the_personal_data_module():
    from cases.intake.validation import keyed_hasher
    from cases.intake.writers import encryptor
    from collections_office.personal_data import decrypt, keyed_hash

    fast_hash = keyed_hasher()
    for value in ["+8613812345678", make_id(), "上海市 浦东新区-世纪大道(100号)", "ｂ栋 ３室"]:
        assert fast_hash(value) == keyed_hash(value)
    assert fast_hash("+8613812345678", normalised=True) == keyed_hash("+8613812345678")
    assert decrypt(encryptor()("秘密 13812345678")) == "秘密 13812345678"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_received_placement_is_imported_by_the_celery_worker(
    celery_worker_process, media_shared_with_worker, bank_a, agreement_a
):
    content = csv_bytes([row("W001"), row("W002", principal="-3")])
    placement, created = placement_receive(
        bank=bank_a, uploaded_file=SimpleUploadedFile("worker.csv", content)
    )
    assert created

    def finished():
        placement.refresh_from_db()
        return placement.status in {Placement.Status.COMPLETED, Placement.Status.FAILED}

    wait_for(finished, timeout=60, message="the worker did not import the placement")
    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert (placement.rows_created, placement.rows_rejected) == (1, 1)
    assert Case.objects.get().account_no == "W001"
