"""A problem found in the input, said in Swedish for the coach."""

from __future__ import annotations

from dataclasses import dataclass

FEL = "fel"
VARNING = "varning"
NOTIS = "notis"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: where it is (file, sheet, Excel row, column), what was found, what to do."""

    fil: str
    flik: str | None
    rad: int | None
    kolumn: str | None
    varde: str | None
    problem: str
    atgard: str = ""
    niva: str = FEL

    def __post_init__(self) -> None:
        # No personnummer ever leaves in a message, however it got into the input.
        from pipeline.personnummer import mask_all

        for name in ("varde", "problem", "atgard"):
            text = getattr(self, name)
            if text:
                object.__setattr__(self, name, mask_all(text))

    def where(self) -> str:
        parts = [self.fil]
        if self.flik:
            parts.append(f"flik {self.flik}")
        if self.rad is not None:
            parts.append(f"rad {self.rad}")
        if self.kolumn:
            parts.append(f"kolumn {self.kolumn}")
        return ", ".join(parts)

    def line(self) -> str:
        label = {FEL: "Fel", VARNING: "Varning", NOTIS: "Notis"}[self.niva]
        text = f"{label}: {self.where()}: {self.problem}"
        return f"{text} {self.atgard}" if self.atgard else text


def file_problem(fil: str, problem: str, atgard: str) -> Problem:
    """A problem with a whole workbook: no sheet, row or column."""
    return Problem(fil, None, None, None, None, problem, atgard)


def sheet_notice(fil: str, flik: str, text: str) -> Problem:
    """Something worth knowing about a whole sheet, which does not stop the report."""
    return Problem(fil, flik, None, None, None, text, "", NOTIS)


def sort_key(problem: Problem) -> tuple:
    return (
        problem.fil,
        problem.flik or "",
        problem.rad if problem.rad is not None else 0,
        problem.kolumn or "",
        problem.problem,
    )


def show_value(value: object) -> str | None:
    """A found value as the coach typed it, shortened when very long."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "isoformat") and hasattr(value, "year"):
        text = value.isoformat()[:10]
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
