"""What python-calamine must not be given, and what it does not tell.

Size limits: a workbook is a zip of XML parts, and a few megabytes on disk can
unpack to gigabytes, which python-calamine would read in full (or abort the
whole process on). So before any parser sees a workbook, its zip directory and
then every part's real unpacked size are checked against the limits below.

Formulas without a saved value: a formula cell is read as its cached value; a
file written by a program that does not compute formulas (openpyxl, some
exports) has none, and the cell would silently look empty. Such cells are found
in the sheet's XML, read as XML (namespaces, not prefixes; attributes by name;
character references resolved).
"""

from __future__ import annotations

import json
import posixpath
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from lxml import etree

from pipeline.files import FolderProblem

# Password-protected .xlsx files and old .xls files are OLE compound files, not zips.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# --- size limits, checked before any parser reads the file ------------------------------

MB = 1_000_000
GB = 1_000 * MB

# The largest input measured (make bench, 1 000 000 attendance rows written by openpyxl)
# is an 18 MB aktiviteter.xlsx whose Närvaro sheet unpacks to 231 MB; Excel, which writes
# repeated texts once, makes it smaller. Every limit leaves at least twice that.
MAX_PART_BYTES = 500 * MB  # one part (a sheet's XML) unpacked
MAX_TOTAL_BYTES = 600 * MB  # all parts of one workbook unpacked
# python-calamine keeps every shared text in memory, each with its own overhead, and
# reserves room for as many as the file says it holds (uniqueCount) before reading one.
MAX_SHARED_STRINGS_BYTES = 100 * MB  # the shared texts' part unpacked (1 000 000 rows: ~5 MB)
MAX_SHARED_STRINGS = 2_000_000  # distinct texts, counted and as the file declares them
MAX_PARTS = 1_000  # parts in the zip: a workbook of three sheets has about 15
# Spreadsheet XML packs 5-15 times (the 231 MB sheet: 13 times); a zip bomb packs about a
# thousand times. Small parts are left out: they cannot grow large at any ratio.
MAX_RATIO = 100
RATIO_FROM = 1 * MB
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell

CHUNK = 1 << 20  # unpacked bytes at a time: memory stays flat whatever the file says


class WorkbookTooLarge(FolderProblem):
    """A workbook refused before it is parsed; str() is one Swedish line naming it."""


class _Over(Exception):
    """A part unpacked past its cap (internal: becomes a WorkbookTooLarge)."""

    def __init__(self, seen: int):
        super().__init__(seen)
        self.seen = seen


def is_ole(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(8) == OLE_MAGIC


def _size(n: float) -> str:
    """Bytes as a Swedish reader says them: '3,1 GB', '231 MB'."""
    if n >= GB:
        return f"{n / GB:.1f} GB".replace(".", ",")
    if n >= 10 * MB:
        return f"{n / MB:.0f} MB"
    return f"{n / MB:.1f} MB".replace(".", ",")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")


TOO_LARGE_FIX = (
    "Kontrollera att det är rätt fil. Ta bort rader, flikar och bilder som inte hör till "
    "underlaget, spara om filen i Excel och kör igen."
)


def _zip_entries(handle) -> int | None:
    """The number of parts the zip's end record declares, read before the directory itself."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_length = min(size, 22 + 0xFFFF + 20)
    handle.seek(size - tail_length)
    tail = handle.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    (entries,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if entries == 0xFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
        handle.seek(offset)
        record = handle.read(40)
        if record[:4] == b"PK\x06\x06" and len(record) == 40:
            (entries,) = struct.unpack("<Q", record[32:40])
    return entries


def _chunks(handle, info: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """A part's bytes as a reader gets them, CHUNK at a time; _Over past cap.

    The stream is inflated to its real end, not to the size the zip's directory
    claims: python-calamine's zip reader does the same, so a directory that lies
    cannot make a part larger than what is counted here.
    """
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(info.filename)
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        if left > cap:
            raise _Over(left)
        while left > 0:
            data = handle.read(min(left, CHUNK))
            if not data:
                return
            left -= len(data)
            yield data
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return  # no reader here can unpack it; python-calamine reports the file
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    seen = 0
    while left > 0 and not inflate.eof:
        data = handle.read(min(left, 1 << 16))
        if not data:
            break
        left -= len(data)
        while data and not inflate.eof:
            out = inflate.decompress(data, CHUNK)
            data = inflate.unconsumed_tail
            seen += len(out)
            if seen > cap:
                raise _Over(seen)
            if out:
                yield out
    rest = inflate.flush()
    if seen + len(rest) > cap:
        raise _Over(seen + len(rest))
    if rest:
        yield rest


_UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']\s*(\d+)")


def _shared_strings(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """Chunks passed on, with the number of texts declared (uniqueCount) and counted so far."""
    declared = counted = 0
    carry = b""
    for chunk in chunks:
        window = carry + chunk
        for found in _UNIQUE_COUNT.findall(window):
            declared = max(declared, int(found))
        # '<si' and '<x:si' start a text ('</x:si' is counted too: an upper bound is enough).
        counted += window.count(b"<si") + window.count(b":si") - carry.count(b"<si")
        counted -= carry.count(b":si")
        carry = window[-40:]
        yield chunk, declared, counted


def check_limits(path: Path) -> None:
    """WorkbookTooLarge when the workbook unpacks past a limit; nothing is parsed before.

    A file that is not a zip at all passes: the reader says what is wrong with it.
    """
    fil = path.name
    try:
        with path.open("rb") as handle:
            entries = _zip_entries(handle)
            if entries is not None and entries > MAX_PARTS:
                raise WorkbookTooLarge(_parts_message(fil, entries))
            try:
                archive = zipfile.ZipFile(handle)
            except (zipfile.BadZipFile, ValueError, EOFError):
                return
            with archive:
                _check_parts(fil, archive, handle)
    except OSError:
        return  # unreadable: the reader reports it


def _check_parts(fil: str, archive: zipfile.ZipFile, handle) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise WorkbookTooLarge(_parts_message(fil, len(infos)))

    def part_name(info: zipfile.ZipInfo) -> str:
        return _part_label(archive, handle, info.filename)

    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL_BYTES:
        raise WorkbookTooLarge(_total_message(fil, declared))
    for info in infos:
        if info.file_size > _cap(info):
            raise WorkbookTooLarge(_part_message(fil, part_name(info), info, info.file_size))
        if info.file_size >= RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise WorkbookTooLarge(
                f"{fil} är packad på ett misstänkt sätt: {part_name(info)} blir "
                f"{_count(round(ratio))} gånger större när den packas upp "
                f"({_size(info.file_size)}), och gränsen är {MAX_RATIO} gånger. Öppna filen i "
                "Excel och spara om den; hjälper inte det, be om filen på nytt från den som "
                "skickade den."
            )
    # The directory's sizes are the writer's word: count what each part really unpacks to.
    total = 0
    for info in infos:
        cap = min(_cap(info), MAX_TOTAL_BYTES - total)
        seen = 0
        try:
            chunks = _chunks(handle, info, cap)
            if _is_shared_strings(info.filename):
                for chunk, texts_declared, texts_counted in _shared_strings(chunks):
                    seen += len(chunk)
                    texts = max(texts_declared, texts_counted)
                    if texts > MAX_SHARED_STRINGS:
                        raise WorkbookTooLarge(
                            f"{fil} säger sig innehålla {_count(texts)} olika texter, fler än "
                            f"gränsen {_count(MAX_SHARED_STRINGS)}. {TOO_LARGE_FIX}"
                        )
            else:
                for chunk in chunks:
                    seen += len(chunk)
        except _Over as over:
            if total + over.seen > MAX_TOTAL_BYTES and over.seen <= _cap(info):
                raise WorkbookTooLarge(_total_message(fil, total + over.seen, "minst ")) from None
            raise WorkbookTooLarge(
                _part_message(fil, part_name(info), info, over.seen, "minst ")
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            return  # a damaged part: python-calamine reports the file
        total += seen


def _cap(info: zipfile.ZipInfo) -> int:
    return MAX_SHARED_STRINGS_BYTES if _is_shared_strings(info.filename) else MAX_PART_BYTES


def _is_shared_strings(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def _parts_message(fil: str, parts: int) -> str:
    return (
        f"{fil} består av {_count(parts)} delar, fler än gränsen {_count(MAX_PARTS)}; en "
        f"arbetsbok har normalt högst ett tjugotal. {TOO_LARGE_FIX}"
    )


def _total_message(fil: str, size: int, at_least: str = "") -> str:
    return (
        f"{fil} är för stor: den packas upp till {at_least}{_size(size)}, mer än gränsen "
        f"{_size(MAX_TOTAL_BYTES)} för en arbetsbok. {TOO_LARGE_FIX}"
    )


def _part_message(fil: str, label: str, info: zipfile.ZipInfo, size: int, at_least="") -> str:
    return (
        f"{fil} är för stor: {label} packas upp till {at_least}{_size(size)}, mer än gränsen "
        f"{_size(_cap(info))}. {TOO_LARGE_FIX}"
    )


def _part_label(archive: zipfile.ZipFile, handle, part: str) -> str:
    """'fliken Närvaro' for a sheet's part, 'de delade texterna' or the part's name otherwise."""
    if _is_shared_strings(part):
        return "de delade texterna (sharedStrings.xml)"
    try:
        names = {target: sheet for sheet, target in _sheet_parts(archive, handle).items()}
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, zlib.error, _Over):
        names = {}
    return f"fliken {names[part]}" if part in names else f"delen {part}"


# --- the workbook's sheets, read as XML ------------------------------------------------

SPREADSHEETML = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict Open XML
)
RELATIONSHIP_ID = tuple(
    f"{{{ns}}}id"
    for ns in (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    )
)
PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
SMALL_PART = 50 * MB  # workbook.xml and relationships: far larger means a damaged file


def _elements(chunks: Iterable[bytes], tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Elements with one of `tags` ('{namespace}name'), parsed as the chunks come.

    No DTD, no entities beyond XML's own, no network. The caller clears what it has read.
    """
    parser = etree.XMLPullParser(
        events=("end",),
        tag=tags,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=True,  # the size limits above bound the input instead
    )
    for chunk in chunks:
        parser.feed(chunk)
        for _event, element in parser.read_events():
            yield element
    parser.close()
    for _event, element in parser.read_events():
        yield element


def _part_chunks(archive: zipfile.ZipFile, handle, name: str, cap: int) -> Iterator[bytes]:
    return _chunks(handle, archive.getinfo(name), cap)


def _target(base: str, target: str) -> str:
    """A relationship's target as a zip entry name, relative to the part's folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _relationships(archive: zipfile.ZipFile, handle, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, target entry) of a part's relationships."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    found = []
    for element in _elements(
        _part_chunks(archive, handle, rels, SMALL_PART), (PACKAGE_RELATIONSHIP,)
    ):
        if element.get("TargetMode") != "External":
            found.append(
                (
                    element.get("Id", ""),
                    element.get("Type", ""),
                    _target(part, element.get("Target", "")),
                )
            )
        element.clear()
    return found


def _sheet_parts(archive: zipfile.ZipFile, handle) -> dict[str, str]:
    """Sheet name → the zip entry holding its XML."""
    workbook = next(
        (
            target
            for _id, kind, target in _relationships(archive, handle, "")
            if kind.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    targets = {rid: target for rid, _kind, target in _relationships(archive, handle, workbook)}
    parts = {}
    tags = tuple(f"{{{ns}}}sheet" for ns in SPREADSHEETML)
    for element in _elements(_part_chunks(archive, handle, workbook, SMALL_PART), tags):
        rid = next((element.get(a) for a in RELATIONSHIP_ID if element.get(a)), None)
        name = element.get("name")
        if name is not None and rid in targets:
            parts[name] = targets[rid]
        element.clear()
    return parts


# --- formulas without a saved value ------------------------------------------------------

# Every spelling of a formula element's start, '<f>', '<f t=…>', '<x:f>', '<f/>', folds
# into '<f ' here; a sheet without it has no formula, and is not parsed (fast path).
_FOLD = bytes.maketrans(b":\t\n\r/>", b"<     ")
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


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
    cells = tuple(f"{{{ns}}}c" for ns in SPREADSHEETML)
    rows = tuple(f"{{{ns}}}row" for ns in SPREADSHEETML)
    found = []
    # A cell written without a reference is placed as python-calamine places it: in its
    # row's r, or the row after the last, one column right of the cell before it.
    next_row = 0
    column_index = 0
    for element in _elements(chunks, cells + rows):
        if element.tag in rows:
            number = element.get("r", "")
            next_row = int(number) if number.isdigit() else next_row + 1
            column_index = 0
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            continue
        namespace = element.tag[: -len("c")]
        ref = (element.get("r") or "").strip().upper()
        matched = _CELL_REF.match(ref)
        if matched:
            column_index = column_number(matched.group(1))
        else:
            row = element.getparent()
            number = row.get("r", "") if row is not None else ""
            ref = excel_ref(int(number) - 1 if number.isdigit() else next_row, column_index)
        column_index += 1
        if element.find(f"{namespace}f") is not None and not _has_value(element, namespace):
            found.append(ref)
        element.clear()
    return found


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
            for sheet, part in _sheet_parts(archive, handle).items():
                info = archive.getinfo(part)
                cap = _cap(info)
                if _may_hold_formulas(_chunks(handle, info, cap)):
                    refs = _formula_cells(_chunks(handle, info, cap))
                    if refs:
                        found[sheet] = refs
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, zlib.error, _Over):
        return {}  # the reader reports a file it cannot open
    return found


BACKGROUND_BYTES = 2_000_000  # above this, scan in a second process while calamine reads
SCAN_COMMAND = [sys.executable, "-m", "pipeline.inspect_xlsx"]


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


def column_number(letters: str) -> int:
    """'A' → 0, 'B' → 1, 'AA' → 26."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


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
