"""The work a million rows needs done in bulk gives what the work row by row gave:
IDs as a person reads them, how each ID was spelt, and the formula scan (which now reads
again only a sheet that may hold a formula)."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.publish.xlsx import Formula, write_workbook
from pipeline.validation import inspect_xlsx, xlsx_zip
from pipeline.validation.coerce import record_spellings
from pipeline.validation.text import (
    _ODD_SPACES,
    _needs_cleaning,
    clean_text,
    clean_texts,
    normalize_id,
    normalize_ids,
)

# Letters whose upper case differs in length or kind (ß, ŉ, ǅ), odd spaces, invisible ones.
PIECES = ["a", "B", "0", "-", " ", "\u00a0", "\u200b", "\ufeff", "\t", "\n", "\x85", "\u3000"]
PIECES += ["\u2028", "\x1f", "ß", "é", "Ö", "ŉ", "ǅ", "Å"]
ids = st.lists(st.one_of(st.none(), st.lists(st.sampled_from(PIECES), min_size=1).map("".join)))


@settings(max_examples=300, deadline=None)
@given(ids)
def test_ids_in_bulk_as_one_by_one(values):
    assert normalize_ids(values) == [normalize_id(v) or None if v else None for v in values]


# What clean_texts looked for with a regular expression before (with the spaces checked apart).
_NEEDS_CLEANING = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f\u00a0\u2007\u2028\u2029\u202f\ufeff\ufffe\uffff]|_x00"
)
TEXT_PIECES = ["a", "Ö", " ", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "\x85", "_x000D_", "_x00"]
TEXT_PIECES += ["\u00a0", "\u2007", "\u2028", "\u2029", "\u202f", "\ufeff", "\ufffe", "\uffff"]
TEXT_PIECES += ["\ud800", "e\u0301", "\u3000", "😀"]
texts = st.lists(st.lists(st.sampled_from(TEXT_PIECES)).map("".join))


@settings(max_examples=100, deadline=None)
@given(texts)
def test_texts_in_bulk_as_one_by_one(values):
    for texts in [values, *([f"a{piece}a"] for piece in TEXT_PIECES)]:  # each piece alone too
        joined = "\n".join(texts)
        assert _needs_cleaning(joined) == bool(_NEEDS_CLEANING.search(joined))
        assert clean_texts(texts) == [clean_text(v) for v in texts]


def test_the_odd_spaces_are_every_space_but_one():
    """normalize_ids finds white space by this list; str.split (normalize_id) by isspace."""
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(_ODD_SPACES) == spaces - {" "}


def _row_by_row(columns: list[tuple[list, list]]) -> dict:
    """How spellings were recorded before: every row, one at a time."""
    spellings: dict = {}
    for read, keys in columns:
        for written, key in zip(read, keys, strict=True):
            if isinstance(key, str):
                text = str(written)
                seen = spellings.setdefault(key, text)
                if isinstance(seen, set):
                    seen.add(text)
                elif seen != text:
                    spellings[key] = {seen, text}
    return spellings


written_ids = st.lists(st.sampled_from(["a1", "A1", "A1 ", "b2", "B2", 7, 7.0, "x", None]))


@settings(max_examples=200, deadline=None)
@given(st.lists(written_ids, min_size=1, max_size=3))
def test_spellings_in_bulk_as_row_by_row_across_sheets(sheets):
    """Each sheet's distinct values and their IDs (as coerce gives them): the same record
    as row by row, also for an ID written one way in one sheet and another in the next."""
    columns = []
    for values in sheets:
        read = list(dict.fromkeys(v for v in values if v is not None))
        keys = [None if v == "x" else normalize_id(str(v)) for v in read]
        columns.append((read, keys))
    spellings: dict = {}
    merged: set = set()
    for read, keys in columns:
        spellings = record_spellings(spellings, read, keys, merged)
    assert spellings == _row_by_row(columns)
    assert merged == {key for key, texts in spellings.items() if isinstance(texts, set)}


def _counting(monkeypatch) -> list[str]:
    read: list[str] = []
    real = inspect_xlsx.inflate

    def counted(handle, info, cap):
        read.append(info.filename)
        return real(handle, info, cap)

    monkeypatch.setattr(inspect_xlsx, "inflate", counted)
    return read


def test_the_formula_scan_reads_again_only_a_sheet_that_may_hold_a_formula(tmp_path, monkeypatch):
    path = write_workbook(
        tmp_path / "aktiviteter.xlsx",
        {
            "Aktiviteter": (["Aktivitet"], [["Gympa"]]),
            "Närvaro": (["Antal", "Timmar"], [[3, Formula("=A2*2")]]),
        },
    )
    data = path.read_bytes()
    measured = xlsx_zip.measure(data)
    assert measured.formula_parts == {"xl/worksheets/sheet2.xml"}
    read = _counting(monkeypatch)
    found = inspect_xlsx.formulas_without_value(data, measured.formula_parts)
    assert found == inspect_xlsx.formulas_without_value(data) == {"Närvaro": ["B2"]}
    assert set(read[:2]) == {"xl/worksheets/sheet2.xml"}  # the first call read only that


def test_a_workbook_without_formulas_is_not_read_again(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "remisser.xlsx", {"Remisser": (["Klient-ID"], [["A1"]])})
    measured = xlsx_zip.measure(path.read_bytes())
    assert measured.exact and measured.formula_parts == frozenset()
    read = _counting(monkeypatch)
    scan = inspect_xlsx.FormulaScan(
        {"remisser.xlsx": path.read_bytes()}, parts={"remisser.xlsx": measured.formula_parts}
    )
    assert scan.result("remisser.xlsx") == {}
    assert read == []
