"""Evidence uploads: accepted by what they are (first bytes), not by what they are called."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

SIGNATURES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def max_evidence_bytes() -> int:
    return getattr(settings, "PROMOTION_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)


def check_evidence_file(file) -> str:
    """The content type of an acceptable evidence file; ValidationError naming the file."""
    name = getattr(file, "name", "") or ""
    limit = max_evidence_bytes()
    if file.size > limit:
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s."),
            code="file_too_large",
            params={
                "name": name,
                "size": filesizeformat(file.size),
                "limit": filesizeformat(limit),
            },
        )
    if file.size == 0:
        raise ValidationError(_("%(name)s is empty."), code="empty_file", params={"name": name})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise ValidationError(
            _("%(name)s: only PDF, JPEG and PNG files are accepted."),
            code="file_type",
            params={"name": name},
        )
    content_type, heads = SIGNATURES[extension]
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not head.startswith(heads):
        raise ValidationError(
            _("%(name)s is not really a .%(extension)s file (its contents do not match)."),
            code="file_content",
            params={"name": name, "extension": extension},
        )
    return content_type
