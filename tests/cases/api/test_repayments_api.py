"""POST/GET /api/v1/repayments/, /{id}/ and /{id}/errors/ (DESIGN §7, issue 13)."""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.files.storage import storages

from cases.models import BankRepayment, RepaymentFile
from tests.cases.repayments.conftest import csv_bytes, line, xlsx_bytes

from .builders import make_case

pytestmark = pytest.mark.django_db

LIST = "/api/v1/repayments/"


def detail(repayment_file) -> str:
    return f"/api/v1/repayments/{repayment_file.pk}/"


def errors(repayment_file) -> str:
    return f"/api/v1/repayments/{repayment_file.pk}/errors/"


def make_repayment_file(agreement, *, status=RepaymentFile.Status.COMPLETED, **fields):
    content = f"repayments {RepaymentFile.objects.count()} {agreement.pk}".encode()
    defaults = {
        "bank": agreement.bank,
        "agreement": agreement,
        "status": status,
        "original_file": "repayments/test.csv",
        "original_name": "test.csv",
        "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "rows_total": 10,
        "rows_done": 10 if status == RepaymentFile.Status.COMPLETED else 0,
        "rows_imported": 8,
        "rows_rejected": 2,
    }
    defaults.update(fields)
    return RepaymentFile.objects.create(**defaults)


def make_errors(repayment_file, count: int = 2) -> None:
    for index in range(count):
        repayment_file.row_errors.create(
            row_number=index + 2,
            column="reference",
            message=f'=HYPERLINK("http://evil") duplicate {index}',
        )


def upload(content: bytes | None = None, name: str = "repayments.csv") -> io.BytesIO:
    body = io.BytesIO(content if content is not None else csv_bytes([line("ACC-1")]))
    body.name = name
    return body


# --- Reading ---------------------------------------------------------------------------------


def test_anonymous_cannot_list_or_upload(api, agreement_a):
    assert api.get(LIST).status_code == 401
    assert api.post(LIST, {"file": upload()}, format="multipart").status_code == 401
    assert not RepaymentFile.objects.exists()


def test_bank_lists_only_its_own_files(api_a, agreement_a, agreement_b):
    mine = make_repayment_file(agreement_a)
    make_repayment_file(agreement_b)
    response = api_a.get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_a_file_shows_status_counts_progress_and_links(api_a, agreement_a):
    repayment_file = make_repayment_file(
        agreement_a, status=RepaymentFile.Status.PROCESSING, rows_total=200, rows_done=50
    )
    data = api_a.get(detail(repayment_file)).json()
    assert (data["status"], data["progress"]) == ("processing", 25)
    assert (data["rows_imported"], data["rows_rejected"]) == (8, 2)
    assert data["links"]["self"].endswith(detail(repayment_file))
    assert data["links"]["errors_csv"].endswith(errors(repayment_file) + "?format=csv")
    assert "uploaded_by" not in data


def test_another_banks_file_is_a_json_404(api_a, agreement_b):
    theirs = make_repayment_file(agreement_b)
    make_errors(theirs)
    for url in (detail(theirs), errors(theirs), errors(theirs) + "?format=csv"):
        response = api_a.get(url)
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}


def test_rejected_rows_are_listed_and_download_as_csv_with_formulas_escaped(api_a, agreement_a):
    repayment_file = make_repayment_file(agreement_a)
    make_errors(repayment_file, count=3)
    data = api_a.get(errors(repayment_file)).json()
    assert data["count"] == 3
    assert data["results"][0] == {
        "row": 2,
        "column": "reference",
        "message": '=HYPERLINK("http://evil") duplicate 0',
    }
    response = api_a.get(errors(repayment_file) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "message"]
    assert rows[1][2].startswith("'=HYPERLINK")


def test_writes_other_than_upload_are_not_allowed(api_a, agreement_a):
    repayment_file = make_repayment_file(agreement_a)
    assert api_a.patch(detail(repayment_file), {"status": "failed"}).status_code == 405
    assert api_a.delete(detail(repayment_file)).status_code == 405


# --- Upload ----------------------------------------------------------------------------------


def test_upload_answers_202_and_the_task_imports_it(
    api_a, key_a, agreement_a, django_capture_on_commit_callbacks
):
    make_case(agreement_a, account_no="ACC-1")
    from unittest import mock

    from cases.tasks import repayment_import_task

    with (
        mock.patch.object(repayment_import_task, "delay", side_effect=repayment_import_task),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api_a.post(
            LIST,
            {"file": upload(csv_bytes([line("ACC-1", amount="12.34"), line("NEVER")]))},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["status"] == "received" and len(data["sha256"]) == 64
    repayment_file = RepaymentFile.objects.get(pk=data["id"])
    assert repayment_file.api_key == key_a[0] and repayment_file.uploaded_by is None
    assert response["Location"].endswith(detail(repayment_file))

    after = api_a.get(detail(repayment_file)).json()
    assert (after["status"], after["progress"]) == ("completed", 100)
    assert (after["rows_imported"], after["rows_rejected"]) == (1, 1)
    assert BankRepayment.objects.get().amount == Decimal("12.34")
    [error] = api_a.get(errors(repayment_file)).json()["results"]
    assert error == {
        "row": 3,
        "column": "account_no",
        "message": "The bank never placed this account with the agency.",
    }


def test_an_xlsx_upload_is_accepted(api_a, agreement_a, django_capture_on_commit_callbacks):
    content = xlsx_bytes([["ACC-1", 10, "2026-01-05", "X-1"]])
    with django_capture_on_commit_callbacks(execute=False):
        response = api_a.post(
            LIST, {"file": upload(content, "repayments.xlsx")}, format="multipart"
        )
    assert response.status_code == 202, response.content


def test_same_file_or_same_key_returns_the_first_and_another_file_is_409(
    api_a, agreement_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = api_a.post(
            LIST, {"file": upload()}, format="multipart", HTTP_IDEMPOTENCY_KEY="rep-1"
        )
        same_key = api_a.post(
            LIST, {"file": upload()}, format="multipart", HTTP_IDEMPOTENCY_KEY="rep-1"
        )
        same_file = api_a.post(LIST, {"file": upload()}, format="multipart")
        other_file = api_a.post(
            LIST,
            {"file": upload(csv_bytes([line("ACC-2")]))},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="rep-1",
        )
    assert first.status_code == 202
    assert (same_key.status_code, same_file.status_code) == (200, 200)
    assert same_key.json()["id"] == same_file.json()["id"] == first.json()["id"]
    assert other_file.status_code == 409
    assert set(other_file.json()) == {"detail", "errors"}
    assert RepaymentFile.objects.count() == 1


@pytest.mark.parametrize("same_file", [True, False], ids=["same-file", "different-file"])
def test_idempotency_key_of_one_bank_is_not_another_banks(
    api_a, api_b, agreement_a, agreement_b, same_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        theirs = api_a.post(
            LIST, {"file": upload()}, format="multipart", HTTP_IDEMPOTENCY_KEY="rep-1"
        )
        content = csv_bytes([line("ACC-1" if same_file else "ACC-B")])
        mine = api_b.post(
            LIST, {"file": upload(content)}, format="multipart", HTTP_IDEMPOTENCY_KEY="rep-1"
        )
    assert (theirs.status_code, mine.status_code) == (202, 202), mine.content
    theirs_id = theirs.json()["id"]
    assert mine.json()["id"] != theirs_id
    assert f"#{theirs_id}" not in mine.content.decode()
    assert RepaymentFile.objects.get(pk=mine.json()["id"]).bank == agreement_b.bank
    assert [row["id"] for row in api_b.get(LIST).json()["results"]] == [mine.json()["id"]]


def test_oversized_upload_is_413_before_anything_is_stored(api_a, agreement_a, settings):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 1024
    response = api_a.generic(
        "POST",
        LIST,
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=XYZ",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert not RepaymentFile.objects.exists()
    for alias in ("default", "backup"):
        storage = storages[alias]
        assert not storage.exists("repayments") or storage.listdir("repayments") == ([], [])


def test_announced_size_above_limit_is_413_even_for_a_small_body(api_a, agreement_a, settings):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 1024
    big = csv_bytes([line(f"ACC-{n}") for n in range(100)])
    assert api_a.post(LIST, {"file": upload(big)}, format="multipart").status_code == 413
    assert not RepaymentFile.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "file"),
        ({"file": b""}, "file"),
        ({"file": b"%PDF-1.7 nope"}, "file"),
    ],
    ids=["no-file", "empty", "pdf"],
)
def test_bad_uploads_name_the_field(api_a, agreement_a, data, field):
    body = {"file": upload(data["file"])} if "file" in data else {}
    response = api_a.post(LIST, body, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not RepaymentFile.objects.exists()


def test_upload_with_another_banks_agreement_names_the_field(api_a, agreement_a, agreement_b):
    response = api_a.post(LIST, {"file": upload(), "agreement": agreement_b.pk}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "agreement"
    assert not RepaymentFile.objects.exists()


def test_idempotency_key_with_spaces_or_too_long_is_400(api_a, agreement_a):
    for key in ("x" * 129, "has space"):
        response = api_a.post(
            LIST, {"file": upload()}, format="multipart", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not RepaymentFile.objects.exists()


def test_reads_use_a_bounded_number_of_queries(api_a, agreement_a, django_assert_max_num_queries):
    for _ in range(15):
        repayment_file = make_repayment_file(agreement_a)
    make_errors(repayment_file, count=20)
    with django_assert_max_num_queries(6):
        assert api_a.get(LIST).status_code == 200
    with django_assert_max_num_queries(6):
        assert api_a.get(errors(repayment_file)).status_code == 200
