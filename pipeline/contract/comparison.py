"""The comparison's layout (data/schemas/jamforelse.yaml): its measures, count columns
and share groups, each key figure checked against the list of key figures
(nyckeltalslista.yaml) and each category against the contract when loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from pipeline.contract import key_figures
from pipeline.contract import schema as contract

LAYOUT_FILE = "jamforelse.yaml"

Key = tuple[str, str, str]  # (nyckeltal, dimension, kategori)


class Better(StrEnum):
    """Which direction of a measure is better (jamforelse.yaml's and malvarden.csv's `battre`)."""

    HIGHER = "högre"
    LOWER = "lägre"
    NEITHER = "ingen"


class TargetStatus(StrEnum):
    """A municipality's value against the region's target (malvarden.csv)."""

    MET = "uppnått"
    NEAR = "nära"  # within 10 % of the target
    NOT_MET = "ej uppnått"


# The comparison's long csv, one row per municipality, year and measure.
LONG_COLUMNS = [
    "kommunkod",
    "kommun",
    "ar",
    "matt",
    "varde",
    "undertryckt",
    "taljare",
    "namnare",
    "liten_bas",
    "rang",
    "battre",
    "malvarde",
    "status",
]
SMALL_BASE = 20  # a denominator under this is a small base (contract)


def key_text(key: Key) -> str:
    """('arenden_inkomna', 'kon', 'Man') → 'arenden_inkomna/kon/Man'; a total is its name."""
    return "/".join(key) if key[1] else key[0]


def _key(text: str) -> Key:
    parts = str(text).split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], "", "")


@dataclass(frozen=True)
class Measure:
    """A ratio `taljare` / `namnare` × `skala`, or one figure (`varde`) over `bas` cases.

    The contract's measures come from `matt`; each category of a share group is a
    measure too (a share in per cent of its breakdown's total), so that everything the
    comparison ranks is computed by the same arithmetic."""

    id: str
    rubrik: str
    kort: str
    definition: str
    battre: Better = Better.NEITHER
    taljare: tuple[Key, ...] = ()
    namnare: tuple[Key, ...] = ()
    skala: float = 1.0
    procent: bool = False
    varde: Key | None = None  # a figure shown as it is (a median)
    bas: Key | None = None  # the count a `varde` is taken over (its base)
    taljare_rubrik: str = ""
    namnare_rubrik: str = ""
    # The denominator when a file lacks `namnare` (a share: the sum of its categories).
    namnare_reserv: tuple[Key, ...] = ()

    @property
    def summable(self) -> bool:
        """A ratio of sums can be computed for the county; a median cannot."""
        return self.varde is None

    @property
    def unit(self) -> str:
        """The unit as a heading or an axis says it."""
        if self.procent:
            return "procent"
        return "dagar" if not self.summable else "per 1 000 invånare"

    @property
    def change_unit(self) -> str:
        return "procentenheter" if self.procent else ("dagar" if not self.summable else "")


@dataclass(frozen=True)
class CountColumn:
    key: Key
    rubrik: str
    summeras: bool = True
    grupp: str = ""  # the heading over a breakdown's columns

    @property
    def id(self) -> str:
        return "antal:" + key_text(self.key)


@dataclass(frozen=True)
class ShareGroup:
    nyckeltal: str
    dimension: str
    rubrik: str
    total: Key | None
    flik: str = ""

    def categories(self) -> list[str]:
        return contract.categories(self.dimension)

    def key(self, kategori: str) -> Key:
        return (self.nyckeltal, self.dimension, kategori)

    def measure(self, kategori: str) -> Measure:
        """A category's share (%) of the breakdown's total, as a measure."""
        parts = tuple(self.key(c) for c in self.categories())
        return Measure(
            id=share_id(self.key(kategori)),
            rubrik=f"{self.rubrik}: {kategori} (%)",
            kort=f"{kategori} (%)",
            definition=f"{kategori} i procent av alla i uppdelningen {self.rubrik.lower()}.",
            taljare=(self.key(kategori),),
            namnare=(self.total,) if self.total is not None else parts,
            namnare_reserv=parts if self.total is not None else (),
            skala=100,
            procent=True,
        )

    def measures(self) -> list[Measure]:
        return [self.measure(c) for c in self.categories()]


def share_id(key: Key) -> str:
    return "andel:" + key_text(key)


LAYOUT_KEYS = ("matt", "teman", "andelar", "trend")


@cache
def layout() -> dict:
    raw = contract._load_yaml(LAYOUT_FILE)
    if not isinstance(raw, dict):
        raise contract.ContractError(
            f"{LAYOUT_FILE}: filen ska ha nycklarna {', '.join(LAYOUT_KEYS)}."
        )
    key_figures.checked_keys(raw, set(LAYOUT_KEYS), LAYOUT_KEYS[:3], LAYOUT_FILE)
    return raw


def _checked(key: Key, where: str) -> Key:
    """A figure named by the layout: a listed key figure with that breakdown, and a
    category the contract has (a value renamed in data/schemas/ must be renamed here too)."""
    nyckeltal, dimension, kategori = key
    key_figures.check([(nyckeltal, dimension)], where)
    if dimension:
        try:
            known = contract.categories(dimension)
        except ValueError:
            raise contract.ContractError(f"{where}: okänd dimension {dimension!r}.") from None
        if kategori not in known:
            raise contract.ContractError(
                f"{where}: {nyckeltal}/{dimension}/{kategori} finns "
                f"inte; kategorierna i {dimension} är {', '.join(known)}."
            )
    return key


_MEASURE_KEYS = {
    "id",
    "rubrik",
    "kort",
    "definition",
    "battre",
    "taljare",
    "namnare",
    "skala",
    "procent",
    "varde",
    "bas",
    "taljare_rubrik",
    "namnare_rubrik",
}


def _heading(keys: tuple[Key, ...], given: str | None) -> str:
    """A numerator's or denominator's column heading: given, else the key figure's name."""
    if given:
        return str(given)
    if len(keys) == 1:
        name = key_figures.key_figure(keys[0][0]).namn
        return f"{name}: {keys[0][2]}" if keys[0][1] else name
    return ""


def _measure(spec: object, number: int) -> Measure:
    if not isinstance(spec, dict) or "id" not in spec:
        raise contract.ContractError(f"{LAYOUT_FILE}, mått {number}: 'id' måste finnas.")
    where = f"{LAYOUT_FILE}, mått {spec['id']}"
    key_figures.checked_keys(spec, _MEASURE_KEYS, ("rubrik", "kort", "definition", "battre"), where)
    try:
        better = Better(spec["battre"])
    except ValueError:
        raise contract.ContractError(
            f"{where}: battre ska vara {', '.join(repr(b.value) for b in Better)}, inte "
            f"{spec['battre']!r}."
        ) from None
    if ("varde" in spec) == ("taljare" in spec or "namnare" in spec):
        raise contract.ContractError(
            f"{where}: ett mått har antingen taljare och namnare eller varde (och bas)."
        )
    taljare = tuple(_checked(_key(k), where) for k in spec.get("taljare", ()))
    namnare = tuple(_checked(_key(k), where) for k in spec.get("namnare", ()))
    varde = _checked(_key(spec["varde"]), where) if "varde" in spec else None
    bas = _checked(_key(spec["bas"]), where) if "bas" in spec else None
    return Measure(
        id=spec["id"],
        rubrik=spec["rubrik"],
        kort=spec["kort"],
        definition=spec["definition"],
        battre=better,
        taljare=taljare,
        namnare=namnare,
        skala=float(spec.get("skala", 1)),
        procent=bool(spec.get("procent", False)),
        varde=varde,
        bas=bas,
        taljare_rubrik=_heading(taljare, spec.get("taljare_rubrik")),
        namnare_rubrik=_heading(namnare or ((bas,) if bas else ()), spec.get("namnare_rubrik")),
    )


@cache
def measures() -> tuple[Measure, ...]:
    """The comparison's measures; every figure they name is checked against the list of key
    figures and every category against the contract, so a mistyped or renamed name is one
    error saying where, before any file is read."""
    specs = layout().get("matt")
    if not isinstance(specs, list) or not specs:
        raise contract.ContractError(f"{LAYOUT_FILE}: 'matt' ska vara en lista med mått.")
    result = tuple(_measure(spec, n) for n, spec in enumerate(specs, start=1))
    ids = [m.id for m in result]
    for measure_id in ids:
        if ids.count(measure_id) > 1:
            raise contract.ContractError(f"{LAYOUT_FILE}: måttet {measure_id} står två gånger.")
    for measure_id in layout().get("trend", ()):
        if measure_id not in ids:
            raise contract.ContractError(
                f"{LAYOUT_FILE}, trend: okänt mått {measure_id!r}; måtten är {', '.join(ids)}."
            )
    themes()
    share_groups()
    return result


def measure(measure_id: str) -> Measure:
    return next(m for m in measures() if m.id == measure_id)


def trend_measures() -> list[Measure]:
    return [measure(i) for i in layout().get("trend", ())]


@cache
def themes() -> tuple[tuple[str, tuple[CountColumn, ...]], ...]:
    result = []
    for theme in layout()["teman"]:
        columns = []
        for spec in theme["kolumner"]:
            dimension = spec.get("dimension", "")
            kategorier = (
                contract.categories(dimension) if spec.get("kategorier") == "alla" else [""]
            )
            where = f"{LAYOUT_FILE}, tema {theme['namn']}, kolumn {spec.get('rubrik', '?')}"
            for kategori in kategorier:
                columns.append(
                    CountColumn(
                        _checked((spec["nyckeltal"], dimension, kategori), where),
                        spec["rubrik"].format(kategori=kategori),
                        spec.get("summeras", True),
                        spec.get("grupp", ""),
                    )
                )
        result.append((theme["namn"], tuple(columns)))
    return tuple(result)


@cache
def share_groups() -> tuple[ShareGroup, ...]:
    groups = []
    for spec in layout()["andelar"]:
        where = f"{LAYOUT_FILE}, andelar {spec.get('rubrik', '?')}"
        dimension = spec["dimension"]
        key_figures.check([(spec["nyckeltal"], dimension)], where)
        total = _checked(_key(spec["total"]), where) if "total" in spec else None
        groups.append(
            ShareGroup(spec["nyckeltal"], dimension, spec["rubrik"], total, spec.get("flik", ""))
        )
    return tuple(groups)


def share_group(key: Key) -> ShareGroup | None:
    """The share group a breakdown figure belongs to (its nyckeltal and dimension)."""
    return next(
        (g for g in share_groups() if (g.nyckeltal, g.dimension) == key[:2]),
        None,
    )
