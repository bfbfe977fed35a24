"""CSV and XLSX downloads that are safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab / carriage return) is run as a
formula by Excel and WPS; a bank clerk opening a report must never run what
a debtor's name or a visitor's note contains. Such cells are prefixed with a
single quote, which spreadsheet programs show as text (the OWASP advice).

Every download is `Cache-Control: private, no-store`: exports list people, and
no browser cache or shared proxy may keep a copy after the page is closed.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NO_STORE = "private, no-store"


def escape_formula(value):
    """Makes a formula-looking string inert; other values pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """A streamed CSV (UTF-8 with BOM, so Excel opens Chinese text correctly)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([escape_formula(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = NO_STORE
    return response


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]):
    """An XLSX built in write-only mode (constant memory) in a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(header))
    for row in rows:
        sheet.append([_xlsx_cell(cell) for cell in row])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = NO_STORE
    return response


def _xlsx_cell(value):
    # openpyxl stores a str starting with "=" as a formula: escape it, and drop
    # time zones Excel cannot hold (times are already in local time by then).
    value = escape_formula(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The same CSV as a string (for files written by tasks)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_formula(cell) for cell in row])
    return buffer.getvalue()
