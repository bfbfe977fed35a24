"""Receiving a placement file: stored unchanged with its SHA-256 and a backup copy, once."""

from __future__ import annotations

import hashlib
import threading
from unittest import mock

import pytest
from django.core.files.storage import storages
from django.db import connection

from cases.models import Placement
from cases.services.placements import (
    PlacementConflict,
    PlacementInputError,
    placement_receive,
)
from tests.cases.conftest import AgreementFactory
from tests.cases.intake.conftest import csv_bytes, row


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_original_bytes_are_kept_unchanged_with_sha256_and_a_backup_copy(receive, tmp_path):
    content = csv_bytes([row("A001")], encoding="gb18030")
    placement, created = receive(content, "银行文件.csv")

    assert created
    assert placement.status == Placement.Status.RECEIVED
    assert placement.sha256 == hashlib.sha256(content).hexdigest()
    assert placement.size_bytes == len(content)
    assert placement.original_name == "银行文件.csv"
    with placement.original_file.open("rb") as stored:
        assert stored.read() == content
    with storages["backup"].open(placement.backup_path, "rb") as backup:
        assert backup.read() == content
    assert stored_files(tmp_path / "media") != stored_files(tmp_path / "backup")


@pytest.mark.django_db
def test_the_import_is_queued_only_after_commit(receive, django_capture_on_commit_callbacks):
    with mock.patch("cases.tasks.placement_import_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            placement, _created = receive(csv_bytes([row("A001")]))
        delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(placement.pk)


@pytest.mark.django_db
def test_the_same_file_twice_returns_the_first_placement_and_stores_nothing_new(receive, tmp_path):
    content = csv_bytes([row("A001")])
    first, created_first = receive(content, "a.csv")
    second, created_second = receive(content, "renamed.csv")

    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert Placement.objects.count() == 1
    assert len(stored_files(tmp_path / "media")) == 1
    assert len(stored_files(tmp_path / "backup")) == 1


@pytest.mark.django_db
def test_the_same_idempotency_key_with_the_same_file_returns_the_first_placement(receive):
    content = csv_bytes([row("A001")])
    first, _ = receive(content, idempotency_key="upload-2026-11-23")
    again, created = receive(content, idempotency_key="upload-2026-11-23")
    assert (again.pk, created) == (first.pk, False)


@pytest.mark.django_db
def test_the_same_idempotency_key_with_another_file_is_a_conflict(receive, tmp_path):
    first, _ = receive(csv_bytes([row("A001")]), idempotency_key="key-1")
    with pytest.raises(PlacementConflict) as conflict:
        receive(csv_bytes([row("A002")]), idempotency_key="key-1")
    assert conflict.value.placement == first
    assert f"placement #{first.pk}" in str(conflict.value)
    assert Placement.objects.count() == 1
    assert len(stored_files(tmp_path / "media")) == 1


@pytest.mark.django_db
def test_the_same_file_from_another_bank_is_a_new_placement(receive, bank_b, agreement_b):
    content = csv_bytes([row("A001")])
    first, _ = receive(content)
    other, created = receive(content, bank=bank_b)
    assert created and other.pk != first.pk and other.agreement == agreement_b


@pytest.mark.django_db
def test_without_an_agreement_the_one_in_force_is_used_and_several_must_be_chosen(
    receive, bank_a, agreement_a, branch_a
):
    placement, _ = receive(csv_bytes([row("A001")]))
    assert placement.agreement == agreement_a

    AgreementFactory(bank=bank_a, branch=branch_a, number="A-002")
    with pytest.raises(PlacementInputError) as error:
        receive(csv_bytes([row("A002")]))
    assert error.value.field == "agreement"


@pytest.mark.django_db
def test_another_banks_agreement_is_refused(receive, agreement_b):
    with pytest.raises(PlacementInputError) as error:
        receive(csv_bytes([row("A001")]), agreement=agreement_b)
    assert error.value.field == "agreement"
    assert Placement.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_identical_uploads_at_the_same_moment_make_one_placement(bank_a, agreement_a, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = csv_bytes([row("A001"), row("A002")])
    barrier = threading.Barrier(2)
    results, failures = [], []
    original_save = Placement.save

    def save_together(self, *args, **kwargs):
        # Both requests have passed the "already there?" check: now insert at once.
        barrier.wait(timeout=10)
        return original_save(self, *args, **kwargs)

    def upload():
        try:
            results.append(
                placement_receive(
                    bank=bank_a,
                    uploaded_file=SimpleUploadedFile("same.csv", content),
                    idempotency_key="same-key",
                )
            )
        except Exception as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    with (
        mock.patch("cases.tasks.placement_import_task.delay") as delay,
        mock.patch.object(Placement, "save", save_together),
    ):
        threads = [threading.Thread(target=upload) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert failures == []
    assert Placement.objects.count() == 1
    assert {placement.pk for placement, _created in results} == {Placement.objects.get().pk}
    assert sorted(created for _placement, created in results) == [False, True]
    assert delay.call_count == 1
    # The loser's copies were removed: one original, one backup.
    assert len(stored_files(tmp_path / "media")) == 1
    assert len(stored_files(tmp_path / "backup")) == 1
