"""Phone numbers to E.164 and ID numbers checked, as banks send them."""

from __future__ import annotations

import pytest

from cases.models import Debtor
from cases.normalise import normalise_phone, validate_id_number
from tests.cases.intake.conftest import make_id, wrong_check


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "008613812345678",
        "8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mainland_mobiles_in_any_usual_spelling_become_e164(raw):
    assert normalise_phone(raw) == "+8613812345678"


def test_landline_with_area_code_becomes_e164():
    assert normalise_phone("021-6234 5678") == "+862162345678"


def test_foreign_number_with_country_code_becomes_e164():
    assert normalise_phone("+852 2123 4567") == "+85221234567"


@pytest.mark.parametrize("raw", ["12345", "1381234567", "abc", "+86 999", ""])
def test_numbers_that_cannot_be_dialled_are_refused_with_a_message(raw):
    with pytest.raises(ValueError, match=r"\w"):
        normalise_phone(raw)


def test_resident_id_with_correct_check_digit_is_valid_without_warning():
    number = make_id()
    assert validate_id_number(number.lower()) == (number, Debtor.IdKind.RESIDENT, None)


def test_resident_id_with_x_check_character_is_valid():
    assert validate_id_number("11010519491231002x")[0] == "11010519491231002X"


def test_wrong_check_digit_is_refused_and_the_number_is_not_repeated():
    number = wrong_check(make_id())
    with pytest.raises(ValueError) as error:
        validate_id_number(number)
    assert "check digit" in str(error.value)
    assert number not in str(error.value)


def test_impossible_birth_date_is_refused():
    with pytest.raises(ValueError, match="birth date"):
        validate_id_number(make_id(birth="19801301"))


def test_hong_kong_residence_permit_is_valid_with_a_warning():
    _number, kind, warning = validate_id_number(make_id(region="810000", birth="19900101"))
    assert kind == Debtor.IdKind.PERMIT
    assert "residence permit" in warning


def test_new_foreigners_permanent_residence_id_is_valid_with_a_warning():
    _number, kind, warning = validate_id_number(make_id(region="931156", birth="19850512"))
    assert kind == Debtor.IdKind.FOREIGN_PERMANENT
    assert warning


def test_old_foreigners_permanent_residence_id_is_valid_with_a_warning():
    number, kind, warning = validate_id_number("usa330608001234")
    assert (number, kind) == ("USA330608001234", Debtor.IdKind.FOREIGN_PERMANENT)
    assert warning


@pytest.mark.parametrize("raw", ["110105800101123", "12345", "ABCDEFGHIJKLMNOPQR", ""])
def test_other_formats_are_refused(raw):
    with pytest.raises(ValueError):
        validate_id_number(raw)


@pytest.mark.parametrize("digits", [12, 19])
def test_card_numbers_of_12_to_19_digits_are_kept_masked(digits):
    from cases.intake.validation import mask_card

    number = "6" + "1" * (digits - 5) + "4321"
    masked = mask_card(number)
    assert masked.endswith("4321") and number not in masked
    assert mask_card("") == ""


@pytest.mark.parametrize("digits", [11, 20])
def test_card_numbers_shorter_than_12_or_longer_than_19_digits_are_refused(digits):
    from cases.intake.validation import mask_card

    with pytest.raises(ValueError):
        mask_card("6" * digits)
