"""The sample files in docs/samples (used by the README's curl example) import as described."""

from __future__ import annotations

from pathlib import Path

import pytest

from cases.models import Case, Placement

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["placement-sample.csv", "placement-sample.xlsx"])
def test_sample_file_imports_twenty_rows_with_one_rejected(import_file, name):
    placement = import_file((SAMPLES / name).read_bytes(), name)

    assert placement.status == Placement.Status.COMPLETED, placement.failure_reason
    assert (placement.rows_total, placement.rows_created, placement.rows_rejected) == (20, 19, 1)
    rejected = placement.row_errors.get(severity="error")
    assert rejected.row_number == 7
    assert rejected.column in {"身份证号", "id_number"}
    assert "check digit" in rejected.message
    warning = placement.row_errors.get(severity="warning")
    assert warning.row_number == 12
    assert Case.objects.filter(card_no_masked__contains="******").exists()
