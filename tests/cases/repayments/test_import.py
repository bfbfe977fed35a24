"""Repayment files (issue 13), the import: the placement bad-input list applied to repayments
and the repayment rows' own checks. Every case gets a clear message and leaves no partial data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.intake import repayments as repayment_engine
from cases.models import BankRepayment, RepaymentFile, RepaymentRowError
from cases.services.repayments import (
    repayment_file_receive,
    repayment_import,
)
from tests.cases.api.builders import make_case
from tests.cases.intake.conftest import WorkerKilled
from tests.cases.repayments.conftest import HEADER, PAID_ON, csv_bytes, errors_of, line, xlsx_bytes


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_nothing_written():
    assert BankRepayment.objects.count() == 0
    assert BankRepayment.history.count() == 0


# --- The whole file fails, nothing written ---------------------------------------------------


@pytest.mark.django_db
def test_header_only_fails_with_a_clear_reason(import_file):
    repayment_file = import_file(csv_bytes([]))
    assert repayment_file.status == RepaymentFile.Status.FAILED
    assert repayment_file.failure_reason == "The file has a header row but no repayments in it."
    assert_nothing_written()


@pytest.mark.django_db
def test_unknown_column_fails_the_file_naming_the_column(import_file, placed):
    repayment_file = import_file(
        csv_bytes([[*line("ACC-1").values(), "x"]], header=[*HEADER, "mystery"])
    )
    assert repayment_file.status == RepaymentFile.Status.FAILED
    assert "Unknown column “mystery”" in repayment_file.failure_reason
    assert "repayment fields" in repayment_file.failure_reason
    assert_nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("missing", "named"),
    [("amount", "amount"), ("paid_on", "paid on"), ("reference", "reference")],
)
def test_missing_required_column_fails_the_file_naming_it(import_file, placed, missing, named):
    header = [name for name in HEADER if name != missing]
    repayment_file = import_file(csv_bytes([line("ACC-1")], header=header))
    assert repayment_file.status == RepaymentFile.Status.FAILED
    assert f"The required column “{named}” is missing" in repayment_file.failure_reason
    assert_nothing_written()


@pytest.mark.django_db
def test_placement_columns_in_a_repayment_file_are_ignored(import_file, placed):
    header = [*HEADER, "姓名", "本金"]
    repayment_file = import_file(
        csv_bytes([[*line("ACC-1").values(), "张三", "100"]], header=header)
    )
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert repayment_file.rows_imported == 1


@pytest.mark.django_db
def test_card_security_code_column_rejects_the_file_and_its_copies_are_deleted(
    import_file, placed, tmp_path
):
    content = csv_bytes([[*line("ACC-1").values(), "123"]], header=[*HEADER, "CVV2"])
    repayment_file = import_file(content)
    assert repayment_file.status == RepaymentFile.Status.FAILED
    assert "security code" in repayment_file.failure_reason
    assert_nothing_written()
    assert not repayment_file.original_file and repayment_file.backup_path == ""
    assert stored_files(tmp_path / "media") == [] and stored_files(tmp_path / "backup") == []


@pytest.mark.django_db
def test_text_in_neither_utf8_nor_gb18030_fails_before_writing(import_file, placed):
    good = csv_bytes([line("ACC-1", reference=f"R{n:05d}") for n in range(3000)])  # > 64 KB
    repayment_file = import_file(good + b"ACC-2,\x80\x80\x80,,\r\n")
    assert repayment_file.status == RepaymentFile.Status.FAILED
    assert "UTF-8" in repayment_file.failure_reason
    assert_nothing_written()


# --- Encodings, delimiters, XLSX --------------------------------------------------------------


@pytest.mark.django_db
def test_gb18030_with_chinese_headers_imports(import_file, placed):
    header = ["账号", "还款金额", "还款日期", "交易流水号"]
    values = ["ACC-1", "1,234.50", PAID_ON.replace("-", ""), "流水-0001"]
    repayment_file = import_file(csv_bytes([values], header=header, encoding="gb18030"))
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    repayment = BankRepayment.objects.get()
    assert (repayment.account_no, repayment.amount, repayment.reference) == (
        "ACC-1",
        Decimal("1234.50"),
        "流水-0001",
    )
    assert repayment.paid_on.isoformat() == PAID_ON
    assert repayment.case == placed[1] and repayment.row == 2


@pytest.mark.django_db
def test_gb18030_file_whose_first_rows_are_ascii_is_still_read_as_gb18030(import_file, placed):
    rows = [line("ACC-1", reference=f"R{n:05d}") for n in range(3000)]
    rows.append(line("ACC-2", reference="流水号-诸葛"))
    repayment_file = import_file(csv_bytes(rows, encoding="gb18030"))
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert BankRepayment.objects.filter(reference="流水号-诸葛").exists()


@pytest.mark.django_db
def test_utf8_with_bom_and_english_aliases_imports(import_file, placed):
    header = ["Account Number", "Repayment Amount", "Payment Date", "Transaction ID"]
    repayment_file = import_file(
        csv_bytes([["ACC-1", "50", PAID_ON, "T-1"]], header=header, encoding="utf-8-sig")
    )
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert BankRepayment.objects.get().amount == Decimal("50.00")


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_the_csv_delimiter_is_detected(import_file, placed, delimiter):
    lines = [delimiter.join(HEADER)]
    for n in (1, 2):
        lines.append(delimiter.join([f"ACC-{n}", "10.00", PAID_ON, f"R-{n}"]))
    repayment_file = import_file(("\r\n".join(lines) + "\r\n").encode())
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (2, 0)


@pytest.mark.django_db
def test_xlsx_with_numbers_and_excel_dates_imports(import_file, placed):
    paid = dt.date.fromisoformat(PAID_ON)
    content = xlsx_bytes(
        [
            ["ACC-1", 1234.5, dt.datetime.combine(paid, dt.time()), "X-1"],
            ["ACC-2", 20, (paid - dt.date(1899, 12, 30)).days, 777],  # serial date, number ref
            [None, None, None, None],  # blank rows are skipped
            ["ACC-3", -5, paid, "X-3"],
        ]
    )
    repayment_file = import_file(content, "repayments.xlsx")
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    got = dict(BankRepayment.objects.values_list("reference", "amount"))
    assert got == {"X-1": Decimal("1234.50"), "777": Decimal("20.00")}
    assert set(BankRepayment.objects.values_list("paid_on", flat=True)) == {paid}
    assert errors_of(repayment_file) == [(5, "amount", "The amount must not be negative.")]


# --- Rows rejected, the rest goes in -----------------------------------------------------------


@pytest.mark.django_db
def test_an_account_the_bank_never_placed_is_rejected(import_file, placed, agreement_b):
    make_case(agreement_b, account_no="ACC-B")  # placed, but by another bank
    repayment_file = import_file(csv_bytes([line("ACC-1"), line("NEVER"), line("ACC-B")]))
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (1, 2)
    message = "The bank never placed this account with the agency."
    assert errors_of(repayment_file) == [(3, "account_no", message), (4, "account_no", message)]


@pytest.mark.django_db
def test_an_account_of_another_agreement_of_the_bank_is_rejected(import_file, placed, bank_a):
    from tests.cases.conftest import AgreementFactory

    other = AgreementFactory(bank=bank_a, number="A-002")
    make_case(other, account_no="ACC-OTHER")
    repayment_file = import_file(csv_bytes([line("ACC-OTHER")]))
    [(row, column, message)] = errors_of(repayment_file)
    assert (row, column) == (2, "account_no") and "another agreement (A-002)" in message


@pytest.mark.django_db
def test_negative_zero_missing_huge_and_three_decimal_amounts_are_rejected(import_file, placed):
    repayment_file = import_file(
        csv_bytes(
            [
                line("ACC-1", amount="-1.00"),
                line("ACC-1", amount="0"),
                line("ACC-1", amount=""),
                line("ACC-1", amount="1000000000000"),
                line("ACC-1", amount="1.005"),
                line("ACC-1", amount="abc"),
                line("ACC-1", amount="¥1,000.00"),
            ]
        )
    )
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (1, 6)
    assert errors_of(repayment_file) == [
        (2, "amount", "The amount must not be negative."),
        (3, "amount", "The amount must be above zero."),
        (4, "amount", "The amount is missing."),
        (5, "amount", "The amount is too large (must be below 1,000,000,000,000)."),
        (6, "amount", "The amount has more than 2 decimal places."),
        (7, "amount", "The amount must be an amount, e.g. 1234.56."),
    ]
    assert BankRepayment.objects.get().amount == Decimal("1000.00")


@pytest.mark.django_db
def test_bad_missing_and_future_dates_are_rejected(import_file, placed):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    repayment_file = import_file(
        csv_bytes(
            [
                line("ACC-1", paid_on="2026-02-30"),
                line("ACC-1", paid_on="yesterday"),
                line("ACC-1", paid_on=""),
                line("ACC-1", paid_on=tomorrow),
            ]
        )
    )
    assert repayment_file.rows_imported == 0
    assert errors_of(repayment_file) == [
        (2, "paid_on", "The date is not a real date."),
        (3, "paid_on", "The date is not a date (use YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)."),
        (4, "paid_on", "The date of the repayment is missing."),
        (5, "paid_on", "The date is in the future."),
    ]


@pytest.mark.django_db
def test_missing_account_and_reference_name_their_columns(import_file, placed):
    repayment_file = import_file(
        csv_bytes([line("", reference="R-1"), line("ACC-1", reference="")])
    )
    assert errors_of(repayment_file) == [
        (2, "account_no", "The account number is missing."),
        (3, "reference", "The reference is missing."),
    ]


@pytest.mark.django_db
def test_a_duplicate_reference_in_the_file_keeps_the_first_row(import_file, placed):
    repayment_file = import_file(
        csv_bytes([line("ACC-1", reference="R-1"), line("ACC-2", reference="R-1")])
    )
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (1, 1)
    assert BankRepayment.objects.get().account_no == "ACC-1"
    [(row, column, message)] = errors_of(repayment_file)
    assert (row, column) == (3, "reference") and "row 2 of this file" in message


@pytest.mark.django_db
def test_a_duplicate_reference_in_another_batch_is_caught_too(import_file, placed, monkeypatch):
    monkeypatch.setattr(repayment_engine, "BATCH_ROWS", 2)
    rows = [line("ACC-1", reference=f"R-{n}") for n in range(4)] + [line("ACC-2", reference="R-0")]
    repayment_file = import_file(csv_bytes(rows))
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (4, 1)
    [(row, _column, message)] = errors_of(repayment_file)
    assert row == 6 and "row 2 of this file" in message


@pytest.mark.django_db
def test_a_reference_of_an_earlier_file_of_the_bank_is_rejected(import_file, placed):
    first = import_file(csv_bytes([line("ACC-1", reference="R-1")]))
    second = import_file(
        csv_bytes([line("ACC-2", reference="R-1"), line("ACC-3", reference="R-2")])
    )
    assert (second.rows_imported, second.rows_rejected) == (1, 1)
    [(row, column, message)] = errors_of(second)
    assert (row, column) == (2, "reference")
    assert message == f"The reference was already reported in repayment file #{first.pk} (row 2)."


@pytest.mark.django_db
def test_another_bank_may_use_the_same_reference(import_file, placed, bank_b, agreement_b):
    make_case(agreement_b, account_no="ACC-1")
    import_file(csv_bytes([line("ACC-1", reference="R-1")]))
    other = import_file(
        csv_bytes([line("ACC-1", reference="R-1", amount="7")]), bank=bank_b, agreement=agreement_b
    )
    assert other.rows_imported == 1
    assert BankRepayment.objects.filter(reference="R-1").count() == 2


@pytest.mark.django_db
def test_truncated_rows_broken_quotes_and_extra_values_reject_their_rows(import_file, placed):
    content = csv_bytes(
        [
            line("ACC-1", reference="R-1"),
            [*line("ACC-2", reference="R-2").values(), "unexpected"],
            [*line("ACC-3", reference="R-3").values(), "", ""],  # trailing empty cells: fine
        ]
    )
    content += f'ACC-4,"10.00,{PAID_ON},R-4\r\n'.encode()  # a quote never closed
    repayment_file = import_file(content)
    assert repayment_file.status == RepaymentFile.Status.COMPLETED
    assert set(BankRepayment.objects.values_list("reference", flat=True)) == {"R-1", "R-3"}
    errors = errors_of(repayment_file)
    assert [row for row, _column, _message in errors] == [3, 5]
    assert "5 values but the header has 4" in errors[0][2]
    assert "quoted value" in errors[1][2]


@pytest.mark.django_db
def test_a_cut_off_last_row_is_rejected(import_file, placed):
    content = csv_bytes([line("ACC-1")]) + b"ACC-2,10.00"
    repayment_file = import_file(content)
    [(row, column, message)] = errors_of(repayment_file)
    assert (row, column) == (3, "") and "cut off" in message


@pytest.mark.django_db
def test_a_200000_character_value_is_rejected_naming_its_row_and_column(import_file, placed):
    content = csv_bytes([line("ACC-1"), line("ACC-2", reference="R" * 200_000)])
    repayment_file = import_file(content)
    [(row, column, message)] = errors_of(repayment_file)
    assert (row, column) == (3, "reference") and "200,000 characters" in message


@pytest.mark.django_db
def test_formula_looking_and_html_values_are_stored_exactly_as_sent(import_file, placed):
    reference = '=HYPERLINK("http://evil","<b>x</b>")'
    repayment_file = import_file(csv_bytes([line("ACC-1", reference=reference)]))
    assert repayment_file.rows_imported == 1
    assert BankRepayment.objects.get().reference == reference


@pytest.mark.django_db
def test_the_banks_column_mapping_applies_to_its_account_column(import_file, placed, bank_a):
    bank_a.column_mapping = {"Loan Ref": "account_no", "Debtor": "debtor_name", "Note": ""}
    bank_a.save()
    header = ["Loan Ref", "amount", "paid_on", "reference", "Debtor", "Note"]
    repayment_file = import_file(
        csv_bytes([["ACC-1", "10", PAID_ON, "R-1", "Zhang", "x"]], header=header)
    )
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert BankRepayment.objects.get().account_no == "ACC-1"


@pytest.mark.django_db
def test_row_messages_are_stored_in_english_whoever_started_the_import(import_file, placed):
    from django.utils import translation

    with translation.override("zh-hans"):
        repayment_file = import_file(csv_bytes([line("NEVER")]))
    [(_row, _column, message)] = errors_of(repayment_file)
    assert message == "The bank never placed this account with the agency."


# --- The run: counts, history, crash and re-run ----------------------------------------------


@pytest.mark.django_db
def test_a_clean_file_is_imported_with_counts_progress_and_history(import_file, placed):
    repayment_file = import_file(
        csv_bytes([line(f"ACC-{n}", amount=f"{n}0.00", reference=f"R-{n}") for n in (1, 2, 3)])
    )
    assert repayment_file.status == RepaymentFile.Status.COMPLETED
    assert (repayment_file.rows_total, repayment_file.rows_done) == (3, 3)
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (3, 0)
    assert repayment_file.progress == 100 and repayment_file.finished_at is not None
    rows = list(BankRepayment.objects.order_by("row").values_list("row", "case_id", "amount"))
    assert rows == [
        (2, placed[1].pk, Decimal("10.00")),
        (3, placed[2].pk, Decimal("20.00")),
        (4, placed[3].pk, Decimal("30.00")),
    ]
    assert BankRepayment.history.filter(history_type="+").count() == 3
    assert list(repayment_file.history.order_by("history_id").values_list("status", flat=True)) == [
        "received",
        "completed",
    ]


@pytest.mark.django_db
def test_a_run_that_dies_mid_import_is_finished_by_the_next_run(receive, placed, monkeypatch):
    monkeypatch.setattr(repayment_engine, "BATCH_ROWS", 2)
    rows = [line(f"ACC-{n % 5 + 1}", reference=f"R-{n}") for n in range(7)]
    rows.insert(3, line("NEVER", reference="R-X"))
    repayment_file, _ = receive(csv_bytes(rows))

    def die(batches: int) -> None:
        if batches == 2:
            raise WorkerKilled

    monkeypatch.setattr(repayment_engine, "_after_batch_hook", die)
    with pytest.raises(WorkerKilled):
        repayment_import(repayment_file_id=repayment_file.pk)
    repayment_file.refresh_from_db()
    assert repayment_file.status == RepaymentFile.Status.PROCESSING
    assert (repayment_file.rows_done, repayment_file.rows_total) == (4, 8)
    assert 0 < repayment_file.progress < 100
    assert BankRepayment.objects.count() == 3

    monkeypatch.setattr(repayment_engine, "_after_batch_hook", None)
    repayment_file = repayment_import(repayment_file_id=repayment_file.pk)
    assert repayment_file.status == RepaymentFile.Status.COMPLETED
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (7, 1)
    assert BankRepayment.objects.count() == 7
    assert RepaymentRowError.objects.count() == 1
    assert BankRepayment.history.count() == 7


@pytest.mark.django_db
def test_running_a_completed_import_again_changes_nothing(import_file, placed):
    repayment_file = import_file(csv_bytes([line("ACC-1"), line("NEVER")]))
    again = repayment_import(repayment_file_id=repayment_file.pk)
    assert again.status == RepaymentFile.Status.COMPLETED
    assert (again.rows_imported, again.rows_rejected) == (1, 1)
    assert BankRepayment.objects.count() == 1 and RepaymentRowError.objects.count() == 1


@pytest.mark.django_db
def test_the_task_imports_the_file(receive, placed):
    from cases.tasks import repayment_import_task

    repayment_file, _ = receive(csv_bytes([line("ACC-1")]))
    assert repayment_import_task.apply(args=[repayment_file.pk]).get() == "completed"
    assert BankRepayment.objects.get().repayment_file == repayment_file


@pytest.mark.django_db
def test_a_stalled_file_is_queued_again_by_the_sweeper(receive, placed, monkeypatch):
    from unittest import mock

    from collections_office import recovery

    repayment_file, _ = receive(csv_bytes([line("ACC-1")]))
    RepaymentFile.objects.filter(pk=repayment_file.pk).update(status="processing")
    with mock.patch("cases.tasks.repayment_import_task.delay") as delay:
        queued = recovery.sweep(pause_seconds=1)
    assert queued.get("repayment-import") == [repayment_file.pk]
    delay.assert_called_once_with(repayment_file.pk)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_received_repayment_file_is_imported_by_the_celery_worker(
    celery_worker_process, media_shared_with_worker, bank_a, agreement_a
):
    from tests.conftest import wait_for

    make_case(agreement_a, account_no="W-1")
    content = csv_bytes([line("W-1"), line("W-NEVER")])
    repayment_file, created = repayment_file_receive(
        bank=bank_a, uploaded_file=SimpleUploadedFile("worker.csv", content)
    )
    assert created

    def finished():
        repayment_file.refresh_from_db()
        return not repayment_file.is_in_flight

    wait_for(finished, timeout=60, message="the worker did not import the repayment file")
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (1, 1)
    assert BankRepayment.objects.get().account_no == "W-1"


@pytest.mark.django_db
def test_the_readme_sample_file_imports_two_rows_and_rejects_two(import_file, agreement_a):
    from pathlib import Path

    for account in ("CMB0000001", "CMB0000002", "CMB0000003"):
        make_case(agreement_a, account_no=account)
    sample = Path(__file__).resolve().parents[3] / "docs" / "samples" / "repayment-sample.csv"
    repayment_file = import_file(sample.read_bytes(), "repayment-sample.csv")
    assert repayment_file.status == RepaymentFile.Status.COMPLETED, repayment_file.failure_reason
    assert (repayment_file.rows_imported, repayment_file.rows_rejected) == (2, 2)
    assert [(row, column) for row, column, _message in errors_of(repayment_file)] == [
        (4, "还款金额"),
        (5, "账号"),
    ]
