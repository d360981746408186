"""A workbook's zip read without trusting it, and the size limits checked before any parser.

A workbook is a zip of XML parts, and a few megabytes on disk can unpack to
gigabytes, which python-calamine would read in full (or abort the whole process
on). So before any parser sees a workbook, its zip directory and then every
part's real unpacked size are checked against the limits below, and the sheets
that will be read are measured as python-calamine would lay them out. The parts
are inflated here with a cap, their XML read with lxml (namespaces, not
prefixes), and cells placed as python-calamine places them; the formula scan
(pipeline.validation.inspect_xlsx) reads sheets the same way.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline.publish.folder import FolderProblem

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
# python-calamine builds a sheet as one rectangle from its first to its last value, some 40
# bytes a cell before Python holds any, and copies a shared text into every cell that
# uses it: two values in A1 and XFD1048576 ask for 550 GB, and one text of 32 767
# characters in 30 000 cells takes 2 GB. So a sheet of up to EXACT_CELLS cells is measured
# before it is read (its cell references, found in the raw XML, and cell by cell when
# they say too much); a larger sheet is measured by its size alone.
EXACT_CELLS = 200_000  # some 50 000 rows; the references of more would take seconds to read
EXACT_BYTES = 5 * MB  # shared texts up to this are measured one by one
MAX_AREA = 10_000_000  # cells in a sheet's rectangle (1 000 000 attendance rows: 5 000 000)
MAX_TEXT_COPIES = 100_000_000  # characters of shared texts copied into a sheet's cells

CHUNK = 1 << 20  # unpacked bytes at a time: memory stays flat whatever the file says


class WorkbookTooLarge(FolderProblem):
    """A workbook refused before it is parsed; str() is one Swedish line naming it."""


class PartTooLarge(Exception):
    """A part unpacked past its cap (internal: becomes a WorkbookTooLarge)."""

    def __init__(self, seen: int):
        super().__init__(seen)
        self.seen = seen


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


def inflate(handle, info: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """A part's bytes as a reader gets them, CHUNK at a time; PartTooLarge past cap.

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
            raise PartTooLarge(left)
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
                raise PartTooLarge(seen)
            if out:
                yield out
    rest = inflate.flush()
    if seen + len(rest) > cap:
        raise PartTooLarge(seen + len(rest))
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


@dataclass(frozen=True)
class Measured:
    """What measuring a workbook found besides its limits (see check_limits)."""

    exact: bool  # every sheet that will be read was measured cell by cell
    # The parts whose XML may hold a formula (an element <f>), found in the same pass; a
    # part not named holds none. None: not known (the formula scan reads every sheet).
    formula_parts: frozenset[str] | None = None


def check_limits(
    workbook: bytes | Path, sheets: Iterable[str] | None = None, name: str | None = None
) -> bool:
    """WorkbookTooLarge when the workbook unpacks past a limit (see measure); True when
    every sheet that will be read was measured cell by cell."""
    return measure(workbook, sheets, name).exact


def measure(
    workbook: bytes | Path, sheets: Iterable[str] | None = None, name: str | None = None
) -> Measured:
    """WorkbookTooLarge when the workbook unpacks past a limit; nothing is parsed before.

    `workbook` is the file's bytes (or a path to read them from); `name` the file's name
    in messages. `sheets` are the names of the sheets that will be read (case and spaces
    aside; all when None): those small enough are measured cell by cell too. A file that
    is not a zip at all passes: the reader says what is wrong with it.

    `exact` is True when every sheet that will be read was measured cell by cell, so that
    python-calamine is known to fit; False when one is known only by its size (more than
    EXACT_CELLS cells) or could not be measured. python-calamine may then ask for more
    memory than there is and end the whole process: read such a workbook where a dying
    reader cannot take the caller with it (pipeline.validation.helper). Every part is
    inflated once here, and `formula_parts` says which may hold a formula: the formula
    scan (inspect_xlsx) reads only those again.
    """
    if isinstance(workbook, Path):
        name = name or workbook.name
        try:
            workbook = workbook.read_bytes()
        except OSError:
            return Measured(True)  # unreadable: the reader reports it
    fil = name or "Arbetsboken"
    with io.BytesIO(workbook) as handle:
        entries = _zip_entries(handle)
        if entries is not None and entries > MAX_PARTS:
            raise WorkbookTooLarge(_parts_message(fil, entries))
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, ValueError, EOFError):
            return Measured(True)  # not a workbook: python-calamine refuses it without reading
        with archive:
            parts = _check_parts(fil, archive, handle)
            if parts is None:
                return Measured(False)
            few_cells, formula_parts = parts
            exact = _check_cells(fil, archive, handle, sheets, few_cells)
            return Measured(exact, frozenset(formula_parts))


def _check_parts(
    fil: str, archive: zipfile.ZipFile, handle
) -> tuple[dict[str, int], set[str]] | None:
    """WorkbookTooLarge past a size limit; the parts with at most EXACT_CELLS cells and how
    many (an upper bound), and the parts that may hold a formula; None for a part that
    cannot be unpacked."""
    few_cells: dict[str, int] = {}
    formula_parts: set[str] = set()
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise WorkbookTooLarge(_parts_message(fil, len(infos)))

    def part_name(info: zipfile.ZipInfo) -> str:
        return _part_label(archive, handle, info.filename)

    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL_BYTES:
        raise WorkbookTooLarge(_total_message(fil, declared))
    for info in infos:
        if info.file_size > part_cap(info):
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
        cap = min(part_cap(info), MAX_TOTAL_BYTES - total)
        seen = 0
        try:
            chunks = inflate(handle, info, cap)
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
                cells = 0
                carry = formula_carry = b""
                formula = False
                for chunk in chunks:
                    seen += len(chunk)
                    if cells <= EXACT_CELLS:  # counted only as far as it matters (fast)
                        window = (carry + chunk).translate(_FOLD_CELLS)
                        cells += _cell_starts(window) - _cell_starts(window[: len(carry)])
                        carry = chunk[-2:]
                    if not formula:  # what the formula scan would look for (inspect_xlsx)
                        folded = formula_carry + chunk.translate(FOLD_FORMULA)
                        formula = FORMULA_START in folded
                        formula_carry = folded[-2:]
                if cells <= EXACT_CELLS:
                    few_cells[info.filename] = cells
                if formula:
                    formula_parts.add(info.filename)
        except PartTooLarge as over:
            if total + over.seen > MAX_TOTAL_BYTES and over.seen <= part_cap(info):
                raise WorkbookTooLarge(_total_message(fil, total + over.seen, "minst ")) from None
            raise WorkbookTooLarge(
                _part_message(fil, part_name(info), info, over.seen, "minst ")
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError):
            return None  # a damaged part: python-calamine reports the file
        total += seen
    return few_cells, formula_parts


# Every spelling of a formula element's start, '<f>', '<f t=…>', '<x:f>', '<f/>', folds
# into '<f ' here; a sheet without it has no formula, and is not parsed (fast path).
FOLD_FORMULA = bytes.maketrans(b":\t\n\r/>", b"<     ")
FORMULA_START = b"<f "


def _cell_starts(folded: bytes) -> int:
    return folded.count(b"<c ") + folded.count(b"<c>")


def _check_cells(
    fil: str,
    archive: zipfile.ZipFile,
    handle,
    sheets: Iterable[str] | None,
    few_cells: dict[str, int],
) -> bool:
    """The rectangle and the copied texts of each sheet that will be read and has at most
    EXACT_CELLS cells; False when a sheet to be read has more, or cannot be measured."""
    wanted = None if sheets is None else {name.strip().casefold() for name in sheets}
    lengths: list[int] | None = None

    def shared_lengths() -> list[int]:
        nonlocal lengths
        if lengths is None:
            lengths = _shared_lengths(archive, handle)
        return lengths

    measured = True
    try:
        for sheet, part in sheet_parts(archive, handle).items():
            if wanted is not None and sheet.strip().casefold() not in wanted:
                continue
            if part not in few_cells:
                measured = False  # known by its size alone
                continue
            info = archive.getinfo(part)
            cells = few_cells[part]
            references, corners, area = _references(inflate(handle, info, MAX_PART_BYTES))
            complete = references >= cells
            exact = None
            if not complete or area > MAX_AREA:  # other spellings, or formatting only
                exact = _measure(inflate(handle, info, MAX_PART_BYTES), shared_lengths)
                corners, area = exact[0], exact[1]
            if area > MAX_AREA:
                raise WorkbookTooLarge(
                    f"{fil} är för stor: fliken {sheet} har värden från {corners}, en rektangel "
                    f"på {_count(area)} celler att läsa, fler än gränsen {_count(MAX_AREA)}. "
                    "Ta bort det som står långt ut till höger eller långt ner (Ctrl+End i Excel "
                    "visar den sista cellen), spara och kör igen."
                )
            if cells * _longest(archive, shared_lengths, cells) <= MAX_TEXT_COPIES:
                continue
            copies = (exact or _measure(inflate(handle, info, MAX_PART_BYTES), shared_lengths))[2]
            if copies > MAX_TEXT_COPIES:
                raise WorkbookTooLarge(
                    f"{fil} är för stor: fliken {sheet} upprepar långa texter så att "
                    f"{_count(copies)} tecken ska läsas, fler än gränsen "
                    f"{_count(MAX_TEXT_COPIES)}. {TOO_LARGE_FIX}"
                )
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, zlib.error, PartTooLarge):
        return False  # damaged or larger than said: python-calamine reports the file
    return measured


def _longest(archive: zipfile.ZipFile, shared_lengths, cells: int) -> int:
    """The longest shared text (at most its part's size, which may already do)."""
    part = next((n for n in archive.namelist() if _is_shared_strings(n)), None)
    if part is None:
        return 0
    size = archive.getinfo(part).file_size
    if cells * size <= MAX_TEXT_COPIES:
        return size
    return max(shared_lengths(), default=0)


# Folded for finding cells and references: a prefix's ':' starts a name like '<' does,
# other white space is a space, and either quote is '"'.
_FOLD_CELLS = bytes.maketrans(b":\t\n\r'", b'<   "')
# A cell's reference written as Excel, LibreOffice and openpyxl write it, first; a sheet
# with a cell written otherwise is measured cell by cell.
_REFERENCE = re.compile(rb'<c r="([A-Z]+)(\d+)"')


def _references(chunks: Iterable[bytes]) -> tuple[int, str, int]:
    """From the raw XML, fast: how many cells have a reference, and the rectangle those
    span (its corners and cells; cells with formatting only included)."""
    references = 0
    top = left = sys.maxsize
    bottom = right = -1
    carry = b""
    for chunk in itertools.chain(chunks, [b">"]):
        data = carry + chunk
        cut = data.rfind(b">") + 1  # a tag is never split between two pieces
        data, carry = data[:cut], data[cut:]
        found = _REFERENCE.findall(data.translate(_FOLD_CELLS))
        if found:
            letters, digits = zip(*found, strict=True)
            rows = list(map(int, digits))
            columns = [column_number(c.decode()) for c in set(letters)]
            top, bottom = min(top, min(rows) - 1), max(bottom, max(rows) - 1)
            left, right = min(left, min(columns)), max(right, max(columns))
            references += len(found)
    if bottom < 0:
        return references, "", 0
    corners = f"{excel_ref(top, left)} till {excel_ref(bottom, right)}"
    return references, corners, (bottom - top + 1) * (right - left + 1)


def _measure(chunks: Iterable[bytes], shared_lengths) -> tuple[str, int, int]:
    """A sheet's corners ('A1:E100'), the cells of its rectangle and the characters of
    shared texts copied into its cells, counted as python-calamine will read it."""
    top = left = sys.maxsize
    bottom = right = -1
    copies = 0
    for row, column, cell, namespace in sheet_cells(chunks):
        value = cell.find(f"{namespace}v")
        if value is None and cell.find(f"{namespace}is") is None:
            continue  # no value: python-calamine leaves the cell out
        top, bottom = min(top, row), max(bottom, row)
        left, right = min(left, column), max(right, column)
        if cell.get("t") == "s" and value is not None and (value.text or "").strip().isdigit():
            index = int(value.text)
            lengths = shared_lengths()
            copies += lengths[index] if index < len(lengths) else 0
    if bottom < 0:
        return "", 0, 0
    corners = f"{excel_ref(top, left)} till {excel_ref(bottom, right)}"
    return corners, (bottom - top + 1) * (right - left + 1), copies


def _shared_lengths(archive: zipfile.ZipFile, handle) -> list[int]:
    """The length of each shared text, in order (an upper bound: phonetic runs counted);
    none when the shared texts are larger than a sheet measured cell by cell."""
    part = next((n for n in archive.namelist() if _is_shared_strings(n)), None)
    if part is None or archive.getinfo(part).file_size > EXACT_BYTES:
        return []  # none, or too many to measure here: measured by their size alone
    tags = tuple(f"{{{ns}}}si" for ns in SPREADSHEETML)
    lengths = []
    for element in _elements(_part_chunks(archive, handle, part, MAX_SHARED_STRINGS_BYTES), tags):
        lengths.append(sum(len(text) for text in element.itertext()))
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return lengths


def part_cap(info: zipfile.ZipInfo) -> int:
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
        f"{_size(part_cap(info))}. {TOO_LARGE_FIX}"
    )


def _part_label(archive: zipfile.ZipFile, handle, part: str) -> str:
    """'fliken Närvaro' for a sheet's part, 'de delade texterna' or the part's name otherwise."""
    if _is_shared_strings(part):
        return "de delade texterna (sharedStrings.xml)"
    try:
        names = {target: sheet for sheet, target in sheet_parts(archive, handle).items()}
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, zlib.error, PartTooLarge):
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
    return inflate(handle, archive.getinfo(name), cap)


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


def sheet_parts(archive: zipfile.ZipFile, handle) -> dict[str, str]:
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


# --- cells, placed as python-calamine places them ----------------------------------------

_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def sheet_cells(chunks: Iterable[bytes]) -> Iterator[tuple[int, int, etree._Element, str]]:
    """Every cell as (row, column, element, '{namespace}'), placed as python-calamine places
    it: by its reference, or, written without one, in its row's r (or the row after the
    last) one column right of the cell before it. Each element is cleared after use."""
    cell_tags = tuple(f"{{{ns}}}c" for ns in SPREADSHEETML)
    row_tags = tuple(f"{{{ns}}}row" for ns in SPREADSHEETML)
    next_row = 0
    column = 0
    for element in _elements(chunks, cell_tags + row_tags):
        if element.tag in row_tags:
            number = element.get("r", "").strip()
            next_row = int(number) if number.isdigit() else next_row + 1
            column = 0
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            continue
        matched = _CELL_REF.match((element.get("r") or "").strip().upper())
        if matched:
            column = column_number(matched.group(1))
            row = int(matched.group(2)) - 1
        else:
            parent = element.getparent()
            number = parent.get("r", "").strip() if parent is not None else ""
            row = int(number) - 1 if number.isdigit() else next_row
        yield row, column, element, element.tag[: -len("c")]
        column += 1
        element.clear()


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
