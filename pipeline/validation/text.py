"""Text cleaning at the edge: once, when a cell is read.

Word refuses XML-illegal control characters, and Excel's Alt+Enter in old
files arrives as a vertical tab (python-calamine) or as the escape `_x000B_`
(openpyxl). Both become a line break; other control characters are dropped.
Also here: which first characters make a spreadsheet take text for a formula.
"""

from __future__ import annotations

import bisect
import itertools
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


# Characters clean_text would change, with the spaces and line breaks checked in
# clean_texts: the control characters but \n (one byte each in UTF-8, never part of
# another character's bytes), and these.
_CONTROL_BYTES = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])
_ODD_CHARACTERS = "\u00a0\u2007\u2028\u2029\u202f\ufeff\ufffe\uffff"


def _needs_cleaning(joined: str) -> bool:
    """Whether clean_text could change a character of the text: found by substring search
    and bytes.translate in C, not a regular expression (a million codes: 0.18 → 0.05 s)."""
    if "_x00" in joined:
        return True
    data = joined.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return True
    return not joined.isascii() and any(c in joined for c in _ODD_CHARACTERS)


def clean_texts(values: list[str]) -> list[str]:
    """clean_text over many values; one pass over them all when none needs cleaning."""
    joined = "\n".join(values)
    clean = (
        not _needs_cleaning(joined)
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


# What makes normalize_id change more than the case: an invisible character, or white space
# other than a plain space (str.isspace, as str.split sees it; a test holds the list to it).
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\u00ad\ufeff"
_ODD_ASCII = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"
_ODD_SPACES = _ODD_ASCII + "\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
_ODD_SPACES += "\u2028\u2029\u202f\u205f\u3000"


def _odd_positions(joined: str) -> list[int]:
    """Where in the joined IDs (separated by \x00) a character needs more than upper case:
    an invisible one, odd white space, two spaces, a space at either end of an ID."""
    chars = _ODD_ASCII if joined.isascii() else _INVISIBLE_CHARS + _ODD_SPACES
    found = []
    for text, offset in ((c, 0) for c in chars):
        at = joined.find(text)
        while at != -1:
            found.append(at + offset)
            at = joined.find(text, at + 1)
    for text, offset in (("  ", 0), (" \x00", 0), ("\x00 ", 1)) if " " in joined else ():
        at = joined.find(text)
        while at != -1:
            found.append(at + offset)
            at = joined.find(text, at + 1)
    if joined.startswith(" "):
        found.append(0)
    if joined.endswith(" "):
        found.append(len(joined) - 1)
    return found


def normalize_ids(values: list[str | None]) -> list[str | None]:
    """normalize_id over many values (None stays None, a value that becomes empty None).

    Most IDs need at most upper case: that is done to all of them at once, and the few
    with odd spaces or invisible characters, found in one pass over all the values
    together, are normalised one by one (a million IDs take a second one by one).
    """
    empty = None in values or "" in values
    texts = [value or "" for value in values] if empty else values
    joined = "\x00".join(texts)
    upper = joined.upper()
    parts = texts if upper == joined else upper.split("\x00")
    if joined.count("\x00") != max(len(texts) - 1, 0) or len(parts) != len(texts):
        return [normalize_id(v) or None if v else None for v in values]  # a \x00 in a value
    result = [part or None for part in parts] if empty else list(parts)
    odd = _odd_positions(joined)
    if odd:
        ends = list(itertools.accumulate(len(t) + 1 for t in texts))
        for index in {bisect.bisect_right(ends, at) for at in odd}:
            result[index] = normalize_id(texts[index]) or None
    return result
