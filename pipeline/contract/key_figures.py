"""The list of key figures (data/schemas/nyckeltalslista.yaml): what nyckeltal.csv may hold.

One place names every key figure with its breakdowns, unit and Swedish definition, so
that whatever names a key figure (the comparison's layout, the figures the report job
counts, the report's context) is checked against it when it loads: a mistyped name is
one error naming the file and the key, never a figure silently shown as missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pipeline.contract import schema as contract

LIST_FILE = "nyckeltalslista.yaml"
UNITS = ("antal", "personer", "timmar", "dagar")
_KEYS = {"id", "namn", "enhet", "dimensioner", "definition"}


@dataclass(frozen=True)
class KeyFigure:
    id: str
    namn: str  # as a heading shows it
    enhet: str
    definition: str
    dimensioner: tuple[str, ...] = ()  # the breakdowns it may have besides its total


def checked_keys(raw: dict, allowed: set[str], required: tuple[str, ...], where: str) -> None:
    """An entry of a schema file: no unknown key (a misspelt one), every required one there."""
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise contract.ContractError(
            f"{where}: okänd nyckel {', '.join(repr(k) for k in unknown)}."
        )
    missing = [k for k in required if raw.get(k) in (None, "")]
    if missing:
        raise contract.ContractError(f"{where}: {', '.join(missing)} måste finnas.")


def _key_figure(raw: object, number: int) -> KeyFigure:
    where = f"{LIST_FILE}, nyckeltal {number}"
    if not isinstance(raw, dict):
        raise contract.ContractError(f"{where}: ska ha nycklarna {', '.join(sorted(_KEYS))}.")
    where = f"{LIST_FILE}, nyckeltal {raw.get('id', number)}"
    checked_keys(raw, _KEYS, ("id", "namn", "enhet", "definition"), where)
    if raw["enhet"] not in UNITS:
        raise contract.ContractError(
            f"{where}: okänd enhet {raw['enhet']!r}; enheterna är {', '.join(UNITS)}."
        )
    known = contract.key_figure_format().dimensioner
    dimensions = tuple(raw.get("dimensioner") or ())
    for dimension in dimensions:
        if dimension not in known:
            raise contract.ContractError(
                f"{where}: okänd dimension {dimension!r}; dimensionerna i nyckeltal.yaml är "
                f"{', '.join(known)}."
            )
    return KeyFigure(
        str(raw["id"]), str(raw["namn"]), raw["enhet"], str(raw["definition"]), dimensions
    )


@cache
def key_figures() -> tuple[KeyFigure, ...]:
    """Every key figure of the contract, in the list's order; checked as it loads."""
    raw = contract._load_yaml(LIST_FILE)
    if not isinstance(raw, dict) or not isinstance(raw.get("nyckeltal"), list):
        raise contract.ContractError(f"{LIST_FILE}: filen ska ha en lista 'nyckeltal'.")
    figures = tuple(_key_figure(item, n) for n, item in enumerate(raw["nyckeltal"], start=1))
    seen: set[str] = set()
    for figure in figures:
        if figure.id in seen:
            raise contract.ContractError(f"{LIST_FILE}: nyckeltalet {figure.id!r} står två gånger.")
        seen.add(figure.id)
    return figures


def key_figure(figure_id: str, where: str = "") -> KeyFigure:
    """A listed key figure; an unlisted name is a ContractError that says `where` it was."""
    found = next((f for f in key_figures() if f.id == figure_id), None)
    if found is None:
        raise contract.ContractError(
            f"{where or LIST_FILE}: okänt nyckeltal {figure_id!r}; det finns inte i {LIST_FILE}."
        )
    return found


@cache
def _known() -> frozenset[tuple[str, str]]:
    """(nyckeltal, dimension) of every listed figure and breakdown; '' is the total."""
    return frozenset((f.id, dimension) for f in key_figures() for dimension in ("", *f.dimensioner))


def check(names: Iterable[tuple[str, str]], where: str) -> None:
    """Every (nyckeltal, dimension) is a listed key figure with that breakdown ('' is the
    total). For the figures the report job counts and the names the report's context reads:
    `where` says who named them (a module, a file), and the first unknown one is the error."""
    for figure_id, dimension in names:
        if (figure_id, dimension) in _known():
            continue
        figure = key_figure(figure_id, where)
        if dimension and dimension not in figure.dimensioner:
            allowed = ", ".join(figure.dimensioner) or "inga"
            raise contract.ContractError(
                f"{where}: nyckeltalet {figure_id} har ingen uppdelning {dimension!r}; "
                f"{LIST_FILE} ger det uppdelningarna {allowed}."
            )
