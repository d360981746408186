"""The data contract, loaded from the declarative files in data/schemas/.

Nothing about columns lives in Python: validation, blank workbooks and the
README tables all read these objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from pipeline import config


@dataclass(frozen=True)
class Condition:
    """`kolumn` has one of `varden` (used by obligatorisk_om / obligatorisk_utom)."""

    kolumn: str
    varden: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    flik: str
    kolumn: str


@dataclass(frozen=True)
class Column:
    namn: str
    nyckel: str
    typ: str = "text"
    obligatorisk: bool = False
    obligatorisk_om: Condition | None = None
    obligatorisk_utom: Condition | None = None
    unik: bool = False
    varden: tuple[str, ...] = ()
    standard: str | None = None
    min: float | str | None = None
    max: float | str | None = None
    over: float | None = None
    finns_i: Reference | None = None
    bara_om: tuple[Condition, ...] = ()  # may be filled only when every condition holds
    hogst_kolumn: str | None = None  # at most the value of this column on the same row
    om_kolumnen_saknas: str = ""  # what a missing optional column means for the figures
    beskrivning: str = ""

    def allowed_text(self) -> str:
        return ", ".join(self.varden)


@dataclass(frozen=True)
class Sheet:
    namn: str
    typ: str
    beskrivning: str
    kolumner: tuple[Column, ...]
    falt: tuple[Column, ...] = ()
    regler: tuple[dict, ...] = ()
    valfri: bool = False  # an optional sheet: a workbook without it is fine

    def column(self, nyckel: str) -> Column:
        return next(c for c in (*self.kolumner, *self.falt) if c.nyckel == nyckel)


@dataclass(frozen=True)
class Workbook:
    fil: str
    beskrivning: str
    flikar: tuple[Sheet, ...]

    def sheet(self, namn: str) -> Sheet:
        return next(s for s in self.flikar if s.namn == namn)


@dataclass(frozen=True)
class Kommun:
    namn: str
    kod: str
    kommunnamn: str


@dataclass(frozen=True)
class KeyFigureFormat:
    schema_version: int
    kolumner: tuple[str, ...]
    dimensioner: tuple[str, ...]
    undertryck_dimensioner: tuple[str, ...]
    undertryck_grans: int
    aldersgrupper: tuple[dict, ...]
    alder_saknas: str
    foljsamhet_saknas: str
    manader: tuple[str, ...]
    extra: dict = field(default_factory=dict)


def _column(raw: dict) -> Column:
    raw = dict(raw)
    if raw.get("typ") == "kommun":  # a choice among the county's municipalities
        raw["typ"] = "val"
        raw["varden"] = [k.namn for k in kommuner()]
    for key in ("obligatorisk_om", "obligatorisk_utom"):
        if key in raw:
            raw[key] = Condition(raw[key]["kolumn"], tuple(raw[key]["varden"]))
    if "bara_om" in raw:
        raw["bara_om"] = tuple(Condition(c["kolumn"], tuple(c["varden"])) for c in raw["bara_om"])
    if "finns_i" in raw:
        raw["finns_i"] = Reference(**raw["finns_i"])
    if "varden" in raw:
        raw["varden"] = tuple(raw["varden"])
    return Column(**raw)


def _load_yaml(name: str) -> object:
    path: Path = config.SCHEMAS / name
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def workbooks() -> tuple[Workbook, ...]:
    """The three input workbooks, in the order of config.WORKBOOKS."""
    result = []
    for fil in config.WORKBOOKS:
        raw = _load_yaml(fil.replace(".xlsx", ".yaml"))
        sheets = tuple(
            Sheet(
                namn=s["namn"],
                typ=s["typ"],
                beskrivning=s.get("beskrivning", ""),
                kolumner=tuple(_column(c) for c in s["kolumner"]),
                falt=tuple(_column(c) for c in s.get("falt", ())),
                regler=tuple(s.get("regler", ())),
                valfri=bool(s.get("valfri", False)),
            )
            for s in raw["flikar"]
        )
        result.append(Workbook(raw["fil"], raw.get("beskrivning", ""), sheets))
    return tuple(result)


def headers(sheet: Sheet) -> list[str]:
    """The header row of a sheet as the contract names it."""
    return [c.namn for c in sheet.kolumner]


def workbook(fil: str) -> Workbook:
    return next(w for w in workbooks() if w.fil == fil)


@cache
def kommuner() -> tuple[Kommun, ...]:
    return tuple(Kommun(**k) for k in _load_yaml("kommuner.yaml"))


def kommun(namn: str) -> Kommun | None:
    folded = namn.strip().casefold()
    return next((k for k in kommuner() if k.namn.casefold() == folded), None)


@cache
def key_figure_format() -> KeyFigureFormat:
    raw = dict(_load_yaml("nyckeltal.yaml"))
    return KeyFigureFormat(
        schema_version=raw.pop("schema_version"),
        kolumner=tuple(raw.pop("kolumner")),
        dimensioner=tuple(raw.pop("dimensioner")),
        undertryck_dimensioner=tuple(raw.pop("undertryck_dimensioner")),
        undertryck_grans=raw.pop("undertryck_grans"),
        aldersgrupper=tuple(raw.pop("aldersgrupper")),
        alder_saknas=raw.pop("alder_saknas"),
        foljsamhet_saknas=raw.pop("foljsamhet_saknas"),
        manader=tuple(raw.pop("manader")),
        extra=raw,
    )


def categories(dimension: str) -> list[str]:
    """Every category of a breakdown dimension, in the contract's order."""
    fmt = key_figure_format()
    remisser = workbook("remisser.xlsx").sheet("Remisser")
    if dimension in ("kanal", "kon", "remittent"):
        return list(remisser.column(dimension).varden)
    if dimension == "foljsamhet":
        samtal = workbook("remisser.xlsx").sheet("Samtal")
        return [*samtal.column("foljsamhet").varden, fmt.foljsamhet_saknas]
    if dimension == "manad":
        return list(fmt.manader)
    if dimension == "aldersgrupp":
        return [g["namn"] for g in fmt.aldersgrupper] + [fmt.alder_saknas]
    if dimension == "fokusomrade":
        return list(workbook("aktiviteter.xlsx").sheet("Aktiviteter").column("fokusomrade").varden)
    raise ValueError(f"okänd dimension: {dimension}")
