"""What python-calamine does not tell: formulas without a saved value, old or locked files.

A formula cell is read as its cached value; a file written by a program that
does not compute formulas (openpyxl, some exports) has none, and the cell would
silently look empty. Such cells are found in the sheet's XML, read as XML
(namespaces, not prefixes; attributes by name; character references resolved).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from pipeline.validation.helper import Helper, HelperDied
from pipeline.validation.xlsx_zip import (
    FOLD_FORMULA,
    FORMULA_START,
    PartTooLarge,
    excel_ref,
    inflate,
    part_cap,
    sheet_cells,
    sheet_parts,
)

# Password-protected .xlsx files and old .xls files are OLE compound files, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_ole(data: bytes) -> bool:
    return data[:8] == OLE_MAGIC


# --- formulas without a saved value ------------------------------------------------------


def _may_hold_formulas(chunks: Iterable[bytes]) -> bool:
    """A part that may hold a formula element (xlsx_zip.FOLD_FORMULA); one that does not
    is not parsed (fast path)."""
    carry = b""
    for chunk in chunks:
        folded = carry + chunk.translate(FOLD_FORMULA)
        if FORMULA_START in folded:
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


def formulas_without_value(
    workbook: bytes | Path, parts: frozenset[str] | None = None
) -> dict[str, list[str]]:
    """Per sheet, the cell references (e.g. 'B3') of formulas that have no saved result.

    `parts` are the parts that may hold a formula, when measuring the workbook found
    them (xlsx_zip.Measured.formula_parts): only those are read again.
    """
    found: dict[str, list[str]] = {}
    if parts is not None and not parts:
        return found  # no formula anywhere: nothing to read
    data = workbook if isinstance(workbook, bytes) else None
    try:
        if data is None:
            data = Path(workbook).read_bytes()
        with zipfile.ZipFile(handle := io.BytesIO(data)) as archive:
            for sheet, part in sheet_parts(archive, handle).items():
                if parts is not None and part not in parts:
                    continue
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


class FormulaScan:
    """The formula scan of several workbooks (file name → bytes); large ones in a
    parallel process.

    python-calamine holds the GIL while it parses, so a thread would not overlap
    with it; a second process does, on the machine's second core. The workbooks
    reach it through a pipe, never a file. If that process dies, its output is
    ignored and the scan is done here instead.
    """

    def __init__(
        self,
        workbooks: dict[str, bytes],
        background: bool = True,
        parts: dict[str, frozenset[str] | None] | None = None,
    ):
        """`parts`: per workbook, the parts that may hold a formula, when measuring it
        found them (formulas_without_value); a workbook with none is not read at all."""
        self._workbooks = workbooks
        self._parts = parts or {}
        self._results: dict[str, dict[str, list[str]]] = {}
        large = {
            name: data
            for name, data in workbooks.items()
            if background and len(data) > BACKGROUND_BYTES and self._parts.get(name) != frozenset()
        }
        self._large = set(large)
        self._helper = None
        if large:
            self._helper = Helper(__name__)
            self._helper.send(SCAN, large, {name: self._parts.get(name) for name in large})

    def result(self, name: str) -> dict[str, list[str]]:
        if name not in self._large:
            return formulas_without_value(self._workbooks[name], self._parts.get(name))
        if self._helper is not None:
            try:
                self._results = self._helper.answer()
            except HelperDied:
                self._results = {}
            self._helper = None
        if name not in self._results:  # the helper failed: scan here instead
            self._results[name] = formulas_without_value(
                self._workbooks[name], self._parts.get(name)
            )
        return self._results[name]

    def close(self) -> None:
        """Stop a scan whose result is no longer wanted (a run that ended early)."""
        if self._helper is not None:
            self._helper.close()
            self._helper = None


def scan(
    workbooks: dict[str, bytes], parts: dict[str, frozenset[str] | None] | None = None
) -> dict[str, dict[str, list[str]]]:
    """What the helper process runs: the scan of each workbook."""
    parts = parts or {}
    return {name: formulas_without_value(data, parts.get(name)) for name, data in workbooks.items()}


SCAN = scan  # what FormulaScan sends to the helper (a test makes it die)
