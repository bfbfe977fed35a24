"""One row at a time: `cases.intake.validation` without a file, a database or the engine.

The import tests (test_bad_input.py, test_import_basics.py) go through whole files;
these pin the rules of each cell at their edges (amount limits, date bounds, lengths,
phone counts, currencies) and the record a clean row becomes, field by field. They
also make the mutation run fast: a mutant of a rule fails here in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cases.intake.columns import ColumnPlan
from cases.intake.validation import (
    ERROR,
    WARNING,
    RowValidator,
    _text,
    fit_to_header,
    keyed_hasher,
    mask_card,
    parse_amount,
    parse_date,
)
from cases.models import Debtor
from collections_office.personal_data import keyed_hash
from tests.cases.intake.conftest import HEADER, make_id

# Not the real date: a rule that forgets the file's day and asks the clock would show.
TODAY = dt.date(2026, 6, 30)

# --- Amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.56", "1234.56"),
        ("1234.5", "1234.50"),
        ("0", "0.00"),
        (0, "0.00"),
        ("¥0.00", "0.00"),
        (0.0, "0.00"),
        ("999999999999.99", "999999999999.99"),
        ("1,234.56", "1234.56"),
        ("¥1 234.56", "1234.56"),
        ("￥100", "100.00"),
        ("\u30001000\u3000", "1000.00"),
        (" 12.3 ", "12.30"),
        ("1e3", "1000.00"),
        ("", "0.00"),
        (None, "0.00"),
        ("   ", "0.00"),
        (1234, "1234.00"),
        (999_999_999_999, "999999999999.00"),
        (12.5, "12.50"),
        (0.1, "0.10"),
        (Decimal("7.1"), "7.10"),
    ],
)
def test_amounts_as_banks_write_them_become_two_decimal_places(value, expected):
    assert parse_amount(value) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (True, "must be an amount"),
        (False, "must be an amount"),
        ("abc", "must be an amount"),
        ("12,34.5.6", "must be an amount"),
        ("NaN", "must be an amount"),
        ("Infinity", "must be an amount"),
        (float("inf"), "must be an amount"),
        ("-1", "must not be negative"),
        ("-0.01", "must not be negative"),
        (-5, "must not be negative"),
        (-0.5, "must not be negative"),
        (10**12, "is too large"),
        ("1000000000000", "is too large"),
        ("1000000000000.00", "is too large"),
        (1e12, "is too large"),
        ("1.234", "more than 2 decimal places"),
        ("0.001", "more than 2 decimal places"),
        (1.005, "more than 2 decimal places"),
    ],
)
def test_amounts_that_are_not_money_are_refused_saying_why(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_amount(value)


# --- Dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", dt.date(2024, 3, 5)),
        ("2023-12-31", dt.date(2023, 12, 31)),
        ("2024/11/15", dt.date(2024, 11, 15)),
        ("2023.10.28", dt.date(2023, 10, 28)),
        ("2024/03/05", dt.date(2024, 3, 5)),
        ("2024-03/05", dt.date(2024, 3, 5)),
        ("2024.3.5", dt.date(2024, 3, 5)),
        ("2024年3月5日", dt.date(2024, 3, 5)),
        ("2024-3-5", dt.date(2024, 3, 5)),
        ("20240305", dt.date(2024, 3, 5)),
        ("2024-03-05 10:30", dt.date(2024, 3, 5)),
        ("2024-03-05T10:30:59", dt.date(2024, 3, 5)),
        (" 2024-03-05 ", dt.date(2024, 3, 5)),
        (dt.datetime(2024, 3, 5, 23, 59), dt.date(2024, 3, 5)),
        (dt.date(2024, 3, 5), dt.date(2024, 3, 5)),
        # Excel date cells without a date format: days since 1899-12-30.
        (45356, dt.date(2024, 3, 5)),
        (45356.75, dt.date(2024, 3, 5)),
        ("1950-01-01", dt.date(1950, 1, 1)),
        ("2026-06-30", TODAY),
    ],
)
def test_dates_in_the_usual_spellings_are_read(value, expected):
    assert parse_date(value, TODAY) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_empty_date_is_no_date(value):
    assert parse_date(value, TODAY) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-07-01", "is in the future"),
        (dt.date(2026, 7, 1), "is in the future"),
        (dt.datetime(2026, 7, 1, 0, 0), "is in the future"),
        ("1949-12-31", "is too far in the past"),
        (dt.date(1949, 12, 31), "is too far in the past"),
        ("2024-02-30", "is not a real date"),
        ("2023-13-01", "is not a real date"),
        ("20231301", "is not a real date"),
        ("05/03/2024", r"is not a date \(use YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD\)"),
        ("yesterday", r"is not a date \(use YYYY-MM-DD, YYYY/MM/DD"),
        # Ten characters that are not a date with - or / (the quick path must not take them).
        ("2024x03x05", r"is not a date \(use YYYY-MM-DD, YYYY/MM/DD"),
        ("2024X03X05", r"is not a date \(use YYYY-MM-DD, YYYY/MM/DD"),
        ("2024-03x05", r"is not a date \(use YYYY-MM-DD, YYYY/MM/DD"),
        ("2024-03005", r"is not a date \(use YYYY-MM-DD, YYYY/MM/DD"),
        (True, r"is not a date \(use YYYY-MM-DD, YYYY/MM/DD"),
        # Excel serial numbers: 1 is 1899-12-31 (too old for us), 2958465 is 9999-12-31.
        (0, r"is not a date \(use YYYY-MM-DD\)"),
        (-3, r"is not a date \(use YYYY-MM-DD\)"),
        (0.5, r"is not a date \(use YYYY-MM-DD\)"),
        (1, "is too far in the past"),
        (2958465, "is in the future"),
        (2958466, r"is not a date \(use YYYY-MM-DD\)"),
    ],
)
def test_dates_that_cannot_be_an_overdue_date_are_refused_saying_why(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_date(value, TODAY)


# --- Cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  text\t", "text"),
        (13812345678.0, "13812345678"),
        (12.5, "12.5"),
        (42, "42"),
        (Decimal(" 1.10"), "1.10"),
        (dt.datetime(2024, 3, 5), "2024-03-05"),
        (dt.datetime(2024, 3, 5, 8, 30), "2024-03-05T08:30:00"),
        (dt.date(2024, 3, 5), "2024-03-05"),
    ],
)
def test_cells_read_as_text_the_way_the_bank_meant_them(value, expected):
    assert _text(value) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6222021234567890", "622202******7890"),
        ("6222 0212 3456 7890", "622202******7890"),
        ("6222-0212-3456-7890", "622202******7890"),
        (6222021234567890.0, "622202******7890"),
        ("622202******7890", "622202******7890"),  # masked by the bank already
        ("622202**7890", "622202**7890"),
    ],
)
def test_card_numbers_are_kept_only_masked(raw, expected):
    assert mask_card(raw) == expected


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_no_card_number_is_an_empty_one(raw):
    assert mask_card(raw) == ""


@pytest.mark.parametrize("raw", ["6222O21234567890", "6222*21234567890", "622202*7890"])
def test_card_numbers_with_other_characters_are_refused(raw):
    with pytest.raises(ValueError, match="must be a card number of 12 to 19 digits"):
        mask_card(raw)


def test_a_row_with_as_many_cells_as_the_header_is_read_as_it_is():
    cells = ["a", "b", "c"]
    assert fit_to_header(cells, 3, pad_short_rows=False) == (cells, "")


def test_empty_cells_past_the_header_are_ignored_and_values_there_refuse_the_row():
    cells = ["a", "b", "", " ", None]
    assert fit_to_header(cells, 2, pad_short_rows=False) == (cells, "")
    fitted, message = fit_to_header(["a", "b", "", "x"], 2, pad_short_rows=True)
    assert fitted is None
    assert message.startswith("The row has 4 values but the header has 2 columns")


def test_short_rows_are_padded_for_xlsx_and_refused_for_csv():
    assert fit_to_header(["a"], 3, pad_short_rows=True) == (["a", None, None], "")
    fitted, message = fit_to_header(["a"], 3, pad_short_rows=False)
    assert fitted is None
    assert message.startswith("The row has only 1 of the 3 values of the header")


@pytest.mark.parametrize(
    "value",
    ["", "13812345678", " +86 138-1234-5678 ", "110105198001011234", "ａｂｃ(1)", "上海市 浦东"],
)
def test_the_fast_keyed_hash_equals_the_personal_data_one(value):
    fast = keyed_hasher()
    assert fast(value) == keyed_hash(value)
    if value == "":
        assert fast(value, normalised=True) == ""


def test_values_we_normalised_ourselves_are_hashed_as_they_are():
    fast = keyed_hasher()
    assert fast("+8613812345678", normalised=True) == keyed_hash("+8613812345678")
    # Skipping the normalisation is only for values already normalised: it is skipped.
    assert fast("a b", normalised=True) != keyed_hash("a b")


# --- A whole row ---------------------------------------------------------------------------

# The bank's own headers, so that messages can be seen to name the bank's column.
BANK_HEADERS = {name: f"{name.upper()} (bank)" for name in HEADER}


def validator(*, fields=HEADER, pad_short_rows=False) -> RowValidator:
    plan = ColumnPlan(
        positions={name: index for index, name in enumerate(fields)},
        headers={name: BANK_HEADERS[name] for name in fields},
        width=len(fields),
        ignored=frozenset(),
    )
    return RowValidator(plan, pad_short_rows=pad_short_rows, today=TODAY)


def cells(**values) -> list:
    base = {
        "account_no": " 6222000000000001 ",
        "debtor_name": " 张三 ",
        "id_number": make_id().lower(),
        "phones": "138 1234 5678；021-6234 5678, 13812345678",
        "address": " 上海市浦东新区世纪大道100号 ",
        "principal": "10,000.00",
        "interest": 250.5,
        "fees": "",
        "currency": "rmb",
        "overdue_since": "2026/03/01",
        "product": "信用卡",
        "card_no": "6222 0212 3456 7890",
    }
    base.update(values)
    return [base[name] for name in HEADER]


def problems_by_column(problems) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for row_number, column, message, severity in problems:
        assert row_number == 7
        found.setdefault(column, []).append((message, severity))
    return found


def test_a_clean_row_becomes_its_record_field_by_field():
    record, problems = validator().validate(7, cells())
    assert problems == []
    assert record.row_number == 7
    assert record.account_no == "6222000000000001"
    assert record.debtor_name == "张三"
    assert record.id_number == make_id()
    assert record.id_hash == keyed_hash(make_id())
    assert record.id_kind == Debtor.IdKind.RESIDENT
    # In order, each once, with its keyed hash.
    assert record.phones == [
        ("+8613812345678", keyed_hash("+8613812345678")),
        ("+862162345678", keyed_hash("+862162345678")),
    ]
    assert record.address == "上海市浦东新区世纪大道100号"
    assert record.address_hash == keyed_hash("上海市浦东新区世纪大道100号")
    assert (record.principal, record.interest, record.fees) == (
        Decimal("10000.00"),
        Decimal("250.50"),
        Decimal("0.00"),
    )
    assert record.currency == "CNY"
    assert record.overdue_since == dt.date(2026, 3, 1)
    assert record.product == "信用卡"
    assert record.card_no_masked == "622202******7890"


def test_numbers_in_text_columns_are_read_as_the_bank_wrote_them():
    # XLSX cells hold account numbers and phones as numbers.
    record, problems = validator().validate(
        7, cells(account_no=6222000000000001.0, phones=13812345678.0, product=42)
    )
    assert problems == []
    assert record.account_no == "6222000000000001"
    assert record.phones == [("+8613812345678", keyed_hash("+8613812345678"))]
    assert record.product == "42"


def test_a_row_with_only_the_required_columns_is_a_record_with_empty_fields():
    record, problems = validator(fields=["account_no", "debtor_name"]).validate(7, ["A1", "Li"])
    assert problems == []
    assert (record.account_no, record.debtor_name) == ("A1", "Li")
    assert (record.id_number, record.id_hash, record.id_kind) == ("", "", Debtor.IdKind.NONE)
    assert record.phones == []
    assert (record.address, record.address_hash) == ("", "")
    assert (record.principal, record.interest, record.fees) == (Decimal("0.00"),) * 3
    assert record.currency == "CNY"
    assert record.overdue_since is None
    assert (record.product, record.card_no_masked) == ("", "")


def test_missing_account_number_and_name_are_errors_naming_the_banks_columns():
    record, problems = validator().validate(7, cells(account_no="  ", debtor_name=None))
    assert record is None
    assert problems_by_column(problems) == {
        "ACCOUNT_NO (bank)": [("The account number is missing.", ERROR)],
        "DEBTOR_NAME (bank)": [("The debtor's name is missing.", ERROR)],
    }


@pytest.mark.parametrize(
    ("field", "longest"), [("account_no", 64), ("debtor_name", 120), ("product", 80)]
)
def test_text_fields_are_refused_one_character_past_their_column(field, longest):
    record, problems = validator().validate(7, cells(**{field: "A" * longest}))
    assert problems == [] and getattr(record, field) == "A" * longest
    record, problems = validator().validate(7, cells(**{field: "A" * (longest + 1)}))
    assert record is None
    assert problems_by_column(problems) == {
        f"{field.upper()} (bank)": [
            (f"The value is longer than {longest} characters.", ERROR),
        ]
    }


def test_the_address_is_refused_one_character_past_500():
    record, problems = validator().validate(7, cells(address="路" * 500))
    assert problems == [] and record.address == "路" * 500
    record, problems = validator().validate(7, cells(address="路" * 501))
    assert record is None
    assert problems_by_column(problems) == {
        "ADDRESS (bank)": [("The value is longer than 500 characters.", ERROR)]
    }


def _mobiles(count: int) -> list[str]:
    return [f"1381234{index:04d}" for index in range(count)]


def test_up_to_ten_phones_a_cell_in_any_separator():
    record, problems = validator().validate(
        7, cells(phones="/".join(_mobiles(5)) + "、" + "\n".join(_mobiles(10)[5:]))
    )
    assert problems == []
    assert [phone for phone, _hash in record.phones] == ["+86" + number for number in _mobiles(10)]


def test_more_than_ten_phones_a_cell_is_an_error():
    record, problems = validator().validate(7, cells(phones=";".join(_mobiles(11))))
    assert record is None
    assert problems_by_column(problems) == {
        "PHONES (bank)": [("The cell has more than 10 phone numbers.", ERROR)]
    }


def test_each_bad_phone_is_named_by_its_place_in_the_cell():
    record, problems = validator().validate(
        7, cells(phones="13812345678;;12345 ; 13912345678；abc")
    )
    assert record is None
    [(second, severity), (fourth, _)] = problems_by_column(problems)["PHONES (bank)"]
    assert second.startswith("Phone number 2 ") and second.endswith(".")
    assert fourth.startswith("Phone number 4 ")
    assert severity == ERROR
    assert "12345" not in second.removeprefix("Phone number 2 ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("CNY", "CNY"), ("", "CNY"), ("rmb", "CNY"), ("人民币", "CNY"), ("元", "CNY"), ("usd", "USD")],
)
def test_currencies_are_upper_case_codes_and_the_yuan_has_aliases(raw, expected):
    record, problems = validator().validate(7, cells(currency=raw))
    assert problems == []
    assert record.currency == expected


@pytest.mark.parametrize("raw", ["US", "USDT", "美元", "us1"])
def test_a_currency_that_is_not_a_three_letter_code_is_an_error(raw):
    record, problems = validator().validate(7, cells(currency=raw))
    assert record is None
    assert problems_by_column(problems) == {
        "CURRENCY (bank)": [("The currency must be a 3-letter code, e.g. CNY.", ERROR)]
    }


def test_bad_amounts_are_errors_of_their_own_columns():
    record, problems = validator().validate(7, cells(principal="-1", interest="1.234", fees="lots"))
    assert record is None
    assert problems_by_column(problems) == {
        "PRINCIPAL (bank)": [("The amount must not be negative.", ERROR)],
        "INTEREST (bank)": [("The amount has more than 2 decimal places.", ERROR)],
        "FEES (bank)": [("The amount must be an amount, e.g. 1234.56.", ERROR)],
    }


def test_a_bad_date_is_an_error_and_a_good_one_is_read_once_per_file():
    rows = validator()
    record, problems = rows.validate(7, cells(overdue_since="2026-07-01"))
    assert record is None
    assert problems_by_column(problems) == {
        "OVERDUE_SINCE (bank)": [("The date is in the future.", ERROR)]
    }
    assert rows._dates == {}  # a refused date is not remembered
    first, _ = rows.validate(7, cells(overdue_since="2026年3月1日"))
    again, _ = rows.validate(8, cells(overdue_since="2026年3月1日"))
    assert first.overdue_since == again.overdue_since == dt.date(2026, 3, 1)
    assert rows._dates == {"2026年3月1日": dt.date(2026, 3, 1)}
    # Excel date cells are numbers: read each time, not remembered.
    excel, _ = rows.validate(9, cells(overdue_since=46082))
    assert excel.overdue_since == dt.date(2026, 3, 1)
    assert list(rows._dates) == ["2026年3月1日"]


def test_a_remembered_date_is_only_used_for_the_same_text():
    rows = validator()
    rows.validate(7, cells(overdue_since="2026-03-01"))
    record, _ = rows.validate(8, cells(overdue_since="2026-03-02"))
    assert record.overdue_since == dt.date(2026, 3, 2)


def test_a_bad_card_number_is_an_error_and_an_empty_one_is_none():
    record, problems = validator().validate(7, cells(card_no="1234"))
    assert record is None
    assert problems_by_column(problems) == {
        "CARD_NO (bank)": [
            ("The card number must be a card number of 12 to 19 digits.", ERROR),
        ]
    }
    for empty in ("", None):
        record, problems = validator().validate(7, cells(card_no=empty))
        assert problems == [] and record.card_no_masked == ""


def test_a_bad_id_number_is_an_error_and_a_permit_a_warning_with_the_record():
    from cases.normalise import validate_id_number

    record, problems = validator().validate(7, cells(id_number="12345"))
    assert record is None
    with pytest.raises(ValueError) as refusal:
        validate_id_number("12345")
    assert problems_by_column(problems) == {"ID_NUMBER (bank)": [(str(refusal.value), ERROR)]}

    permit = make_id(region="810000", birth="19900101")
    record, problems = validator().validate(7, cells(id_number=permit))
    assert record is not None
    assert (record.id_number, record.id_kind) == (permit, Debtor.IdKind.PERMIT)
    assert record.id_hash == keyed_hash(permit)
    [(message, severity)] = problems_by_column(problems)["ID_NUMBER (bank)"]
    assert severity == WARNING and "residence permit" in message


def test_an_id_number_born_after_the_files_day_is_refused():
    born_tomorrow = make_id(birth="20260701")
    record, problems = validator().validate(7, cells(id_number=born_tomorrow))
    assert record is None
    assert "ID_NUMBER (bank)" in problems_by_column(problems)


def test_a_warning_does_not_hide_an_error_of_the_same_row():
    permit = make_id(region="810000", birth="19900101")
    record, problems = validator().validate(7, cells(id_number=permit, principal="-1"))
    assert record is None
    assert sorted(severity for _row, _column, _message, severity in problems) == sorted(
        [WARNING, ERROR]
    )


def test_rows_of_the_wrong_width_csv_refused_xlsx_padded():
    short = cells()[:5]
    record, problems = validator().validate(7, short)
    assert record is None
    assert problems == [
        (7, "", "The row has only 5 of the 12 values of the header (the row looks cut off).", ERROR)
    ]
    record, problems = validator(pad_short_rows=True).validate(7, short)
    assert problems == []
    assert record.account_no == "6222000000000001" and record.principal == Decimal("0.00")
    record, problems = validator().validate(7, [*cells(), "", None])
    assert problems == [] and record.card_no_masked == "622202******7890"


def test_a_problem_message_is_cut_at_500_characters():
    rows = validator()
    problems = []
    rows._problem(problems, 7, "address", "x" * 600)
    rows._problem(problems, 8, "", "row-level")
    assert problems == [
        (7, "ADDRESS (bank)", "x" * 500, ERROR),
        (8, "", "row-level", ERROR),
    ]


def test_the_account_number_is_read_for_routing_without_the_other_checks():
    rows = validator()
    assert rows.account_of(cells(account_no=" A-1 ", debtor_name="")) == "A-1"
    assert rows.account_of([]) == ""
    assert validator(fields=["debtor_name", "account_no"]).account_of(["Li", 42.0]) == "42"
    assert validator(fields=["debtor_name", "account_no"]).account_of(["Li"]) == ""
    assert validator(fields=["debtor_name"]).account_of(["Li"]) == ""
