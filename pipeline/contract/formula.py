"""Text a spreadsheet would run: the contract's safety rule "text never becomes a formula".

Validation refuses such a name, the key-figure csv never holds one, and the
comparison quotes one it receives.
"""

from __future__ import annotations

# A spreadsheet takes a cell that begins with one of these for a formula, in a csv file
# too (OWASP: CSV injection). Named as the coach would say them.
FORMULA_START = {
    "=": "ett likhetstecken (=)",
    "+": "ett plustecken (+)",
    "-": "ett bindestreck eller minustecken (-)",
    "@": "ett snabel-a (@)",
    "\t": "en tabb",
    "\r": "en radbrytning (vagnretur)",
}


def formula_start(text: str) -> str | None:
    """The first character when a spreadsheet would read the text as a formula, else None."""
    first = text[:1]
    return first if first and first in FORMULA_START else None
