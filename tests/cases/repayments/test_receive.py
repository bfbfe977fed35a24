"""Repayment files (issue 13), on receipt: what is refused before anything is stored, and
what is stored once (original, SHA-256, backup copy, idempotency per bank)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import BankRepayment, RepaymentFile
from cases.services.repayments import (
    RepaymentConflict,
    RepaymentInputError,
)
from tests.cases.repayments.conftest import csv_bytes, line


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_nothing_written():
    assert BankRepayment.objects.count() == 0
    assert BankRepayment.history.count() == 0


# --- Refused on receipt: nothing stored ----------------------------------------------------


@pytest.mark.django_db
def test_empty_file_is_refused_and_nothing_is_stored(receive, tmp_path):
    with pytest.raises(RepaymentInputError) as error:
        receive(b"")
    assert (error.value.field, error.value.message) == ("file", "The file is empty.")
    assert RepaymentFile.objects.count() == 0
    assert stored_files(tmp_path / "media") == []


@pytest.mark.django_db
def test_upload_over_the_limit_is_refused_before_storing_anything(receive, settings, tmp_path):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(RepaymentInputError) as error:
        receive(csv_bytes([line(f"ACC-{n}") for n in range(20)]))
    assert error.value.field == "file" and "larger than the limit" in error.value.message
    assert RepaymentFile.objects.count() == 0
    assert stored_files(tmp_path / "media") == [] and stored_files(tmp_path / "backup") == []


@pytest.mark.django_db
def test_xlsx_that_is_not_a_zip_is_refused(receive):
    with pytest.raises(RepaymentInputError) as error:
        receive(csv_bytes([line()]), "repayments.xlsx")
    assert "not an Excel workbook" in error.value.message
    assert RepaymentFile.objects.count() == 0


@pytest.mark.django_db
def test_zip_bomb_is_refused_without_inflating_it(receive):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 1024 * 1024))
    with pytest.raises(RepaymentInputError) as error:
        receive(out.getvalue(), "bomb.xlsx")
    assert "zip bomb" in error.value.message
    assert RepaymentFile.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7 not a repayment file", "repayments.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "repayments.xls"),
        (bytes(range(256)) * 10, "repayments.csv"),
    ],
)
def test_files_that_are_neither_csv_nor_xlsx_are_refused(receive, content, name):
    with pytest.raises(RepaymentInputError) as error:
        receive(content, name)
    assert error.value.field == "file"
    assert RepaymentFile.objects.count() == 0


@pytest.mark.django_db
def test_another_banks_agreement_is_refused(receive, agreement_b):
    with pytest.raises(RepaymentInputError) as error:
        receive(csv_bytes([line()]), agreement=agreement_b)
    assert error.value.field == "agreement"


@pytest.mark.django_db
def test_a_terminated_agreement_still_takes_its_last_repayments(receive, agreement_a, placed):
    agreement_a.terminates_on = dt.date.today() - dt.timedelta(days=20)
    agreement_a.save()
    repayment_file, created = receive(csv_bytes([line("ACC-1")]))
    assert created and repayment_file.agreement == agreement_a


# --- Stored, idempotent ---------------------------------------------------------------------


@pytest.mark.django_db
def test_original_bytes_are_kept_with_sha256_and_a_backup_copy(receive, tmp_path):
    import hashlib

    content = csv_bytes([line()], encoding="gb18030")
    repayment_file, created = receive(content, "还款.csv")
    assert created and repayment_file.status == RepaymentFile.Status.RECEIVED
    assert repayment_file.sha256 == hashlib.sha256(content).hexdigest()
    assert repayment_file.original_file.read() == content
    assert (tmp_path / "backup" / repayment_file.backup_path).read_bytes() == content
    assert repayment_file.history.get().history_change_reason == "File received"


@pytest.mark.django_db
def test_the_import_is_queued_only_after_commit(receive, django_capture_on_commit_callbacks):
    from unittest import mock

    with mock.patch("cases.tasks.repayment_import_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            repayment_file, _ = receive(csv_bytes([line()]))
        delay.assert_not_called()
        for callback in callbacks:
            callback()
    delay.assert_called_once_with(repayment_file.pk)


@pytest.mark.django_db
def test_the_same_file_twice_returns_the_first_and_stores_nothing_new(receive, tmp_path):
    content = csv_bytes([line()])
    first, created = receive(content)
    files = stored_files(tmp_path / "media")
    again, created_again = receive(content, "renamed.csv")
    assert created and not created_again and again == first
    assert RepaymentFile.objects.count() == 1 and stored_files(tmp_path / "media") == files


@pytest.mark.django_db
def test_the_same_key_with_the_same_file_returns_the_first(receive):
    first, _ = receive(csv_bytes([line()]), idempotency_key="k-1")
    again, created = receive(csv_bytes([line()]), idempotency_key="k-1")
    assert again == first and not created


@pytest.mark.django_db
def test_the_same_key_with_another_file_is_a_conflict(receive, tmp_path):
    first, _ = receive(csv_bytes([line()]), idempotency_key="k-1")
    files = stored_files(tmp_path / "media")
    with pytest.raises(RepaymentConflict) as conflict:
        receive(csv_bytes([line("ACC-2")]), idempotency_key="k-1")
    assert conflict.value.repayment_file == first
    assert f"repayment file #{first.pk}" in str(conflict.value)
    assert RepaymentFile.objects.count() == 1 and stored_files(tmp_path / "media") == files


@pytest.mark.django_db
def test_keys_and_files_belong_to_one_bank(receive, bank_b, agreement_b):
    content = csv_bytes([line()])
    first, _ = receive(content, idempotency_key="k-1")
    other, created = receive(content, bank=bank_b, agreement=agreement_b, idempotency_key="k-1")
    assert created and other != first and other.bank == bank_b


@pytest.mark.django_db
def test_a_placement_and_a_repayment_file_with_the_same_key_do_not_clash(
    receive, bank_a, agreement_a
):
    from cases.services.placements import placement_receive
    from tests.cases.intake.conftest import csv_bytes as placement_csv
    from tests.cases.intake.conftest import row

    placement, _ = placement_receive(
        bank=bank_a,
        uploaded_file=SimpleUploadedFile("p.csv", placement_csv([row("A001")])),
        idempotency_key="k-1",
    )
    repayment_file, created = receive(csv_bytes([line()]), idempotency_key="k-1")
    assert created and repayment_file.pk and placement.pk
