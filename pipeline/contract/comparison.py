"""The comparison's layout (data/schemas/jamforelse.yaml): its measures, count columns
and share groups, each category checked against the contract when loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial

import yaml

from pipeline import config
from pipeline.contract import schema as contract

Key = tuple[str, str, str]  # (nyckeltal, dimension, kategori)

# malvarden.csv: which direction is better, and a municipality's status against a target.
HIGHER, LOWER = "högre", "lägre"
TARGET_MET, TARGET_NEAR, TARGET_NOT_MET = "uppnått", "nära", "ej uppnått"

# The comparison's long csv, one row per municipality, year and measure.
TIDY_COLUMNS = [
    "kommunkod",
    "kommun",
    "ar",
    "matt",
    "varde",
    "undertryckt",
    "malvarde",
    "battre",
    "status",
]


def _key(text: str) -> Key:
    parts = text.split("/")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else (parts[0], "", "")


@dataclass(frozen=True)
class Measure:
    id: str
    rubrik: str
    kort: str
    definition: str
    taljare: tuple[Key, ...] = ()
    namnare: tuple[Key, ...] = ()
    skala: float = 1.0
    procent: bool = False
    varde: Key | None = None  # a figure shown as it is (a median)

    @property
    def summable(self) -> bool:
        """A ratio of sums can be computed for the county; a median cannot."""
        return self.varde is None


@dataclass(frozen=True)
class CountColumn:
    key: Key
    rubrik: str
    summeras: bool = True


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


@cache
def layout() -> dict:
    with (config.SCHEMAS / "jamforelse.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _checked(key: Key, measure_id: str) -> Key:
    """A figure named by the layout: its category must be one the contract has."""
    nyckeltal, dimension, kategori = key
    if dimension:
        try:
            known = contract.categories(dimension)
        except ValueError:
            raise contract.ContractError(
                f"jamforelse.yaml, mått {measure_id}: okänd dimension {dimension!r}."
            ) from None
        if kategori not in known:
            raise contract.ContractError(
                f"jamforelse.yaml, mått {measure_id}: {nyckeltal}/{dimension}/{kategori} finns "
                f"inte; kategorierna i {dimension} är {', '.join(known)}."
            )
    return key


@cache
def measures() -> tuple[Measure, ...]:
    """The comparison's measures; every category they name is checked against the contract
    (a value renamed in data/schemas/ must be renamed here too, or this says where)."""
    result = []
    for spec in layout()["matt"]:
        checked = partial(_checked, measure_id=spec["id"])
        result.append(
            Measure(
                id=spec["id"],
                rubrik=spec["rubrik"],
                kort=spec["kort"],
                definition=spec["definition"],
                taljare=tuple(checked(_key(k)) for k in spec.get("taljare", ())),
                namnare=tuple(checked(_key(k)) for k in spec.get("namnare", ())),
                skala=float(spec.get("skala", 1)),
                procent=bool(spec.get("procent", False)),
                varde=checked(_key(spec["varde"])) if "varde" in spec else None,
            )
        )
    return tuple(result)


def measure(measure_id: str) -> Measure:
    return next(m for m in measures() if m.id == measure_id)


def themes() -> list[tuple[str, list[CountColumn]]]:
    result = []
    for theme in layout()["teman"]:
        columns = []
        for spec in theme["kolumner"]:
            dimension = spec.get("dimension", "")
            kategorier = (
                contract.categories(dimension) if spec.get("kategorier") == "alla" else [""]
            )
            for kategori in kategorier:
                columns.append(
                    CountColumn(
                        (spec["nyckeltal"], dimension, kategori),
                        spec["rubrik"].format(kategori=kategori),
                        spec.get("summeras", True),
                    )
                )
        result.append((theme["namn"], columns))
    return result


def share_groups() -> list[ShareGroup]:
    return [
        ShareGroup(
            s["nyckeltal"],
            s["dimension"],
            s["rubrik"],
            _key(s["total"]) if "total" in s else None,
            s.get("flik", ""),
        )
        for s in layout()["andelar"]
    ]
