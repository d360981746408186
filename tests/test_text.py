"""Cleaning text at the edge, and recognising personnummer."""

from __future__ import annotations

import pytest

from pipeline.publish.formatting import antal, datum, forandring, number
from pipeline.validation import personnummer
from pipeline.validation.text import clean_text, normalize_header, paragraphs


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("rad1\x0brad2", "rad1\nrad2"),  # python-calamine gives Alt+Enter of old files as \x0b
        ("rad1_x000B_rad2", "rad1\nrad2"),  # openpyxl gives the escape itself
        ("rad1\x0crad2", "rad1\nrad2"),
        ("a\x00b\x07c\x1fd\x7fe", "abcde"),
        ("rad1\r\nrad2", "rad1\nrad2"),
        ("\u00a0 text \u00a0", "text"),
        ("e\u0301", "é"),  # NFC
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_headers_and_paragraphs():
    assert normalize_header("\u00a0Fokusområde ") == "fokusområde"
    assert paragraphs("Ett\n\n  Två  \n") == ["Ett", "Två"]


@pytest.mark.parametrize(
    "value",
    [
        "19680101-1239",
        "196801011239",
        "680101-1239",
        "6801011239",
        "680101+1239",
        "680161-1234",
        "K-19680101-1239",
        "20101231 1234",
    ],
)
def test_personnummer_is_recognised(value):
    assert personnummer.looks_like_personnummer(value)
    assert "ÅÅMMDD-XXXX" in personnummer.mask(value)


@pytest.mark.parametrize(
    "value",
    [
        "K0231",
        "K0231-2",
        "D017",
        "2023-03-01",
        "12345",
        "681301-1234",
        "680132-1234",
        "1234567890123",
    ],
)
def test_codes_are_not_personnummer(value):
    assert not personnummer.looks_like_personnummer(value)


def test_swedish_formatting():
    assert number(1234.5) == "1\u00a0234,5"
    assert number(81) == "81"
    assert number(None) == "–"
    assert antal(1, "tillfälle", "tillfällen") == "1 tillfälle"
    assert antal(37, "tillfälle", "tillfällen") == "37 tillfällen"
    assert datum(__import__("datetime").date(2021, 10, 25)) == "25 oktober 2021"
    assert forandring(72, 81) == "+9"
    assert forandring(5, 3) == "\u22122"
    assert forandring(None, 3) == "–"
