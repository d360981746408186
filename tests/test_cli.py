"""End to end: the command line and `make report` on temporary folders."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import pytest
from openpyxl import load_workbook

from pipeline import config
from pipeline.cli import arguments
from pipeline.cli import main as cli
from pipeline.figures import aggregate
from pipeline.report import job as report_job

ROOT = config.ROOT


def _run(capsys, *args) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_empty_default_raw_folder_builds_the_example_into_its_own_folder(
    tmp_path, capsys, monkeypatch
):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / ".gitkeep").touch()
    monkeypatch.setattr(config, "RAW", raw)
    code, printed = _run(capsys, "rapport", "--ut", str(out))
    assert code == 0, printed
    assert printed.splitlines()[0] == (
        f"Mappen {raw} innehåller inga arbetsböcker. Rapporten byggs från exempeldata i "
        f"{config.EXAMPLE} (Vaggeryd 2023) och skrivs i {out / 'exempel'}, så att inga egna "
        "filer skrivs över."
    )
    assert [p.name for p in out.iterdir()] == ["exempel"]
    assert sorted(p.name for p in (out / "exempel").iterdir() if not p.name.startswith(".")) == [
        "Vaggeryd-2023-nyckeltal.csv",
        "Vaggeryd-2023-nyckeltal.datapackage.json",
        "Vaggeryd-2023-verksamhetsberattelse.docx",
        "valideringsrapport.xlsx",
    ]
    csv = (out / "exempel" / "Vaggeryd-2023-nyckeltal.csv").read_text(encoding="utf-8")
    assert "1,0665,Vaggeryd,2023,arenden_sedan_start,,,167,0\n" in csv
    # The descriptor beside it describes exactly that file, so standard tools can check it.
    descriptor = json.loads(
        (out / "exempel" / "Vaggeryd-2023-nyckeltal.datapackage.json").read_text(encoding="utf-8")
    )
    (resource,) = descriptor["resources"]
    assert resource["path"] == "Vaggeryd-2023-nyckeltal.csv"
    fields = [f["name"] for f in resource["schema"]["fields"]]
    assert fields == csv.split("\n", 1)[0].split(",")


def test_naming_the_default_folder_is_the_same_as_naming_none(tmp_path, monkeypatch):
    """make report passes --in data/raw: that is the default folder, with its fallback."""
    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setattr(config, "RAW", raw)
    named = report_job.choose_folders(tmp_path / "." / "raw", tmp_path / "out")
    assert named == report_job.choose_folders(None, tmp_path / "out")
    assert named.example and named.out == tmp_path / "out" / "exempel"


def test_a_named_empty_folder_never_falls_back_to_the_example(tmp_path, capsys):
    raw, out = tmp_path / "mina-filer", tmp_path / "out"
    raw.mkdir()
    code, printed = _run(capsys, "rapport", "--in", str(raw), "--ut", str(out))
    assert code == 1
    assert "exempeldata" not in printed
    assert f"Fel: remisser.xlsx: Filen remisser.xlsx saknas i {raw}." in printed
    assert not list(out.glob("Vaggeryd-*"))


def test_no_identifier_reaches_any_output(example):
    ids = set()
    for fil, column in (("remisser.xlsx", "Remisser"), ("aktiviteter.xlsx", "Närvaro")):
        sheet = load_workbook(config.EXAMPLE / fil, read_only=True)[column]
        header = next(sheet.iter_rows(max_row=1, values_only=True))
        index = header.index("Klient-ID" if column == "Remisser" else "Deltagar-ID")
        ids |= {row[index] for row in sheet.iter_rows(min_row=2, values_only=True) if row[index]}
    assert len(ids) > 150
    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
    assert not pattern.search(example.csv)
    with zipfile.ZipFile(io.BytesIO(example.report.docx)) as report:
        for name in report.namelist():
            if name.endswith((".xml", ".rels")):
                found = pattern.search(report.read(name).decode("utf-8"))
                assert not found, (name, found and found.group(0))


def test_bad_input_keeps_the_earlier_report(books, tmp_path):
    out = tmp_path / "out"
    assert report_job.build_report(books.write(), out).ok
    before = {p.name: p.read_bytes() for p in out.glob("Vaggeryd-*")}
    assert len(before) == 3  # key figures, their descriptor, the report

    books.rows["Remisser"][0][2] = "Farr"
    books.rows["Samtal"][0][0] = "X9"
    result = report_job.build_report(books.write(), out)
    assert not result.ok and len(result.validation.errors) == 2
    assert set(result.paths) == {"validation"}
    assert {p.name: p.read_bytes() for p in out.glob("Vaggeryd-*")} == before
    problems = load_workbook(out / "valideringsrapport.xlsx")["Problem"]
    rows = list(problems.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("remisser.xlsx", "Remisser", 2, "Kanal"),
        ("remisser.xlsx", "Samtal", 2, "Klient-ID"),
    ]


def test_failure_while_writing_leaves_earlier_files(books, tmp_path, capsys, monkeypatch):
    """An unexpected error: one Swedish line, the log in the user's cache folder, no change."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    assert _run(capsys, "rapport", "--in", str(books.write()), "--ut", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(aggregate, "to_csv", broken)
    code = cli.main(["rapport", "--in", str(books.write()), "--ut", str(out), "--tvinga"])
    printed, errors = capsys.readouterr()
    assert code == 2
    log = cache / "halsocenter" / "halsocenter-fel.log"
    assert printed.splitlines()[-1] == (
        f"Ett oväntat fel inträffade (RuntimeError). Inga filer ändrades. Detaljer finns i "
        f"{log}; skicka filen till den som sköter programmet."
    )
    assert "RuntimeError: disk full" in log.read_text()
    assert "Traceback" not in printed + errors
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_log_falls_back_to_the_temp_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "fil"
    blocked.write_text("inte en mapp")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "temp"))
    try:
        raise ValueError("prov")
    except ValueError:
        path = cli.write_log()
    assert path == tmp_path / "temp" / "halsocenter" / "halsocenter-fel.log"
    assert "ValueError: prov" in path.read_text()


def test_some_workbooks_missing_and_the_rest_still_checked(books, tmp_path):
    books.rows["Remisser"][0][2] = "Farr"
    folder = books.write()
    (folder / "verksamhet.xlsx").unlink()
    (folder / "aktiviteter.xlsx").rename(folder / "aktiviteter .xlsx")
    result = report_job.check(folder, tmp_path / "o")
    assert not result.ok
    printed = [p.line() for p in result.validation.problems]
    assert (
        f"Fel: aktiviteter.xlsx: Filen aktiviteter.xlsx saknas i {folder}; hittade "
        "'aktiviteter .xlsx' – menade du aktiviteter.xlsx? Byt namn på filen till exakt "
        "aktiviteter.xlsx (utan mellanslag) och kör igen."
    ) in printed
    assert any(
        line.startswith(f"Fel: verksamhet.xlsx: Filen verksamhet.xlsx saknas i {folder}.")
        for line in printed
    )
    # remisser.xlsx is there and checked: its error is shown too.
    assert any(
        line.startswith("Fel: remisser.xlsx, flik Remisser, rad 2, kolumn Kanal: Värdet 'Farr'")
        for line in printed
    )


def test_check_writes_no_report(books, tmp_path):
    out = tmp_path / "out"
    result = report_job.check(books.write(), out)
    assert result.ok and result.validation.errors == []
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [
        "valideringsrapport.xlsx"
    ]
    problems = load_workbook(out / "valideringsrapport.xlsx")["Problem"]
    assert [c.value for c in problems[2]][6] == "Inga fel"


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make saknas")


def _venv(tmp_path, program: str):
    """A folder the Makefile takes for its .venv: installed, with `program` as halsocenter."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    script = venv / "bin" / "halsocenter"
    script.write_text(program)
    script.chmod(0o755)
    for stamp in (".installed-run", ".installed-test"):
        (venv / stamp).touch()  # newer than the lock files: nothing is installed
    return venv


@needs_make
def test_make_check_runs_the_program_without_the_report_libraries(tmp_path):
    """`make check` → halsocenter → python -m pipeline, in a fresh interpreter that never
    imports matplotlib, Word or openpyxl (the validation report is written without it;
    Python's own import log, PYTHONPROFILEIMPORTTIME, says so)."""
    venv = _venv(tmp_path, f'#!/bin/sh\nexec "{sys.executable}" -m pipeline "$@"\n')
    result = subprocess.run(
        ["make", "check", f"VENV={venv}", f"RAW={config.EXAMPLE}", f"OUT={tmp_path / 'ut'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Inga fel." in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert {"pipeline.validation.validate", "pandera"} <= imported  # the log is really there
    unused = {"matplotlib", "docx", "docxtpl", "openpyxl"}
    assert not imported & unused, imported & unused
    assert (tmp_path / "ut" / "valideringsrapport.xlsx").is_file()


@needs_make
@pytest.mark.parametrize(
    "target, expected",
    [
        (["report"], [["rapport", "--in", "data/raw", "--ut", "output"]]),
        (
            ["report", "RAW=mina filer", "OUT=ut", "TVINGA=1"],
            [["rapport", "--in", "mina filer", "--ut", "ut", "--tvinga"]],
        ),
        (["check"], [["kontrollera", "--in", "data/raw", "--ut", "output"]]),
        (["mallar", "SKRIV_OVER=1"], [["mallar", "--ut", "data/raw", "--skriv-over"]]),
        (["nytt-ar"], [["nytt-ar", "--in", "data/raw", "--ut", "output"]]),
        (["pdf"], [["pdf", "--ut", "output"]]),  # never a rebuild: the report as it is
        (["pdf", "FIL=min rapport.docx"], [["pdf", "--ut", "output", "--fil", "min rapport.docx"]]),
        (["compare", "IN=län"], [["jamfor", "--in", "län", "--ut", "output"]]),
    ],
    ids=lambda v: " ".join(v) if isinstance(v[0], str) else "",
)
def test_make_targets_give_the_program_these_arguments(tmp_path, target, expected):
    """What each README target passes on; the real parser accepts every call."""
    calls = tmp_path / "anrop.txt"
    venv = _venv(tmp_path, f'#!/bin/sh\nprintf "%s\\037" "$@" >> "{calls}"\necho >> "{calls}"\n')
    result = subprocess.run(
        ["make", *target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    made = [line.split("\037")[:-1] for line in calls.read_text().splitlines()]
    assert made == expected
    for call in made:
        assert not isinstance(arguments.parse(call), int), call


@needs_make
def test_make_adds_nothing_in_english_after_the_swedish_lines(tmp_path):
    """A real `make check RAW=<a folder with no workbooks>`: the program's Swedish lines,
    then nothing from make ("make: *** [Makefile:NN: check] Error 1" was), and still an exit
    status that is not 0."""
    venv = _venv(tmp_path, f'#!/bin/sh\nexec "{sys.executable}" -m pipeline "$@"\n')
    empty = tmp_path / "tom mapp"
    empty.mkdir()
    # As the coach types it: not under another make (`make test` runs these tests).
    alone = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(
        ["make", "check", f"VENV={venv}", f"RAW={empty}", f"OUT={tmp_path / 'ut'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=alone,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout.splitlines()[-1].startswith("Hittade 3 fel. Rätta dem i Excel")
    assert result.stderr == ""


def test_unchanged_input_is_not_built_again(books, tmp_path, capsys):
    from pipeline.report import unchanged

    raw, out = books.write(), tmp_path / "out"
    assert report_job.build_report(raw, out, force=False).ok
    report = out / "Vaggeryd-2023-verksamhetsberattelse.docx"
    written = report.stat().st_mtime_ns
    code, printed = _run(capsys, "rapport", "--in", str(raw), "--ut", str(out))
    assert code == 0
    assert "Inget har ändrats sedan förra körningen" in printed
    assert report.stat().st_mtime_ns == written

    # A changed workbook or a missing output is not current: the next run builds again.
    def current() -> bool:
        threshold = config.suppression_threshold()
        return unchanged.is_current(out, unchanged.fingerprint(raw, threshold))

    assert current()
    books.rows["Remisser"][0][5] = "Man"
    books.write()
    assert not current()
    books.rows["Remisser"][0][5] = "Kvinna"
    books.write()
    assert current()  # the same bytes again
    (out / "Vaggeryd-2023-nyckeltal.csv").rename(out / "flyttad.csv")
    assert not current()
    (out / "flyttad.csv").rename(out / "Vaggeryd-2023-nyckeltal.csv")
    assert current()
    # Forced (--tvinga), it builds even when nothing changed.
    assert report_job.build_report(raw, out, force=True).paths["report"] == report
    assert report.stat().st_mtime_ns != written


ENGLISH = re.compile(
    r"\b(usage|options|show|help message|invalid|choice|choose|required|arguments?|error|"
    r"positional|default|expected|unrecognized|did you mean)\b",
    re.IGNORECASE,
)
COMMANDS = ["rapport", "kontrollera", "mallar", "nytt-ar", "pdf", "jamfor", "exempel", "konto"]


def _everything(capsys, *args) -> tuple[int, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    "args",
    [["--help"], [], *[[c, "--help"] for c in COMMANDS], ["exempel"], ["jamfor", "--ar", "x"]],
    ids=lambda a: " ".join(a) or "inget",
)
def test_help_and_argument_errors_are_swedish(capsys, args):
    code, text = _everything(capsys, *args)
    assert code == (0 if "--help" in args else 2)
    assert text.strip()
    assert not ENGLISH.findall(text.replace("--help", "")), text


def test_every_command_is_in_the_help(capsys):
    _, text = _everything(capsys, "--help")
    assert text.startswith("användning: halsocenter [-h] KOMMANDO ...")
    for command in COMMANDS:
        assert f"\n    {command}" in text


def test_a_mistyped_command_gets_a_suggestion(capsys):
    code = cli.main(["raport", "--in", "x"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "användning: halsocenter [-h] KOMMANDO ...",
        "halsocenter: fel: okänt kommando 'raport'. Menade du rapport?",
    ]
    assert cli.main(["jamför2"]) == 2
    assert "Menade du jamfor?" in capsys.readouterr().err
    assert cli.main(["xyz"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "halsocenter: fel: okänt kommando 'xyz'. Kommandona är: rapport, kontrollera, mallar, "
        "nytt-ar, pdf, jamfor, exempel, konto."
    )


def test_a_mistyped_option_gets_a_suggestion(capsys):
    code, text = _everything(capsys, "kontrollera", "--inn", "data")
    assert code == 2
    assert text.splitlines()[-1] == (
        "halsocenter: fel: okända argument: --inn data. Menade du --in i stället för --inn?"
    )


def test_old_english_names_still_work_unseen(capsys, tmp_path):
    code, text = _everything(
        capsys, "check", "--raw", str(config.EXAMPLE), "--out", str(tmp_path), "--help"
    )
    assert code == 0
    assert text.startswith("användning: halsocenter kontrollera")
    assert "--raw" not in text and "check" not in text
    assert arguments._with_aliases(["compare", "--in=a", "--out=b"]) == [
        "jamfor",
        "--in=a",
        "--ut=b",
    ]


def test_the_command_line_is_thin_and_the_bench_calls_the_library():
    """The jobs live in the library; cli/ only parses, prints and picks the exit code: it
    imports no stage of a job, looks at no file and writes none (the log file aside)."""
    import ast

    imported, calls = set(), set()
    for path in sorted((ROOT / "pipeline" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {f"{node.module}.{alias.name}" for alias in node.names}
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.FunctionDef) and node.name != "write_log":
                calls |= {
                    n.func.attr
                    for n in ast.walk(node)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                }
    job = {
        "pipeline.figures.aggregate",
        "pipeline.report.render",
        "pipeline.report.unchanged",
        "pipeline.validation.validate",
        "pipeline.comparison.workbook",
        "pipeline.comparison.document",
        "pipeline.contract.datapackage",
        "pipeline.publish.pdf.to_pdf",
        "pipeline.coach.next_year.next_year_rows",
        "pipeline.coach.next_year.write_next_year",
        "pipeline.coach.synthetic.write",
    }
    assert not imported & job, imported & job
    assert {
        "pipeline.report.job",
        "pipeline.report.pdf_job",
        "pipeline.comparison.job",
        "pipeline.coach.next_year",
        "pipeline.coach.synthetic",
        "pipeline.coach.blank_workbooks",
    } <= imported
    touching = {
        "exists",
        "glob",
        "is_file",
        "iterdir",
        "mkdir",
        "write_bytes",
        "write_text",
        "open",
    }
    assert not calls & touching, calls & touching
    # bench/stages.py times the library's stages; bench/run.py times make and the floor.
    assert "report_job.build_report(" in (ROOT / "bench" / "stages.py").read_text("utf-8")
    for name in ("run.py", "stages.py"):
        source = (ROOT / "bench" / name).read_text(encoding="utf-8")
        assert "import cli" not in source and '"pipeline", "report"' not in source, name


def test_a_console_that_cannot_show_a_character_gets_a_replacement(tmp_path):
    """Output redirected in cp1252 (Windows): a zero-width space becomes '?', the run ends
    as it should (exit 1, exit 2 for a mistyped command), never in a UnicodeEncodeError."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "XDG_CACHE_HOME": str(tmp_path / "c")}
    folder = tmp_path / "rapporter\u200b"
    folder.mkdir()
    command = [sys.executable, "-m", "pipeline"]
    no_report = subprocess.run(
        [*command, "pdf", "--ut", str(folder)], cwd=ROOT, capture_output=True, env=env
    )
    assert no_report.returncode == 1, no_report.stdout.decode("cp1252")
    assert no_report.stdout.decode("cp1252").splitlines() == [
        f"Det finns ingen rapport i {tmp_path / 'rapporter?'}. Kör först: make report"
    ]
    mistyped = subprocess.run([*command, "rapport\u200b"], cwd=ROOT, capture_output=True, env=env)
    assert mistyped.returncode == 2
    assert mistyped.stderr.decode("cp1252").splitlines()[-1] == (
        "halsocenter: fel: okänt kommando 'rapport?'. Menade du rapport?"
    )


def test_a_validation_message_in_cp1252_is_printed_with_replacements(books, tmp_path, monkeypatch):
    """The same in-process, for the message of the issue: '⟨nollbreddsmellanslag⟩'."""
    books.rows["Närvaro"][4][1] = "Gympa\u200b"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))  # the log, should it come to that
    console = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", console)
    code = cli.main(["kontrollera", "--in", str(books.write()), "--ut", str(tmp_path / "ut")])
    console.flush()
    assert code == 1
    assert console.buffer.getvalue().decode("cp1252").splitlines()[0] == (
        "Fel: aktiviteter.xlsx, flik Närvaro, rad 6, kolumn Aktivitet: "
        "'Gympa?nollbreddsmellanslag?' finns inte i fliken Aktiviteter. Lägg till raden i "
        "fliken Aktiviteter eller rätta stavningen."
    )
