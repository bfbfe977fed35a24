"""Bad input (issue 3): every case gets a clear message and leaves no partial data."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.db import connection

from cases.models import Case, ContactPoint, Debtor, Placement, PlacementRowError
from cases.services.placements import (
    PlacementInputError,
    placement_import,
    placement_receive,
)
from tests.cases.intake.conftest import (
    HEADER,
    csv_bytes,
    errors_of,
    make_id,
    row,
    wrong_check,
    xlsx_bytes,
)


def assert_nothing_written():
    assert Case.objects.count() == 0
    assert Debtor.objects.count() == 0
    assert ContactPoint.objects.count() == 0
    assert Case.history.count() == 0


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- Refused on receipt: nothing stored --------------------------------------------------


@pytest.mark.django_db
def test_empty_file_is_refused_and_nothing_is_stored(receive, tmp_path):
    with pytest.raises(PlacementInputError) as error:
        receive(b"")
    assert error.value.field == "file"
    assert "empty" in error.value.message
    assert Placement.objects.count() == 0
    assert stored_files(tmp_path / "media") == []


class EndlessUpload:
    """A 300 MB upload produced on the fly, as a client streaming a huge file."""

    name = "huge.csv"

    def __init__(self, size: int):
        self.remaining = size
        self.bytes_read = 0

    def read(self, amount: int = -1) -> bytes:
        amount = min(amount if amount > 0 else 1024 * 1024, self.remaining)
        self.remaining -= amount
        self.bytes_read += amount
        return b"a" * amount


@pytest.mark.django_db
def test_upload_over_the_limit_is_refused_quickly_before_storing_anything(
    bank_a, agreement_a, settings, tmp_path
):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    upload = EndlessUpload(300 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(PlacementInputError) as error:
        placement_receive(bank=bank_a, uploaded_file=upload)
    assert time.monotonic() - started < 5
    assert error.value.field == "file"
    assert "larger than the limit" in error.value.message
    # It stopped reading just past the limit instead of swallowing 300 MB.
    assert upload.bytes_read <= settings.PLACEMENT_MAX_UPLOAD_BYTES + 1024 * 1024
    assert Placement.objects.count() == 0
    assert stored_files(tmp_path / "media") == [] and stored_files(tmp_path / "backup") == []


@pytest.mark.django_db
def test_upload_declaring_a_size_over_the_limit_is_refused_without_reading_it(bank_a, agreement_a):
    upload = EndlessUpload(300 * 1024 * 1024)
    upload.size = 300 * 1024 * 1024
    with pytest.raises(PlacementInputError):
        placement_receive(bank=bank_a, uploaded_file=upload)
    assert upload.bytes_read == 0


@pytest.mark.django_db
def test_xlsx_that_is_not_a_zip_is_refused(receive):
    with pytest.raises(PlacementInputError) as error:
        receive(csv_bytes([row("A001")]), "placement.xlsx")
    assert "not an Excel workbook" in error.value.message
    assert Placement.objects.count() == 0


@pytest.mark.django_db
def test_zip_bomb_is_refused_without_inflating_it(receive):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 1024 * 1024))
    content = out.getvalue()
    assert len(content) < 1024 * 1024  # 64 MB inside, well under 1 MB outside

    with pytest.raises(PlacementInputError) as error:
        receive(content, "bomb.xlsx")
    assert "zip bomb" in error.value.message
    assert Placement.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7 not a placement", "placement.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "placement.xls"),
        (bytes(range(256)) * 10, "placement.csv"),
    ],
)
def test_files_that_are_neither_csv_nor_xlsx_are_refused(receive, content, name):
    with pytest.raises(PlacementInputError) as error:
        receive(content, name)
    assert error.value.field == "file"


# --- The whole file fails, nothing written --------------------------------------------


@pytest.mark.django_db
def test_header_only_fails_with_a_clear_reason(import_file):
    placement = import_file(csv_bytes([]))
    assert placement.status == Placement.Status.FAILED
    assert "no accounts" in placement.failure_reason
    assert_nothing_written()


@pytest.mark.django_db
def test_unknown_column_fails_the_file_naming_the_column(import_file):
    placement = import_file(csv_bytes([row("A001")], header=[*HEADER, "客户经理"]))
    assert placement.status == Placement.Status.FAILED
    assert "客户经理" in placement.failure_reason
    assert_nothing_written()


@pytest.mark.django_db
def test_missing_required_column_fails_the_file_naming_it(import_file):
    header = [name for name in HEADER if name != "debtor_name"]
    placement = import_file(csv_bytes([row("A001")], header=header))
    assert placement.status == Placement.Status.FAILED
    assert "debtor name" in placement.failure_reason
    assert_nothing_written()


@pytest.mark.django_db
def test_card_security_code_column_rejects_the_file_and_its_copies_are_deleted(
    import_file, tmp_path
):
    content = csv_bytes([{**row("A001"), "CVV2": "123"}], header=[*HEADER, "CVV2"])
    placement = import_file(content)

    assert placement.status == Placement.Status.FAILED
    assert "security code" in placement.failure_reason
    assert_nothing_written()
    assert not placement.original_file and placement.backup_path == ""
    assert stored_files(tmp_path / "media") == [] and stored_files(tmp_path / "backup") == []


@pytest.mark.django_db
def test_text_in_neither_utf8_nor_gb18030_fails_before_writing(import_file):
    good = csv_bytes([row(f"A{n:04d}") for n in range(1000)])  # past the 64 KB sniffed
    broken = good + b"A999,\x80\x80\x80,,,,,,,,,,\r\n"  # 0x80 alone is invalid in both
    placement = import_file(broken)
    assert placement.status == Placement.Status.FAILED
    assert "UTF-8" in placement.failure_reason
    assert_nothing_written()


# --- Encodings ------------------------------------------------------------------------


@pytest.mark.django_db
def test_gbk_bytes_declared_as_utf8_are_read_correctly(receive):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Bank

    content = csv_bytes([row("A001", debtor_name="欧阳娜娜")], encoding="gbk")
    upload = SimpleUploadedFile("placement.csv", content, content_type="text/csv; charset=utf-8")
    placement, _ = placement_receive(bank=Bank.objects.get(code="banka"), uploaded_file=upload)
    placement = placement_import(placement_id=placement.pk)

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert Case.objects.get().debtor.name == "欧阳娜娜"


@pytest.mark.django_db
def test_gb18030_file_whose_first_rows_are_ascii_is_still_read_as_gb18030(import_file):
    rows = [row(f"A{n:05d}", debtor_name="Smith", id_number="", address="") for n in range(3000)]
    rows.append(row("B00001", debtor_name="诸葛亮"))
    placement = import_file(csv_bytes(rows, encoding="gb18030"))
    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert Case.objects.get(account_no="B00001").debtor.name == "诸葛亮"


@pytest.mark.django_db
def test_utf8_with_bom_and_chinese_headers_imports(import_file):
    header = [
        "账号",
        "客户姓名",
        "身份证号",
        "手机",
        "地址",
        "本金",
        "利息",
        "费用",
        "币种",
        "逾期起始日",
        "产品",
        "卡号",
    ]
    values = [
        "C001",
        "赵敏",
        make_id(sequence="888"),
        "13900001111",
        "杭州市",
        "1,234.50",
        "0",
        "",
        "人民币",
        "20260301",
        "消费贷",
        "",
    ]
    placement = import_file(csv_bytes([values], header=header, encoding="utf-8-sig"))

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    case = Case.objects.get()
    assert (case.account_no, case.principal, case.currency) == ("C001", Decimal("1234.50"), "CNY")
    assert str(case.overdue_since) == "2026-03-01"


# --- Rows rejected, the rest goes in ----------------------------------------------------


@pytest.mark.django_db
def test_truncated_last_row_is_rejected_and_the_rest_imported(import_file):
    content = csv_bytes([row("A001"), row("A002")])
    content += "A003,李雷,".encode()  # the upload was cut off here
    placement = import_file(content)

    assert placement.status == Placement.Status.COMPLETED
    assert (placement.rows_total, placement.rows_created, placement.rows_rejected) == (3, 2, 1)
    [(row_number, column, message, _severity)] = errors_of(placement)
    assert row_number == 4 and column == "" and "cut off" in message


@pytest.mark.django_db
def test_unterminated_quote_rejects_its_row_and_keeps_earlier_ones(import_file):
    content = csv_bytes([row("A001")]) + 'A002,"王五,,,,,,,,,,\r\n'.encode()
    placement = import_file(content)

    assert placement.status == Placement.Status.COMPLETED
    assert list(Case.objects.values_list("account_no", flat=True)) == ["A001"]
    [(row_number, _column, message, _severity)] = errors_of(placement)
    assert row_number == 3 and "quoted value" in message


@pytest.mark.django_db
def test_rows_with_extra_columns_are_rejected_but_trailing_empty_cells_are_fine(import_file):
    extra = [*row("A001").values(), "unexpected"]
    trailing_empty = [*row("A002").values(), "", ""]
    placement = import_file(csv_bytes([extra, trailing_empty]))

    assert (placement.rows_created, placement.rows_rejected) == (1, 1)
    [(row_number, _column, message, _severity)] = errors_of(placement)
    assert row_number == 2 and "13 values but the header has 12" in message


@pytest.mark.django_db
def test_negative_huge_and_three_decimal_amounts_are_rejected_by_column(import_file):
    placement = import_file(
        csv_bytes(
            [
                row("A001", principal="-1.00"),
                row("A002", interest="1000000000000"),
                row("A003", fees="1.005"),
                row("A004", principal="999999999999.99", interest="1.50"),
            ]
        )
    )

    assert (placement.rows_created, placement.rows_rejected) == (1, 3)
    problems = {(r, c): m for r, c, m, _s in errors_of(placement)}
    assert "negative" in problems[(2, "principal")]
    assert "too large" in problems[(3, "interest")]
    assert "more than 2 decimal places" in problems[(4, "fees")]
    assert Case.objects.get().principal == Decimal("999999999999.99")


@pytest.mark.django_db
def test_invalid_id_checksum_rejects_the_row_with_its_column(import_file):
    placement = import_file(csv_bytes([row("A001", id_number=wrong_check(make_id())), row("A002")]))
    assert (placement.rows_created, placement.rows_rejected) == (1, 1)
    [(row_number, column, message, severity)] = errors_of(placement)
    assert (row_number, column, severity) == (2, "id_number", "error")
    assert "check digit" in message


@pytest.mark.django_db
def test_residence_permits_are_imported_with_a_warning_not_rejected(import_file):
    permit = make_id(region="810000", birth="19900101")
    placement = import_file(csv_bytes([row("A001", id_number=permit)]))

    assert (placement.rows_created, placement.rows_rejected) == (1, 0)
    [(row_number, column, _message, severity)] = errors_of(placement)
    assert (row_number, column, severity) == (2, "id_number", "warning")
    assert Case.objects.get().debtor.id_kind == Debtor.IdKind.PERMIT


@pytest.mark.django_db
def test_duplicate_account_numbers_in_one_file_keep_the_first_row(import_file):
    placement = import_file(
        csv_bytes([row("A001", principal="1.00"), row("A002"), row("A001", principal="2.00")])
    )
    assert (placement.rows_created, placement.rows_rejected) == (2, 1)
    [(row_number, column, message, _severity)] = errors_of(placement)
    assert (row_number, column) == (4, "account_no")
    assert "row 2" in message
    assert Case.objects.get(account_no="A001").principal == Decimal("1.00")


@pytest.mark.django_db
def test_duplicate_account_numbers_in_different_batches_are_caught_too(import_file, monkeypatch):
    from cases.intake import engine

    monkeypatch.setitem(engine.BATCH_ROWS, "postgresql", 2)
    placement = import_file(
        csv_bytes([row("A001", principal="1.00"), row("A002"), row("A003"), row("A001")])
    )
    assert (placement.rows_created, placement.rows_rejected) == (3, 1)
    assert [r for r, _c, _m, _s in errors_of(placement)] == [5]
    assert Case.objects.get(account_no="A001").principal == Decimal("1.00")


@pytest.mark.django_db
def test_formula_looking_values_are_stored_exactly_as_sent(import_file):
    placement = import_file(
        csv_bytes(
            [
                row(
                    '=HYPERLINK("http://evil.example","x")',
                    debtor_name="+1",
                    id_number=make_id(sequence="022"),
                    product="@SUM(A1:A9)",
                ),
                row("-2+3", debtor_name="=1+1", id_number=make_id(sequence="023")),
            ]
        )
    )
    assert placement.rows_created == 2, errors_of(placement)
    case = Case.objects.get(account_no='=HYPERLINK("http://evil.example","x")')
    assert (case.debtor.name, case.product) == ("+1", "@SUM(A1:A9)")
    assert Case.objects.get(account_no="-2+3").debtor.name == "=1+1"


@pytest.mark.django_db
def test_html_in_names_is_stored_as_sent(import_file):
    import_file(csv_bytes([row("A001", debtor_name="<script>alert(1)</script>")]))
    assert Case.objects.get().debtor.name == "<script>alert(1)</script>"


@pytest.mark.django_db
def test_card_numbers_are_stored_only_masked_anywhere(import_file):
    import_file(csv_bytes([row("A001", card_no="6222021234567890")]))
    assert Case.objects.get().card_no_masked == "622202******7890"
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_historicalcase", "cases_placementrowerror"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert "6222021234567890" not in repr(cursor.fetchall())


@pytest.mark.django_db
def test_bad_phone_future_date_and_bad_card_name_their_columns(import_file):
    placement = import_file(
        csv_bytes(
            [row("A001", phones="13812345678;12345", overdue_since="2999-01-01", card_no="1234")]
        )
    )
    assert placement.rows_rejected == 1
    columns = sorted(c for _r, c, _m, _s in errors_of(placement))
    assert columns == ["card_no", "overdue_since", "phones"]
    message = PlacementRowError.objects.get(column="phones").message
    assert "Phone number 2" in message and "12345" not in message


# --- Mapping and formats ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_banks_column_mapping_renames_and_ignores_columns(import_file, bank_a):
    bank_a.column_mapping = {"Acct Ref": "account_no", "Holder": "debtor_name", "Branch code": ""}
    bank_a.save()
    content = csv_bytes([["X-1", "Ann Lee", "SH01"]], header=["Acct Ref", "Holder", "Branch code"])
    placement = import_file(content)

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    case = Case.objects.get()
    assert (case.account_no, case.debtor.name, case.debtor.id_kind) == ("X-1", "Ann Lee", "none")


@pytest.mark.django_db
def test_xlsx_with_numbers_and_excel_dates_imports(import_file):
    import datetime as dt

    content = xlsx_bytes(
        [
            {
                **row("A001"),
                "account_no": 6222000000000001,
                "phones": 13812345678,
                "principal": 1234.5,
                "overdue_since": dt.datetime(2026, 2, 1),
            },
            {**row("A002"), "principal": -5},
        ]
    )
    placement = import_file(content, "placement.xlsx")

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert (placement.rows_created, placement.rows_rejected) == (1, 1)
    case = Case.objects.get()
    assert (case.account_no, case.principal) == ("6222000000000001", Decimal("1234.50"))
    assert str(case.overdue_since) == "2026-02-01"
    assert errors_of(placement)[0][:2] == (3, "principal")


@pytest.mark.django_db
@pytest.mark.parametrize("engine", ["postgresql", "orm"])
def test_backslashes_tabs_and_line_breaks_in_values_are_stored_exactly(import_file, engine):
    name = 'Wang\\N "五"\tTab\r\nNew line \\t'
    placement = import_file(
        csv_bytes([row("A\\001", debtor_name=name, product="C\\D", address="")]), engine=engine
    )
    assert placement.rows_created == 1, errors_of(placement)
    case = Case.objects.get()
    assert (case.account_no, case.debtor.name, case.product) == ("A\\001", name, "C\\D")


@pytest.mark.django_db
def test_a_200000_character_value_is_rejected_naming_its_row_column_and_length(import_file):
    content = csv_bytes([row("A001"), row("A002", address="路" * 200_000), row("A003")])
    placement = import_file(content)

    assert placement.status == Placement.Status.COMPLETED
    assert sorted(Case.objects.values_list("account_no", flat=True)) == ["A001", "A003"]
    [(row_number, column, message, _severity)] = errors_of(placement)
    assert (row_number, column) == (3, "address")
    assert "200,000 characters" in message and "quote" not in message.split("(")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_the_csv_delimiter_is_detected(import_file, delimiter):
    lines = [delimiter.join(HEADER)]
    for account in ("A001", "A002"):
        values = row(account, address="上海市, 浦东新区")  # a comma inside a value
        lines.append(
            delimiter.join(
                f'"{values[name]}"' if "," in values[name] and delimiter == "," else values[name]
                for name in HEADER
            )
        )
    placement = import_file(("\r\n".join(lines) + "\r\n").encode())

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert (placement.rows_created, placement.rows_rejected) == (2, 0)
    assert set(Case.objects.values_list("account_no", flat=True)) == {"A001", "A002"}
