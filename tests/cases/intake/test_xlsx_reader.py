"""The streaming XLSX reader: what it reads, and that its memory does not grow.

Workbooks are written here part by part, so that each test controls the XML a
bank's Excel (or its reporting system) would produce.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tracemalloc
import zipfile
from xml.sax.saxutils import escape

import pytest

from cases.intake import PlacementFileError
from cases.intake.readers import open_source
from cases.intake.xlsx import SheetReader

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}">
  <numFmts count="1">
    <numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
  </numFmts>
  <cellXfs count="4">
    <xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="49"/>
  </cellXfs>
</styleSheet>"""


def workbook(
    sheet_rows: str,
    *,
    strings: list[str] | str = (),
    date1904: bool = False,
    dimension: str = "A1:C3",
) -> bytes:
    """A workbook whose first sheet has `sheet_rows` (<row> elements) and whose
    shared strings are `strings` (plain) or an <sst> body given as XML."""
    if isinstance(strings, str):
        sst_body = strings
    else:
        sst_body = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<workbookPr date1904="{1 if date1904 else 0}"/>'
            '<sheets><sheet name="案件" sheetId="1" r:id="rId7"/>'
            '<sheet name="other" sheetId="2" r:id="rId8"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId7" Type="{REL}/worksheet" Target="worksheets/data.xml"/>'
            f'<Relationship Id="rId8" Type="{REL}/worksheet" Target="worksheets/other.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="strings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/styles" Target="/xl/styles.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/data.xml": (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
            f"<sheetData>{sheet_rows}</sheetData></worksheet>"
        ),
        "xl/worksheets/other.xml": (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>not this sheet</t></is></c></row>'
            "</sheetData></worksheet>"
        ),
        "xl/strings.xml": f'<?xml version="1.0"?><sst xmlns="{MAIN}">{sst_body}</sst>',
        "xl/styles.xml": STYLES,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def read_all(content: bytes) -> tuple[list, list]:
    source = open_source(io.BytesIO(content), "xlsx")
    try:
        return source.header, list(source.rows())
    finally:
        source.close()


def test_cells_read_as_openpyxl_would_give_them():
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="inlineStr"><is><t>余额</t></is></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>46082</v></c>'
        '<c r="C2"><v>1234.5</v></c><c r="E2" t="b"><v>1</v></c></row>'
        # Excel drops empty rows: rows 3 and 4 are not in the file.
        '<row r="5"><c r="A5"><v>6222020000000001</v></c><c r="B5" s="2"><v>46083.5</v></c>'
        '<c r="C5" t="str"><v>=计算结果</v></c></row>'
        '<row r="6"><c r="B6" t="s"><v>3</v></c></row>'
    )
    strings = (
        "<si><t>账号</t></si>"
        # Rich text in runs, with a phonetic guide that is not part of the text.
        '<si><r><t>逾期</t></r><r><rPr><b/></rPr><t xml:space="preserve">日期 </t></r>'
        "<rPh sb='0' eb='2'><t>ユキ</t></rPh></si>"
        "<si><t>=HYPERLINK(&quot;x&quot;)</t></si>"
        "<si><t>张三</t></si>"
    )
    header, data = read_all(workbook(rows, strings=strings))

    assert header == ["账号", "逾期日期", "余额"]
    assert data == [
        (2, ['=HYPERLINK("x")', dt.datetime(2026, 3, 1), 1234.5, None, True], ""),
        (5, [6222020000000001, dt.datetime(2026, 3, 2, 12, 0), "=计算结果"], ""),
        (6, [None, "张三"], ""),
    ]


def test_the_1904_calendar_and_the_declared_size():
    rows = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>d</t></is></c></row>'
        '<row r="2"><c r="A2" s="1"><v>44620</v></c></row>'
    )
    content = workbook(rows, date1904=True, dimension="A1:L100001")
    source = open_source(io.BytesIO(content), "xlsx")
    try:
        assert source.total == 100_000
        assert list(source.rows()) == [(2, [dt.datetime(2026, 3, 1)], "")]
    finally:
        source.close()


def test_a_sheet_without_a_first_row_has_no_header():
    rows = '<row r="2"><c r="A2" t="inlineStr"><is><t>账号</t></is></c></row>'
    with pytest.raises(PlacementFileError, match="no header row"):
        read_all(workbook(rows))


@pytest.mark.parametrize(
    ("rows", "strings"),
    [
        ('<row r="1"><c r="A1" t="s"><v>5</v></c></row>', ["only one"]),  # no such string
        ('<row r="1"><c r="A1"><v>12x</v></c></row>', []),  # not a number
        ('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c', []),  # cut off
    ],
)
def test_a_damaged_sheet_is_a_clear_error(rows, strings):
    with pytest.raises(PlacementFileError, match="damaged"):
        read_all(workbook(rows, strings=strings))


def test_an_entity_expansion_bomb_is_refused_not_expanded():
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{laughs}]>'
        f'<sst xmlns="{MAIN}"><si><t>&l9;</t></si></sst>'
    )
    content = workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as original, zipfile.ZipFile(out, "w") as copy:
        for item in original.infolist():
            data = bomb.encode() if item.filename == "xl/strings.xml" else original.read(item)
            copy.writestr(item, data)

    tracemalloc.start()
    try:
        with pytest.raises(PlacementFileError, match="damaged"):
            read_all(out.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Expat stops at its amplification limit, after some megabytes; the whole
    # expansion, 10^9 "lol"s, would be 3 GB.
    assert peak < 100 * 1024**2


def test_memory_does_not_grow_with_the_shared_strings():
    """60,000 rows of three distinct texts each: ~180,000 shared strings, ~14 MB as
    Python strings (what openpyxl keeps); the reader keeps them on disk."""
    count = 60_000
    strings = []
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>']
    for n in range(count):
        base = len(strings)
        strings += [f"账号{n:012d}", f"姓名{n}某某", f"上海市浦东新区某某路{n}号{n % 97}室"]
        rows.append(
            f'<row r="{n + 2}"><c r="A{n + 2}" t="s"><v>{base}</v></c>'
            f'<c r="B{n + 2}" t="s"><v>{base + 1}</v></c>'
            f'<c r="C{n + 2}" t="s"><v>{base + 2}</v></c></row>'
        )
    content = workbook("".join(rows), strings=strings)

    tracemalloc.start()
    try:
        reader = SheetReader(io.BytesIO(content))
        last = None
        for last in reader.rows():  # noqa: B007 - only the last one is checked
            pass
        reader.close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert last == (count + 1, [f"账号{count - 1:012d}", f"姓名{count - 1}某某", strings[-1]])
    assert sum(sys.getsizeof(text) for text in strings) > 10 * 1024**2
    assert peak < 4 * 1024**2
