"""The README's column tables, generated from data/schemas/ (one source of truth).

`python -m pipeline.docs` rewrites the part of README.md between the markers;
a test checks that the README is up to date.
"""

from __future__ import annotations

import sys

from pipeline import config, contract
from pipeline.contract import Column

START = "<!-- kolumner:start (genereras av python -m pipeline.docs) -->"
END = "<!-- kolumner:end -->"
TYPES = {
    "text": "text",
    "id": "kod (text)",
    "val": "val",
    "datum": "datum",
    "heltal": "heltal",
    "decimaltal": "decimaltal",
}


def requirement_text(column: Column, names: dict[str, str], markdown: bool = True) -> str:
    """What a column requires, in words; values in `code` marks for the README only."""
    if column.obligatorisk:
        text = "obligatorisk"
    elif column.obligatorisk_om:
        text = (
            f"obligatorisk när {names[column.obligatorisk_om.kolumn]} är "
            f"{' eller '.join(column.obligatorisk_om.varden)}"
        )
    elif column.obligatorisk_utom:
        text = (
            f"obligatorisk utom när {names[column.obligatorisk_utom.kolumn]} är "
            f"{' eller '.join(column.obligatorisk_utom.varden)}"
        )
    else:
        text = "frivillig"
    extra = []
    if column.unik:
        extra.append("unik")
    if column.varden:
        mark = "`" if markdown else ""
        extra.append("värden: " + ", ".join(f"{mark}{v}{mark}" for v in column.varden))
    if column.min is not None:
        extra.append(f"minst {column.min}")
    if column.over is not None:
        extra.append(f"större än {column.over}")
    if column.max is not None:
        extra.append(f"högst {column.max}")
    if column.finns_i:
        extra.append(f"måste finnas i fliken {column.finns_i.flik}")
    return "; ".join([text, *extra])


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
