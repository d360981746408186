"""Writing outputs so that nothing the coach made is lost and a run never leaves half a set.

- The output folder remembers what the program last wrote (STATE: each file's SHA-256).
  An output that differs from that was changed by someone (the coach edited the report
  in Word, the key figures in Excel) and is copied aside as `… (redigerad ÅÅÅÅ-MM-DD).docx`
  before a fresh file takes its name. A file the program has no record of counts as
  edited too, unless it is byte for byte what the run is about to write: a file of
  unknown origin is never thrown away.
- All outputs of one run switch together (`publish`): each is written to a temporary
  file in the folder and synced; then a journal lists the switch, the old files are
  moved aside, the new ones moved in, and the state is written last. If a file cannot
  be moved (on Windows: open in Word or Excel) every move is undone and nothing is
  replaced. If the process dies half-way, the next run finds the journal and completes
  the switch (every new file was complete before the first move), so the folder always
  holds one consistent set.
- One run at a time per folder: an operating-system lock on a file in the folder
  (filelock: flock on Linux and Mac, LockFileEx on Windows). The system releases it when
  the process ends, however it ends, so a lock left by a killed run never blocks, whatever
  its process id, its computer or a clock says. The file also names who holds it and since
  when, read only for the message a second run prints.
- Only the program's own temporary files (TMP_PREFIX … TMP_SUFFIX) are ever removed.

Every problem the coach can fix is a FolderProblem whose text is one Swedish line
naming the file or folder and what to do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import getpass
import hashlib
import json
import os
import secrets
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

TMP_PREFIX = ".halsocenter-"
TMP_SUFFIX = ".tmp"
STATE = ".halsocenter-senast.json"
JOURNAL = ".halsocenter-byte.json"
LOCK = ".halsocenter.lock"
HOLDER_BYTES = 4096  # the most of a lock file read for its holder


class FolderProblem(Exception):
    """A folder or file problem the coach can fix; str() is one Swedish line."""


class FileLocked(FolderProblem):
    """An output is open in Word or Excel and cannot be replaced."""


class FolderBusy(FolderProblem):
    """Another run is writing into the same folder."""


def application(name: str) -> str:
    return "Word" if name.lower().endswith((".docx", ".doc")) else "Excel"


def locked_message(path: Path) -> str:
    return (
        f"Stäng filen {path.name} i {application(path.name)} och kör igen. "
        f"Den är öppen och kan inte ersättas ({path}); inga filer ändrades."
    )


def problem_for(error: OSError, folder: Path) -> FolderProblem:
    """The Swedish line for an OSError while writing into folder."""
    if error.errno == errno.ENOSPC:
        return FolderProblem(
            f"Disken är full: filerna i {folder} kunde inte skrivas. Frigör utrymme, eller välj "
            "en annan mapp med OUT=mapp (--ut mapp), och kör igen. Inga filer ändrades."
        )
    if isinstance(error, PermissionError) or error.errno in (
        errno.EACCES,
        errno.EPERM,
        errno.EROFS,
    ):
        return FolderProblem(
            f"Programmet får inte skriva i mappen {folder}. Välj en mapp du kan skriva i med "
            "OUT=mapp (--ut mapp), eller be om skrivrätt till mappen. Inga filer ändrades."
        )
    reason = error.strerror or type(error).__name__
    return FolderProblem(
        f"Filerna i {folder} kunde inte skrivas ({reason}). Kontrollera mappen, eller välj en "
        "annan med OUT=mapp (--ut mapp), och kör igen. Inga filer ändrades."
    )


def prepare_folder(folder: Path) -> Path:
    """The output folder, created when missing; a FolderProblem when it cannot be."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise FolderProblem(
            f"{folder} är en fil, inte en mapp. Ange en mapp för resultatet med OUT=mapp "
            "(--ut mapp), eller flytta filen."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise FolderProblem(
            f"Mappen {folder} kan inte skapas: en del av sökvägen är en fil. Ange en annan mapp "
            "med OUT=mapp (--ut mapp)."
        ) from None
    except OSError as error:
        raise problem_for(error, folder) from None
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- one writer at a time --------------------------------------------------------------


def _holder() -> dict:
    """Who takes the lock: user, computer and start time (for the message only)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in this environment
        user = ""
    return {
        "anvandare": user,
        "dator": socket.gethostname(),
        "startad": dt.datetime.now().isoformat(timespec="seconds"),
    }


def _write_holder(fd: int) -> None:
    """Write the holder into the lock file through the locked descriptor.

    Byte 0 stays a space: Windows locks that byte, and a second run reads from byte 1.
    """
    data = b" " + json.dumps(_holder(), ensure_ascii=False).encode("utf-8")
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data)
    os.ftruncate(fd, len(data))  # a longer holder before us leaves no tail


def _read_holder(path: Path) -> dict:
    """The holder a lock file names; empty when it names none (being written, or foreign)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(1)
            holder = json.loads(handle.read(HOLDER_BYTES).decode("utf-8", errors="replace"))
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _shown(value: object) -> str:
    """A holder's field as the message shows it: printable text, not too long."""
    text = value if isinstance(value, str) else ""
    return "".join(c for c in text if c.isprintable()).strip()[:60]


def busy_message(folder: Path, holder: dict) -> str:
    """'En annan körning skriver redan i … (startad 14:05 av anna på KOMMUN-PC12). …'"""
    details = []
    try:
        started = dt.datetime.fromisoformat(_shown(holder.get("startad")))
    except ValueError:
        started = None
    if started is not None:
        shown = "%H:%M" if started.date() == dt.date.today() else "%Y-%m-%d %H:%M"
        details.append(f"startad {started.strftime(shown)}")
    if user := _shown(holder.get("anvandare")):
        details.append(f"av {user}")
    if computer := _shown(holder.get("dator")):
        details.append(f"på {computer}")
    said = f" ({' '.join(details)})" if details else ""
    return f"En annan körning skriver redan i {folder}{said}. Vänta tills den är klar och kör igen."


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[Path]:
    """Hold the folder's lock for a run; FolderBusy when another run holds it."""
    folder = prepare_folder(folder)
    path = folder / LOCK
    # No soft fallback: a lock file without an OS lock is the pid file this replaces.
    lock = FileLock(path, blocking=False, fallback_to_soft=False, on_acquired=_write_holder)
    try:
        lock.acquire()
    except Timeout:
        raise FolderBusy(busy_message(folder, _read_holder(path))) from None
    except OSError as error:
        raise problem_for(error, folder) from None
    try:
        yield folder
    finally:
        # The file goes with the run. Safe while held: a run that opened it meanwhile sees
        # it unlinked once it gets the lock and does not take it (filelock checks).
        # On Windows the unlink fails while the file is open; filelock removes it then.
        with contextlib.suppress(OSError):
            path.unlink()
        lock.release()


# --- what the program last wrote -------------------------------------------------------


def read_state(folder: Path) -> dict:
    """{'outputs': {name: sha256}, 'fingerprint': …, 'report': [names]}; empty when unknown."""
    try:
        state = json.loads((Path(folder) / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if not isinstance(state, dict) or not isinstance(state.get("outputs"), dict):
        state = {}
    state.setdefault("outputs", {})
    state.setdefault("report", list(state["outputs"]))  # the first format had no list
    state.setdefault("fingerprint", None)
    return state


def _write_json(path: Path, data: dict) -> None:
    write_bytes(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False).encode())


# --- temporary files -------------------------------------------------------------------


def _temp_path(folder: Path, name: str) -> Path:
    return folder / f"{TMP_PREFIX}{name}.{secrets.token_hex(4)}{TMP_SUFFIX}"


def _write_temp(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def clean_temporary(folder: Path) -> list[Path]:
    """Remove the program's own temporary files left by a run that crashed."""
    removed = []
    for path in Path(folder).glob(f"{TMP_PREFIX}*{TMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside target; on success fsync it and rename it into place.

    On any failure the temporary file is removed and target is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(target.parent, target.name)
    _write_temp(tmp, b"")
    try:
        yield tmp
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


# --- keeping the coach's edits ---------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """An output someone changed, kept under a new name before a fresh one took its place."""

    name: str
    copy: Path

    def line(self) -> str:
        return (
            f"{self.name} var ändrad sedan programmet skrev den; din version finns kvar som "
            f"{self.copy}."
        )


def kept_name(target: Path, day: dt.date) -> Path:
    """`name (redigerad ÅÅÅÅ-MM-DD).ext`, with a counter when that name is taken."""
    base = f"{target.stem} (redigerad {day.isoformat()})"
    candidate = target.with_name(f"{base}{target.suffix}")
    number = 2
    while candidate.exists():
        candidate = target.with_name(f"{base} ({number}){target.suffix}")
        number += 1
    return candidate


def edited(path: Path) -> bool:
    """True when the file is not what the program last wrote there: someone changed it
    (the coach, in Word), or the program has no record of writing it."""
    path = Path(path)
    return read_state(path.parent)["outputs"].get(path.name) != digest(path)


def kept_copies(target: Path) -> list[Path]:
    """The edited versions of `target` kept beside it (`… (redigerad ÅÅÅÅ-MM-DD).docx`),
    newest first."""
    target = Path(target)
    copies = target.parent.glob(f"{target.stem} (redigerad *){target.suffix}")
    return sorted(copies, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def _earlier_copy(target: Path, sha: str) -> Path | None:
    for path in kept_copies(target):
        with contextlib.suppress(OSError):
            if digest(path) == sha:
                return path
    return None


def _keep(target: Path, sha: str) -> Path:
    """Copy an edited output aside (same bytes, same time stamp); an earlier identical copy
    is reused, so a failed run that is run again does not pile up copies."""
    earlier = _earlier_copy(target, sha)
    if earlier is not None:
        return earlier
    day = dt.date.fromtimestamp(target.stat().st_mtime)
    copy = kept_name(target, day)
    tmp = _temp_path(target.parent, copy.name)
    try:
        shutil.copy2(target, tmp)
        os.replace(tmp, copy)
    finally:
        tmp.unlink(missing_ok=True)
    return copy


# --- switching a set of outputs together -----------------------------------------------


@dataclass
class Published:
    paths: dict[str, Path] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)


def _undo(moves: list[tuple[Path, Path]]) -> None:
    """Move files back, last move first; best effort (the journal is the safety net)."""
    for source, destination in reversed(moves):
        with contextlib.suppress(OSError):
            os.replace(destination, source)


def publish(folder: Path, files: dict[str, bytes], state: dict | None = None) -> Published:
    """Write files (name → bytes) into folder, all or none; the caller holds output_lock.

    state: extra keys for the state file (the report's fingerprint and names).
    """
    folder = Path(folder)
    recorded = read_state(folder)
    result = Published()
    shas = {name: _digest_bytes(data) for name, data in files.items()}
    temps: dict[str, Path] = {}
    try:
        for name in files:
            target = folder / name
            if target.is_file():
                found = digest(target)
                if found not in (shas[name], recorded["outputs"].get(name)):
                    result.kept.append(Kept(name, _keep(target, found)))
        for name, data in files.items():
            temps[name] = _temp_path(folder, name)
            _write_temp(temps[name], data)
        new_state = {**recorded, **(state or {})}
        new_state["outputs"] = {**recorded["outputs"], **shas}
        olds = {name: _temp_path(folder, f"{name}.gammal") for name in files}
        journal = {
            "filer": {
                name: {"ny": temps[name].name, "gammal": olds[name].name, "sha256": shas[name]}
                for name in files
            },
            "tillstand": new_state,
        }
        _write_json(folder / JOURNAL, journal)
    except OSError as error:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise problem_for(error, folder) from None

    moves: list[tuple[Path, Path]] = []
    try:
        for name in files:  # the old files aside: fails here for a file open in Word
            target = folder / name
            if target.exists():
                os.replace(target, olds[name])
                moves.append((target, olds[name]))
        for name in files:
            os.replace(temps[name], folder / name)
            moves.append((temps[name], folder / name))
    except OSError as error:
        _undo(moves)
        for tmp in [*temps.values(), *olds.values()]:
            tmp.unlink(missing_ok=True)
        (folder / JOURNAL).unlink(missing_ok=True)
        failed = {str(error.filename), str(error.filename2)}
        name = next((n for n in files if str(folder / n) in failed), None)
        if isinstance(error, PermissionError) and name is not None:
            raise FileLocked(locked_message(folder / name)) from None
        raise problem_for(error, folder) from None
    _write_json(folder / STATE, new_state)
    (folder / JOURNAL).unlink(missing_ok=True)
    for old in olds.values():
        old.unlink(missing_ok=True)
    result.paths = {name: folder / name for name in files}
    return result


def recover(folder: Path) -> bool:
    """Complete a switch that a crash interrupted, then remove stale temporary files.

    True when there was a switch to complete. Call while holding output_lock.
    """
    folder = Path(folder)
    journal_path = folder / JOURNAL
    try:
        journal = json.loads(journal_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        journal = None
    except (OSError, ValueError):
        journal = {}
    if journal is None:
        clean_temporary(folder)
        return False
    entries = journal.get("filer", {}) if isinstance(journal, dict) else {}
    for name, entry in entries.items():
        new = folder / entry["ny"]
        if new.is_file():
            try:
                os.replace(new, folder / name)
            except PermissionError:
                raise FileLocked(locked_message(folder / name)) from None
    complete = all(
        (folder / n).is_file() and digest(folder / n) == e["sha256"] for n, e in entries.items()
    )
    state = journal.get("tillstand") if complete and entries else None
    if state is None:  # a set that cannot be completed: record what is there, build again
        state = read_state(folder)
        state["fingerprint"] = None
        for name, entry in entries.items():
            if (folder / name).is_file() and digest(folder / name) == entry["sha256"]:
                state["outputs"][name] = entry["sha256"]
    _write_json(folder / STATE, state)
    journal_path.unlink(missing_ok=True)
    clean_temporary(folder)
    return True
