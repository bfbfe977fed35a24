"""Repayment file pages (issue 13): list with live progress, upload on a bank's behalf,
detail with counts, rejected and imported rows, downloads; scoped like placements."""

from __future__ import annotations

import io

import pytest

from cases.models import BankRepayment, RepaymentFile
from tests.cases.api.builders import make_case
from tests.cases.api.test_repayments_api import make_errors, make_repayment_file
from tests.cases.repayments.conftest import csv_bytes, line

pytestmark = pytest.mark.django_db


def urls_of(repayment_file) -> list[str]:
    return [
        f"/cases/repayments/{repayment_file.pk}/",
        f"/cases/repayments/{repayment_file.pk}/rejected-rows.csv",
        f"/cases/repayments/{repayment_file.pk}/rejected-rows.xlsx",
    ]


def test_anonymous_and_other_roles_cannot_open_repayment_files(
    client, as_user, supervisor_a, collector_a, manager_a, agreement_a
):
    repayment_file = make_repayment_file(agreement_a)
    urls = ["/cases/repayments/", "/cases/repayments/upload/", *urls_of(repayment_file)]
    for url in urls:
        assert client.get(url).status_code == 302
    for user in (supervisor_a, collector_a, manager_a):
        client = as_user(user)
        for url in urls:
            assert client.get(url).status_code == 403, url


def test_another_branchs_file_is_404_and_not_listed(as_user, admin_a, agreement_b):
    theirs = make_repayment_file(agreement_b)
    client = as_user(admin_a)
    for url in urls_of(theirs):
        assert client.get(url).status_code == 404, url
    html = client.get("/cases/repayments/").content.decode()
    assert f'data-repayment-file="{theirs.pk}"' not in html


def test_hq_admin_sees_every_branchs_files(as_user, admin_hq, agreement_a, agreement_b):
    files = [make_repayment_file(agreement_a), make_repayment_file(agreement_b)]
    client = as_user(admin_hq)
    html = client.get("/cases/repayments/").content.decode()
    for repayment_file in files:
        assert f'data-repayment-file="{repayment_file.pk}"' in html
        assert client.get(f"/cases/repayments/{repayment_file.pk}/").status_code == 200


def test_the_placement_list_links_to_the_repayment_files(as_user, admin_a, agreement_a):
    html = as_user(admin_a).get("/cases/placements/").content.decode()
    assert 'href="/cases/repayments/"' in html


def test_list_filters_by_status(as_user, admin_a, agreement_a):
    failed = make_repayment_file(agreement_a, status=RepaymentFile.Status.FAILED)
    done = make_repayment_file(agreement_a)
    html = as_user(admin_a).get("/cases/repayments/?status=failed").content.decode()
    assert f'data-repayment-file="{failed.pk}"' in html
    assert f'data-repayment-file="{done.pk}"' not in html


def test_detail_shows_counts_progress_rejected_and_imported_rows(as_user, admin_a, agreement_a):
    repayment_file = make_repayment_file(agreement_a, rows_total=10, rows_imported=1)
    make_errors(repayment_file, count=2)
    case = make_case(agreement_a, account_no="ACC-SHOWN")
    BankRepayment.objects.create(
        repayment_file=repayment_file,
        bank=repayment_file.bank,
        agreement=agreement_a,
        case=case,
        account_no="ACC-SHOWN",
        amount="321.09",
        paid_on="2026-11-02",
        reference="REF-SHOWN",
        row=4,
    )
    html = as_user(admin_a).get(f"/cases/repayments/{repayment_file.pk}/").content.decode()
    assert 'id="rows-imported">1<' in html and 'id="rows-rejected">2<' in html
    assert "duplicate 1" in html
    assert "REF-SHOWN" in html and "321.09" in html
    assert "hx-trigger" not in html  # completed: no polling


def test_upload_on_behalf_of_a_bank_is_imported(
    as_user, admin_a, agreement_a, django_capture_on_commit_callbacks
):
    from unittest import mock

    from cases.tasks import repayment_import_task

    make_case(agreement_a, account_no="ACC-1")
    upload = io.BytesIO(csv_bytes([line("ACC-1"), line("NEVER")]))
    upload.name = "from-email.csv"
    with (
        mock.patch.object(repayment_import_task, "delay", side_effect=repayment_import_task),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = as_user(admin_a).post(
            "/cases/repayments/upload/",
            {"bank": agreement_a.bank.pk, "agreement": agreement_a.pk, "file": upload},
        )
    repayment_file = RepaymentFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/repayments/{repayment_file.pk}/"
    assert repayment_file.uploaded_by == admin_a and repayment_file.api_key is None
    repayment_file.refresh_from_db()
    assert (repayment_file.status, repayment_file.rows_imported) == ("completed", 1)
    html = as_user(admin_a).get(response["Location"]).content.decode()
    assert "The bank never placed this account with the agency." in html


def test_upload_refuses_another_branchs_bank_and_bad_files(
    as_user, admin_a, agreement_a, agreement_b
):
    client = as_user(admin_a)
    upload = io.BytesIO(csv_bytes([line()]))
    upload.name = "r.csv"
    response = client.post(
        "/cases/repayments/upload/", {"bank": agreement_b.bank.pk, "file": upload}
    )
    assert response.status_code == 200 and 'data-field="bank"' in response.content.decode()
    empty = io.BytesIO(b"")
    empty.name = "empty.csv"
    response = client.post(
        "/cases/repayments/upload/", {"bank": agreement_a.bank.pk, "file": empty}
    )
    assert response.status_code == 200 and 'data-field="file"' in response.content.decode()
    assert not RepaymentFile.objects.exists()


def test_repayment_pages_speak_simplified_chinese(as_user, admin_a, agreement_a):
    admin_a.staff_profile.language = "zh-hans"
    admin_a.staff_profile.save()
    repayment_file = make_repayment_file(agreement_a)
    client = as_user(admin_a)
    assert "还款文件" in client.get("/cases/repayments/").content.decode()
    assert "已导入的还款" in client.get(f"/cases/repayments/{repayment_file.pk}/").content.decode()


def test_the_agreement_page_lists_its_repayment_files(as_user, admin_a, agreement_a):
    repayment_file = make_repayment_file(agreement_a, original_name="nov-repayments.csv")
    html = as_user(admin_a).get(f"/cases/agreements/{agreement_a.pk}/").content.decode()
    assert f'href="/cases/repayments/{repayment_file.pk}/"' in html
    assert "nov-repayments.csv" in html
    listed = as_user(admin_a).get(f"/cases/repayments/?agreement={agreement_a.pk}")
    assert f'data-repayment-file="{repayment_file.pk}"' in listed.content.decode()
