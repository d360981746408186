"""Refuse Swedish personal identity numbers (personnummer, samordningsnummer) in ID columns."""

from __future__ import annotations

import re

# Six or eight date digits, an optional separator (-, + or a space) and four digits,
# not embedded in a longer run of digits.
_PATTERN = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+ ]?(\d{4})(?!\d)")
_CANDIDATE = re.compile(r"(?<!\d)(?:\d{6}|\d{8})[-+ ]?\d{4}(?!\d)")


def _match(text: str) -> re.Match[str] | None:
    """The first span that is date-shaped like a personnummer or samordningsnummer.

    A date-shaped number is refused whatever its check digit: a mistyped
    personnummer is still a personnummer.
    """
    for match in _PATTERN.finditer(text):
        _century, _yy, month, day, _tail = match.groups()
        day_number = int(day) - 60 if int(day) > 60 else int(day)  # samordningsnummer
        if 1 <= int(month) <= 12 and 1 <= day_number <= 31:
            return match
    return None


def looks_like_personnummer(text: str) -> bool:
    return _match(text) is not None


def mask(text: str) -> str:
    """The value with the number hidden, so that no message repeats it in full."""
    match = _match(text)
    if match is None:
        return text
    return text[: match.start()] + "ÅÅMMDD-XXXX" + text[match.end() :]


def mask_all(text: str) -> str:
    """Every personnummer-like span hidden (for any text that is shown or saved)."""
    if not _CANDIDATE.search(text):
        return text
    return _PATTERN.sub(lambda m: mask(m.group(0)), text)


_DIGITS_AS_ZERO = bytes.maketrans(b"0123456789", b"0000000000")


def might_contain_personnummer(text: str) -> bool:
    """A quick test over much text: False means surely no personnummer in it.

    Every digit becomes 0 and the shapes are looked for as plain substrings, which
    is far faster than a regular expression over megabytes of codes.
    """
    zeros = text.encode("utf-8").translate(_DIGITS_AS_ZERO)
    shapes = (b"0" * 10, b"000000-0000", b"000000+0000", b"000000 0000")
    return any(shape in zeros for shape in shapes)


def flagged_values(values: list[str]) -> set[str]:
    """The values that look like a personnummer; one quick pass decides if any might."""
    texts = [v if type(v) is str else str(v) for v in values]
    if not might_contain_personnummer("\n".join(texts)):
        return set()
    return {v for v in texts if looks_like_personnummer(v)}
