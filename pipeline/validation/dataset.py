"""The validated input of one municipality and year: what aggregate and render read.

A plain container, so that the stages after validation need not import the
validation machinery (pandera, python-calamine) to know what they are given.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.contract.schema import Kommun


@dataclass
class Dataset:
    """Validated, typed input for one municipality and year."""

    kommun: Kommun
    year: int
    startdatum: pd.Timestamp
    invanare: int | None
    styrgruppsmoten: int | None
    remisser: pd.DataFrame
    samtal: pd.DataFrame
    aktiviteter: pd.DataFrame
    narvaro: pd.DataFrame
    texter: dict[str, list[str]]
    plan: pd.DataFrame
    tidigare_ar: pd.DataFrame | None = None  # totals of years before the rows begin
