"""A spreadsheet row's height for text that wraps, for every workbook the program writes
(openpyxl's and plain_xlsx's alike)."""

from __future__ import annotations

from collections.abc import Sequence

POINTS_PER_LINE = 15


def wrapped_height(texts: Sequence[object], widths: Sequence[float]) -> float:
    """The height (points) of a row whose cells wrap their text at the column widths.

    LibreOffice does not grow a row for wrapped text in a file written by openpyxl,
    so the height is set here (about one character per unit of column width).
    """
    lines = 1
    for text, width in zip(texts, widths, strict=True):
        count = 0
        for part in str(text if text is not None else "").split("\n"):
            words, line, count = part.split(), 0, count + 1
            for word in words:
                if line and line + 1 + len(word) > width - 1:
                    count, line = count + 1, len(word)
                else:
                    line += (1 if line else 0) + len(word)
        lines = max(lines, count)
    return lines * POINTS_PER_LINE + 4
