"""Skip a report whose inputs have not changed since the last run.

The fingerprint covers the input workbooks, the template, the contract, every
file of the program's own package (all folders, each by its path) and the
suppression setting. Last year's key figures, when the last run looked for them
in the output folder, must be as they were then (there, or still missing); the
outputs must still be there, byte for byte as written (the folder's state, kept
by pipeline.publish.folder). Anything else means the report is built again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline import config
from pipeline.publish.folder import digest, read_state


def _package_files() -> list[Path]:
    package = config.ROOT / "pipeline"
    return sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def fingerprint(raw: Path, threshold: int | None) -> str:
    files = sorted(p for p in raw.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
    files += sorted(config.TEMPLATES.glob("*.docx")) + sorted(config.SCHEMAS.glob("*.yaml"))
    total = hashlib.sha256(f"undertryck={threshold}".encode())
    for path in files:
        total.update(f"{path.name}:{digest(path)}\n".encode())
    for path in _package_files():
        total.update(f"{path.relative_to(config.ROOT).as_posix()}:{digest(path)}\n".encode())
    return total.hexdigest()


def _sha(path: Path) -> str | None:
    return digest(path) if path.is_file() else None


def is_current(out: Path, print_: str) -> bool:
    state = read_state(out)
    if state["fingerprint"] != print_ or not state["report"]:
        return False
    previous = state.get("previous") or {}
    if not isinstance(previous, dict) or any(
        _sha(out / name) != sha for name, sha in previous.items()
    ):
        return False
    return all(
        (out / name).is_file() and digest(out / name) == state["outputs"].get(name)
        for name in state["report"]
    )
