"""Skip a report whose inputs have not changed since the last run.

The fingerprint covers the input workbooks, the template, the contract, the
program's own code and the suppression setting; the outputs must still be
there, byte for byte as written. Anything else means the report is built again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline import config
from pipeline.files import write_bytes

STATE = ".halsocenter-senast.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(raw: Path, threshold: int | None) -> str:
    files = sorted(p for p in raw.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
    files += sorted(config.TEMPLATES.glob("*.docx")) + sorted(config.SCHEMAS.glob("*.yaml"))
    files += sorted((config.ROOT / "pipeline").glob("*.py"))
    digest = hashlib.sha256(f"undertryck={threshold}".encode())
    for path in files:
        digest.update(f"{path.name}:{_digest(path)}\n".encode())
    return digest.hexdigest()


def is_current(out: Path, print_: str) -> bool:
    try:
        state = json.loads((out / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if state.get("fingerprint") != print_ or not state.get("outputs"):
        return False
    return all(
        (out / name).is_file() and _digest(out / name) == digest
        for name, digest in state["outputs"].items()
    )


def remember(out: Path, print_: str, outputs: list[Path]) -> None:
    state = {"fingerprint": print_, "outputs": {p.name: _digest(p) for p in outputs}}
    write_bytes(out / STATE, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))
