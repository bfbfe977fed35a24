"""What a refused bank file says: the field it names and the limit it quotes are what a
bank's integrator reads in the 400 (and what the upload page shows)."""

from __future__ import annotations

from django.test import override_settings
from django.utils import translation

from cases.services.bank_files import BankFileInputError, too_large


def test_an_input_error_names_its_field_in_its_text_and_keeps_both_parts():
    error = BankFileInputError("agreement", "No agreement in force.")
    assert (error.field, error.message) == ("agreement", "No agreement in force.")
    assert str(error) == "agreement: No agreement in force."


@override_settings(PLACEMENT_MAX_UPLOAD_BYTES=5 * 1024 * 1024)
def test_the_size_refusal_names_the_file_and_quotes_the_limit_in_whole_megabytes():
    with translation.override("en"):
        error = too_large()
    assert error.field == "file"
    assert error.message == "The file is larger than the limit of 5 MB."


@override_settings(PLACEMENT_MAX_UPLOAD_BYTES=50 * 1024 * 1024 + 1)
def test_a_limit_that_is_not_whole_megabytes_is_quoted_rounded_down():
    with translation.override("en"):
        assert "limit of 50 MB." in too_large().message
