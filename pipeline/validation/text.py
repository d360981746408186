"""Text cleaning at the edge: once, when a cell is read.

Word refuses XML-illegal control characters, and Excel's Alt+Enter in old
files arrives as a vertical tab (python-calamine) or as the escape `_x000B_`
(openpyxl). Both become a line break; other control characters are dropped.
Also here: which first characters make a spreadsheet take text for a formula.
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|\r|[\x0b\x0c\u2028\u2029]|_x000[BbCc]_")
_EXCEL_ESCAPE_CR = re.compile(r"_x000[Dd]_")
_ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = "\u00a0\u2007\u202f\ufeff \t"
# Printable ASCII with no space at either end needs no cleaning (most codes and names).
_ALREADY_CLEAN = re.compile(r"[!-~](?:[ -~]*[!-~])?\Z")


def clean_text(value: str) -> str:
    """A cell's text as Word can hold it: NFC, line breaks as \\n, no control characters."""
    if _ALREADY_CLEAN.match(value) and "_x" not in value:
        return value
    text = _EXCEL_ESCAPE_CR.sub("", value)
    text = _LINE_BREAKS.sub("\n", text)
    text = _ILLEGAL.sub("", text)
    return unicodedata.normalize("NFC", text).strip(_SPACES + "\n")


# Characters clean_text would change; with the spaces and line breaks checked below.
_NEEDS_CLEANING = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f\u00a0\u2007\u2028\u2029\u202f\ufeff\ufffe\uffff]|_x00"
)


def clean_texts(values: list[str]) -> list[str]:
    """clean_text over many values; one pass over them all when none needs cleaning."""
    joined = "\n".join(values)
    clean = (
        not _NEEDS_CLEANING.search(joined)
        # a value that begins or ends with a space or a line break
        and not any(part in joined for part in ("\n ", " \n", "\n\n"))
        and not joined.startswith((" ", "\n"))
        and not joined.endswith((" ", "\n"))
        and unicodedata.is_normalized("NFC", joined)
    )
    if clean:
        return list(values)
    return [clean_text(v) for v in values]


def normalize_header(value: object) -> str:
    """Header cells match ignoring case, surrounding spaces and non-breaking spaces."""
    if value is None:
        return ""
    return clean_text(str(value)).replace("\u00a0", " ").strip().casefold()


def paragraphs(value: str) -> list[str]:
    """A cell's line breaks become paragraphs; blank lines are dropped."""
    return [line.strip(_SPACES) for line in value.split("\n") if line.strip(_SPACES)]


# Characters a person does not see: zero-width space, non-joiner, joiner, word joiner,
# soft hyphen, byte order mark.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\u00ad\ufeff]")


def normalize_id(value: str) -> str:
    """An ID as a person reads it: no invisible characters, no surrounding spaces, one case.

    `d001`, `D001`, `D001 ` and `D001` followed by a zero-width space are the same code.
    """
    text = _INVISIBLE.sub("", value).replace("\u00a0", " ").strip()
    return " ".join(text.split()).upper()
