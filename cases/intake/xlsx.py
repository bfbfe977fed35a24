"""The first sheet of an .xlsx workbook, row by row, in memory that does not grow.

openpyxl's read-only mode streams a sheet's rows but loads the workbook's
shared-strings table whole — every distinct text of the file (names,
addresses, account and ID numbers stored as text) as a Python string, ~100
bytes each, several per row: a 1,000,000-row placement would need gigabytes.
Here the table is spilled, while it is parsed, to two temporary files (the
UTF-8 strings one after another, and their start offsets, 8 bytes each), and
a cell looks its string up with two positioned reads, behind a small cache for
the frequent ones (currencies, products). Everything else is parsed with the
standard library's incremental XML parser, each element dropped once read.

Values come out as openpyxl's `values_only=True` rows would (`data_only`: the
cached results of formulas): text as `str`, numbers as `int` or `float`, cells
with a date format as `datetime`, booleans as `bool`, empty cells as None.
Row numbers are the sheet's (the clerk's) row numbers.

XML safety: the parts are parsed by the standard library's expat (≥ 2.4.1 —
checked below), which refuses entity-expansion bombs ("billion laughs",
quadratic blow-up) by itself, and ElementTree never fetches external entities
or DTDs; the zip's inflated size was checked before (`check_xlsx_archive`).
That is what defusedxml would add, without a dependency (a test feeds it a
billion-laughs workbook).
"""

# ruff: noqa: S314 - see "XML safety" above
from __future__ import annotations

import datetime as dt
import functools
import os
import posixpath
import pyexpat
import re
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import ParseError, iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

if pyexpat.version_info < (2, 4, 1):  # pragma: no cover - Python 3.12 ships 2.5+
    raise ImportError("expat ≥ 2.4.1 is needed to read workbooks safely")

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_OFFSET = struct.Struct("<Q")


class WorkbookDamaged(Exception):
    """The workbook's parts are missing or not what they should be."""


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index - 1


def _text_of(element) -> str:
    """The text of a string item (<si>, <is>): plain or rich-text runs, without the
    phonetic guides (<rPh>) some East Asian Excel versions add."""
    parts = []
    for child in element:
        if child.tag == MAIN + "t":
            parts.append(child.text or "")
        elif child.tag == MAIN + "r":
            for run_part in child:
                if run_part.tag == MAIN + "t":
                    parts.append(run_part.text or "")
    return "".join(parts)


class SharedStrings:
    """The shared-strings table, on disk."""

    def __init__(self, stream: IO[bytes] | None):
        # Closed by close(), which the reader's owner calls when the import ends.
        self._data = tempfile.TemporaryFile()  # noqa: SIM115
        self._offsets = tempfile.TemporaryFile()  # noqa: SIM115
        self.count = 0
        if stream is not None:
            self._spill(stream)
        self._data.flush()
        self._offsets.flush()
        self.get = functools.lru_cache(maxsize=4096)(self._read)

    def _spill(self, stream: IO[bytes]) -> None:
        offset = 0
        root = None
        buffered_offsets, buffered_data = [], []
        for event, element in iterparse(stream, events=("start", "end")):
            if root is None:
                root = element
                continue
            if event != "end" or element.tag != MAIN + "si":
                continue
            data = _text_of(element).encode("utf-8")
            buffered_offsets.append(_OFFSET.pack(offset))
            buffered_data.append(data)
            offset += len(data)
            self.count += 1
            root.clear()  # what was read is dropped: the tree never grows
            if len(buffered_data) >= 4096:
                self._offsets.write(b"".join(buffered_offsets))
                self._data.write(b"".join(buffered_data))
                buffered_offsets, buffered_data = [], []
        buffered_offsets.append(_OFFSET.pack(offset))  # the end of the last string
        self._offsets.write(b"".join(buffered_offsets))
        self._data.write(b"".join(buffered_data))

    def _read(self, index: int) -> str:
        if not 0 <= index < self.count:
            raise WorkbookDamaged(f"shared string {index} of {self.count}")
        bounds = os.pread(self._offsets.fileno(), 16, index * 8)
        start, end = _OFFSET.unpack_from(bounds, 0)[0], _OFFSET.unpack_from(bounds, 8)[0]
        return os.pread(self._data.fileno(), end - start, start).decode("utf-8")

    def close(self) -> None:
        self._data.close()
        self._offsets.close()


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id → (type, target path in the archive) of a part's relationships."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in archive.NameToInfo:
        return {}
    found = {}
    with archive.open(rels_path) as stream:
        for _event, element in iterparse(stream):
            if element.tag == PKG_REL + "Relationship":
                target = element.get("Target", "")
                if target.startswith("/"):
                    path = target.lstrip("/")
                else:
                    path = posixpath.normpath(posixpath.join(folder, target))
                found[element.get("Id", "")] = (element.get("Type", ""), path)
    return found


def _first_sheet_and_calendar(archive: zipfile.ZipFile) -> tuple[str, dt.datetime]:
    sheet_id, calendar = None, CALENDAR_WINDOWS_1900
    with archive.open("xl/workbook.xml") as stream:
        for _event, element in iterparse(stream):
            if element.tag == MAIN + "workbookPr" and element.get("date1904") in ("1", "true"):
                calendar = CALENDAR_MAC_1904
            elif element.tag == MAIN + "sheet" and sheet_id is None:
                sheet_id = element.get(DOC_REL + "id")
    relationships = _relationships(archive, "xl/workbook.xml")
    if sheet_id not in relationships:
        raise WorkbookDamaged("no worksheet")
    return relationships[sheet_id][1], calendar


def _part_of_type(archive: zipfile.ZipFile, suffix: str, default: str) -> str | None:
    for kind, path in _relationships(archive, "xl/workbook.xml").values():
        if kind.endswith(suffix):
            return path if path in archive.NameToInfo else None
    return default if default in archive.NameToInfo else None


def _date_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell formats (`s` attribute of a cell) that show numbers as dates."""
    path = _part_of_type(archive, "/styles", "xl/styles.xml")
    if path is None:
        return frozenset()
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_formats = False
    with archive.open(path) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            if element.tag == MAIN + "cellXfs":
                in_cell_formats = event == "start"
            elif event == "end" and element.tag == MAIN + "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and element.tag == MAIN + "xf" and in_cell_formats:
                formats.append(int(element.get("numFmtId", "0")))
    return frozenset(
        index
        for index, format_id in enumerate(formats)
        if is_date_format(custom.get(format_id) or BUILTIN_FORMATS.get(format_id, "General"))
    )


class SheetReader:
    """Rows of the first sheet: `header` (row 1), `total` (data rows the sheet
    declares, or None) and `rows()` → (row number, cells) of non-empty rows."""

    def __init__(self, fileobj: IO[bytes]):
        self._archive = zipfile.ZipFile(fileobj)
        self._strings: SharedStrings | None = None
        try:
            sheet_path, self._calendar = _first_sheet_and_calendar(self._archive)
            if sheet_path not in self._archive.NameToInfo:
                raise WorkbookDamaged("worksheet part missing")
            self._date_styles = _date_styles(self._archive)
            strings_path = _part_of_type(self._archive, "/sharedStrings", "xl/sharedStrings.xml")
            if strings_path is None:
                self._strings = SharedStrings(None)
            else:
                with self._archive.open(strings_path) as stream:
                    self._strings = SharedStrings(stream)
            self._sheet = self._archive.open(sheet_path)
            self._rows = self._read_rows()
            self.total: int | None = None
            first = next(self._rows, None)  # reads the <dimension> on its way
            if first is not None and first[0] == 1:
                self.header_cells, self._pending = first[1], None
            else:
                self.header_cells, self._pending = [], first
        except BaseException:
            self.close()
            raise

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        if self._pending is not None:
            yield self._pending
        yield from self._rows

    def _read_rows(self) -> Iterator[tuple[int, list[Any]]]:
        sheet_data = None
        row_number = 0
        for event, element in iterparse(self._sheet, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == MAIN + "sheetData":
                    sheet_data = element
                continue
            if tag == MAIN + "dimension":
                self.total = self._declared_rows(element.get("ref", ""))
            elif tag == MAIN + "row":
                row_number = int(element.get("r") or row_number + 1)
                cells = self._cells(element)
                if sheet_data is not None:
                    sheet_data.clear()  # what was read is dropped: the tree never grows
                if cells:
                    yield row_number, cells

    @staticmethod
    def _declared_rows(ref: str) -> int | None:
        match = _CELL_REF.match(ref.split(":")[-1]) if ref else None
        return max(int(match.group(2)) - 1, 0) if match else None

    def _cells(self, row) -> list[Any]:
        cells: list[Any] = []
        for cell in row:
            if cell.tag != MAIN + "c":
                continue
            reference = cell.get("r")
            if reference:
                match = _CELL_REF.match(reference)
                if match is None:
                    raise WorkbookDamaged(f"cell reference {reference!r}")
                column = _column_index(match.group(1))
            else:
                column = len(cells)
            value = self._value(cell)
            if value is None:
                continue
            if column >= len(cells):
                cells.extend([None] * (column + 1 - len(cells)))
            cells[column] = value
        return cells

    def _value(self, cell) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            for child in cell:
                if child.tag == MAIN + "is":
                    return _text_of(child)
            return None
        raw = None
        for child in cell:
            if child.tag == MAIN + "v":
                raw = child.text
                break
        if raw is None:
            return None
        if kind == "s":
            return self._strings.get(int(raw))
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return dt.datetime.fromisoformat(raw.strip().rstrip("Z"))
        number = float(raw) if any(mark in raw for mark in ".Ee") else int(raw)
        style = cell.get("s")
        if style is not None and int(style) in self._date_styles:
            return from_excel(number, self._calendar)
        return number

    def close(self) -> None:
        if self._strings is not None:
            self._strings.close()
        sheet = getattr(self, "_sheet", None)
        if sheet is not None:
            sheet.close()
        self._archive.close()


READ_ERRORS = (WorkbookDamaged, ParseError, KeyError, ValueError, zipfile.BadZipFile, OSError)
