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

REPORT_TEMPLATE = TEMPLATES / "verksamhetsberattelse.docx"
COMPARISON_TEMPLATE = TEMPLATES / "jamforelse.docx"

# The input workbooks by key: data/schemas/<key>.yaml describes each (its file name too).
WORKBOOKS = ("remisser", "aktiviteter", "verksamhet")


def suppression_threshold() -> int | None:
    """Small-count threshold: HALSOCENTER_UNDERTRYCK overrides the contract's default."""
    value = os.environ.get("HALSOCENTER_UNDERTRYCK")
    return int(value) if value not in (None, "") else None


# The command line keeps a few things between runs in the user's cache folder (charts whose
# numbers have not changed, the Word template's variables, the contract as parsed); a
# library call (the core, a web worker, the tests) keeps them in memory and writes no file.
_user_cache = False


def allow_user_cache(allowed: bool = True) -> None:
    """The command line's runs may use the user's cache folder (see cache_folder)."""
    global _user_cache
    _user_cache = allowed


def cache_folder() -> Path | None:
    """Where caches are kept between runs, or None (memory only). Nothing in it is needed:
    deleting the folder only makes the next run slower. HALSOCENTER_CACHE names another
    folder; set but empty, none is used."""
    if not _user_cache:
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
