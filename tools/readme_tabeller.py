"""The README's column tables, generated from data/schemas/ (one source of truth).

`python -m tools.readme_tabeller` rewrites the part of README.md between the markers;
a test checks that the README is up to date. Dev-only: not part of the program.
"""

from __future__ import annotations

import sys

from pipeline import config
from pipeline.contract import schema as contract
from pipeline.contract.docs import TYPES, requirement_text

START = "<!-- kolumner:start (genereras av python -m tools.readme_tabeller) -->"
END = "<!-- kolumner:end -->"


def column_tables() -> str:
    lines = []
    for workbook in contract.workbooks():
        for sheet in workbook.flikar:
            lines.append(f"#### `{workbook.fil}`, fliken `{sheet.namn}`")
            lines.append("")
            lines.append(sheet.beskrivning.strip())
            lines.append("")
            rows = sheet.falt if sheet.typ == "falt" else sheet.kolumner
            first = "Fält" if sheet.typ == "falt" else "Kolumn"
            lines.append(f"| {first} | Typ | Krav | Beskrivning |")
            lines.append("|---|---|---|---|")
            names = {c.nyckel: c.namn for c in rows}
            for column in rows:
                lines.append(
                    f"| {column.namn} | {TYPES[column.typ]} | {requirement_text(column, names)} "
                    f"| {column.beskrivning.strip()} |"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def updated_readme(text: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n\n{column_tables()}\n{END}{after}"


def main() -> int:
    path = config.ROOT / "README.md"
    path.write_text(updated_readme(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"Uppdaterade kolumntabellerna i {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
