"""The report's charts (matplotlib), each with an alt text that says what it shows.

PNG bytes are deterministic: no timestamp or software tag in the metadata. Figures
are made without pyplot (no global state, and a quicker import).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.figure import Figure

from pipeline.formatting import MONTHS_SHORT, tal

COLORS = ("#1f5f8b", "#8fbcd4")


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    title: str


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()


def monthly(year: int, referrals: list[int], first_talks: list[int]) -> Chart:
    """Grouped bars: referrals received and first conversations held, per month."""
    figure = Figure(figsize=(7, 3.2))
    axes = figure.subplots()
    positions = range(12)
    width = 0.4
    axes.bar(
        [p - width / 2 for p in positions],
        referrals,
        width,
        label="Inkomna ärenden",
        color=COLORS[0],
    )
    axes.bar(
        [p + width / 2 for p in positions],
        first_talks,
        width,
        label="Genomförda första samtal",
        color=COLORS[1],
    )
    axes.set_xticks(list(positions), MONTHS_SHORT)
    axes.set_ylabel("Antal")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(frameon=False, fontsize=8)
    title = f"Inkomna ärenden och första samtal per månad {year}"
    axes.set_title(title, fontsize=10)
    figure.subplots_adjust(left=0.08, right=0.98, bottom=0.1, top=0.9)  # fixed: one draw
    alt = (
        f"Stapeldiagram: {title.lower()}. Inkomna ärenden: "
        + ", ".join(f"{m} {tal(v)}" for m, v in zip(MONTHS_SHORT, referrals, strict=True))
        + ". Första samtal: "
        + ", ".join(f"{m} {tal(v)}" for m, v in zip(MONTHS_SHORT, first_talks, strict=True))
        + "."
    )
    return Chart(_png(figure), alt, title)


def focus_hours(year: int, areas: list[str], hours: list[float]) -> Chart:
    """Horizontal bars: participant-hours per focus area."""
    figure = Figure(figsize=(7, 0.5 * len(areas) + 1.2))
    axes = figure.subplots()
    labels = [a if len(a) <= 32 else a[:30] + "…" for a in areas]
    axes.barh(labels[::-1], hours[::-1], color=COLORS[0])
    for y, value in enumerate(hours[::-1]):
        axes.text(value, y, f" {tal(value)}", va="center", fontsize=8)
    axes.set_xlabel("Deltagartimmar")
    axes.spines[["top", "right"]].set_visible(False)
    title = f"Deltagartimmar per fokusområde {year}"
    axes.set_title(title, fontsize=10)
    figure.subplots_adjust(left=0.36, right=0.95, bottom=0.12, top=0.9)
    alt = (
        f"Liggande stapeldiagram: {title.lower()}. "
        + "; ".join(f"{a}: {tal(h)}" for a, h in zip(areas, hours, strict=True))
        + "."
    )
    return Chart(_png(figure), alt, title)
