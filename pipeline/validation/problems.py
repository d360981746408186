"""A problem found in the input, said in Swedish for the coach."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass


class Level(enum.StrEnum):
    """How serious a problem is: an error stops the report, a warning and a notice do not."""

    ERROR = "fel"
    WARNING = "varning"
    NOTICE = "notis"


LEVEL_LABELS = {Level.ERROR: "Fel", Level.WARNING: "Varning", Level.NOTICE: "Notis"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem: where it is (file, sheet, Excel row, column), what was found, what to do."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str = ""
    level: Level = Level.ERROR

    def __post_init__(self) -> None:
        # No personnummer ever leaves in a message, however it got into the input.
        from pipeline.validation.personnummer import mask_all

        for name in ("value", "message", "fix"):
            text = getattr(self, name)
            if text:
                object.__setattr__(self, name, mask_all(text))
        # A zero-width space makes 'HB0010\u200b' look like a valid code: show it.
        for name in ("value", "message"):
            text = getattr(self, name)
            if text:
                object.__setattr__(self, name, visible(text, spaces=name == "value"))

    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"flik {self.sheet}")
        if self.row is not None:
            parts.append(f"rad {self.row}")
        if self.column:
            parts.append(f"kolumn {self.column}")
        return ", ".join(parts)

    def line(self) -> str:
        text = f"{LEVEL_LABELS[self.level]}: {self.where()}: {self.message}"
        return f"{text} {self.fix}" if self.fix else text


def file_problem(file: str, message: str, fix: str) -> Problem:
    """A problem with a whole workbook: no sheet, row or column."""
    return Problem(file, None, None, None, None, message, fix)


def sheet_notice(file: str, sheet: str, text: str) -> Problem:
    """Something worth knowing about a whole sheet, which does not stop the report."""
    return Problem(file, sheet, None, None, None, text, "", Level.NOTICE)


def sort_key(problem: Problem) -> tuple:
    return (
        problem.file,
        problem.sheet or "",
        problem.row if problem.row is not None else 0,
        problem.column or "",
        problem.message,
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
