"""What python-calamine does not tell: formulas without a saved value, old or locked files.

A formula cell is read as its cached value; a file written by a program that
does not compute formulas (openpyxl, some exports) has none, and the cell would
silently look empty. Such cells are found in the sheet's XML, read as XML
(namespaces, not prefixes; attributes by name; character references resolved).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from pipeline.validation.xlsx_zip import (
    PartTooLarge,
    excel_ref,
    inflate,
    part_cap,
    sheet_cells,
    sheet_parts,
)

# Password-protected .xlsx files and old .xls files are OLE compound files, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_ole(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(8) == OLE_MAGIC


# --- formulas without a saved value ------------------------------------------------------

# Every spelling of a formula element's start, '<f>', '<f t=…>', '<x:f>', '<f/>', folds
# into '<f ' here; a sheet without it has no formula, and is not parsed (fast path).
_FOLD = bytes.maketrans(b":\t\n\r/>", b"<     ")


def _may_hold_formulas(chunks: Iterable[bytes]) -> bool:
    carry = b""
    for chunk in chunks:
        folded = carry + chunk.translate(_FOLD)
        if b"<f " in folded:
            return True
        carry = folded[-2:]
    return False


def _formula_cells(chunks: Iterable[bytes]) -> list[str]:
    """References of the cells that hold a formula element but no value."""
    return [
        excel_ref(row, column)
        for row, column, cell, namespace in sheet_cells(chunks)
        if cell.find(f"{namespace}f") is not None and not _has_value(cell, namespace)
    ]


def _has_value(cell: etree._Element, namespace: str) -> bool:
    value = cell.find(f"{namespace}v")
    if value is not None and value.text:
        return True
    inline = cell.find(f"{namespace}is")
    return inline is not None and bool("".join(inline.itertext()))


def formulas_without_value(path: Path) -> dict[str, list[str]]:
    """Per sheet, the cell references (e.g. 'B3') of formulas that have no saved result."""
    found: dict[str, list[str]] = {}
    try:
        with path.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            for sheet, part in sheet_parts(archive, handle).items():
                info = archive.getinfo(part)
                cap = part_cap(info)
                if _may_hold_formulas(inflate(handle, info, cap)):
                    refs = _formula_cells(inflate(handle, info, cap))
                    if refs:
                        found[sheet] = refs
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, zlib.error, PartTooLarge):
        return {}  # the reader reports a file it cannot open
    return found


BACKGROUND_BYTES = 2_000_000  # above this, scan in a second process while calamine reads
SCAN_COMMAND = [sys.executable, "-m", "pipeline.validation.inspect_xlsx"]


class FormulaScan:
    """The formula scan of several workbooks; large ones in a parallel process.

    python-calamine holds the GIL while it parses, so a thread would not overlap
    with it; a second process does, on the machine's second core. If that process
    dies, its output is ignored and the scan is done here instead.
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
                [*SCAN_COMMAND, *map(str, large)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )

    def result(self, path: Path) -> dict[str, list[str]]:
        if path.name not in self._large:
            return formulas_without_value(path)
        if self._process is not None:
            out, _ = self._process.communicate()
            try:
                self._results = json.loads(out) if self._process.returncode == 0 else {}
            except ValueError:
                self._results = {}
            self._process = None
        if path.name not in self._results:  # the helper failed: scan here instead
            self._results[path.name] = formulas_without_value(path)
        return self._results[path.name]

    def close(self) -> None:
        """Stop a scan whose result is no longer wanted (a run that ended early)."""
        if self._process is not None:
            self._process.kill()
            self._process.communicate()
            self._process = None


if __name__ == "__main__":
    print(json.dumps({Path(p).name: formulas_without_value(Path(p)) for p in sys.argv[1:]}))
