"""The schema files in data/schemas/ as parsed YAML, each parsed once per version of it.

Importing PyYAML and parsing the contract take some 20 ms with its C parser (libyaml,
where installed) and 60 ms without; the command line's help needs a single file name.
So the command line keeps what a file parsed to in the user's cache folder
(config.cache_folder) with marshal, the file's bytes beside it: a file that differs by a
byte is parsed again. Parsed YAML of the contract is plain data (dicts, lists, text,
numbers, booleans), which marshal keeps exactly; a file that holds anything else is not
kept.
"""

from __future__ import annotations

import marshal
import sys
import zlib
from pathlib import Path

from pipeline import config


def load(name: str) -> object:
    """The schema file `name` (e.g. "remisser.yaml") in config.SCHEMAS, parsed."""
    text = (config.SCHEMAS / name).read_bytes()
    path = _cache_path(name, text)
    if path is not None:
        try:
            kept_text, parsed = marshal.loads(path.read_bytes())
            if kept_text == text:
                return parsed
        except (OSError, ValueError, EOFError, TypeError):
            pass
    parsed = parse(text)
    if path is not None:
        _keep(path, text, parsed)
    return parsed


def parse(text: bytes) -> object:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser where installed
    return yaml.load(text.decode("utf-8"), Loader=loader)


# The files the input workbooks' contract is built from (schema.workbooks).
CONTRACT_FILES = (*(f"{key}.yaml" for key in config.WORKBOOKS), "kommuner.yaml")


def file_name(key: str) -> str | None:
    """A workbook's file name (`fil` in <key>.yaml) without building the contract, for the
    command line's help: only when the contract, as its files are now, was built and found
    whole before (mark_built); else None, and the caller builds it (and hears what is
    wrong with it)."""
    marker = _built_marker()
    if marker is None or not marker.exists():
        return None
    try:
        raw = load(f"{key}.yaml")
    except (OSError, ValueError):
        return None
    name = raw.get("fil") if isinstance(raw, dict) else None
    return name if isinstance(name, str) and name else None


def mark_built() -> None:
    """The contract, as its files are now, was built and checked (see file_name)."""
    marker = _built_marker()
    if marker is not None and not marker.exists():
        config.keep_cached(marker, b"")


def _built_marker() -> Path | None:
    folder = config.cache_folder()
    if folder is None:
        return None
    try:
        text = b"\0".join((config.SCHEMAS / name).read_bytes() for name in CONTRACT_FILES)
    except OSError:
        return None
    return folder / "kontrakt" / f"byggt-{zlib.crc32(text):08x}-{len(text)}"


def _cache_path(name: str, text: bytes) -> Path | None:
    folder = config.cache_folder()
    if folder is None:
        return None
    version = f"{sys.version_info[0]}{sys.version_info[1]}"
    return folder / "kontrakt" / f"{name}-{zlib.crc32(text):08x}-{len(text)}-py{version}.bin"


def _keep(path: Path, text: bytes, parsed: object) -> None:
    try:
        data = marshal.dumps((text, parsed))
    except ValueError:  # a date or another type marshal does not keep
        return
    config.keep_cached(path, data)
