"""Re-encrypts confidential attachments with the current key (called by `rotate_field_keys`).

Each file is rewritten under a new random name and the row then points at it;
the old file is deleted only after that commit, so a crash at any moment leaves
a row pointing at a readable file. Files already under the current key are
skipped, so the command can be stopped and run again.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from collections_office.personal_data import bytes_need_rotation, rotate_bytes

from .models import DocumentAttachment
from .services import ATTACHMENT_DIRECTORY


def _rotate_one(attachment_pk: int, stored_name: str) -> bool:
    try:
        with default_storage.open(stored_name, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        return False
    if not bytes_need_rotation(data):
        return False
    new_name = default_storage.save(
        f"{ATTACHMENT_DIRECTORY}/{uuid.uuid4().hex}", ContentFile(rotate_bytes(data))
    )
    with transaction.atomic():
        # A queryset update: key maintenance is not a change of the register's content.
        switched = DocumentAttachment.objects.filter(
            pk=attachment_pk, stored_name=stored_name
        ).update(stored_name=new_name)
        if switched:
            transaction.on_commit(lambda: default_storage.delete(stored_name))
    if not switched:
        default_storage.delete(new_name)
    return bool(switched)


def rotate_files(*, batch_size: int = 500, stdout=None) -> int:
    rotated = 0
    last_pk = 0
    while True:
        batch = list(
            DocumentAttachment.objects.filter(encrypted=True, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "stored_name")[:batch_size]
        )
        if not batch:
            break
        for attachment_pk, stored_name in batch:
            rotated += _rotate_one(attachment_pk, stored_name)
        last_pk = batch[-1][0]
    return rotated
