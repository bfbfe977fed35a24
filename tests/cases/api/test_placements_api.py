"""GET/POST /api/v1/placements/ and /{id}/errors/ (DESIGN §7)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.storage import storages

from cases.models import Placement

from .builders import make_placement, make_row_errors

pytestmark = pytest.mark.django_db

LIST = "/api/v1/placements/"


def detail(placement) -> str:
    return f"/api/v1/placements/{placement.pk}/"


def errors(placement) -> str:
    return f"/api/v1/placements/{placement.pk}/errors/"


# --- Reading ----------------------------------------------------------------------------


def test_anonymous_cannot_list_placements(api):
    assert api.get(LIST).status_code == 401


def test_bank_lists_only_its_own_placements(api_a, agreement_a, agreement_b):
    mine = make_placement(agreement_a)
    make_placement(agreement_b)
    response = api_a.get(LIST)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_placement_shows_status_counts_progress_and_links(api_a, agreement_a):
    placement = make_placement(
        agreement_a, status=Placement.Status.PROCESSING, rows_total=200, rows_done=50
    )
    data = api_a.get(detail(placement)).json()
    assert data["status"] == "processing"
    assert data["progress"] == 25
    for field in ("rows_total", "rows_created", "rows_updated", "rows_rejected", "sha256"):
        assert field in data
    assert data["links"]["self"].endswith(detail(placement))
    assert data["links"]["errors_csv"].endswith(errors(placement) + "?format=csv")
    assert "uploaded_by" not in data


def test_bank_a_key_on_bank_b_placement_is_404(api_a, agreement_b):
    theirs = make_placement(agreement_b)
    make_row_errors(theirs)
    assert api_a.get(detail(theirs)).status_code == 404
    assert api_a.get(errors(theirs)).status_code == 404
    assert api_a.get(errors(theirs) + "?format=csv").status_code == 404


def test_rejected_rows_are_listed_with_row_column_and_message(api_a, agreement_a):
    placement = make_placement(agreement_a)
    make_row_errors(placement, count=3)
    data = api_a.get(errors(placement)).json()
    assert data["count"] == 3
    assert data["results"][0] == {
        "row": 2,
        "column": "id_number",
        "severity": "error",
        "message": '=HYPERLINK("http://evil") bad checksum 0',
    }


def test_rejected_rows_download_as_csv_with_formulas_escaped(api_a, agreement_a):
    placement = make_placement(agreement_a)
    make_row_errors(placement, count=2)
    response = api_a.get(errors(placement) + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["row", "column", "severity", "message"]
    assert rows[1][3].startswith("'=HYPERLINK")


def test_placement_reads_use_a_bounded_number_of_queries(
    api_a, agreement_a, django_assert_max_num_queries
):
    for _ in range(15):
        placement = make_placement(agreement_a)
    make_row_errors(placement, count=20)
    with django_assert_max_num_queries(6):
        assert api_a.get(LIST).status_code == 200
    with django_assert_max_num_queries(6):
        assert api_a.get(errors(placement)).status_code == 200


def test_writes_other_than_upload_are_not_allowed(api_a, agreement_a):
    placement = make_placement(agreement_a)
    assert api_a.patch(detail(placement), {"status": "completed"}).status_code == 405
    assert api_a.delete(detail(placement)).status_code == 405


# --- Upload -------------------------------------------------------------------------------


def test_oversized_upload_is_413_before_anything_is_stored(api_a, agreement_a, settings):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 1024
    announced = 300 * 1024 * 1024
    response = api_a.generic(
        "POST",
        LIST,
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=XYZ",
        CONTENT_LENGTH=str(announced),
    )
    assert response.status_code == 413
    assert response.json()["detail"].startswith("The file is larger than")
    assert not Placement.objects.exists()
    for alias in ("default", "backup"):
        storage = storages[alias]
        assert not storage.exists("placements") or storage.listdir("placements") == ([], [])


def test_upload_without_announced_size_is_stopped_by_the_streaming_limit():
    from cases.api.views import SizeLimitUploadHandler, UploadTooLarge

    handler = SizeLimitUploadHandler(None, limit=1000)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(UploadTooLarge):
        handler.receive_data_chunk(b"x" * 600, 600)


def test_announced_size_above_limit_is_413_even_for_a_small_body(api_a, agreement_a, settings):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 1024
    upload = io.BytesIO(b"account_no,debtor_name\n" + b"A1,Zhang San\n" * 500)
    upload.name = "big.csv"
    response = api_a.post(LIST, {"file": upload}, format="multipart")
    assert response.status_code == 413
    assert not Placement.objects.exists()


def test_upload_without_a_file_names_the_field(api_a, agreement_a):
    response = api_a.post(LIST, {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_upload_with_another_banks_agreement_names_the_field(api_a, agreement_a, agreement_b):
    upload = io.BytesIO(b"account_no,debtor_name\nA1,Zhang San\n")
    upload.name = "p.csv"
    response = api_a.post(LIST, {"file": upload, "agreement": agreement_b.pk}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "agreement"
    assert not Placement.objects.exists()


def test_upload_naming_its_own_agreement_is_filed_under_it(
    api_a, agreement_a, django_capture_on_commit_callbacks
):
    from tests.cases.conftest import AgreementFactory

    second = AgreementFactory(bank=agreement_a.bank, branch=agreement_a.branch, number="A-002")
    with django_capture_on_commit_callbacks(execute=False):
        response = api_a.post(LIST, {"file": _sample(), "agreement": second.pk}, format="multipart")
    assert response.status_code == 202, response.content
    assert Placement.objects.get(pk=response.json()["id"]).agreement == second


def test_idempotency_key_with_spaces_or_too_long_is_400(api_a, agreement_a):
    upload = io.BytesIO(b"account_no,debtor_name\nA1,Zhang San\n")
    upload.name = "p.csv"
    response = api_a.post(
        LIST, {"file": upload}, format="multipart", HTTP_IDEMPOTENCY_KEY="x" * 129
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_anonymous_upload_is_401(api, agreement_a):
    upload = io.BytesIO(b"account_no,debtor_name\nA1,Zhang San\n")
    upload.name = "p.csv"
    assert api.post(LIST, {"file": upload}, format="multipart").status_code == 401
    assert not Placement.objects.exists()


def _sample(rows: int = 3, *, salt: str = "") -> io.BytesIO:
    lines = ["account_no,debtor_name,id_number,phones,principal"]
    lines += [
        f"ACC{salt}{n:04d},Debtor {n},110101199003078515,13812345678,{100 + n}.00"
        for n in range(rows)
    ]
    upload = io.BytesIO(("\n".join(lines) + "\n").encode())
    upload.name = "placement.csv"
    return upload


@pytest.fixture
def placements_service():
    return pytest.importorskip("cases.services.placements")


def test_upload_answers_202_with_the_placement(
    api_a, key_a, agreement_a, placements_service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = api_a.post(LIST, {"file": _sample()}, format="multipart")
    assert response.status_code == 202, response.content
    data = response.json()
    placement = Placement.objects.get(pk=data["id"])
    assert placement.bank == agreement_a.bank
    assert placement.api_key == key_a[0]
    assert placement.uploaded_by is None
    assert data["status"] == "received"
    assert len(data["sha256"]) == 64
    assert response["Location"].endswith(detail(placement))
    assert placement.history.count() >= 1
    assert placement.history.first().history_user is None


def test_same_idempotency_key_returns_the_first_placement(
    api_a, agreement_a, placements_service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = api_a.post(
            LIST, {"file": _sample()}, format="multipart", HTTP_IDEMPOTENCY_KEY="batch-1"
        )
        again = api_a.post(
            LIST, {"file": _sample()}, format="multipart", HTTP_IDEMPOTENCY_KEY="batch-1"
        )
        other_file = api_a.post(
            LIST,
            {"file": _sample(salt="X")},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="batch-1",
        )
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert other_file.status_code == 409
    assert set(other_file.json()) == {"detail", "errors"}
    assert Placement.objects.count() == 1


@pytest.mark.parametrize("same_file", [True, False], ids=["same-file", "different-file"])
def test_idempotency_key_of_one_bank_is_not_another_banks(
    api_a, api_b, agreement_a, agreement_b, same_file, django_capture_on_commit_callbacks
):
    # Keys are chosen by each bank on its own, so two banks will sooner or later pick
    # the same one: bank B must get its own placement and never learn of bank A's.
    with django_capture_on_commit_callbacks(execute=False):
        theirs = api_a.post(
            LIST, {"file": _sample()}, format="multipart", HTTP_IDEMPOTENCY_KEY="batch-1"
        )
        mine = api_b.post(
            LIST,
            {"file": _sample(salt="" if same_file else "B")},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="batch-1",
        )
    assert theirs.status_code == 202
    assert mine.status_code == 202, mine.content
    theirs_id = theirs.json()["id"]
    assert mine.json()["id"] != theirs_id
    body = mine.content.decode()
    assert f"/placements/{theirs_id}/" not in body
    assert f"#{theirs_id}" not in body  # how a 409 names the placement holding the key
    assert Placement.objects.get(pk=mine.json()["id"]).bank == agreement_b.bank
    assert Placement.objects.get(pk=theirs_id).bank == agreement_a.bank
    assert [row["id"] for row in api_b.get(LIST).json()["results"]] == [mine.json()["id"]]


def test_new_files_under_new_idempotency_keys_are_new_placements(
    api_a, agreement_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = api_a.post(
            LIST, {"file": _sample()}, format="multipart", HTTP_IDEMPOTENCY_KEY="batch-1"
        )
        second = api_a.post(
            LIST, {"file": _sample(salt="N")}, format="multipart", HTTP_IDEMPOTENCY_KEY="batch-2"
        )
    assert (first.status_code, second.status_code) == (202, 202), second.content
    assert first.json()["id"] != second.json()["id"]
    assert Placement.objects.count() == 2


def test_same_file_twice_returns_the_first_placement(
    api_a, agreement_a, placements_service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = api_a.post(LIST, {"file": _sample()}, format="multipart")
        again = api_a.post(LIST, {"file": _sample()}, format="multipart")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Placement.objects.count() == 1


def test_upload_is_throttled_by_its_own_budget(
    api_a, agreement_a, settings, placements_service, django_capture_on_commit_callbacks
):
    # No cache.clear(): the cache is a Redis database other runs share (FLUSHDB); each
    # test's key has a fresh random prefix, so its throttle history starts empty anyway.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"bank_api": "100/minute", "bank_api_upload": "1/minute"},
    }
    with django_capture_on_commit_callbacks(execute=False):
        assert api_a.post(LIST, {"file": _sample()}, format="multipart").status_code == 202
        second = api_a.post(LIST, {"file": _sample(salt="Y")}, format="multipart")
    assert second.status_code == 429
    assert api_a.get(LIST).status_code == 200


def test_upload_uses_a_bounded_number_of_queries(
    api_a,
    agreement_a,
    placements_service,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    with django_capture_on_commit_callbacks(execute=False), django_assert_max_num_queries(15):
        response = api_a.post(LIST, {"file": _sample(rows=50)}, format="multipart")
    assert response.status_code == 202
