"""Skip a report whose inputs have not changed since the last run.

The fingerprint covers the input workbooks, the template, the contract, the
program's own code and the suppression setting; the outputs must still be
there, byte for byte as written (the folder's state, kept by pipeline.publish.folder).
Anything else means the report is built again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline import config
from pipeline.publish.folder import digest, read_state


def fingerprint(raw: Path, threshold: int | None) -> str:
    files = sorted(p for p in raw.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
    files += sorted(config.TEMPLATES.glob("*.docx")) + sorted(config.SCHEMAS.glob("*.yaml"))
    files += sorted((config.ROOT / "pipeline").rglob("*.py"))
    total = hashlib.sha256(f"undertryck={threshold}".encode())
    for path in files:
        total.update(f"{path.name}:{digest(path)}\n".encode())
    return total.hexdigest()


def is_current(out: Path, print_: str) -> bool:
    state = read_state(out)
    if state["fingerprint"] != print_ or not state["report"]:
        return False
    return all(
        (out / name).is_file() and digest(out / name) == state["outputs"].get(name)
        for name in state["report"]
    )
