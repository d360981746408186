"""Every path the pipeline uses, built from the project root, and its settings."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCHEMAS = ROOT / "data" / "schemas"
RAW = ROOT / "data" / "raw"
EXAMPLE = ROOT / "data" / "example"
REGION = ROOT / "data" / "region"
TEMPLATES = ROOT / "templates"
OUTPUT = ROOT / "output"
# The portal's own files on this computer (never in git): the SQLite database unless
# DATABASE_URL names another, and the generated secret key unless the environment gives one.
PORTAL_DATA = ROOT / "var"

REPORT_TEMPLATE = TEMPLATES / "verksamhetsberattelse.docx"
COMPARISON_TEMPLATE = TEMPLATES / "jamforelse.docx"

# The input workbooks by key: data/schemas/<key>.yaml describes each (its file name too).
WORKBOOKS = ("remisser", "aktiviteter", "verksamhet")


def suppression_threshold() -> int | None:
    """Small-count threshold: HALSOCENTER_UNDERTRYCK overrides the contract's default."""
    value = os.environ.get("HALSOCENTER_UNDERTRYCK")
    return int(value) if value not in (None, "") else None


# The command line's process does one run and ends. It keeps a few things between runs in
# the user's cache folder (charts whose numbers have not changed, the Word template's
# variables, the contract as parsed), and sets the garbage collector for one run
# (settle_imports). A library call (the core, a web worker, the tests) keeps its caches in
# memory, writes no file and leaves the garbage collector as it is.
_command_line = False
_collector: tuple[int, ...] | None = None  # the thresholds before settle_imports
# The garbage collector's thresholds for one run: it looks less often at what the run
# makes (rows by the million; what a run frees it frees at once).
ONE_RUN_THRESHOLDS = (100_000, 50, 100)


def command_line_run(active: bool = True) -> None:
    """This process is the command line's, running one command (see above); False when
    the command is done (main() called by a test: the process goes on as it was)."""
    global _command_line, _collector
    _command_line = active
    if not active and _collector is not None:
        import gc

        gc.unfreeze()
        gc.set_threshold(*_collector)
        _collector = None


def settle_imports() -> None:
    """Everything the run needs is imported: in the command line's process the garbage
    collector no longer walks it (gc.freeze), nor what was made before. It otherwise walks
    every object of pandas, pandera and the rest again and again while validation fills
    the heap: a fifth of a realistic year's run. A higher threshold makes it look less
    often at what the run makes (rows by the million; what a run frees it frees at once)."""
    global _collector
    if _command_line:
        import gc

        if _collector is None:
            _collector = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*ONE_RUN_THRESHOLDS)


def cache_folder() -> Path | None:
    """Where caches are kept between runs, or None (memory only). Nothing in it is needed:
    deleting the folder only makes the next run slower. HALSOCENTER_CACHE names another
    folder; set but empty, none is used."""
    if not _command_line:
        return None
    chosen = os.environ.get("HALSOCENTER_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen else None
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "halsocenter" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "halsocenter" / "cache"


def keep_cached(path: Path, data: bytes) -> None:
    """A file in the cache folder, written beside and renamed: a reader gets all of it or
    none. A folder that cannot be written only means no cache (the run goes on)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass
