"""The report's charts (matplotlib), each with an alt text that says what it shows.

A chart is drawn only when its numbers are new (chart_style.cached_png): a run whose
charts are unchanged does not load matplotlib at all.
"""

from __future__ import annotations

import textwrap

from pipeline.publish.chart_style import (
    BLUE,
    ORANGE,
    Chart,
    cached_png,
    new_figure,
    png_bytes,
    style,
    swedish_axis,
)
from pipeline.publish.formatting import MONTHS_SHORT, number


def monthly(year: int, referrals: list[int], first_talks: list[int]) -> Chart:
    """Grouped bars: referrals received and first conversations held, per month."""
    title = f"Inkomna ärenden och första samtal per månad {year}"
    png = cached_png(
        "monthly", [referrals, first_talks], lambda: _monthly(referrals, first_talks), __file__
    )
    alt = (
        f"Stapeldiagram: {title.lower()}. Inkomna ärenden: "
        + ", ".join(f"{m} {number(v)}" for m, v in zip(MONTHS_SHORT, referrals, strict=True))
        + ". Genomförda första samtal: "
        + ", ".join(f"{m} {number(v)}" for m, v in zip(MONTHS_SHORT, first_talks, strict=True))
        + "."
    )
    return Chart(png, alt, title)


def _monthly(referrals: list[int], first_talks: list[int]) -> bytes:
    from matplotlib.ticker import MaxNLocator

    with style():
        figure = new_figure(figsize=(6.3, 2.9))
        axes = figure.subplots()
        positions = range(12)
        width = 0.4
        for offset, values, label, color in (
            (-width / 2, referrals, "Inkomna ärenden", BLUE),
            (width / 2, first_talks, "Genomförda första samtal", ORANGE),
        ):
            axes.bar([p + offset for p in positions], values, width, label=label, color=color)
        axes.set_xticks(list(positions), MONTHS_SHORT)
        axes.set_ylabel("Antal")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        swedish_axis(axes.yaxis, 0)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(frameon=False, fontsize=8, ncol=2, loc="lower left", bbox_to_anchor=(0, 1.0))
        figure.subplots_adjust(left=0.09, right=0.98, bottom=0.1, top=0.88)  # fixed: one draw
        return png_bytes(figure)


def focus_hours(year: int, areas: list[str], hours: list[float]) -> Chart:
    """Horizontal bars: participant-hours per focus area; long names wrap, never cut."""
    title = f"Deltagartimmar per fokusområde {year}"
    png = cached_png("focus_hours", [areas, hours], lambda: _focus_hours(areas, hours), __file__)
    alt = (
        f"Liggande stapeldiagram: {title.lower()}. "
        + "; ".join(f"{a}: {number(h)}" for a, h in zip(areas, hours, strict=True))
        + "."
    )
    return Chart(png, alt, title)


def _focus_hours(areas: list[str], hours: list[float]) -> bytes:
    from matplotlib.ticker import MaxNLocator

    labels = ["\n".join(textwrap.wrap(a, 26)) for a in areas]
    lines = sum(label.count("\n") + 1 for label in labels)
    with style():
        figure = new_figure(figsize=(6.3, 0.17 * lines + 0.12 * len(areas) + 0.7))
        axes = figure.subplots()
        axes.barh(labels[::-1], hours[::-1], color=BLUE, height=0.65)
        top = max(hours + [1])
        for y, value in enumerate(hours[::-1]):
            axes.text(value + top * 0.01, y, number(value), va="center", fontsize=8)
        axes.set_xlim(0, top * 1.12)
        axes.xaxis.set_major_locator(MaxNLocator(6, integer=True))
        swedish_axis(axes.xaxis, 0)
        axes.set_xlabel("Deltagartimmar")
        axes.tick_params(axis="y", length=0)
        axes.spines[["top", "right"]].set_visible(False)
        figure.subplots_adjust(left=0.3, right=0.97, bottom=0.55 / figure.get_figheight(), top=0.97)
        return png_bytes(figure)
