"""What python-calamine does not tell: formulas without a saved value, old or locked files.

A formula cell is read as its cached value; a file written by a program that
does not compute formulas (openpyxl, some exports) has none, and the cell
would silently look empty. Such cells are found in the sheet's XML.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
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


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip entry holding its XML."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels)})
    parts = {}
    for name, rid in _SHEET.findall(workbook):
        if rid in targets:
            target = targets[rid].decode()
            if target.startswith("/"):
                parts[_unescape(name)] = target.lstrip("/")
            else:
                parts[_unescape(name)] = str(PurePosixPath("xl") / target)
    return parts


def formulas_without_value(path: Path) -> dict[str, list[str]]:
    """Per sheet, the cell references (e.g. 'B3') of formulas that have no saved result."""
    found: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for sheet, part in _sheet_parts(archive).items():
                xml = archive.read(part)
                if b"<f" in xml:
                    found[sheet] = [
                        ref.decode()
                        for ref, body in _CELL.findall(xml)
                        if body and b"<f" in body and not _VALUE.search(body)
                    ]
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}  # the reader reports a file it cannot open
    return found


BACKGROUND_BYTES = 2_000_000  # above this, scan in a second process while calamine reads


class FormulaScan:
    """The formula scan of several workbooks; large ones in a parallel process.

    python-calamine holds the GIL while it parses, so a thread would not overlap
    with it; a second process does, on the machine's second core.
    """

    def __init__(self, paths: list[Path], background: bool = True):
        self._results: dict[str, dict[str, list[str]]] = {}
        large = [
            p for p in paths if background and p.is_file() and p.stat().st_size > BACKGROUND_BYTES
        ]
        self._large = {p.name for p in large}
        self._process = None
        if large:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "pipeline.inspect_xlsx", *map(str, large)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )

    def result(self, path: Path) -> dict[str, list[str]]:
        if path.name not in self._large:
            return formulas_without_value(path)
        if self._process is not None:
            out, _ = self._process.communicate()
            self._results = json.loads(out) if self._process.returncode == 0 else {}
            self._process = None
        if path.name not in self._results:  # the helper failed: scan here instead
            self._results[path.name] = formulas_without_value(path)
        return self._results[path.name]


def excel_ref(row: int, column: int) -> str:
    """Zero-based (row, column) as an Excel reference: (3, 1) → 'B4'."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


if __name__ == "__main__":
    print(json.dumps({Path(p).name: formulas_without_value(Path(p)) for p in sys.argv[1:]}))
