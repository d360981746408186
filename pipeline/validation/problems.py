"""A problem found in the input, said in Swedish for the coach."""

from __future__ import annotations

import unicodedata
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
        from pipeline.validation.personnummer import mask_all

        for name in ("varde", "problem", "atgard"):
            text = getattr(self, name)
            if text:
                object.__setattr__(self, name, mask_all(text))
        # A zero-width space makes 'HB0010\u200b' look like a valid code: show it.
        for name in ("varde", "problem"):
            text = getattr(self, name)
            if text:
                object.__setattr__(self, name, visible(text, spaces=name == "varde"))

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


# Characters that look like nothing (or like a plain space) in a message, named in Swedish.
INVISIBLE_NAMES = {
    "\u200b": "nollbreddsmellanslag",
    "\u200c": "nollbreddsicke-bindare",
    "\u200d": "nollbreddsbindare",
    "\u2060": "ordbindare",
    "\u00ad": "mjukt bindestreck",
    "\ufeff": "byte order mark",
    "\t": "tabb",
    "\n": "radbrytning",
}
SPACE_NAMES = {
    "\u00a0": "hårt mellanslag",
    "\u202f": "smalt hårt mellanslag",
    "\u2007": "sifferblanksteg",
}


def _invisible(char: str) -> bool:
    return char in INVISIBLE_NAMES or unicodedata.category(char) in ("Cf", "Cc", "Co")


def visible(text: str, spaces: bool = True) -> str:
    """Text with invisible characters written out: 'HB0010⟨nollbreddsmellanslag⟩'.

    With spaces, non-breaking spaces are named too (in a value, not in a message,
    where they may separate thousands).
    """
    if text.isascii() and text.isprintable():
        return text
    parts = []
    for char in text:
        if spaces and char in SPACE_NAMES:
            parts.append(f"⟨{SPACE_NAMES[char]}⟩")
        elif char in INVISIBLE_NAMES and (spaces or char != "\n"):
            parts.append(f"⟨{INVISIBLE_NAMES[char]}⟩")
        elif char != "\n" and _invisible(char):
            parts.append(f"⟨osynligt tecken U+{ord(char):04X}⟩")
        else:
            parts.append(char)
    return "".join(parts)


def show_value(value: object) -> str | None:
    """A found value as the coach typed it, invisible characters named, shortened when long."""
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
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        text = str(int(value))  # 1e300 stays 1e+300, not three hundred digits
    else:
        text = str(value)
    text = text if len(text) <= 80 else text[:77] + "..."
    return visible(text)
