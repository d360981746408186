"""The data contract, loaded from the declarative files in data/schemas/.

Nothing about columns lives in Python: validation, blank workbooks and the
README tables all read these objects. Code names workbooks, sheets, columns and
choice values by their keys (`sheet("samtal")`, `outcome("genomfort")`); what the
coach sees (a file name, a sheet name, a header, a value) is written only in the
schema files, so it can be renamed there, in one place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cache

from pipeline import config
from pipeline.contract import source


@dataclass(frozen=True)
class Condition:
    """`kolumn` has one of `varden` (used by obligatorisk_om / obligatorisk_utom)."""

    kolumn: str
    varden: tuple[str, ...]


@dataclass(frozen=True)
class Reference:
    """A column whose values must be in another sheet's column (`flik` is that sheet's key)."""

    flik: str
    kolumn: str
    flik_namn: str = ""  # the sheet's name as shown, filled in when the contract loads


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
    ingen_formel: bool = False  # text that reaches nyckeltal.csv: may not begin like a formula
    varde_nycklar: dict = field(default_factory=dict, hash=False, compare=False)  # key → value
    beskrivning: str = ""

    def allowed_text(self) -> str:
        return ", ".join(self.varden)

    def value(self, key: str) -> str:
        """A choice as the contract spells it, by its key: code never writes the value itself."""
        try:
            return self.varde_nycklar[key]
        except KeyError:
            raise ContractError(
                f"Kolumnen {self.namn} har inget värde med nyckeln {key!r}."
            ) from None


@dataclass(frozen=True)
class Sheet:
    namn: str
    nyckel: str
    typ: str
    beskrivning: str
    kolumner: tuple[Column, ...]
    falt: tuple[Column, ...] = ()
    regler: tuple[dict, ...] = ()
    valfri: bool = False  # an optional sheet: a workbook without it is fine
    fil: str = ""  # the workbook it is in, filled in when the contract loads

    def column(self, nyckel: str) -> Column:
        found = next((c for c in (*self.kolumner, *self.falt) if c.nyckel == nyckel), None)
        if found is None:
            raise ContractError(f"Fliken {self.namn} har ingen kolumn med nyckeln {nyckel!r}.")
        return found


@dataclass(frozen=True)
class Workbook:
    fil: str
    nyckel: str
    beskrivning: str
    flikar: tuple[Sheet, ...]

    def sheet(self, nyckel: str) -> Sheet:
        found = next((s for s in self.flikar if s.nyckel == nyckel), None)
        if found is None:
            raise ContractError(f"{self.fil} har ingen flik med nyckeln {nyckel!r}.")
        return found


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


class ContractError(Exception):
    """A schema file in data/schemas/ that does not hold together; the message says where."""


# Next year's workbook marks last year's texts with this; validation warns while one is left.
DRAFT_MARKER = "[Utkast"

TYPES = ("text", "id", "val", "datum", "heltal", "decimaltal", "kommun")
_COLUMN_KEYS = {f.name for f in dataclasses.fields(Column)}
_SHEET_KEYS = {"namn", "nyckel", "typ", "beskrivning", "kolumner", "falt", "regler", "valfri"}
_WORKBOOK_KEYS = {"fil", "beskrivning", "flikar"}


def _choices(raw: dict, where: str) -> tuple[tuple[str, ...], dict[str, str]]:
    """`varden` as displayed values, and key → value when the file gives keys (a mapping)."""
    values = raw.get("varden", ())
    if isinstance(values, dict):
        keys = {str(k): str(v) for k, v in values.items()}
        return tuple(keys.values()), keys
    if not isinstance(values, list | tuple):
        raise ContractError(f"{where}: 'varden' ska vara en lista eller nyckel: värde-par.")
    return tuple(str(v) for v in values), {}


def _column(raw: dict, where: str) -> Column:
    raw = dict(raw)
    where = f"{where}, kolumn {raw.get('namn', '?')}"
    unknown = sorted(set(raw) - _COLUMN_KEYS - {"varden"})
    if unknown:
        raise ContractError(f"{where}: okänd nyckel {', '.join(repr(k) for k in unknown)}.")
    if "namn" not in raw or "nyckel" not in raw:
        raise ContractError(f"{where}: 'namn' och 'nyckel' måste finnas.")
    if raw.get("typ", "text") not in TYPES:
        raise ContractError(
            f"{where}: okänd typ {raw['typ']!r}; tillåtna typer: {', '.join(TYPES)}."
        )
    if raw.get("typ") == "kommun":  # a choice among the county's municipalities
        raw["typ"] = "val"
        raw["varden"] = [k.namn for k in kommuner()]
    raw["varden"], raw["varde_nycklar"] = _choices(raw, where)
    if raw.get("standard") is not None:
        raw["standard"] = raw["varde_nycklar"].get(raw["standard"], raw["standard"])
    for key in ("obligatorisk_om", "obligatorisk_utom"):
        if key in raw:
            raw[key] = Condition(raw[key]["kolumn"], tuple(raw[key]["varden"]))
    if "bara_om" in raw:
        raw["bara_om"] = tuple(Condition(c["kolumn"], tuple(c["varden"])) for c in raw["bara_om"])
    if "ingen_formel" in raw:
        if not isinstance(raw["ingen_formel"], bool):
            raise ContractError(f"{where}: ingen_formel ska vara true eller false.")
        if raw["ingen_formel"] and raw.get("typ", "text") not in ("text", "id"):
            raise ContractError(
                f"{where}: ingen_formel gäller text och koder; ett val tar bara kontraktets värden."
            )
    if "finns_i" in raw:
        ref = raw["finns_i"]
        if not isinstance(ref, dict) or set(ref) != {"flik", "kolumn"}:
            raise ContractError(f"{where}: finns_i ska ha just 'flik' och 'kolumn'.")
        raw["finns_i"] = Reference(str(ref["flik"]), str(ref["kolumn"]))
    return Column(**raw)


def _resolve_conditions(sheet: Sheet, where: str) -> Sheet:
    """Conditions name the other column's values by key (or as shown): all become values."""
    by_key = {c.nyckel: c for c in (*sheet.kolumner, *sheet.falt)}

    def resolve(condition: Condition, column: Column) -> Condition:
        other = by_key.get(condition.kolumn)
        if other is None:
            raise ContractError(
                f"{where}, kolumn {column.namn}: villkoret pekar på kolumnen "
                f"{condition.kolumn!r}, som inte finns i fliken."
            )
        values = []
        for value in condition.varden:
            shown = other.varde_nycklar.get(value, value)
            if shown not in other.varden:
                raise ContractError(
                    f"{where}, kolumn {column.namn}: {value!r} är inget värde i {other.namn}."
                )
            values.append(shown)
        return Condition(condition.kolumn, tuple(values))

    columns = []
    for column in sheet.kolumner:
        changes = {}
        for key in ("obligatorisk_om", "obligatorisk_utom"):
            if getattr(column, key) is not None:
                changes[key] = resolve(getattr(column, key), column)
        if column.bara_om:
            changes["bara_om"] = tuple(resolve(c, column) for c in column.bara_om)
        if column.hogst_kolumn is not None and column.hogst_kolumn not in by_key:
            raise ContractError(
                f"{where}, kolumn {column.namn}: hogst_kolumn {column.hogst_kolumn!r} finns inte."
            )
        columns.append(dataclasses.replace(column, **changes))
    return dataclasses.replace(sheet, kolumner=tuple(columns))


def _sheet(raw: dict, where: str) -> Sheet:
    where = f"{where}, flik {raw.get('namn', '?')}"
    unknown = sorted(set(raw) - _SHEET_KEYS)
    if unknown:
        raise ContractError(f"{where}: okänd nyckel {', '.join(repr(k) for k in unknown)}.")
    if raw.get("typ") not in ("tabell", "falt"):
        raise ContractError(f"{where}: typ ska vara 'tabell' eller 'falt'.")
    if not raw.get("namn") or not raw.get("nyckel"):
        raise ContractError(f"{where}: 'namn' och 'nyckel' måste finnas.")
    if not raw.get("kolumner"):
        raise ContractError(f"{where}: 'kolumner' måste finnas och ha minst en kolumn.")
    for part in ("kolumner", "falt"):
        _unique(raw.get(part, ()), "nyckel", f"{where}: två kolumner har nyckeln")
        _unique(raw.get(part, ()), "namn", f"{where}: två kolumner heter")
    sheet = Sheet(
        namn=raw["namn"],
        nyckel=raw["nyckel"],
        typ=raw["typ"],
        beskrivning=raw.get("beskrivning", ""),
        kolumner=tuple(_column(c, where) for c in raw["kolumner"]),
        falt=tuple(_column(c, where) for c in raw.get("falt", ())),
        regler=tuple(raw.get("regler", ())),
        valfri=bool(raw.get("valfri", False)),
    )
    return _resolve_conditions(sheet, where)


def _unique(items, key: str, message: str) -> None:
    """Two items with the same `key` (case and spaces aside) are one error naming it."""
    seen = set()
    for item in items:
        value = str(item.get(key, "")).strip().casefold() if isinstance(item, dict) else ""
        if value and value in seen:
            raise ContractError(f"{message} {item[key]!r}.")
        seen.add(value)


def _check_references(books: tuple[Workbook, ...]) -> tuple[Workbook, ...]:
    """File names and sheet keys are unique across the workbooks; every `finns_i`
    points at a sheet (by key) and column of the same workbook (each workbook is checked on
    its own). The references come back with the sheet's name as shown."""
    files: dict[str, str] = {}
    seen: dict[str, str] = {}
    for book in books:
        if book.fil.casefold() in files:
            raise ContractError(
                f"{_schema_file(book)}: filen {book.fil} beskrivs redan i "
                f"{files[book.fil.casefold()]}."
            )
        files[book.fil.casefold()] = _schema_file(book)
        for sheet in book.flikar:
            if sheet.nyckel in seen:
                raise ContractError(
                    f"{_schema_file(book)}, flik {sheet.namn}: nyckeln {sheet.nyckel!r} används "
                    f"redan av fliken {seen[sheet.nyckel]}."
                )
            seen[sheet.nyckel] = f"{sheet.namn} i {_schema_file(book)}"
    checked = []
    for book in books:
        sheets = []
        for sheet in book.flikar:
            columns = []
            for column in sheet.kolumner:
                ref = column.finns_i
                if ref is not None:
                    target = next((s for s in book.flikar if s.nyckel == ref.flik), None)
                    if target is None and ref.flik in seen:
                        raise ContractError(
                            f"{_schema_file(book)}, flik {sheet.namn}, kolumn {column.namn}: "
                            f"finns_i pekar på fliken {seen[ref.flik]}; den ska vara i samma "
                            "arbetsbok (varje arbetsbok kontrolleras för sig)."
                        )
                    if target is None or ref.kolumn not in {c.nyckel for c in target.kolumner}:
                        raise ContractError(
                            f"{_schema_file(book)}, flik {sheet.namn}, kolumn {column.namn}: "
                            f"finns_i pekar på {ref.flik}/{ref.kolumn}, som inte finns."
                        )
                    ref = dataclasses.replace(ref, flik_namn=target.namn)
                    column = dataclasses.replace(column, finns_i=ref)
                columns.append(column)
            sheets.append(dataclasses.replace(sheet, kolumner=tuple(columns), fil=book.fil))
        checked.append(dataclasses.replace(book, flikar=tuple(sheets)))
    return tuple(checked)


def _schema_file(book: Workbook) -> str:
    return f"{book.nyckel}.yaml"


def _load_yaml(name: str) -> object:
    return source.load(name)  # parsed once per version of the file (contract/source.py)


@cache
def workbooks() -> tuple[Workbook, ...]:
    """The input workbooks, in the order of config.WORKBOOKS (their schema files' names,
    which are their keys); checked as they load."""
    result = []
    for key in config.WORKBOOKS:
        name = f"{key}.yaml"
        raw = _load_yaml(name)
        if not isinstance(raw, dict):
            raise ContractError(f"{name}: filen ska ha nycklarna 'fil' och 'flikar'.")
        unknown = sorted(set(raw) - _WORKBOOK_KEYS)
        if unknown:
            raise ContractError(f"{name}: okänd nyckel {', '.join(repr(k) for k in unknown)}.")
        if not raw.get("fil") or not raw.get("flikar"):
            raise ContractError(f"{name}: 'fil' och 'flikar' måste finnas.")
        _unique(raw["flikar"], "namn", f"{name}: två flikar heter")
        sheets = tuple(_sheet(s, name) for s in raw["flikar"])
        result.append(Workbook(raw["fil"], key, raw.get("beskrivning", ""), sheets))
    checked = _check_references(tuple(result))
    source.mark_built()  # the command line's help may now read a file name without this
    return checked


def headers(sheet: Sheet) -> list[str]:
    """The header row of a sheet as the contract names it."""
    return [c.namn for c in sheet.kolumner]


def workbook(nyckel: str) -> Workbook:
    """An input workbook by its key: "remisser", "aktiviteter" or "verksamhet"."""
    found = next((w for w in workbooks() if w.nyckel == nyckel), None)
    if found is None:
        raise ContractError(f"Kontraktet har ingen arbetsbok med nyckeln {nyckel!r}.")
    return found


def sheet(nyckel: str) -> Sheet:
    """A sheet by its key, e.g. sheet("samtal"); keys are unique across the workbooks."""
    found = next((s for w in workbooks() for s in w.flikar if s.nyckel == nyckel), None)
    if found is None:
        raise ContractError(f"Kontraktet har ingen flik med nyckeln {nyckel!r}.")
    return found


# Formats a coach may have saved a workbook in instead of .xlsx: named, never read.
OTHER_FORMATS = (".xls", ".xlsm", ".xlsb", ".ods", ".csv", ".numbers")


def files() -> tuple[str, ...]:
    """The input workbooks' file names, as the coach saves them."""
    return tuple(w.fil for w in workbooks())


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
    if dimension in ("kanal", "kon", "remittent"):
        return list(sheet("remisser").column(dimension).varden)
    if dimension == "foljsamhet":
        return [*sheet("samtal").column("foljsamhet").varden, fmt.foljsamhet_saknas]
    if dimension == "manad":
        return list(fmt.manader)
    if dimension == "aldersgrupp":
        return [g["namn"] for g in fmt.aldersgrupper] + [fmt.alder_saknas]
    if dimension == "fokusomrade":
        return list(sheet("aktiviteter").column("fokusomrade").varden)
    raise ValueError(f"okänd dimension: {dimension}")


def choice(flik: str, kolumn: str, key: str) -> str:
    """The displayed value of a choice by its keys, e.g. choice("samtal", "utfall", "genomfort")."""
    return sheet(flik).column(kolumn).value(key)


# The choices the code counts by, each by its key; the values shown live in data/schemas/.


def channel(key: str) -> str:
    """Kanal in Remisser: channel("far") is "FaR"."""
    return choice("remisser", "kanal", key)


def declined(key: str) -> str:
    """Avböjde in Remisser: declined("ja") is "Ja"."""
    return choice("remisser", "avbojde", key)


def talk_type(key: str) -> str:
    """Samtalstyp in Samtal: talk_type("forsta_samtal") is "Första samtal"."""
    return choice("samtal", "samtalstyp", key)


def outcome(key: str) -> str:
    """Utfall in Samtal: outcome("genomfort") is "Genomfört"."""
    return choice("samtal", "utfall", key)


def adherence(key: str) -> str:
    """Följsamhet in Samtal: adherence("ja") is "Ja"."""
    return choice("samtal", "foljsamhet", key)
