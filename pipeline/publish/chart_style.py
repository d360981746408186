"""One chart style for every document: the document's font, colour-blind-safe colours,
Swedish numbers on the axes, and PNG bytes that are the same at every run.

Figures are made without pyplot (no global state, and a quicker import).
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

import matplotlib
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter

from pipeline.publish.formatting import number

# Okabe & Ito (2008), "Color Universal Design": told apart by colour-blind readers too.
BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#7F7F7F"
# The document's font (Calibri, or Carlito with the same widths); DejaVu Sans if neither.
DOCUMENT_FONTS = ("Calibri", "Carlito")


@cache
def document_font() -> str:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in DOCUMENT_FONTS if f in installed), "DejaVu Sans")


@contextmanager
def style():
    """The document's font for everything drawn inside, without touching global state."""
    with matplotlib.rc_context({"font.family": document_font(), "font.size": 9}):
        yield


def number_text(value: float, decimals: int = 1) -> str:
    """formatting.number with one decimal by default, as comparison/ calls it (it moves to
    formatting.number in its own change; then this goes)."""
    return number(value, decimals)


def swedish_axis(axis, decimals: int = 1) -> None:
    """Tick labels in Swedish: decimal comma, no-break space between thousands."""
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: number(x, decimals)))


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    title: str


def png_bytes(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()
