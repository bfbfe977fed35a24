"""What the pages of every kind of bank file do alike (placements, repayment files): the
list polls while an import runs, the progress part asks for one reload when done, the
rejected rows download with formulas escaped, a bounded number of queries, an upload
announced above the limit refused before its body is read. Each kind's own pages are
tested in test_placement_pages / test_repayment_pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook

from cases.models import Placement, RepaymentFile
from tests.cases.api.builders import make_placement, make_row_errors
from tests.cases.api.test_repayments_api import make_errors, make_repayment_file

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Kind:
    model: type
    pages: str  # the list's URL; a file's page is pages + pk
    rows_id: str  # the list's htmx part
    make: Callable
    make_errors: Callable
    message_column: int  # where the message stands in the rejected rows' XLSX


@pytest.fixture(
    params=[
        pytest.param(
            Kind(
                Placement,
                "/cases/placements/",
                "placement-rows",
                make_placement,
                make_row_errors,
                4,
            ),
            id="placements",
        ),
        pytest.param(
            Kind(
                RepaymentFile,
                "/cases/repayments/",
                "repayment-rows",
                make_repayment_file,
                make_errors,
                3,
            ),
            id="repayment-files",
        ),
    ]
)
def kind(request) -> Kind:
    return request.param


def test_list_polls_while_an_import_runs_and_stops_when_done(kind, as_user, admin_a, agreement_a):
    running = kind.make(
        agreement_a, status=kind.model.Status.PROCESSING, rows_total=100, rows_done=40
    )
    client = as_user(admin_a)
    html = client.get(kind.pages).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'value="40" max="100"' in html
    fragment = client.get(kind.pages, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith(f'<tbody id="{kind.rows_id}"')
    assert "<html" not in fragment
    kind.model.objects.filter(pk=running.pk).update(status="completed", rows_done=100)
    fragment = client.get(kind.pages, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment


def test_progress_fragment_asks_for_a_reload_when_finished(kind, as_user, admin_a, agreement_a):
    bank_file = kind.make(agreement_a, status=kind.model.Status.PROCESSING, rows_total=10)
    client = as_user(admin_a)
    url = f"{kind.pages}{bank_file.pk}/?part=progress"
    first = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in first.content.decode()
    assert "<html" not in first.content.decode()
    assert "HX-Refresh" not in first
    kind.model.objects.filter(pk=bank_file.pk).update(status="completed", rows_done=10)
    assert client.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_rejected_rows_download_as_csv_and_xlsx_with_formulas_escaped(
    kind, as_user, admin_a, agreement_a
):
    bank_file = kind.make(agreement_a)
    kind.make_errors(bank_file, count=2)
    client = as_user(admin_a)
    response = client.get(f"{kind.pages}{bank_file.pk}/rejected-rows.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert text.splitlines()[0].startswith("row,column,")
    response = client.get(f"{kind.pages}{bank_file.pk}/rejected-rows.xlsx")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=kind.message_column).value.startswith("'=HYPERLINK")


def test_pages_use_a_bounded_number_of_queries(
    kind, as_user, admin_a, agreement_a, django_assert_max_num_queries
):
    for _ in range(20):
        bank_file = kind.make(agreement_a)
    kind.make_errors(bank_file, count=30)
    client = as_user(admin_a)
    with django_assert_max_num_queries(15):
        assert client.get(kind.pages).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(f"{kind.pages}{bank_file.pk}/").status_code == 200


def test_upload_announced_above_the_limit_is_refused_before_its_body_is_read(
    kind, admin_a, agreement_a, settings
):
    from django.test import Client

    settings.PLACEMENT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    # CSRF enforced as in production: its check would read the body before the view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_a)
    announced = 300 * 1024 * 1024
    # The test client's payload holds 1 KB and refuses to be read further: a read of
    # the announced 300 MB would fail the request instead of answering 413.
    response = client.generic(
        "POST",
        f"{kind.pages}upload/",
        data=b"x" * 1024,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(announced),
    )

    assert response.status_code == 413
    page = response.content.decode()
    assert 'id="upload-too-large"' in page and "300 MB" in page and "5 MB" in page
    assert not kind.model.objects.exists()
