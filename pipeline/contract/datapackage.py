"""Frictionless Data Package descriptors (Table Schema) for the tidy csv files.

A descriptor is plain JSON beside the csv file, so that the region can check a
file with standard tools (`frictionless validate Vaggeryd-2023-nyckeltal.datapackage.json`)
without this program. The schemas follow the contract: nyckeltal.csv from
data/schemas/nyckeltal.yaml, the comparison's export from the measure ids.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from pipeline.contract import schema as contract
from pipeline.contract.key_figures import key_figures

# Data Package v1: the profile ids its registry names (the descriptors are checked against
# those JSON Schemas in tests/test_datapackage.py). No `licenses`: the profile allows none
# but not an empty list, and no licence for these figures is decided.
PROFILE = "tabular-data-package"
DIALECT = {"delimiter": ",", "lineTerminator": "\n", "header": True, "doubleQuote": True}


def _name(text: str) -> str:
    """A package or resource name: lower-case ASCII letters, digits, '-', '_' and '.'."""
    ascii_text = "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )
    return re.sub(r"[^a-z0-9._-]+", "-", ascii_text).strip("-")


def key_figure_schema() -> dict:
    """Table Schema of <kommun>-<år>-nyckeltal.csv (data contract, "Key-figure file")."""
    fmt = contract.key_figure_format()
    kommuner = contract.kommuner()
    return {
        "fields": [
            {
                "name": "schema_version",
                "type": "integer",
                "constraints": {"required": True, "enum": [fmt.schema_version]},
            },
            {
                "name": "kommunkod",
                "type": "string",
                "description": "SCB:s kommunkod, fyra siffror",
                "constraints": {"required": True, "enum": [k.kod for k in kommuner]},
            },
            {
                "name": "kommun",
                "type": "string",
                "constraints": {"required": True, "enum": [k.namn for k in kommuner]},
            },
            {"name": "ar", "type": "integer", "constraints": {"required": True}},
            {
                "name": "nyckeltal",
                "type": "string",
                "constraints": {"required": True, "enum": [f.id for f in key_figures()]},
            },
            {
                "name": "dimension",
                "type": "string",
                "description": "tom för ett totalt värde",
                "constraints": {"enum": list(fmt.dimensioner)},
            },
            {"name": "kategori", "type": "string", "description": "tom för ett totalt värde"},
            {
                "name": "varde",
                "type": "number",
                "description": "tom när värdet är undertryckt",
                "constraints": {"minimum": 0},
            },
            {
                "name": "undertryckt",
                "type": "integer",
                "description": "1 för ett dolt litet tal, annars 0",
                "constraints": {"enum": [0, 1]},
            },
        ],
        "missingValues": [""],
    }


def comparison_schema() -> dict:
    """Table Schema of the comparison's long csv (LONG_COLUMNS)."""
    # Here, not above: the report's descriptor needs none of the comparison's layout.
    from pipeline.contract.comparison import SMALL_BASE, Better, TargetStatus, measures

    count = {"type": "number", "constraints": {"minimum": 0}}
    return {
        "fields": [
            {
                "name": "kommunkod",
                "type": "string",
                "constraints": {"required": True, "enum": [k.kod for k in contract.kommuner()]},
            },
            {"name": "kommun", "type": "string", "constraints": {"required": True}},
            {"name": "ar", "type": "integer", "constraints": {"required": True}},
            {
                "name": "matt",
                "type": "string",
                "constraints": {"required": True, "enum": [m.id for m in measures()]},
            },
            {
                "name": "varde",
                "type": "number",
                "description": "avrundat till två decimaler, halvor bort från noll; tomt när "
                "värdet saknas eller är dolt",
            },
            {"name": "undertryckt", "type": "integer", "constraints": {"enum": [0, 1]}},
            {
                **count,
                "name": "taljare",
                "description": "måttets täljare (summan av nyckeltalen); tom för en median och "
                "när den är dold eller saknas",
            },
            {
                **count,
                "name": "namnare",
                "description": "måttets nämnare; för en median antalet ärenden den bygger på; "
                "tom när den är dold eller saknas",
            },
            {
                "name": "liten_bas",
                "type": "integer",
                "description": f"1 när nämnaren är under {SMALL_BASE} (liten bas), annars 0",
                "constraints": {"enum": [0, 1]},
            },
            {
                "name": "rang",
                "type": "integer",
                "description": "1 för bästa värdet bland kommunerna (för högsta när inget håll "
                "är bättre); lika värden får samma rang; tom utan exakt värde",
                "constraints": {"minimum": 1},
            },
            {
                "name": "battre",
                "type": "string",
                "description": "vilket håll som är bättre för måttet",
                "constraints": {"required": True, "enum": [b.value for b in Better]},
            },
            {"name": "malvarde", "type": "number"},
            {
                "name": "status",
                "type": "string",
                "constraints": {"enum": [s.value for s in TargetStatus]},
            },
        ],
        "missingValues": [""],
    }


def _package(csv_name: str, title: str, schema: dict, description: str) -> dict:
    name = _name(Path(csv_name).stem)
    return {
        "profile": PROFILE,
        "name": name,
        "title": title,
        "description": description,
        "resources": [
            {
                "profile": "tabular-data-resource",
                "name": name,
                "path": csv_name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": DIALECT,
                "schema": schema,
            }
        ],
    }


def key_figure_descriptor(csv_name: str) -> dict:
    """The descriptor of one `<kommun>-<år>-nyckeltal.csv`, to write beside it."""
    return _package(
        csv_name,
        f"Nyckeltal för Hälsocenter: {Path(csv_name).stem}",
        key_figure_schema(),
        "Nyckeltal för ett Hälsocenter i Jönköpings län och ett år, i långt format "
        "(datakontrakt version 1). Små tal i uppdelningar är dolda (undertryckt = 1).",
    )


def comparison_descriptor(csv_name: str) -> dict:
    return _package(
        csv_name,
        f"Jämförelse av Hälsocenter i Jönköpings län: {Path(csv_name).stem}",
        comparison_schema(),
        "Jämförelsemåtten per kommun och år (per 1 000 invånare, andelar i procent, "
        "väntetid i dagar) med täljare, nämnare, liten bas, rang och vilket håll som är "
        "bättre, och regionens målvärden när sådana finns.",
    )


def descriptor_path(csv_path: Path) -> Path:
    """Vaggeryd-2023-nyckeltal.csv → Vaggeryd-2023-nyckeltal.datapackage.json."""
    return csv_path.with_name(csv_path.stem + ".datapackage.json")


def to_json(descriptor: dict) -> bytes:
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
