"""Measuring a rendered PDF's pages against the page rules of a designed document.

Used by the tests of the report's PDF (and open to the comparison document's): each page
is read with poppler's `pdftotext -bbox` (words and where they stand) and drawn with
`pdftoppm` (how far down the ink reaches, charts included). The rules:

- no page ends with a heading, a caption or a table's header row;
- no page holds a chart with nothing but its caption;
- no page is less than half full unless the next one begins a new chapter (Heading 1),
  the last page aside.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from docx.oxml.ns import qn

INK = 200  # a pixel darker than this (0–255) is ink
DPI = 40
MARGIN_MM = 25  # the template's top and bottom margins
HALF = 0.5
PICTURE_BELOW = 0.03  # ink this far (of the text area) below the last text is a picture


@dataclass
class Page:
    number: int
    rows: list[str]  # lines of text as the eye reads them, top to bottom; footer left out
    filled: float  # how far down the text area the ink reaches, 0–1
    images: int = 0
    words: list[set[str]] = field(default_factory=list)
    text_bottom: float = 0.0  # how far down the last row of text reaches, 0–1

    @property
    def ends_with_text(self) -> bool:
        """False when a picture stands below the last row of text."""
        return self.filled <= self.text_bottom + PICTURE_BELOW


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _rows(page_element, body_bottom: float) -> list[tuple[float, float, str]]:
    """Words grouped into visual rows (overlapping heights), left to right."""
    words = []
    for word in page_element.iter("{http://www.w3.org/1999/xhtml}word"):
        y_min, y_max = float(word.get("yMin")), float(word.get("yMax"))
        if y_min >= body_bottom:
            continue  # the footer, in the bottom margin
        words.append((y_min, y_max, float(word.get("xMin")), word.text or ""))
    words.sort()
    rows: list[list] = []
    for y_min, y_max, x_min, text in words:
        if rows and y_min < rows[-1][1] - 2:  # overlaps the row above: the same row
            rows[-1][1] = max(rows[-1][1], y_max)
            rows[-1][2].append((x_min, text))
        else:
            rows.append([y_min, y_max, [(x_min, text)]])
    return [(top, low, " ".join(t for _, t in sorted(parts))) for top, low, parts in rows]


def _filled(png: Path, height_pt: float) -> float:
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    scale = height / height_pt
    top = round(MARGIN_MM / 25.4 * 72 * scale)
    bottom = round(height - MARGIN_MM / 25.4 * 72 * scale)
    pixels = image.load()
    lowest = top
    for y in range(bottom - 1, top - 1, -1):
        if any(pixels[x, y] < INK for x in range(width)):
            lowest = y
            break
    return (lowest - top) / (bottom - top)


def measure(pdf: Path) -> list[Page]:
    """Every page's rows of text, fill and number of pictures."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    tree = ElementTree.fromstring(xhtml)
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    pictures: dict[int, int] = {}
    for line in images:
        number, kind = int(line.split()[0]), line.split()[2]
        if kind == "image":
            pictures[number] = pictures.get(number, 0) + 1
    pages = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-png", "-gray", "-r", str(DPI), str(pdf), f"{folder}/s"], check=True
        )
        drawn = sorted(Path(folder).glob("s-*.png"))
        for number, (element, png) in enumerate(
            zip(tree.iter("{http://www.w3.org/1999/xhtml}page"), drawn, strict=True), start=1
        ):
            height = float(element.get("height"))
            margin = MARGIN_MM / 25.4 * 72
            rows = _rows(element, height - margin)
            pages.append(
                Page(
                    number,
                    [text for _, _, text in rows],
                    _filled(png, height),
                    pictures.get(number, 0),
                    [set(text.split()) for _, _, text in rows],
                    (rows[-1][1] - margin) / (height - 2 * margin) if rows else 0.0,
                )
            )
    return pages


@dataclass(frozen=True)
class Expected:
    """What the document holds, read from its .docx: the texts to look for on the pages."""

    headings: list[str]
    chapters: list[str]  # Heading 1
    captions: list[str]
    table_headers: list[set[str]]  # the words of each table's header row


def expected_from(document) -> Expected:
    headings, chapters, captions = [], [], []
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        if name.startswith("Heading") and paragraph.text.strip():
            headings.append(paragraph.text.strip())
            if name == "Heading 1":
                chapters.append(paragraph.text.strip())
        elif name == "Caption":
            captions.append(paragraph.text.strip())
    headers = []
    for table in document.tables:
        first = table.rows[0]._tr
        if first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None:
            headers.append(set(" ".join(c.text for c in table.rows[0].cells).split()))
    return Expected(headings, chapters, captions, headers)


def _ends_with(rows: list[str], texts: list[str]) -> str | None:
    """The text (a heading, a caption) that the last one to three rows make up, if any."""
    for count in (1, 2, 3):
        tail = _normal("".join(rows[-count:]))
        for text in texts:
            if tail == _normal(text):
                return text
    return None


def faults(pages: list[Page], expected: Expected) -> list[str]:
    """Every broken page rule, one line each; [] when the document keeps them all."""
    found = []
    for index, page in enumerate(pages):
        where = f"sidan {page.number}"
        if page.rows and page.ends_with_text:
            stranded = _ends_with(page.rows, expected.headings + expected.captions)
            if stranded:
                found.append(f"{where} slutar med rubriken eller bildtexten '{stranded}'")
            last = page.words[-1]
            if len(last) >= 2 and any(last <= header for header in expected.table_headers):
                found.append(f"{where} slutar med en tabells rubrikrad: '{page.rows[-1]}'")
        others = [r for r in page.rows if _normal(r) not in map(_normal, expected.captions)]
        if page.images and not others:
            found.append(f"{where} har ett diagram och ingenting annat")
        if index + 1 < len(pages) and page.filled < HALF:
            following = pages[index + 1].rows
            if not following or not _starts_chapter(following, expected.chapters):
                found.append(
                    f"{where} är bara till {page.filled:.0%} fylld, och nästa sida börjar "
                    f"inget nytt kapitel ('{following[0] if following else ''}')"
                )
    return found


def _starts_chapter(rows: list[str], chapters: list[str]) -> bool:
    return any(
        _normal("".join(rows[:count])) == _normal(text) for count in (1, 2) for text in chapters
    )
