"""How a column of the contract is described to a person: its type and its requirements.

Used by the blank workbooks' instructions (mallar.py) and by the README's column tables
(tools/readme_tabeller.py), so both say the same thing.
"""

from __future__ import annotations

from pipeline.contract.schema import Column

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
        extra.append(f"måste finnas i fliken {column.finns_i.flik_namn}")
    if column.ingen_formel:
        mark = "`" if markdown else ""
        starts = ", ".join(f"{mark}{c}{mark}" for c in "=+-@")
        extra.append(f"får inte börja med {starts}, tabb eller radbrytning")
    return "; ".join([text, *extra])
