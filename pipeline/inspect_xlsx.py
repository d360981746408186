"""What python-calamine does not tell: formulas without a saved value, old or locked files.

A formula cell is read as its cached value; a file written by a program that
does not compute formulas (openpyxl, some exports) has none, and the cell
would silently look empty. Such cells are found in the sheet's XML.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

# Password-protected .xlsx files and old .xls files are OLE compound files, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"', re.S)
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"', re.S)
_CELL = re.compile(rb'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_VALUE = re.compile(rb"<v>[^<]+</v>")


def is_ole(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(8) == OLE_MAGIC


def _unescape(name: bytes) -> str:
    text = name.decode("utf-8")
    for entity, char in (
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", '"'),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ):
        text = text.replace(entity, char)
    return text


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels)})
    for name, rid in _SHEET.findall(workbook):
        if _unescape(name) == sheet_name and rid in targets:
            target = targets[rid].decode()
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


def formulas_without_value(path: Path, sheet_name: str) -> list[str]:
    """Cell references (e.g. 'B3') of formula cells that have no saved result."""
    with zipfile.ZipFile(path) as archive:
        part = _sheet_part(archive, sheet_name)
        if part is None:
            return []
        xml = archive.read(part)
    if b"<f" not in xml:
        return []
    return [
        ref.decode()
        for ref, body in _CELL.findall(xml)
        if body and b"<f" in body and not _VALUE.search(body)
    ]


def excel_ref(row: int, column: int) -> str:
    """Zero-based (row, column) as an Excel reference: (3, 1) → 'B4'."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"
