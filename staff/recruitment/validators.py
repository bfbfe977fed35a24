"""The CV upload, accepted by what its bytes are (PDF or Word .docx), not by its name."""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

CV_MAX_BYTES = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _is_docx(upload) -> bool:
    # A .docx is a zip holding a Word document part; an .xlsx or any zip is not one.
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and "word/document.xml" in names


def cv_content_type(upload) -> str:
    """The content type of an acceptable CV; raises ValidationError on the `cv` field."""
    name = getattr(upload, "name", "") or "file"
    if upload.size == 0:
        raise ValidationError({"cv": _("%(name)s is empty.") % {"name": name}})
    if upload.size > CV_MAX_BYTES:
        raise ValidationError(
            {
                "cv": _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(CV_MAX_BYTES),
                }
            }
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04") and _is_docx(upload):
        return DOCX
    raise ValidationError(
        {
            "cv": _("%(name)s is not a PDF or Word (.docx) file; a CV must be one of these.")
            % {"name": name}
        }
    )
