"""Nothing the coach made is lost: edited outputs, locked files, bad folders, crashes, two runs.

Each test checks the exit code, the exact Swedish line and that earlier outputs are
byte for byte as they were.
"""

from __future__ import annotations

import datetime as dt
import errno
import getpass
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from pipeline import config
from pipeline.cli import main as cli
from pipeline.publish import folder as files
from pipeline.report.job import build_report

REPORT = "Vaggeryd-2023-verksamhetsberattelse.docx"
CSV = "Vaggeryd-2023-nyckeltal.csv"
HINT = "Egna texter hör hemma i fliken Texter i verksamhet.xlsx; då kommer de med varje gång."


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    """The last-resort log goes to a folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One report built once: (raw, changed raw, out); each test copies out before use."""
    from conftest import Workbooks

    base = tmp_path_factory.mktemp("byggd")
    books = Workbooks(base / "raw")
    raw = books.write()
    out = base / "out"
    assert build_report(raw, out).ok
    books.folder = base / "ändrad"
    books.rows["Samtal"][6][3] = "Genomfört"  # one more follow-up talk held
    return raw, books.write(), out


def _copy(built, tmp_path) -> tuple[Path, Path, Path]:
    raw, changed, out = built
    shutil.copytree(out, tmp_path / "out")
    return raw, changed, tmp_path / "out"


def _run(capsys, *args) -> tuple[int, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out


def _report(capsys, raw, out, *extra) -> tuple[int, str]:
    return _run(capsys, "rapport", "--in", raw, "--ut", out, *extra)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _temporary(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.tmp"))


def _edit(path: Path, text: str, day: dt.date) -> None:
    document = docx.Document(path)
    document.add_paragraph(text)
    document.save(path)
    stamp = dt.datetime.combine(day, dt.time(12)).timestamp()
    os.utime(path, (stamp, stamp))


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(path).paragraphs]


# --- edits are kept ----------------------------------------------------------------------


def test_an_edited_report_is_kept_when_nothing_changed(built, tmp_path, capsys):
    raw, _, out = _copy(built, tmp_path)
    fresh = (out / REPORT).read_bytes()
    _edit(out / REPORT, "Mina egna ord om året.", dt.date(2025, 2, 3))
    edited = (out / REPORT).read_bytes()

    code, printed = _report(capsys, raw, out)
    kept = out / "Vaggeryd-2023-verksamhetsberattelse (redigerad 2025-02-03).docx"
    assert code == 0
    assert printed.splitlines()[0] == (
        f"{REPORT} var ändrad sedan programmet skrev den; din version finns kvar som {kept}. "
        + HINT
    )
    assert kept.read_bytes() == edited
    assert "Mina egna ord om året." in _paragraphs(kept)
    assert (out / REPORT).read_bytes() == fresh  # a fresh report beside it
    assert "Mina egna ord om året." not in _paragraphs(out / REPORT)
    assert _temporary(out) == []


def test_an_edited_report_is_kept_when_the_input_changed(built, tmp_path, capsys):
    _, raw, out = _copy(built, tmp_path)
    _edit(out / REPORT, "Första redigeringen.", dt.date(2025, 2, 3))
    first_edit = (out / REPORT).read_bytes()
    code, printed = _report(capsys, raw, out)
    first = out / "Vaggeryd-2023-verksamhetsberattelse (redigerad 2025-02-03).docx"
    assert code == 0
    assert f"din version finns kvar som {first}." in printed
    assert "Klart." in printed

    # Edited again the same day: a second copy, the first left as it was.
    _edit(out / REPORT, "Andra redigeringen.", dt.date(2025, 2, 3))
    code, printed = _report(capsys, raw, out, "--tvinga")
    second = out / "Vaggeryd-2023-verksamhetsberattelse (redigerad 2025-02-03) (2).docx"
    assert f"din version finns kvar som {second}." in printed
    assert first.read_bytes() == first_edit
    assert "Andra redigeringen." in _paragraphs(second)
    assert "Andra redigeringen." not in _paragraphs(out / REPORT)


def test_a_file_the_program_did_not_write_counts_as_edited(books, tmp_path, capsys):
    """No record of the file (no state, or from someone else): kept, never thrown away."""
    out = tmp_path / "out"
    out.mkdir()
    (out / CSV).write_text("mina egna siffror\n", encoding="utf-8")
    stamp = dt.datetime(2024, 12, 24, 9).timestamp()
    os.utime(out / CSV, (stamp, stamp))
    code, printed = _report(capsys, books.write(), out)
    kept = out / "Vaggeryd-2023-nyckeltal (redigerad 2024-12-24).csv"
    assert code == 0
    assert f"{CSV} var ändrad sedan programmet skrev den; din version finns kvar som {kept}." in (
        printed
    )
    assert kept.read_text(encoding="utf-8") == "mina egna siffror\n"
    assert (out / CSV).read_text(encoding="utf-8").startswith("schema_version,")


# --- a locked file -----------------------------------------------------------------------


def test_a_report_open_in_word_is_named_and_nothing_is_replaced(
    built, tmp_path, capsys, monkeypatch
):
    _, raw, out = _copy(built, tmp_path)
    before = _snapshot(out)
    real_replace = os.replace
    locked = str(out / REPORT)

    def replace(source, target, *args, **kwargs):
        if locked in (str(source), str(target)):  # Windows: the file is open in Word
            raise PermissionError(errno.EACCES, "Permission denied", str(source), None, str(target))
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    code, printed = _report(capsys, raw, out)
    assert code == 1
    assert printed.splitlines()[-1] == (
        f"Stäng filen {REPORT} i Word och kör igen. Den är öppen och kan inte ersättas "
        f"({out / REPORT}); inga filer ändrades."
    )
    assert _snapshot(out) == before  # the csv and the validation report too
    assert _temporary(out) == []

    monkeypatch.setattr(os, "replace", real_replace)  # Word closed
    code, printed = _report(capsys, raw, out)
    assert code == 0
    assert (out / CSV).read_bytes() != before[CSV]


# --- folders -------------------------------------------------------------------------------


def test_out_that_cannot_be_written(built, tmp_path, capsys, monkeypatch):
    raw, _, out = _copy(built, tmp_path)
    before = _snapshot(out)
    real_open = os.open

    def read_only(path, *args, **kwargs):
        if Path(path).parent == out:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    code, printed = _report(capsys, raw, out, "--tvinga")
    assert code == 1
    assert printed.splitlines() == [
        f"Programmet får inte skriva i mappen {out}. Välj en mapp du kan skriva i med OUT=mapp "
        "(--ut mapp), eller be om skrivrätt till mappen. Inga filer ändrades."
    ]
    assert _snapshot(out) == before
    assert not (tmp_path / "cache").exists()


@pytest.mark.skipif(
    os.name == "nt" or os.geteuid() == 0,
    reason="skrivskyddade mappar prövas med POSIX-rättigheter, och root får skriva i dem",
)
def test_out_that_is_read_only_for_real(books, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        code, printed = _report(capsys, books.write(), out)
    finally:
        out.chmod(0o755)
    assert code == 1
    assert printed.startswith(f"Programmet får inte skriva i mappen {out}.")


def test_out_that_is_a_file(books, tmp_path, capsys):
    out = tmp_path / "output"
    out.write_text("en fil")
    code, printed = _report(capsys, books.write(), out)
    assert code == 1
    assert printed.splitlines() == [
        f"{out} är en fil, inte en mapp. Ange en mapp för resultatet med OUT=mapp (--ut mapp), "
        "eller flytta filen."
    ]
    assert out.read_text() == "en fil"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == ["output", "raw"]
    assert not (tmp_path / "cache" / "halsocenter").exists()  # no log anywhere


def test_a_full_disk(built, tmp_path, capsys, monkeypatch):
    _, raw, out = _copy(built, tmp_path)
    before = _snapshot(out)

    def full(_descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, printed = _report(capsys, raw, out)
    assert code == 1
    assert printed.splitlines()[-1] == (
        f"Disken är full: filerna i {out} kunde inte skrivas. Frigör utrymme, eller välj en "
        "annan mapp med OUT=mapp (--ut mapp), och kör igen. Inga filer ändrades."
    )
    assert _snapshot(out) == before
    assert _temporary(out) == []


def test_a_misspelt_raw_folder_writes_nothing(books, tmp_path, capsys):
    books.write()
    out = tmp_path / "out"
    code, printed = _report(capsys, tmp_path / "rwa", out)
    assert code == 1
    assert printed.splitlines() == [
        f"Mappen {tmp_path / 'rwa'} finns inte. Menade du {tmp_path / 'raw'}? Ange mappen med "
        "de tre arbetsböckerna med RAW=mapp (--in mapp); ingenting skrevs."
    ]
    assert not out.exists()
    code, printed = _run(capsys, "kontrollera", "--in", tmp_path / "saknas", "--ut", out)
    assert (code, printed.splitlines()[0].split(".")[0]) == (
        1,
        f"Mappen {tmp_path / 'saknas'} finns inte",
    )
    assert not out.exists()


def test_no_traceback_reaches_the_terminal(tmp_path):
    """A real process, OUT a file: one line on stdout, nothing on stderr."""
    out = tmp_path / "output"
    out.write_text("en fil")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "kontrollera", "--in", config.EXAMPLE, "--ut", out],
        capture_output=True,
        text=True,
        cwd=config.ROOT,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.startswith(f"{out} är en fil, inte en mapp.")


# --- a crash between two renames, stale temporary files ------------------------------------

DIES_WHILE_SWITCHING = """
import os, sys
from pathlib import Path
from pipeline.cli import main as cli

real_replace = os.replace


def replace(source, target, *args, **kwargs):
    # killed just before the new report takes its place: the csv is already switched
    if Path(target).name == {report!r} and ".gammal." not in Path(target).name:
        if Path(source).name.startswith(".halsocenter-"):
            os._exit(9)
    return real_replace(source, target, *args, **kwargs)


os.replace = replace
cli.main(["rapport", "--in", sys.argv[1], "--ut", sys.argv[2], "--tvinga"])
"""


def test_a_kill_between_two_renames_is_completed_by_the_next_run(built, tmp_path, capsys):
    _, raw, out = _copy(built, tmp_path)
    clean = tmp_path / "clean"
    before = _snapshot(out)
    killed = subprocess.run(
        [sys.executable, "-c", DIES_WHILE_SWITCHING.format(report=REPORT), raw, out],
        cwd=config.ROOT,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == 9
    # Half-way: the new csv is in place, the report is not (its old version set aside).
    assert (out / CSV).read_bytes() != before[CSV]
    assert not (out / REPORT).exists()
    assert (out / files.JOURNAL).exists()

    code, printed = _report(capsys, raw, out)
    assert code == 0
    assert printed.splitlines()[0] == (
        f"En tidigare körning avbröts medan filerna i {out} byttes; bytet är nu gjort klart."
    )
    assert "Inget har ändrats sedan förra körningen" in printed  # the completed set is current
    assert _report(capsys, raw, clean)[0] == 0
    assert _snapshot(out) == {
        name: data for name, data in _snapshot(clean).items() if not name.startswith(".")
    } | {files.STATE: (out / files.STATE).read_bytes()}
    assert not (out / files.JOURNAL).exists()
    assert _temporary(out) == []
    assert not list(out.glob("*redigerad*"))  # the program's own files are not "edited"


def test_stale_temporary_files_are_removed_and_only_ours(books, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    ours = out / f".halsocenter-{REPORT}.1a2b3c4d.tmp"
    ours.write_bytes(b"")
    others = [out / f".{REPORT}.x1y2.tmp", out / "mitt.tmp"]
    for other in others:
        other.write_bytes(b"inte programmets")
    code, _ = _run(capsys, "kontrollera", "--in", books.write(), "--ut", out)
    assert code == 0
    assert not ours.exists()
    assert all(other.read_bytes() == b"inte programmets" for other in others)


# --- two runs at once ----------------------------------------------------------------------

HOLDS_THE_LOCK = """
import sys, time
from pipeline.publish.folder import output_lock
with output_lock(sys.argv[1]):
    print("låst", flush=True)
    time.sleep(60)
"""


def _hold_the_lock(out: Path) -> subprocess.Popen:
    """A second process that holds out's lock until it is killed."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDS_THE_LOCK, str(out)],
        cwd=config.ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "låst"
    return holder


def test_a_second_run_into_the_same_folder_waits_its_turn(built, tmp_path, capsys):
    raw, _, out = _copy(built, tmp_path)
    before = _snapshot(out)
    with _hold_the_lock(out) as holder:
        try:
            lock = json.loads((out / files.LOCK).read_bytes()[1:])
            # A file server whose clock is half an hour behind changes nothing.
            old = time.time() - 31 * 60
            os.utime(out / files.LOCK, (old, old))
            code, printed = _run(capsys, "kontrollera", "--in", raw, "--ut", out)
        finally:
            holder.kill()
    assert code == 1
    started = dt.datetime.fromisoformat(lock["startad"])
    assert abs(dt.datetime.now() - started) < dt.timedelta(minutes=5)
    shown = f"{started:%H:%M}" if started.date() == dt.date.today() else f"{started:%Y-%m-%d %H:%M}"
    assert printed.splitlines() == [
        f"En annan körning skriver redan i {out} (startad {shown} av {getpass.getuser()} på "
        f"{socket.gethostname()}). Vänta tills den är klar och kör igen."
    ]
    assert _snapshot(out) == before | {files.LOCK: (out / files.LOCK).read_bytes()}


def test_a_killed_run_never_blocks_the_folder(books, tmp_path, capsys):
    """Killed and not yet reaped (a zombie, its PID still taken): its lock is gone all the same."""
    raw, out = books.write(), tmp_path / "out"
    out.mkdir()
    with _hold_the_lock(out) as holder:
        holder.kill()
        if hasattr(os, "waitid"):  # dead, but left unreaped
            os.waitid(os.P_PID, holder.pid, os.WEXITED | os.WNOWAIT)
        else:
            holder.wait()
        code, _ = _run(capsys, "kontrollera", "--in", raw, "--ut", out)
    assert code == 0
    assert not (out / files.LOCK).exists()
    assert (out / "valideringsrapport.xlsx").is_file()


def _pid_file(pid: int, computer: str) -> bytes:
    """A lock file as the pid-file lock wrote it."""
    started = dt.datetime.now().isoformat(timespec="seconds")
    return json.dumps({"pid": pid, "dator": computer, "startad": started}).encode()


@pytest.mark.parametrize(
    ("left", "minutes_old"),
    [
        pytest.param(lambda: _pid_file(os.getppid(), socket.gethostname()), 5, id="pid-levande"),
        pytest.param(lambda: _pid_file(os.getppid(), socket.gethostname()), -31, id="framtid"),
        pytest.param(lambda: _pid_file(os.getppid(), "annan-dator"), 5, id="annan-dator"),
        pytest.param(lambda: _pid_file(os.getppid(), "annan-dator"), 31, id="gammal"),
        pytest.param(lambda: b"", 0, id="tom"),
        pytest.param(
            lambda: b' {"anvandare": "anna", "dator": "KOMMUN-PC12", "startad": "2024-05-02"}',
            -600,
            id="annan-hallare",
        ),
    ],
)
def test_a_lock_file_nobody_holds_never_blocks(tmp_path, left, minutes_old):
    """Whatever a lock file says (a live process, another computer, a clock), only the OS
    lock counts; the run takes the folder and writes itself as the holder."""
    lock = tmp_path / files.LOCK
    lock.write_bytes(left())
    stamp = time.time() - minutes_old * 60
    os.utime(lock, (stamp, stamp))
    with files.output_lock(tmp_path):
        holder = json.loads(lock.read_bytes()[1:])
        assert (holder["anvandare"], holder["dator"]) == (getpass.getuser(), socket.gethostname())
    assert not lock.exists()


def test_the_busy_message_shows_only_what_it_can():
    folder = Path("ut")
    said = files.busy_message(
        folder, {"startad": "2024-05-02T14:05:09", "anvandare": "anna\x1b[2J", "dator": "PC12"}
    )
    assert said == (
        "En annan körning skriver redan i ut (startad 2024-05-02 14:05 av anna[2J på PC12). "
        "Vänta tills den är klar och kör igen."
    )
    for unreadable in ({}, {"startad": "igår", "anvandare": 7, "dator": None}):
        assert files.busy_message(folder, unreadable) == (
            "En annan körning skriver redan i ut. Vänta tills den är klar och kör igen."
        )


class Killed(BaseException):
    """Stands for the process being killed: nothing catches it, nothing is undone."""


@pytest.mark.parametrize("dies_at", range(1, 9))
def test_a_switch_killed_at_any_rename_leaves_one_whole_set(tmp_path, monkeypatch, dies_at):
    old = {"a.csv": b"gammal a", "b.docx": b"gammal b", "c.xlsx": b"gammal c"}
    new = {name: data.replace(b"gammal", b"ny") for name, data in old.items()}
    files.publish(tmp_path, old)
    calls = []
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        calls.append(target)
        if len(calls) == dies_at:
            raise Killed
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Killed):
        files.publish(tmp_path, new)
    monkeypatch.setattr(os, "replace", real_replace)

    files.recover(tmp_path)
    found = {name: (tmp_path / name).read_bytes() for name in old}
    assert found in (old, new)
    assert found == (old if dies_at == 1 else new)  # the journal is in place after call 1
    assert _temporary(tmp_path) == []
    assert not (tmp_path / files.JOURNAL).exists()
    assert files.publish(tmp_path, new).kept == []  # the program knows its own files


def test_an_edited_comparison_workbook_is_kept(tmp_path, capsys, monkeypatch):
    from keyfigures import write as write_figures
    from openpyxl import load_workbook

    from pipeline.comparison import document as compare_docx

    # The Word report is not the point here (its charts take seconds).
    monkeypatch.setattr(compare_docx, "render", lambda comparison, table: (b"rapporten", []))
    region, out = tmp_path / "region", tmp_path / "jamforelse"
    region.mkdir()
    for namn in ("Aneby", "Habo"):
        write_figures(region, namn, 2024)
    assert _run(capsys, "jamfor", "--in", region, "--ut", out)[0] == 0
    workbook = out / "jamforelse-2024.xlsx"
    book = load_workbook(workbook)
    book.active["A1"] = "Mina anteckningar"
    book.save(workbook)
    stamp = dt.datetime(2025, 3, 1, 12).timestamp()
    os.utime(workbook, (stamp, stamp))
    edited = workbook.read_bytes()

    code, printed = _run(capsys, "jamfor", "--in", region, "--ut", out)
    kept = out / "jamforelse-2024 (redigerad 2025-03-01).xlsx"
    assert code == 0
    assert (
        "jamforelse-2024.xlsx var ändrad sedan programmet skrev den; din version finns kvar "
        f"som {kept}." in printed
    )
    assert kept.read_bytes() == edited
    assert load_workbook(workbook).active["A1"].value != "Mina anteckningar"
