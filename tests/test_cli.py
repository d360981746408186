"""End to end: the command line and `make report` on temporary folders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from openpyxl import load_workbook

from pipeline import aggregate, cli, config

ROOT = config.ROOT


def _run(capsys, *args) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_empty_raw_folder_builds_from_the_example(tmp_path, capsys):
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / ".gitkeep").touch()
    code, printed = _run(capsys, "report", "--raw", str(raw), "--out", str(out))
    assert code == 0, printed
    assert f"Mappen {raw} innehåller inga arbetsböcker. Rapporten byggs från exempeldata" in printed
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "Vaggeryd-2023-nyckeltal.csv",
        "Vaggeryd-2023-verksamhetsberattelse.docx",
        "valideringsrapport.xlsx",
    ]
    csv = (out / "Vaggeryd-2023-nyckeltal.csv").read_text(encoding="utf-8")
    assert "1,0665,Vaggeryd,2023,arenden_sedan_start,,,167,0\n" in csv


def test_no_identifier_reaches_any_output(tmp_path, capsys):
    out = tmp_path / "out"
    code, _ = _run(capsys, "report", "--raw", str(config.EXAMPLE), "--out", str(out))
    assert code == 0
    ids = set()
    for fil, column in (("remisser.xlsx", "Remisser"), ("aktiviteter.xlsx", "Närvaro")):
        sheet = load_workbook(config.EXAMPLE / fil, read_only=True)[column]
        header = next(sheet.iter_rows(max_row=1, values_only=True))
        index = header.index("Klient-ID" if column == "Remisser" else "Deltagar-ID")
        ids |= {row[index] for row in sheet.iter_rows(min_row=2, values_only=True) if row[index]}
    assert len(ids) > 150
    pattern = re.compile("|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)))
    csv = (out / "Vaggeryd-2023-nyckeltal.csv").read_text(encoding="utf-8")
    assert not pattern.search(csv)
    with zipfile.ZipFile(out / "Vaggeryd-2023-verksamhetsberattelse.docx") as report:
        for name in report.namelist():
            if name.endswith((".xml", ".rels")):
                found = pattern.search(report.read(name).decode("utf-8"))
                assert not found, (name, found and found.group(0))


def test_bad_input_exits_nonzero_and_keeps_the_earlier_report(books, tmp_path, capsys):
    out = tmp_path / "out"
    code, _ = _run(capsys, "report", "--raw", str(books.write()), "--out", str(out))
    assert code == 0
    before = {p.name: p.read_bytes() for p in out.glob("Vaggeryd-*")}
    assert len(before) == 2

    books.rows["Remisser"][0][2] = "Farr"
    books.rows["Samtal"][0][0] = "X9"
    code, printed = _run(capsys, "report", "--raw", str(books.write()), "--out", str(out))
    assert code == 1
    assert "Hittade 2 fel." in printed
    assert "Rapporten skrevs inte" in printed
    assert "Traceback" not in printed
    assert {p.name: p.read_bytes() for p in out.glob("Vaggeryd-*")} == before
    problems = load_workbook(out / "valideringsrapport.xlsx")["Problem"]
    rows = list(problems.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("remisser.xlsx", "Remisser", 2, "Kanal"),
        ("remisser.xlsx", "Samtal", 2, "Klient-ID"),
    ]


def test_failure_while_writing_leaves_earlier_files(books, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert _run(capsys, "report", "--raw", str(books.write()), "--out", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("Vaggeryd")}

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(aggregate, "to_csv", broken)
    code, printed = _run(
        capsys, "report", "--raw", str(books.write()), "--out", str(out), "--tvinga"
    )
    assert code == 2
    assert printed.splitlines()[-1] == (
        f"Ett oväntat fel inträffade (RuntimeError). Ingen rapport skrevs. Detaljer finns i "
        f"{out / 'halsocenter-fel.log'}; skicka filen till den som sköter programmet."
    )
    assert "RuntimeError: disk full" in (out / "halsocenter-fel.log").read_text()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("Vaggeryd")}
    assert after == before
    assert not list(out.glob(".*.tmp"))


def test_some_workbooks_missing(books, tmp_path, capsys):
    folder = books.write()
    (folder / "verksamhet.xlsx").unlink()
    (folder / "aktiviteter.xlsx").unlink()
    code, printed = _run(capsys, "check", "--raw", str(folder), "--out", str(tmp_path / "o"))
    assert code == 1
    assert f"Fel: aktiviteter.xlsx: Filen aktiviteter.xlsx saknas i {folder}." in printed
    assert f"Fel: verksamhet.xlsx: Filen verksamhet.xlsx saknas i {folder}." in printed


def test_check_writes_no_report(books, tmp_path, capsys):
    out = tmp_path / "out"
    code, printed = _run(capsys, "check", "--raw", str(books.write()), "--out", str(out))
    assert code == 0
    assert "Inga fel." in printed
    assert [p.name for p in out.iterdir()] == ["valideringsrapport.xlsx"]
    problems = load_workbook(out / "valideringsrapport.xlsx")["Problem"]
    assert [c.value for c in problems[2]][6] == "Inga fel"


def test_python_dash_m(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "check",
            "--raw",
            str(config.EXAMPLE),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Inga fel." in result.stdout


@pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None, reason="make och git behövs"
)
def test_make_report_on_a_copy(tmp_path):
    """`make report RAW=… OUT=…` in a copy of the project, with this Python as its venv."""
    copy = tmp_path / "projekt"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    script = venv / "bin" / "halsocenter"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pipeline "$@"\n')
    script.chmod(0o755)
    for stamp in (".installed-run", ".installed-test"):
        (venv / stamp).touch()
    env = {**os.environ, "PYTHONPATH": str(copy)}
    result = subprocess.run(
        ["make", "report", f"VENV={venv}", "RAW=data/raw", "OUT=ut"],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Rapporten byggs från exempeldata" in result.stdout
    assert (copy / "ut" / "Vaggeryd-2023-verksamhetsberattelse.docx").is_file()
    assert (copy / "ut" / "Vaggeryd-2023-nyckeltal.csv").is_file()


def test_unchanged_input_is_not_built_again(books, tmp_path, capsys):
    raw, out = books.write(), tmp_path / "out"
    assert _run(capsys, "report", "--raw", str(raw), "--out", str(out))[0] == 0
    report = out / "Vaggeryd-2023-verksamhetsberattelse.docx"
    written = report.stat().st_mtime_ns
    code, printed = _run(capsys, "report", "--raw", str(raw), "--out", str(out))
    assert code == 0
    assert "Inget har ändrats sedan förra körningen" in printed
    assert report.stat().st_mtime_ns == written
    # A changed workbook, a missing output or --tvinga builds it again.
    books.rows["Remisser"][0][5] = "Man"
    books.write()
    code, printed = _run(capsys, "report", "--raw", str(raw), "--out", str(out))
    assert "Klart." in printed
    (out / "Vaggeryd-2023-nyckeltal.csv").unlink()
    assert "Klart." in _run(capsys, "report", "--raw", str(raw), "--out", str(out))[1]
    assert "Klart." in _run(capsys, "report", "--raw", str(raw), "--out", str(out), "--tvinga")[1]


def test_check_imports_neither_matplotlib_nor_docx(tmp_path):
    code = (
        "import sys; from pipeline import cli; "
        f"rc = cli.main(['check', '--raw', {str(config.EXAMPLE)!r}, '--out', {str(tmp_path)!r}]); "
        "print(rc, 'matplotlib' in sys.modules, 'docx' in sys.modules, 'docxtpl' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split()[-4:] == ["0", "False", "False", "False"]
