"""The validation report's writer without openpyxl gives openpyxl's bytes, whatever the text."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.publish import plain_xlsx, xlsx

HEADER = ["Nivå", "Fil", "Flik", "Rad", "Kolumn", "Värde", "Problem", "Hur du rättar"]
WIDTHS = {"Problem": (9, 16, 12, 6, 16, 18, 60, 50), "Sammanfattning": (24, 14, 11, 11, 11, 11)}
SUMMARY = ["Fil", "Flik", "Rader lästa", "Rader använda", "Tomma rader", "Rader med fel"]

# Every kind of character a cell may bring: escapes, white space at the edges, line
# breaks, letters outside ASCII and outside the BMP, and characters XML or openpyxl refuse.
ODD = " \t\n\r&<>\"'=#åäöÅÄÖé€\u00a0\u2028\u0085\x7f😀\U0010ffff"
texts = st.text(alphabet=st.sampled_from(string.ascii_letters + string.digits + ODD), max_size=40)
cells = st.one_of(
    st.none(),
    texts,
    st.integers(min_value=-(10**18), max_value=10**18),
    st.sampled_from(["", "=1+1", "#N/A", "+46", " kant ", "x" * 32_800]),
)


def both(sheets: dict) -> tuple[bytes, bytes]:
    return plain_xlsx.workbook_bytes(sheets, WIDTHS), xlsx.workbook_bytes(sheets, WIDTHS)


@settings(max_examples=40, deadline=None)
@given(
    problems=st.lists(st.lists(cells, min_size=8, max_size=8), min_size=1, max_size=6),
    summary=st.lists(st.lists(cells, min_size=6, max_size=6), min_size=1, max_size=4),
)
def test_the_same_bytes_as_openpyxl(problems, summary):
    plain, openpyxl = both({"Problem": (HEADER, problems), "Sammanfattning": (SUMMARY, summary)})
    assert plain == openpyxl


def test_what_it_cannot_write_goes_to_openpyxl():
    """A decimal number, a control character openpyxl refuses, a row of another width:
    openpyxl's own bytes, or its own error."""
    for odd in (1.5, True, "a\x0bb", "\ud800"):
        sheets = {"Problem": (HEADER, [[odd, *[None] * 7]]), "Sammanfattning": (SUMMARY, [])}
        assert not plain_xlsx._plain(sheets, WIDTHS)
    short = {"Problem": (HEADER, [["a"]]), "Sammanfattning": (SUMMARY, [])}
    assert not plain_xlsx._plain(short, WIDTHS)
    assert plain_xlsx.workbook_bytes(short, WIDTHS) == xlsx.workbook_bytes(short, WIDTHS)
