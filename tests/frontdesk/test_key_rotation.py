"""Key rotation reaches the confidential scans on disk."""

from __future__ import annotations

import base64
import datetime as dt
import os

import pytest
from django.core.files.storage import default_storage

from collections_office.personal_data import PersonalDataDecryptionError, decrypt_bytes
from frontdesk import key_rotation, services
from frontdesk.models import DocumentAttachment
from tests.frontdesk.conftest import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_rotation_re_encrypts_confidential_scans_under_the_new_key(
    desk, settings, django_capture_on_commit_callbacks
):
    old, new = _key(), _key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    document = services.document_register(
        actor=desk,
        title="Secret",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        confidentiality="confidential",
        files=[pdf_upload()],
    )
    services.document_register(
        actor=desk,
        title="Open",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        files=[pdf_upload()],
    )
    attachment = document.attachments.get()
    old_name = attachment.stored_name

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with django_capture_on_commit_callbacks(execute=True):
        assert key_rotation.rotate_files(batch_size=1) == 1
        assert key_rotation.rotate_files(batch_size=1) == 0  # a second run has nothing to do

    attachment.refresh_from_db()
    assert attachment.stored_name != old_name
    assert not default_storage.exists(old_name)
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can go now
    with default_storage.open(attachment.stored_name, "rb") as stored:
        assert decrypt_bytes(stored.read()) == PDF_BYTES
    # Normal scans are not encrypted and are left as they are.
    assert DocumentAttachment.objects.filter(encrypted=False).count() == 1


def test_without_the_old_key_the_scan_cannot_be_read(desk, settings):
    settings.FIELD_ENCRYPTION_KEYS = [_key()]
    document = services.document_register(
        actor=desk,
        title="Secret",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        confidentiality="confidential",
        files=[pdf_upload()],
    )
    settings.FIELD_ENCRYPTION_KEYS = [_key()]
    with default_storage.open(document.attachments.get().stored_name, "rb") as stored:
        data = stored.read()
    with pytest.raises(PersonalDataDecryptionError):
        decrypt_bytes(data)


def test_rotate_field_keys_command_rotates_the_scans_too(
    desk, settings, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    old = _key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    services.document_register(
        actor=desk,
        title="Secret",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        confidentiality="confidential",
        files=[pdf_upload()],
    )
    settings.FIELD_ENCRYPTION_KEYS = [_key(), old]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_field_keys", stdout=out)
    assert "frontdesk.key_rotation: 1 files re-encrypted" in out.getvalue()


def test_rotation_also_reaches_a_voided_scan(desk, settings, django_capture_on_commit_callbacks):
    # A voided scan stays on disk; once the old key is dropped it must still be readable.
    old, new = _key(), _key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    document = services.document_register(
        actor=desk,
        title="Secret",
        sender="S",
        receiving_unit="R",
        document_date=dt.date(2026, 11, 20),
        confidentiality="confidential",
        files=[pdf_upload()],
    )
    attachment = services.attachment_void(
        attachment=document.attachments.get(), actor=desk, reason="Wrong case"
    )

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with django_capture_on_commit_callbacks(execute=True):
        assert key_rotation.rotate_files() == 1

    attachment.refresh_from_db()
    assert attachment.voided_at is not None
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with default_storage.open(attachment.stored_name, "rb") as stored:
        assert decrypt_bytes(stored.read()) == PDF_BYTES
