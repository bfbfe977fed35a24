"""Reading placement files: bytes → a header and rows, streaming.

CSV: the encoding is taken from the bytes, never from what the uploader
declared (browsers and bank systems get the charset wrong): a BOM decides;
else strict UTF-8 is tried and GB18030 (a superset of GBK and GB2312) is the
fallback. A first pass over the file counts the rows (the progress bar's total)
and proves the whole file decodes, so that an encoding problem at row 80,000
fails the placement before anything was written.

XLSX: the first sheet is streamed from its XML, with the shared-strings table
spilled to disk (`cases.intake.xlsx`: openpyxl's read-only mode would load that
table whole); before that the zip's central directory is checked so that a "zip
bomb" (a small file that inflates to gigabytes) is refused without inflating it.

Rows are yielded as (row number as the clerk sees it — the header is row 1 —,
cells, problem); blank rows are skipped.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from cases.intake import PlacementFileError

CSV = "csv"
XLSX = "xlsx"

SNIFF_BYTES = 64 * 1024
# Zip-bomb limits. A real placement workbook's sheet XML inflates 5-20x.
XLSX_MAX_RATIO = 100
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3

_BINARY_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"\x1f\x8b": "gzip archive",
    b"Rar!": "RAR archive",
    b"7z\xbc\xaf": "7-Zip archive",
}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# No column holds more than this (the longest, the address, takes 500). A longer value
# is rejected with its row and column; the csv module's own limit (131,072 characters)
# is lifted so that it reads such a value instead of failing mid-row with a misleading
# "quote in the wrong place" (the limit is process-wide; the upload size bounds it).
MAX_CELL_CHARS = 1_000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

# Delimiters a bank's export may use; the one the header line holds most of wins.
CSV_DELIMITERS = (",", ";", "\t", "|")


def sniff_kind(head: bytes, name: str) -> str:
    """CSV or XLSX from the first bytes (and the name only to explain a mismatch)."""
    lower = (name or "").lower()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return XLSX
    if head.startswith(_OLE2) or lower.endswith(".xls"):
        raise PlacementFileError(
            _(
                "This is an old Excel 97-2003 (.xls) file. Please save it as Excel "
                "workbook (.xlsx) or CSV and upload it again."
            )
        )
    if lower.endswith((".xlsx", ".xlsm")):
        raise PlacementFileError(
            _(
                "The file is named .xlsx but is not an Excel workbook (it is not a zip "
                "archive). It may be damaged or renamed from another format."
            )
        )
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise PlacementFileError(
                _("The file is a %(what)s, not a CSV or XLSX file.") % {"what": what}
            )
    if detect_encoding(head) is None:
        raise PlacementFileError(
            _(
                "The file is not a CSV or XLSX file (it is not text in UTF-8 or "
                "GB18030/GBK, and not an Excel workbook)."
            )
        )
    return CSV


def detect_encoding(head: bytes) -> str | None:
    """The encoding of a CSV file from its first bytes; None if it is not text."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    if b"\x00" in head:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")("strict").decode(head, final=False)
        return "gb18030"
    except UnicodeDecodeError:
        return None


def check_xlsx_archive(fileobj: IO[bytes]) -> None:
    """Refuses non-zip files, zips that are not workbooks, and zip bombs — before inflating."""
    fileobj.seek(0)
    if not zipfile.is_zipfile(fileobj):
        raise PlacementFileError(
            _("The file is not a valid Excel workbook (.xlsx): it is not a zip archive.")
        )
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PlacementFileError(_("The Excel workbook is damaged and cannot be read.")) from exc
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise PlacementFileError(_("The file is a zip archive but not an Excel workbook (.xlsx)."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > XLSX_MAX_UNCOMPRESSED or (member.file_size > 1024**2 and ratio > XLSX_MAX_RATIO):
            raise PlacementFileError(
                _(
                    "The Excel workbook would inflate to an unreasonable size (a “zip bomb”) "
                    "and was refused. Please send a normal export of the data."
                )
            )
    fileobj.seek(0)


@dataclass
class RowSource:
    """A file opened for import: its header, row count (if known) and rows."""

    kind: str
    header: list[str]
    total: int | None
    _rows: Iterator[tuple[int, list[Any], str | tuple[str, str]]]
    _closers: list = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[Any], str | tuple[str, str]]]:
        return self._rows

    def close(self) -> None:
        for close in self._closers:
            close()


def open_source(fileobj: IO[bytes], kind: str) -> RowSource:
    if kind == XLSX:
        return _open_xlsx(fileobj)
    return _open_csv(fileobj)


# --- CSV ------------------------------------------------------------------------------


def _is_blank(cells: list[Any]) -> bool:
    for cell in cells:
        if cell is not None and cell != "" and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def _csv_records(
    fileobj: IO[bytes], encoding: str, delimiter: str
) -> Iterator[tuple[int, list[str] | None, str]]:
    """(row number, cells or None, problem) for every record, the header included.

    `strict=True` makes a broken quote an error instead of swallowing the rest
    of the file into one cell; the reader goes on with the next line.
    """
    fileobj.seek(0)
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="strict", newline="")
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    number = 0
    try:
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    problem = _(
                        'The row ends inside a quoted value (a “"” is not closed): '
                        "the file looks cut off here."
                    )
                else:
                    problem = _(
                        'The row cannot be read: a quote character (") is in the wrong '
                        'place. Values containing quotes must be written as "".'
                    )
                yield number, None, problem
                continue
            yield number, cells, ""
    finally:
        # Leave the underlying file open for the next pass (ValueError: it was closed
        # already, by an import that stopped early).
        with contextlib.suppress(ValueError):
            text.detach()


def _sniff_delimiter(fileobj: IO[bytes], encoding: str) -> str:
    """The header line's most frequent of comma, semicolon, tab and pipe (comma on a
    tie): header names never contain any of them, while data rows may (addresses)."""
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    text = head.decode(encoding, errors="ignore")
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def _count_csv(fileobj: IO[bytes], encoding: str, delimiter: str) -> int:
    count = 0
    for number, cells, problem in _csv_records(fileobj, encoding, delimiter):
        if number == 1:
            continue
        if problem or not _is_blank(cells):
            count += 1
    return count


def _open_csv(fileobj: IO[bytes]) -> RowSource:
    fileobj.seek(0)
    encoding = detect_encoding(fileobj.read(SNIFF_BYTES))
    if encoding is None:
        raise PlacementFileError(_("The file is not text in UTF-8 or GB18030/GBK."))
    delimiter = _sniff_delimiter(fileobj, encoding)
    try:
        total = _count_csv(fileobj, encoding, delimiter)
    except UnicodeDecodeError:
        # The start was valid UTF-8 (e.g. English headers) but later rows are not:
        # Chinese bank systems write GBK/GB18030.
        if encoding != "utf-8":
            raise PlacementFileError(_("The file is not text in UTF-8 or GB18030/GBK.")) from None
        encoding = "gb18030"
        try:
            total = _count_csv(fileobj, encoding, delimiter)
        except UnicodeDecodeError:
            raise PlacementFileError(
                _(
                    "The file mixes text encodings (it is neither UTF-8 nor GB18030/GBK "
                    "throughout). Please save it again as CSV UTF-8."
                )
            ) from None

    records = _csv_records(fileobj, encoding, delimiter)
    first = next(records, None)
    if first is None or first[1] is None or _is_blank(first[1]):
        raise PlacementFileError(_("The file has no header row (the first row is empty)."))
    header = [cell.strip() for cell in first[1]]

    def too_long(cells: list[str]) -> tuple[str, str]:
        index = max(range(len(cells)), key=lambda position: len(cells[position]))
        column = header[index] if index < len(header) else str(index + 1)
        message = _(
            "The value is %(length)s characters long; no column takes more than %(max)s "
            "(a quote left open in the row before can also cause this)."
        ) % {"length": f"{len(cells[index]):,}", "max": f"{MAX_CELL_CHARS:,}"}
        return column, message

    def rows() -> Iterator[tuple[int, list[Any], str | tuple[str, str]]]:
        for number, cells, problem in records:
            if problem:
                yield number, [], problem
            elif not _is_blank(cells):
                # One C-level pass per row (~0.3 µs): cheap next to validating it.
                if max(map(len, cells)) > MAX_CELL_CHARS:
                    yield number, [], too_long(cells)
                else:
                    yield number, cells, ""

    return RowSource(kind=CSV, header=header, total=total, _rows=rows())


# --- XLSX ------------------------------------------------------------------------------


def _open_xlsx(fileobj: IO[bytes]) -> RowSource:
    from cases.intake.xlsx import READ_ERRORS, SheetReader  # only XLSX placements pay

    check_xlsx_archive(fileobj)
    damaged = _("The Excel workbook is damaged and cannot be read.")
    try:
        reader = SheetReader(fileobj)
    except READ_ERRORS as exc:
        raise PlacementFileError(damaged) from exc
    header_cells = reader.header_cells
    if _is_blank(header_cells):
        reader.close()
        raise PlacementFileError(_("The first sheet has no header row (the first row is empty)."))
    header = ["" if cell is None else str(cell).strip() for cell in header_cells]
    # The sheet's declared size; only for the progress bar, corrected as rows come.
    total = reader.total

    def rows() -> Iterator[tuple[int, list[Any], str]]:
        try:
            for number, cells in reader.rows():
                if not _is_blank(cells):
                    yield number, cells, ""
        except READ_ERRORS as exc:
            raise PlacementFileError(damaged) from exc

    return RowSource(kind=XLSX, header=header, total=total, _rows=rows(), _closers=[reader.close])
