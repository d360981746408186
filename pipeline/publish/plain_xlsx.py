"""A plain workbook written without openpyxl, byte for byte as publish/xlsx writes it.

The validation report is written at every run, `make check` included; openpyxl takes
a tenth of a second to import (more once validation has filled the heap) for a file
of two sheets of text and whole numbers. This writer makes exactly the bytes that
`xlsx.workbook_bytes` makes with openpyxl for such sheets (a test holds the two
together): the same parts, XML, styles and zip. Anything else (a date, a decimal
number, text Excel cannot hold) goes to openpyxl itself.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.publish.ooxml import FIXED_TIME
from pipeline.publish.row_height import wrapped_height

MAX_TEXT = 32_767  # openpyxl keeps this much of a text, as Excel does
PARTS = Path(__file__).with_name("xlsx_parts")  # openpyxl's theme and these sheets' styles
OPENPYXL = "3.1.5"  # the version whose bytes these are (docProps/app.xml names it)

SheetRows = tuple[Sequence[str], Sequence[Sequence[object]]]


def workbook_bytes(sheets: dict[str, SheetRows], widths: dict[str, Sequence[float]]) -> bytes:
    """What `xlsx.workbook_bytes(sheets, widths)` gives, without openpyxl when the sheets
    hold only text, whole numbers and empty cells, every row as wide as its header and its
    widths (the validation report)."""
    if not _plain(sheets, widths):
        from pipeline.publish import xlsx

        return xlsx.workbook_bytes(sheets, widths)
    names = list(sheets)
    parts = {
        "[Content_Types].xml": _content_types(len(names)),
        "_rels/.rels": ROOT_RELS,
        "docProps/app.xml": APP,
        "docProps/core.xml": CORE,
        "xl/_rels/workbook.xml.rels": _workbook_rels(len(names)),
        "xl/styles.xml": (PARTS / "styles.xml").read_bytes(),
        "xl/theme/theme1.xml": (PARTS / "theme1.xml").read_bytes(),
        "xl/workbook.xml": _workbook(names),
    }
    for index, name in enumerate(names, start=1):
        header, rows = sheets[name]
        parts[f"xl/worksheets/sheet{index}.xml"] = _sheet(header, rows, widths[name])
    # As ooxml.rewrite stores every saved workbook: sorted entries, fixed times.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, parts[name])
    return out.getvalue()


def _plain(sheets: dict[str, SheetRows], widths: dict[str, Sequence[float]]) -> bool:
    """Sheets this writer writes as openpyxl would; the rest goes to openpyxl."""
    if not sheets or set(widths) != set(sheets) or any(_quoted(n) for n in sheets):
        return False
    for name, (header, rows) in sheets.items():
        size = len(widths[name])
        if not header or len(header) != size or any(len(row) != size for row in rows):
            return False
        if any(type(w) is not int or w <= 0 for w in widths[name]):
            return False
        for value in (*header, *(v for row in rows for v in row)):
            if value is None or type(value) is int:
                continue
            if type(value) is not str or not _plain_text(value):
                return False
    return True


def _plain_text(text: str) -> bool:
    """Text openpyxl stores as it is: no control characters it refuses, nothing XML cannot
    hold (a lone surrogate, U+FFFE, U+FFFF)."""
    return not any(
        (ord(c) < 32 and c not in "\t\n\r")
        or 0xD800 <= ord(c) < 0xE000
        or ord(c) >= 0xFFFE
        and ord(c) <= 0xFFFF
        for c in text
    )


def _quoted(name: str) -> bool:
    """A sheet name that needs more than plain quoting or escaping (left to openpyxl)."""
    return not name or any(c in name for c in "'&<>\"") or not name.isprintable()


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _number(value: float) -> str:
    return f"{value:.16g}"  # as openpyxl writes a number ("%.16g")


def _text(value: str) -> str:
    """Text as lxml writes it into openpyxl's XML: escaped, ASCII with character references."""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\r", "&#13;").encode("ascii", "xmlcharrefreplace").decode("ascii")


def _cell(ref: str, style: int, value: object) -> str:
    if value is None:
        return f'<c r="{ref}" s="{style}" t="n"></c>'
    if type(value) is int:
        return f'<c r="{ref}" s="{style}" t="n"><v>{_number(value)}</v></c>'
    text = str(value)[:MAX_TEXT]
    if text == "":
        return f'<c r="{ref}" s="{style}" t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_text(text)}</t></is></c>'


def _sheet(header: Sequence[str], rows: Sequence[Sequence[object]], widths) -> bytes:
    size = len(header)
    cols = "".join(
        f'<col width="{_number(w)}" customWidth="1" min="{i}" max="{i}"/>'
        for i, w in enumerate(widths, start=1)
    )
    data = []
    for number, (row, style) in enumerate([(header, 1), *((row, 2) for row in rows)], start=1):
        kept = [v[:MAX_TEXT] if type(v) is str else v for v in row]
        height = _number(wrapped_height(kept, widths))
        cells = "".join(
            _cell(f"{_column(i)}{number}", style, v) for i, v in enumerate(kept, start=1)
        )
        data.append(f'<row r="{number}" ht="{height}" customHeight="1">{cells}</row>')
    orientation = "landscape" if sum(widths) > 90 else "portrait"
    return (
        f'{SHEET_START}<dimension ref="A1:{_column(size)}{len(rows) + 1}"/>{SHEET_VIEW}'
        f"<cols>{cols}</cols><sheetData>{''.join(data)}</sheetData>"
        f"{SHEET_END.format(orientation=orientation)}"
    ).encode("ascii")


def _content_types(sheets: int) -> bytes:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    return CONTENT_TYPES.format(sheets=overrides).encode("ascii")


def _workbook_rels(sheets: int) -> bytes:
    relations = [
        f'<Relationship Type="{RELS}/worksheet" Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}"/>'
        for i in range(1, sheets + 1)
    ]
    relations.append(
        f'<Relationship Type="{RELS}/styles" Target="styles.xml" Id="rId{sheets + 1}"/>'
    )
    relations.append(
        f'<Relationship Type="{RELS}/theme" Target="theme/theme1.xml" Id="rId{sheets + 2}"/>'
    )
    return (f'<Relationships xmlns="{PACKAGE_RELS}">{"".join(relations)}</Relationships>').encode(
        "ascii"
    )


def _workbook(names: list[str]) -> bytes:
    sheets = "".join(
        f'<sheet xmlns:r="{RELS}" name="{_text(name)}" sheetId="{i}" state="visible" '
        f'r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    titles = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">\'{_text(name)}\'!$1:$1'
        "</definedName>"
        for i, name in enumerate(names)
    )
    return (
        f'<workbook xmlns="{MAIN}"><workbookPr/><workbookProtection/><bookViews>'
        '<workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
        'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
        f'autoFilterDateGrouping="1"/></bookViews><sheets>{sheets}</sheets>'
        f'<definedNames>{titles}</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/>'
        "</workbook>"
    ).encode("ascii")


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument"
CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OFFICE}.spreadsheetml.styles+xml"/>'
    f'<Override PartName="/xl/theme/theme1.xml" ContentType="{OFFICE}.theme+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{OFFICE}.extended-properties+xml"/>'
    "{sheets}"
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Type="{RELS}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
    f'<Relationship Type="{PACKAGE_RELS}/metadata/core-properties" Target="docProps/core.xml" '
    'Id="rId2"/>'
    f'<Relationship Type="{RELS}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
    "</Relationships>"
).encode("ascii")
APP = (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    f'properties"><Application>Microsoft Excel Compatible / Openpyxl {OPENPYXL}</Application>'
    f"<AppVersion>{OPENPYXL.rsplit('.', 1)[0]}</AppVersion></Properties>"
).encode("ascii")
_DATE = (
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
    'XMLSchema-instance" xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z'
)
CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties"><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/"></dc:creator>'
    f"<dcterms:created {_DATE}</dcterms:created><dcterms:modified {_DATE}</dcterms:modified>"
    "<cp:lastModifiedBy></cp:lastModifiedBy></cp:coreProperties>"
).encode("ascii")
SHEET_START = (
    f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/>'
    '<pageSetUpPr fitToPage="1"/></sheetPr>'
)
SHEET_VIEW = (
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" '
    'sqref="A1"/></sheetView></sheetViews><sheetFormatPr baseColWidth="8" '
    'defaultRowHeight="15"/>'
)
SHEET_END = (
    '<printOptions gridLines="0"/><pageMargins left="0.4" right="0.4" top="1" bottom="1" '
    'header="0.5" footer="0.5"/><pageSetup orientation="{orientation}" paperSize="9" '
    'fitToHeight="0" fitToWidth="1"/><headerFooter><oddHeader></oddHeader><oddFooter>'
    "&amp;C&amp;A &#8211; sida &amp;P av &amp;N</oddFooter><evenHeader></evenHeader>"
    "<evenFooter></evenFooter><firstHeader></firstHeader><firstFooter></firstFooter>"
    "</headerFooter></worksheet>"
)
