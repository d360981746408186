"""The core from bytes to bytes: no file written, the folder job's bytes, last year's csv."""

from __future__ import annotations

import contextlib
import io
import os
import sys

import docx
import pytest

import pipeline
from pipeline import config
from pipeline.contract import schema as contract
from pipeline.figures import aggregate
from pipeline.report import job
from pipeline.report.core import VALIDATION_REPORT, Status, last_year
from pipeline.validation.validate import validate_workbooks
from tests.conftest import TODAY, D
from tests.test_render import _rows, _table_after

# --- nothing written -----------------------------------------------------------------------

_ATTEMPTS: list[str] | None = None  # while a block runs: what it tried to write
_HOOKED = False
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_WRITING_EVENTS = {
    "os.mkdir", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.symlink", "os.link",
    "os.truncate", "os.chmod", "os.chown", "os.utime", "os.mkfifo", "os.mknod",
    "shutil.copyfile", "shutil.copytree", "shutil.move", "shutil.rmtree",
    "tempfile.mkstemp", "tempfile.mkdtemp",
}  # fmt: skip


def _audit(event: str, args: tuple) -> None:
    """An audit hook (it cannot be removed, so it acts only inside nothing_written)."""
    if _ATTEMPTS is None:
        return
    if event == "open":
        path, mode, flags = args
        if isinstance(path, int) or path == os.devnull:
            return  # a pipe or a descriptor already open; /dev/null
        writing = any(c in (mode or "") for c in "wax+") or bool((flags or 0) & _WRITE_FLAGS)
        if not writing:
            return
    elif event not in _WRITING_EVENTS:
        return
    _ATTEMPTS.append(f"{event} {args!r}")
    raise PermissionError(f"the core tried to write: {event} {args!r}")


@contextlib.contextmanager
def nothing_written():
    """Every attempt to create, open for writing, move or remove a file fails and is noted.
    Python's own .pyc files are not written meanwhile (not the program's doing)."""
    global _ATTEMPTS, _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED = True
    attempts: list[str] = []
    bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    _ATTEMPTS = attempts
    try:
        yield attempts
    finally:
        _ATTEMPTS = None
        sys.dont_write_bytecode = bytecode


def test_the_hook_catches_writes(tmp_path):
    """Without this, the test below could pass with a hook that sees nothing."""
    for write in (
        lambda: (tmp_path / "x").write_bytes(b"x"),
        lambda: os.mkdir(tmp_path / "d"),
        lambda: __import__("tempfile").TemporaryFile(),
    ):
        with nothing_written() as attempts, pytest.raises(PermissionError):
            write()
        assert attempts
    assert list(tmp_path.iterdir()) == []


def test_the_core_writes_nothing_and_gives_the_folder_jobs_bytes(tmp_path):
    """The example's workbooks as bytes: the core makes every output in memory, with every
    write refused, and its bytes are those the folder job writes."""
    workbooks = {name: (config.EXAMPLE / name).read_bytes() for name in contract.files()}
    out = tmp_path / "ut"
    assert job.build_report(config.EXAMPLE, out, today=TODAY).status is Status.DONE
    written = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    with nothing_written() as attempts:
        result = pipeline.report_from_workbooks(workbooks, today=TODAY)
    assert attempts == []
    assert result.status is Status.DONE and result.ok
    assert result.files == written
    assert list(result.files) == [
        VALIDATION_REPORT,
        "Vaggeryd-2023-nyckeltal.csv",
        "Vaggeryd-2023-nyckeltal.datapackage.json",
        "Vaggeryd-2023-verksamhetsberattelse.docx",
    ]
    assert (result.kommun, result.year) == ("Vaggeryd", 2023)
    assert result.figures.value("arenden_inkomna") == 81
    assert result.problems == [p for p in result.problems if p.level != "fel"]


def test_input_with_errors_gives_the_validation_report_alone(books):
    books.rows["Remisser"][0][5] = "Okänt"
    folder = books.write()
    workbooks = {name: (folder / name).read_bytes() for name in contract.files()}
    with nothing_written() as attempts:
        result = pipeline.report_from_workbooks(workbooks, today=TODAY)
    assert attempts == []
    assert result.status is Status.INPUT_ERRORS and not result.ok
    assert list(result.files) == [VALIDATION_REPORT]
    assert result.figures is None and result.kommun is None
    assert (
        result.problems[0].line()
        == result.summary()[0]
        == (
            "Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Kön: Värdet 'Okänt' är inte "
            "tillåtet. Tillåtna värden: Kvinna, Man, Annat/uppger ej."
        )
    )


def test_a_missing_workbook_is_named_without_a_folder(books):
    folder = books.write()
    workbooks = {"remisser.xlsx": (folder / "remisser.xlsx").read_bytes(), "Verksamhet.XLSX": b""}
    lines = pipeline.report_from_workbooks(workbooks, today=TODAY).summary()
    assert lines[:2] == [
        "Fel: aktiviteter.xlsx: Filen aktiviteter.xlsx saknas. Lägg alla tre arbetsböckerna i "
        "mappen: remisser.xlsx, aktiviteter.xlsx, verksamhet.xlsx.",
        "Fel: verksamhet.xlsx: Filen verksamhet.xlsx saknas; hittade 'Verksamhet.XLSX' – menade "
        "du verksamhet.xlsx? Byt namn på filen till exakt verksamhet.xlsx och kör igen.",
    ]


# --- last year's key figures --------------------------------------------------------------


def _rows_from_2023(books):
    """The hand-counted year without its 2022 rows: the workbooks lack last year."""
    books.rows["Remisser"] = [r for r in books.rows["Remisser"] if r[0] not in ("A1", "A2")]
    books.rows["Samtal"] = [r for r in books.rows["Samtal"] if r[0] not in ("A1", "A2")]
    folder = books.write()
    return {name: (folder / name).read_bytes() for name in contract.files()}


def _last_years_csv(base_report, kommun="0665,Vaggeryd", year=2022) -> bytes:
    """The base year's key figures relabelled as another year's (or municipality's)."""
    text = aggregate.to_csv(base_report.figures)
    return text.replace(",0665,Vaggeryd,2023,", f",{kommun},{year},").encode()


def _samtal_and_demography(result):
    document = docx.Document(io.BytesIO(result.files["Vaggeryd-2023-verksamhetsberattelse.docx"]))
    return (
        _rows(_table_after(document, "Inflöde och samtal")),
        _rows(_table_after(document, "Kön och ålder")),
    )


def test_last_years_csv_fills_the_column_the_workbooks_lack(books, base_report):
    workbooks = _rows_from_2023(books)
    csv = _last_years_csv(base_report)
    without = pipeline.report_from_workbooks(workbooks, today=TODAY)
    result = pipeline.report_from_workbooks(workbooks, csv, today=TODAY)
    assert _samtal_and_demography(without)[0][1] == [
        "Inkomna ärenden", "–", "5", "–", "uppgift saknas"
    ]  # fmt: skip
    samtal, demography = _samtal_and_demography(result)
    assert samtal[1] == ["Inkomna ärenden", "5", "5", "0", "uppgift saknas"]
    # A count the file hides is '..': the file does not say whether it was small.
    assert ["Kön", "Kvinna", "..", "1–4", "–"] in demography
    notice = (
        "Notis: Vaggeryd-2022-nyckeltal.csv: Siffrorna för 2022 kommer från "
        "Vaggeryd-2022-nyckeltal.csv, förra årets nyckeltal, eftersom arbetsböckerna inte har "
        "året (varken rader eller en rad i Tidigare år)."
    )
    assert notice in result.summary()
    assert notice not in without.summary()


def _dataset(books):
    return validate_workbooks(_rows_from_2023(books), today=TODAY).dataset


def test_last_year_comes_as_bytes_key_figures_or_a_finder(books, base_report):
    dataset, csv = _dataset(books), _last_years_csv(base_report)
    asked = []

    def finder(kommun, year):
        asked.append((kommun.namn, year))
        return csv

    for previous in (csv, aggregate.from_csv(csv), finder):
        figures, notice = last_year(dataset, previous)
        assert (figures.year, figures.value("arenden_inkomna")) == (2022, 5)
        assert notice.message.startswith("Siffrorna för 2022 kommer från")
    assert asked == [("Vaggeryd", 2022)]
    assert last_year(dataset, lambda kommun, year: None) == (None, None)


def test_the_workbooks_own_last_year_comes_first(books, base_report):
    """The rows have 2022: a csv for 2022 is neither asked for nor used."""
    dataset = validate_workbooks(
        {name: (books.write() / name).read_bytes() for name in contract.files()}, today=TODAY
    ).dataset
    asked = []

    def previous(kommun, year):
        asked.append((kommun.namn, year))
        return _last_years_csv(base_report)

    figures, notice = last_year(dataset, previous)
    assert asked == [] and notice is None
    assert figures.value("arenden_inkomna") == 2  # the two 2022 rows


@pytest.mark.parametrize(
    ("kommun", "year", "why"),
    [("0665,Vaggeryd", 2021, "Vaggeryd 2021"), ("0643,Habo", 2022, "Habo 2022")],
    ids=["another year", "another municipality"],
)
def test_a_csv_that_is_not_last_years_is_not_used(books, base_report, kommun, year, why):
    figures, notice = last_year(_dataset(books), _last_years_csv(base_report, kommun, year))
    assert figures is None
    assert notice.line() == (
        "Notis: Vaggeryd-2022-nyckeltal.csv: Vaggeryd-2022-nyckeltal.csv används inte för "
        f"kolumnen 2022: filen gäller {why}."
    )


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda csv: csv[:-1] + b"\xff", "filen är inte en csv-fil i UTF-8"),
        (lambda csv: b"kommun,ar\nVaggeryd,2022\n", "rubrikraden är inte schema_version,"),
        (lambda csv: csv.replace(b"\n1,", b"\n2,", 1), "den följer inte schema_version 1"),
        (lambda csv: csv.replace(b",2022,", b",2021,", 1), "den ska gälla en kommun och ett år"),
        (lambda csv: csv.replace(b",5,0\n", b",-5,0\n", 1), "'-5' är inget antal"),
        (lambda csv: csv.replace(b",5,0\n", b",1e9,0\n", 1), "'1e9' är inget antal"),
        (lambda csv: csv.replace(b",5,0\n", b",5,1\n", 1), "undertryckt ska vara 0 eller 1"),
        (lambda csv: csv.replace(b",5,0\n", b",5\n", 1), "en rad har fel antal fält"),
    ],
)
def test_a_key_figure_file_is_read_back_strictly(base_report, change, why):
    csv = _last_years_csv(base_report)
    assert aggregate.from_csv(csv).value("arenden_inkomna") == 5
    with pytest.raises(aggregate.KeyFigureFileError) as refused:
        aggregate.from_csv(change(csv))
    assert why in str(refused.value)


def test_no_last_year_before_the_start(books, base_report):
    """Startdatum in the report year: there was no last year, whatever a file says."""
    books.rows["Uppgifter"][2][1] = D(2023, 1, 1)
    asked = []

    def previous(kommun, year):
        asked.append(year)
        return _last_years_csv(base_report)

    assert last_year(_dataset(books), previous) == (None, None)
    assert asked == []


def test_the_folder_job_takes_last_years_csv_from_the_output_folder(books, base_report):
    _rows_from_2023(books)
    raw, out = books.folder, books.folder.parent / "ut"
    assert job.build_report(raw, out, today=TODAY).status is Status.DONE
    assert job.build_report(raw, out, today=TODAY, force=False).status is Status.UNCHANGED
    # Last year's csv appears: the report is built again, with it.
    (out / "Vaggeryd-2022-nyckeltal.csv").write_bytes(_last_years_csv(base_report))
    assert job.build_report(raw, out, today=TODAY, force=False).status is Status.DONE
    document = docx.Document(out / "Vaggeryd-2023-verksamhetsberattelse.docx")
    assert _rows(_table_after(document, "Inflöde och samtal"))[1][1] == "5"
    assert job.build_report(raw, out, today=TODAY, force=False).status is Status.UNCHANGED
    # ... and changed again.
    (out / "Vaggeryd-2022-nyckeltal.csv").write_bytes(b"")
    assert job.build_report(raw, out, today=TODAY, force=False).status is Status.DONE
    document = docx.Document(out / "Vaggeryd-2023-verksamhetsberattelse.docx")
    assert _rows(_table_after(document, "Inflöde och samtal"))[1][1] == "–"


def test_the_readmes_example_runs(monkeypatch, capsys):
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("### Som bibliotek")[1].split("```python\n")[1].split("```")[0]
    monkeypatch.chdir(config.ROOT)
    exec(code, {})
    assert capsys.readouterr().out.splitlines()[-1] == "Vaggeryd 2023 81"


def test_the_fingerprint_covers_every_file_of_the_package_by_its_path(books, tmp_path, monkeypatch):
    """'Nothing changed' must notice any change to the program: a file in any folder of
    the package, of any kind, and a module moved to another folder."""
    from pipeline.report import unchanged

    raw = books.write()
    package = tmp_path / "pipeline"
    (package / "report").mkdir(parents=True)
    (package / "report" / "charts.py").write_text("a = 1\n")
    monkeypatch.setattr(config, "ROOT", tmp_path)
    prints = [unchanged.fingerprint(raw, None)]
    (package / "comparison").mkdir()
    (package / "report" / "charts.py").rename(package / "comparison" / "charts.py")
    prints.append(unchanged.fingerprint(raw, None))
    (package / "comparison" / "layout.yaml").write_text("x: 1\n")
    prints.append(unchanged.fingerprint(raw, None))
    (package / "comparison" / "__pycache__").mkdir()
    (package / "comparison" / "__pycache__" / "charts.pyc").write_bytes(b"compiled")
    prints.append(unchanged.fingerprint(raw, None))
    assert len(set(prints[:3])) == 3
    assert prints[3] == prints[2]  # compiled files are Python's, not the program
