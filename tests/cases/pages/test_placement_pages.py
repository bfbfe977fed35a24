"""Placement pages: list with live progress, upload on a bank's behalf, detail, downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile

from cases.models import Placement
from tests.cases.api.builders import make_placement, make_row_errors

pytestmark = pytest.mark.django_db


def test_anonymous_and_wrong_roles_cannot_open_placements(
    client, as_user, supervisor_a, collector_a, agreement_a
):
    placement = make_placement(agreement_a)
    urls = [
        "/cases/placements/",
        "/cases/placements/upload/",
        f"/cases/placements/{placement.pk}/",
        f"/cases/placements/{placement.pk}/rejected-rows.csv",
        f"/cases/placements/{placement.pk}/original/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    for user in (supervisor_a, collector_a):
        client = as_user(user)
        for url in urls:
            assert client.get(url).status_code == 403, url


def test_other_branchs_placement_is_404(as_user, admin_a, agreement_b):
    placement = make_placement(agreement_b)
    client = as_user(admin_a)
    for suffix in ("", "rejected-rows.csv", "rejected-rows.xlsx", "original/"):
        assert client.get(f"/cases/placements/{placement.pk}/{suffix}").status_code == 404
    assert (
        f'data-placement="{placement.pk}"' not in client.get("/cases/placements/").content.decode()
    )


def test_detail_shows_counts_progress_and_rejected_rows(as_user, admin_a, agreement_a):
    placement = make_placement(agreement_a, rows_total=10, rows_created=6, rows_updated=2)
    make_row_errors(placement, count=2)
    html = as_user(admin_a).get(f"/cases/placements/{placement.pk}/").content.decode()
    assert 'id="rows-created">6<' in html and 'id="rows-rejected">2<' in html
    assert "bad checksum 1" in html
    assert "hx-trigger" not in html  # completed: no polling


def test_late_placement_is_marked(as_user, admin_a, agreement_a, settings):
    settings.PLACEMENT_IMPORT_SLA_MINUTES = 0
    placement = make_placement(agreement_a, status=Placement.Status.RECEIVED, rows_total=0)
    html = as_user(admin_a).get(f"/cases/placements/{placement.pk}/").content.decode()
    assert 'id="placement-late"' in html


def test_original_file_downloads_unchanged_as_attachment(
    as_user, original_downloader_a, agreement_a
):
    placement = make_placement(agreement_a, original_name="银行文件.csv")
    placement.original_file.save("orig.csv", ContentFile(b"account_no\n1\n"), save=True)
    response = as_user(original_downloader_a).get(f"/cases/placements/{placement.pk}/original/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"account_no\n1\n"


def test_upload_on_behalf_of_a_bank_creates_a_placement(
    as_user, admin_a, agreement_a, django_capture_on_commit_callbacks
):
    upload = io.BytesIO(b"account_no,debtor_name\nU-1,Zhang San\n")
    upload.name = "from-email.csv"
    with django_capture_on_commit_callbacks(execute=False):
        response = as_user(admin_a).post(
            "/cases/placements/upload/", {"bank": agreement_a.bank.pk, "file": upload}
        )
    placement = Placement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/placements/{placement.pk}/"
    assert placement.uploaded_by == admin_a and placement.api_key is None
    assert placement.agreement == agreement_a


def test_upload_refuses_another_branchs_bank_and_bad_files(
    as_user, admin_a, agreement_a, agreement_b
):
    client = as_user(admin_a)
    upload = io.BytesIO(b"account_no,debtor_name\nU-1,Zhang San\n")
    upload.name = "p.csv"
    response = client.post(
        "/cases/placements/upload/", {"bank": agreement_b.bank.pk, "file": upload}
    )
    assert response.status_code == 200 and 'data-field="bank"' in response.content.decode()
    empty = io.BytesIO(b"")
    empty.name = "empty.csv"
    response = client.post(
        "/cases/placements/upload/", {"bank": agreement_a.bank.pk, "file": empty}
    )
    assert response.status_code == 200 and 'data-field="file"' in response.content.decode()
    assert not Placement.objects.exists()


def test_placement_pages_speak_simplified_chinese(as_user, admin_a, agreement_a):
    admin_a.staff_profile.language = "zh-hans"
    admin_a.staff_profile.save()
    placement = make_placement(agreement_a)
    client = as_user(admin_a)
    assert "上传文件" in client.get("/cases/placements/").content.decode()
    assert "拒收行与警告" in client.get(f"/cases/placements/{placement.pk}/").content.decode()


def test_original_file_missing_from_storage_is_404_not_500(
    as_user, original_downloader_a, agreement_a
):
    placement = make_placement(agreement_a)  # points at a file that was never written
    response = as_user(original_downloader_a).get(f"/cases/placements/{placement.pk}/original/")
    assert response.status_code == 404


def test_upload_a_little_above_the_file_limit_reaches_the_form_check(
    as_user, admin_a, agreement_a, settings
):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 1024
    upload = io.BytesIO(b"account_no,debtor_name\n" + b"U-1,Zhang San\n" * 200)
    upload.name = "big.csv"
    response = as_user(admin_a).post(
        "/cases/placements/upload/", {"bank": agreement_a.bank.pk, "file": upload}
    )
    assert response.status_code == 200
    assert 'data-field="file"' in response.content.decode()
    assert not Placement.objects.exists()
