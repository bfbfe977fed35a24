"""What the cases app's page views share: the role gate, history rows, file downloads."""

from __future__ import annotations

import datetime as dt
import logging

from django.http import FileResponse, Http404
from django.utils import timezone

from collections_office.exports import NO_STORE
from staff.access import check_roles

from .. import selectors

logger = logging.getLogger("cases.views")


def require_role(user, roles) -> None:
    """Kept for views written before `staff.access.role_required`; use the decorator."""
    check_roles(user, roles)


def require_bank_manager(user) -> None:
    """Kept for views written before `staff.access.role_required`; use the decorator."""
    check_roles(user, selectors.BANK_MANAGER_ROLES)


def shown_value(value):
    """A history value as people read it: times in the company's zone, to the minute."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def history_rows(records, *, limit: int = 50) -> list[dict]:
    """Newest first: each history row with the fields it changed (old → new).

    Diffs are made between neighbouring rows in memory (no query per row).
    """
    records = list(records[: limit + 1])
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            changes = [
                {
                    "field": change.field,
                    "old": shown_value(change.old),
                    "new": shown_value(change.new),
                }
                for change in delta.changes
                if change.field not in {"updated_at"}
            ]
        rows.append({"entry": record, "changes": changes})
    return rows


def attachment_response(field_file, filename: str):
    """A stored file as a download; a file missing from storage is a logged 404, not a 500."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        logger.error("stored file is missing", extra={"file": field_file.name})
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Cache-Control"] = NO_STORE
    return response
