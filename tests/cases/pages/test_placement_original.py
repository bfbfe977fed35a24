"""The bank's original file: a permission of its own, every download recorded, never cached."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from staff.models import PersonalDataView
from tests.cases.api.builders import make_placement, make_row_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_placement(agreement_a):
    placement = make_placement(agreement_a, original_name="bank.csv", rows_total=1234)
    placement.original_file.save("orig.csv", ContentFile(b"account_no\n1\n"), save=True)
    return placement


def test_admin_staff_without_the_permission_may_not_download_the_original(
    as_user, admin_a, stored_placement
):
    client = as_user(admin_a)
    assert client.get(f"/cases/placements/{stored_placement.pk}/original/").status_code == 403
    html = client.get(f"/cases/placements/{stored_placement.pk}/").content.decode()
    assert 'id="download-original"' not in html
    assert not PersonalDataView.objects.exists()


def test_granted_download_is_recorded_with_the_number_of_people_and_not_cached(
    as_user, original_downloader_a, stored_placement
):
    client = as_user(original_downloader_a)
    html = client.get(f"/cases/placements/{stored_placement.pk}/").content.decode()
    assert 'id="download-original"' in html
    response = client.get(f"/cases/placements/{stored_placement.pk}/original/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"account_no\n1\n"
    assert "no-store" in response["Cache-Control"]
    record = PersonalDataView.objects.get()
    assert record.user == original_downloader_a
    assert record.content_type.model == "placement"
    assert record.object_id == str(stored_placement.pk)
    assert record.records == 1234
    assert record.path == f"/cases/placements/{stored_placement.pk}/original/"


def test_every_download_is_a_record_of_its_own(as_user, original_downloader_a, stored_placement):
    client = as_user(original_downloader_a)
    for _ in range(2):
        client.get(f"/cases/placements/{stored_placement.pk}/original/")
    assert PersonalDataView.objects.filter(object_id=str(stored_placement.pk)).count() == 2


def test_another_branchs_original_stays_404_even_with_the_permission(
    as_user, original_downloader_a, agreement_b
):
    placement = make_placement(agreement_b)
    placement.original_file.save("orig.csv", ContentFile(b"x\n"), save=True)
    response = as_user(original_downloader_a).get(f"/cases/placements/{placement.pk}/original/")
    assert response.status_code == 404
    assert not PersonalDataView.objects.exists()


def test_rejected_rows_downloads_are_not_cached(as_user, admin_a, agreement_a):
    # The messages never repeat a value of the row, so no view record; still no-store.
    placement = make_placement(agreement_a)
    make_row_errors(placement)
    client = as_user(admin_a)
    for kind in ("csv", "xlsx"):
        response = client.get(f"/cases/placements/{placement.pk}/rejected-rows.{kind}")
        assert "no-store" in response["Cache-Control"], kind
