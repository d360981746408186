"""Nothing in a workbook can exhaust the machine: size limits before any parser, cells no
longer than Excel allows, a reader that dies said in Swedish, and the formula scan reading
XML as XML (prefixes, attribute order and character references hide no formula)."""

from __future__ import annotations

import re
import struct
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import config
from pipeline.cli import main as cli
from pipeline.validation import inspect_xlsx, read, validate, xlsx_zip
from pipeline.validation.helper import MEMORY_LIMIT, Helper
from pipeline.validation.inspect_xlsx import formulas_without_value
from pipeline.validation.xlsx_zip import WorkbookTooLarge, check_limits
from tests import dying_reader
from tests.conftest import TODAY

FORMULA_LINE = (
    "Fel: aktiviteter.xlsx, flik Närvaro, rad 4, kolumn Timmar: Cellen E4 innehåller en "
    "formel utan sparat resultat. Öppna filen i Excel och spara den igen, så sparas "
    "resultatet. Eller skriv in värdet i stället för formeln."
)
FIX = (
    "Kontrollera att det är rätt fil. Ta bort rader, flikar och bilder som inte hör till "
    "underlaget, spara om filen i Excel och kör igen."
)


def _rewrite(path: Path, change=lambda name, data: data, extra: dict | None = None) -> None:
    """The workbook's parts passed through change(name, bytes); extra parts added."""
    with zipfile.ZipFile(path) as old:
        parts = [(info.filename, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts:
            new.writestr(name, change(name, data))
        for name, data in (extra or {}).items():
            new.writestr(name, data)


def _with_formula(books) -> Path:
    folder = books.write()
    book = load_workbook(folder / "aktiviteter.xlsx")
    book["Närvaro"]["E4"] = "=E3*2"  # openpyxl saves no computed result
    book.save(folder / "aktiviteter.xlsx")
    return folder


# --- the formula scan reads XML as XML ---------------------------------------------------


def _prefixed(name: str, data: bytes) -> bytes:
    """Every element with an x: prefix, as the .NET Open XML SDK writes them."""
    if name != "xl/workbook.xml" and not name.startswith("xl/worksheets/"):
        return data
    data = re.sub(rb"<(/?)([A-Za-z][\w.-]*)(?=[\s/>])", rb"<\1x:\2", data)
    return data.replace(b'xmlns="http', b'xmlns:x="http', 1)


def _reversed(name: str, data: bytes) -> bytes:
    """Every attribute list in reverse order (r:id before name, r last in a cell)."""

    def flip(found: re.Match) -> bytes:
        attributes = re.findall(rb'[\w:]+="[^"]*"', found.group(2))
        return found.group(1) + b" " + b" ".join(reversed(attributes)) + found.group(3)

    if name.endswith((".xml", ".rels")):
        return re.sub(rb"(<[\w:]+) ([^<>]*?)(/?>)", flip, data)
    return data


def _character_reference(name: str, data: bytes) -> bytes:
    """The sheet's name with its 'ä' written as a character reference."""
    if name == "xl/workbook.xml":
        return data.replace('name="Närvaro"'.encode(), b'name="N&#228;rvaro"')
    return data


@pytest.mark.parametrize(
    "change",
    [_prefixed, _reversed, _character_reference],
    ids=["prefix x:", "attributes reversed", "&#228; in the sheet name"],
)
def test_the_formula_scan_reads_xml_as_xml(books, change):
    """The regex scan missed each of these (a formula without value read as an empty cell)."""
    folder = _with_formula(books)
    path = folder / "aktiviteter.xlsx"
    _rewrite(path, change)
    assert formulas_without_value(path) == {"Närvaro": ["E4"]}
    result = validate.validate(folder, today=TODAY)
    assert FORMULA_LINE in [p.line() for p in result.errors]


def test_a_formula_with_a_saved_value_is_not_reported(books):
    folder = _with_formula(books)
    path = folder / "aktiviteter.xlsx"
    _rewrite(path, lambda name, data: data.replace(b"<f>E3*2</f><v></v>", b"<f>E3*2</f><v>2</v>"))
    assert formulas_without_value(path) == {}


def test_a_dying_formula_scan_is_done_again_here_without_a_backtrace(books, monkeypatch, capfd):
    folder = _with_formula(books)
    monkeypatch.setattr(inspect_xlsx, "BACKGROUND_BYTES", 0)
    monkeypatch.setattr(inspect_xlsx, "SCAN", dying_reader.die)
    result = validate.validate(folder, today=TODAY)
    assert FORMULA_LINE in [p.line() for p in result.errors]
    assert "backtrace" not in capfd.readouterr().err


# --- limits before any parser ------------------------------------------------------------


def _refused(path: Path) -> str:
    with pytest.raises(WorkbookTooLarge) as refused:
        check_limits(path)
    return str(refused.value)


def _no_parser(monkeypatch, fil: str) -> None:
    """python-calamine may not open fil at all."""
    opened = read.CalamineWorkbook.from_filelike

    def guarded(handle, *args, **kwargs):
        assert handle.name != fil, "python-calamine read a workbook that is over a limit"
        return opened(handle, *args, **kwargs)

    monkeypatch.setattr(read.CalamineWorkbook, "from_filelike", guarded)


def _big_part(path: Path, size: int, name="xl/media/bild.bin") -> None:
    """A part of `size` bytes that packs well, written in chunks (no large string in memory)."""
    chunk = b"<si><t>x</t></si>" * 4096
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(name, "w") as part,
    ):
        for _ in range(size // len(chunk)):
            part.write(chunk)


def test_a_sheet_past_the_part_limit_is_refused_before_any_parser(books, monkeypatch, capsys):
    monkeypatch.setattr(xlsx_zip, "MAX_PART_BYTES", 1_000_000)
    _no_parser(monkeypatch, "aktiviteter.xlsx")
    folder = books.write()
    path = folder / "aktiviteter.xlsx"
    _rewrite(
        path,
        lambda name, data: (
            data.replace(b"</sheetData>", b"<row/>" * 200_000 + b"</sheetData>")
            if name == "xl/worksheets/sheet2.xml"
            else data
        ),
    )
    expected = (
        "aktiviteter.xlsx är för stor: fliken Närvaro packas upp till 1,2 MB, mer än "
        f"gränsen 1,0 MB. {FIX}"
    )
    assert _refused(path) == expected
    out = folder.parent / "ut"
    assert cli.main(["kontrollera", "--in", str(folder), "--ut", str(out)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == expected
    assert not (out / "valideringsrapport.xlsx").exists()


def test_the_whole_workbook_has_a_limit_too(books, monkeypatch):
    monkeypatch.setattr(xlsx_zip, "MAX_TOTAL_BYTES", 1_000_000)
    path = books.write() / "remisser.xlsx"
    _big_part(path, 700_000, "xl/media/a.bin")
    _big_part(path, 700_000, "xl/media/b.bin")
    assert _refused(path) == (
        "remisser.xlsx är för stor: den packas upp till 1,4 MB, mer än gränsen 1,0 MB för en "
        f"arbetsbok. {FIX}"
    )


def _lie_about_sizes(path: Path, part: str, size: int) -> None:
    """Write `size` as the part's unpacked size in the zip's directory."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    entries, _, at = struct.unpack_from("<HII", data, end + 10)
    for _ in range(entries):
        lengths = struct.unpack_from("<HHH", data, at + 28)
        if bytes(data[at + 46 : at + 46 + lengths[0]]) == part.encode():
            struct.pack_into("<I", data, at + 24, size)
        at += 46 + sum(lengths)
    path.write_bytes(bytes(data))


def test_a_directory_that_lies_about_sizes_does_not_get_past(books, monkeypatch):
    """The limit holds on what the part really unpacks to, not on what the zip claims."""
    monkeypatch.setattr(xlsx_zip, "MAX_PART_BYTES", 1_000_000)
    path = books.write() / "remisser.xlsx"
    _big_part(path, 1_500_000)
    _lie_about_sizes(path, "xl/media/bild.bin", 1_000)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/media/bild.bin").file_size == 1_000  # the lie is told
    assert _refused(path) == (
        "remisser.xlsx är för stor: delen xl/media/bild.bin packas upp till minst 1,0 MB, mer "
        f"än gränsen 1,0 MB. {FIX}"
    )


def test_a_part_that_packs_like_a_zip_bomb_is_refused(books):
    path = books.write() / "remisser.xlsx"
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bild.bin", b"\0" * 2_000_000)  # packs ~1000 times
    message = _refused(path)
    assert message.startswith(
        "remisser.xlsx är packad på ett misstänkt sätt: delen xl/media/bild.bin blir "
    )
    assert message.endswith(
        "gånger större när den packas upp (2,0 MB), och gränsen är 100 gånger. Öppna filen i "
        "Excel och spara om den; hjälper inte det, be om filen på nytt från den som skickade den."
    )


def test_too_many_parts_are_refused(books, monkeypatch):
    monkeypatch.setattr(xlsx_zip, "MAX_PARTS", 5)
    path = books.write() / "remisser.xlsx"
    with zipfile.ZipFile(path) as archive:
        parts = len(archive.infolist())
    assert _refused(path) == (
        f"remisser.xlsx består av {parts} delar, fler än gränsen 5; en arbetsbok har normalt "
        f"högst ett tjugotal. {FIX}"
    )


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _shared_strings(path: Path, xml: bytes) -> None:
    _rewrite(
        path,
        lambda name, data: (
            data.replace(b"</Types>", SHARED_STRINGS_TYPE)
            if name == "[Content_Types].xml"
            else data
        ),
        {"xl/sharedStrings.xml": xml},
    )


def test_a_declared_number_of_texts_past_the_limit_is_refused(books):
    """python-calamine reserves memory for uniqueCount texts before it reads one: four
    billion made it abort the whole process (exit 134) on a file of a few kilobytes."""
    path = books.write() / "remisser.xlsx"
    _shared_strings(
        path,
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="4000000000"><si><t>x</t></si></sst>',
    )
    assert _refused(path) == (
        "remisser.xlsx säger sig innehålla 4 000 000 000 olika texter, fler än gränsen "
        f"2 000 000. {FIX}"
    )


def test_many_tiny_texts_are_counted_however_they_are_written(books, monkeypatch):
    monkeypatch.setattr(xlsx_zip, "MAX_SHARED_STRINGS", 1_000)
    path = books.write() / "remisser.xlsx"
    _shared_strings(
        path,
        b'<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<x:si><x:t/></x:si>" * 600
        + b"</x:sst>",
    )
    assert "olika texter, fler än gränsen 1 000." in _refused(path)


def _add_rows(path: Path, rows: bytes, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    _rewrite(
        path,
        lambda name, data: (
            data.replace(b"</sheetData>", rows + b"</sheetData>") if name == sheet else data
        ),
    )


AREA_FIX = (
    "Ta bort det som står långt ut till höger eller långt ner (Ctrl+End i Excel visar den "
    "sista cellen), spara och kör igen."
)


@pytest.mark.parametrize(
    "far",
    [
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        # No references: python-calamine counts the cells along the row, and so does the check.
        b'<row r="1048576">' + b"<c><v>1</v></c>" * 16_384 + b"</row>",
    ],
    ids=["referenced", "counted"],
)
def test_values_far_apart_are_refused_before_their_rectangle_is_built(
    books, monkeypatch, capsys, far
):
    """Two values in A1 and XFD1048576 made python-calamine ask for 550 GB and abort the
    whole process (exit 134, a Rust backtrace, the lock left behind)."""
    _no_parser(monkeypatch, "remisser.xlsx")
    folder = books.write()
    _add_rows(folder / "remisser.xlsx", far)
    expected = (
        "remisser.xlsx är för stor: fliken Remisser har värden från A1 till XFD1048576, en "
        f"rektangel på 17 179 869 184 celler att läsa, fler än gränsen 10 000 000. {AREA_FIX}"
    )
    assert _refused(folder / "remisser.xlsx") == expected
    out = folder.parent / "ut"
    assert cli.main(["kontrollera", "--in", str(folder), "--ut", str(out)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == expected


def test_formatting_far_out_is_not_a_value(books):
    """A formatted but empty cell far out is no value: python-calamine leaves it out."""
    folder = books.write()
    _add_rows(folder / "remisser.xlsx", b'<row r="1048576"><c r="XFD1048576" s="0"></c></row>')
    check_limits(folder / "remisser.xlsx")  # nothing raised
    assert validate.validate(folder, today=TODAY).ok


def test_a_long_shared_text_in_many_cells_is_refused(books):
    """Each cell gets its own copy of a shared text: 32 767 characters in 30 000 cells took
    2 GB from a file of 18 kB."""
    path = books.write() / "remisser.xlsx"
    _shared_strings(
        path,
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>"
        + b"a" * 32_767
        + b"</t></si></sst>",
    )
    rows = b"".join(
        b'<row r="%d"><c r="J%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(100, 3_200)
    )
    _add_rows(path, rows)
    assert _refused(path) == (
        "remisser.xlsx är för stor: fliken Remisser upprepar långa texter så att 101 577 700 "
        f"tecken ska läsas, fler än gränsen 100 000 000. {FIX}"
    )


def test_the_readme_states_the_limits_the_code_applies():
    from pipeline import config

    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Storleksgränser")[1].split("\n\n")[2]
    values = [row.split(" | ")[1] for row in table.splitlines()[2:]]
    assert values == [
        xlsx_zip._size(xlsx_zip.MAX_PART_BYTES),
        xlsx_zip._size(xlsx_zip.MAX_TOTAL_BYTES),
        xlsx_zip._size(xlsx_zip.MAX_SHARED_STRINGS_BYTES),
        xlsx_zip._count(xlsx_zip.MAX_SHARED_STRINGS),
        xlsx_zip._count(xlsx_zip.MAX_PARTS),
        f"{xlsx_zip.MAX_RATIO} gånger",
        xlsx_zip._count(xlsx_zip.MAX_AREA),
        xlsx_zip._count(xlsx_zip.MAX_TEXT_COPIES),
        xlsx_zip._count(xlsx_zip.MAX_CELL_CHARS),
    ]
    assert f"upp till {xlsx_zip._count(xlsx_zip.EXACT_CELLS)} celler" in readme
    assert f"för delar över {xlsx_zip.RATIO_FROM // xlsx_zip.MB} MB |" in readme


def test_a_year_of_ordinary_size_is_within_every_limit(books):
    folder = books.write()
    for name in ("remisser.xlsx", "aktiviteter.xlsx", "verksamhet.xlsx"):
        check_limits(folder / name)  # nothing raised
    assert validate.validate(folder, today=TODAY).ok


# --- cells longer than Excel allows -----------------------------------------------------


@pytest.mark.parametrize("length", [32_767, 32_768])
def test_a_cell_longer_than_excel_allows_is_an_error(books, length):
    books.rows["Texter"][1][1] = "a" * 32_767  # openpyxl cuts longer texts here
    folder = books.write()
    _rewrite(
        folder / "verksamhet.xlsx", lambda name, data: data.replace(b"a" * 32_767, b"a" * length)
    )
    result = validate.validate(folder, today=TODAY)
    line = (
        "Fel: verksamhet.xlsx, flik Texter, rad 3, kolumn Text: Cellen B3 innehåller "
        "32\u00a0768 tecken, fler än de 32\u00a0767 som en cell i Excel rymmer. Korta texten, "
        "eller dela upp den på flera rader."
    )
    too_long = [p for p in result.errors if p.line() == line]
    assert len(too_long) == (length > 32_767)
    assert result.ok == (length <= 32_767)
    if too_long:  # the validation report shows the value shortened
        assert too_long[0].value == "a" * 77 + "..."


# --- a reader process that dies -----------------------------------------------------------


def test_a_reader_process_that_dies_is_one_swedish_line(books, monkeypatch, capfd):
    monkeypatch.setattr(validate, "PARALLEL_BYTES", 0)  # the referrals in a helper process
    monkeypatch.setattr(validate, "HELPER", dying_reader.die)
    folder = books.write()
    out = folder.parent / "ut"
    assert cli.main(["kontrollera", "--in", str(folder), "--ut", str(out)]) == 1
    printed = capfd.readouterr()
    assert printed.out.splitlines()[-1] == (
        "remisser.xlsx kunde inte läsas: läsningen avbröts oväntat, troligen för att filen "
        "kräver mer minne än datorn har (till exempel värden långt ut till höger eller långt "
        "ner i en flik). Inga filer ändrades. Öppna filen i Excel, ta bort det som inte hör "
        "till tabellerna, spara och kör igen."
    )
    assert "backtrace" not in printed.err + printed.out
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
    # The lock was released: the next run goes ahead.
    monkeypatch.setattr(validate, "PARALLEL_BYTES", 10**12)
    assert cli.main(["kontrollera", "--in", str(folder), "--ut", str(out)]) == 0


def test_a_sheet_measured_by_size_alone_is_read_where_a_dying_reader_harms_no_one(books, capfd):
    """A sheet of more than 200 000 cells is measured by its size alone. With a value in
    XFD1048576 too, python-calamine asked for hundreds of GB and aborted the process that
    read it (exit 134, a Rust backtrace): now a helper process, never the caller."""
    folder = books.write()
    columns = b"ABCDEFGHIJ"
    rows = b"".join(
        b'<row r="%d">%s</row>'
        % (n, b"".join(b'<c r="%c%d"><v>1</v></c>' % (c, n) for c in columns))
        for n in range(100, 100 + xlsx_zip.EXACT_CELLS // len(columns) + 1)
    )
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    _add_rows(folder / "remisser.xlsx", rows + far)
    assert not check_limits(folder / "remisser.xlsx", ["Remisser", "Samtal"])
    out = folder.parent / "ut"
    assert cli.main(["kontrollera", "--in", str(folder), "--ut", str(out)]) == 1
    printed = capfd.readouterr()
    assert printed.out.splitlines()[-1] == (
        "remisser.xlsx kunde inte läsas: läsningen avbröts oväntat, troligen för att filen "
        "kräver mer minne än datorn har (till exempel värden långt ut till höger eller långt "
        "ner i en flik). Inga filer ändrades. Öppna filen i Excel, ta bort det som inte hör "
        "till tabellerna, spara och kör igen."
    )
    assert printed.err == ""
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cap is Linux's")
def test_the_helper_finds_the_package_from_anywhere_and_has_its_memory_capped(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # the package is found as this process found it
    helper = Helper()
    helper.send(dying_reader.address_space_limit)
    assert helper.answer() == MEMORY_LIMIT


def test_the_helper_sets_the_garbage_collector_for_one_call():
    """As in the command line's process: what was imported is frozen, and the collector
    looks less often (with the defaults, reading a million rows took 2 s more)."""
    helper = Helper()
    helper.send(dying_reader.collector)
    thresholds, frozen = helper.answer()
    assert thresholds == config.ONE_RUN_THRESHOLDS
    assert frozen > 0  # what the helper loaded before the call
