"""The intake benchmark command runs the real import and reports both runs."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_bench_intake_imports_a_new_file_then_its_changed_copy_and_reports_both():
    out = StringIO()

    call_command("bench_intake", rows=40, seed=7, streams=2, stdout=out)

    report = out.getvalue()
    assert "streams 2" in report
    new = re.search(r"new: 40 rows in [\d.]+ s = [\d,]+ rows/s; peak memory \+[\d.]+ MB", report)
    update = re.search(r"update: 40 rows in [\d.]+ s = [\d,]+ rows/s", report)
    assert new and update, report
    assert "status completed, created 40, updated 0, rejected 0" in report
    assert "status completed, created 0, updated 40, rejected 0" in report
    assert "cases of the benchmark bank: 40" in report
