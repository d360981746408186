"""The comparison report's charts: municipalities side by side, and over the years.

Bars are sorted by value with the unweighted mean (and the region's target, when
there is one) marked; every number is Swedish, axes included; colours are
Okabe–Ito (safe for colour-blind readers). The trend is drawn as small multiples,
one panel per municipality against the county, so that no line hides another.
Each chart has an alt text with its figures.
"""

from __future__ import annotations

import math
import textwrap

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pipeline.contract.comparison import SMALL_BASE
from pipeline.publish.chart_style import (
    BLUE,
    GREEN,
    GREY,
    VERMILION,
    Chart,
    png_bytes,
    style,
    swedish_axis,
)
from pipeline.publish.formatting import number


def bars_across(
    title: str,
    values: dict[str, float | None],
    mean: float | None = None,
    target: float | None = None,
    unit: str = "",
    left_out: dict[str, str] | None = None,
    lower_first: bool = False,
    small: frozenset[str] | set[str] = frozenset(),
) -> Chart:
    """Horizontal bars per municipality, the best on top, mean (and target) marked.

    `values` holds the municipalities with a number; `left_out` the others with the
    reason (`ingen fil`, `..`), named under the chart and in the alt text. The highest
    value is on top, or the lowest with `lower_first` (where lower is better). A
    municipality in `small` has a small base: its label is marked `*`.
    """
    sign = 1 if lower_first else -1
    shown = sorted(
        ((name, v) for name, v in values.items() if v is not None),
        key=lambda p: (sign * p[1], p[0]),
    )
    left_out = left_out or {}
    with style():
        figure = Figure(figsize=(6.3, max(0.18 * len(shown) + 0.75, 1.6)))
        axes = figure.subplots()
        names = [name for name, _ in shown][::-1]
        numbers = [v for _, v in shown][::-1]
        axes.barh(names, numbers, color=BLUE, height=0.7)
        top = max(numbers + [mean or 0, target or 0, 0])
        # A median waiting time can be below 0 (talks dated before the referral): the axis
        # then reaches left of 0, so that every bar and its label stay near the chart.
        low = min(numbers + [mean or 0, target or 0, 0])
        if top == low == 0:
            top = 1
        span = top - low
        for y, (name, value) in enumerate(shown[::-1]):
            label = number(value, 1) + (" *" if name in small else "")
            axes.text(
                max(value, 0) + span * 0.01,
                y,
                label,
                va="center",
                fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3},
                zorder=3,
            )
        axes.set_xlim(low * 1.12, top * 1.12 if top > 0 else span * 0.12)
        locator = MaxNLocator(6, steps=[1, 2, 5, 10])
        axes.xaxis.set_major_locator(locator)
        ticks = locator.tick_values(*axes.get_xlim())
        swedish_axis(axes.xaxis, 0 if all(float(t).is_integer() for t in ticks) else 1)
        handles = []
        if mean is not None:
            handles.append(
                axes.axvline(
                    mean,
                    color=VERMILION,
                    linewidth=1.4,
                    linestyle="--",
                    label=f"Ovägt medel {number(mean, 1)}",
                )
            )
        if target is not None:
            handles.append(
                axes.axvline(
                    target,
                    color=GREEN,
                    linewidth=1.6,
                    linestyle=":",
                    label=f"Målvärde {number(target, 1)}",
                )
            )
        if handles:
            axes.legend(
                handles=handles,
                frameon=False,
                fontsize=8,
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncol=2,
                borderaxespad=0.2,
            )
        axes.spines[["top", "right"]].set_visible(False)
        axes.tick_params(axis="y", length=0)
        if unit:
            axes.set_xlabel(unit, fontsize=8)
        note = "; ".join(
            ([_left_out_text(left_out)] if left_out else [])
            + ([f"* liten bas (nämnaren under {SMALL_BASE})"] if small & set(values) else [])
        )
        note_lines = textwrap.wrap(note, 130) if note else []
        if note_lines:
            extra = 0.14 * len(note_lines)
            figure.set_figheight(figure.get_figheight() + extra)
            figure.text(
                0.01,
                0.04 / figure.get_figheight(),
                "\n".join(note_lines),
                fontsize=7,
                color="#404040",
                va="bottom",
            )
        bottom = (0.5 + 0.14 * len(note_lines) + (0.05 if note_lines else 0)) / (
            figure.get_figheight()
        )
        figure.subplots_adjust(
            left=0.17, right=0.97, bottom=bottom, top=1 - 0.4 / figure.get_figheight()
        )
        png = png_bytes(figure)
    order = "lägst först" if lower_first else "högst först"
    alt = f"Liggande stapeldiagram, sorterat efter värde, {order}: {title}. " + "; ".join(
        f"{name}: {number(v, 1)}" + (" (liten bas)" if name in small else "") for name, v in shown
    )
    alt += "."
    if mean is not None:
        alt += f" Ovägt medel: {number(mean, 1)}."
    if target is not None:
        alt += f" Målvärde: {number(target, 1)}."
    if left_out:
        alt += " " + _left_out_text(left_out) + "."
    return Chart(png, alt, title)


def _left_out_text(left_out: dict[str, str]) -> str:
    """'Utan värde – ingen fil: Gnosjö, Mullsjö; fel i filen: Habo' (grouped by reason)."""
    reasons: dict[str, list[str]] = {}
    for name, why in left_out.items():
        reasons.setdefault(why, []).append(name)
    return "Utan värde – " + "; ".join(f"{why}: {', '.join(n)}" for why, n in reasons.items())


def small_multiples(
    title: str,
    years: list[int],
    series: dict[str, list[float | None]],
    county: list[float | None],
    county_label: str = "Länet",
) -> Chart:
    """One small panel per municipality over the years, the county dashed behind it."""
    columns = 4
    panels = len(series)
    grid_rows = math.ceil(panels / columns)
    known = [v for values in [*series.values(), county] for v in values if v is not None]
    top = max(known) * 1.1 if known else 1
    with style():
        figure = Figure(figsize=(6.3, 1.35 * grid_rows + 0.5))
        axes_grid = figure.subplots(grid_rows, columns, sharex=True, sharey=True, squeeze=False)
        for index, axes in enumerate(axes_grid.flat):
            if index >= panels:
                axes.set_visible(False)
                continue
            name, values = list(series.items())[index]
            county_points = [(y, v) for y, v in zip(years, county, strict=True) if v is not None]
            if county_points:
                axes.plot(
                    *zip(*county_points, strict=True),
                    color=GREY,
                    linestyle="--",
                    linewidth=1,
                    label=county_label,
                )
            points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
            if points:
                axes.plot(
                    *zip(*points, strict=True),
                    color=BLUE,
                    marker="o",
                    markersize=3,
                    linewidth=1.6,
                    label="Kommunen",
                )
                last_year, last = points[-1]
                axes.annotate(
                    number(last, 1),
                    (last_year, last),
                    textcoords="offset points",
                    xytext=(0, 4),
                    ha="center",
                    fontsize=7,
                    color=BLUE,
                )
            else:
                axes.text(
                    0.5, 0.5, "inga värden", transform=axes.transAxes, ha="center", fontsize=7
                )
            axes.set_title(name, fontsize=8, pad=2)
            axes.set_ylim(0, top)
            axes.set_xticks(years, [str(y) for y in years], fontsize=7)
            axes.tick_params(axis="y", labelsize=7)
            swedish_axis(axes.yaxis, 0)
            axes.yaxis.set_major_locator(MaxNLocator(3))
            axes.spines[["top", "right"]].set_visible(False)
        handles, labels = axes_grid.flat[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="upper right", frameon=False, fontsize=8, ncol=2)
        figure.subplots_adjust(
            left=0.07,
            right=0.98,
            bottom=0.06,
            top=1 - 0.45 / figure.get_figheight(),
            hspace=0.55,
            wspace=0.15,
        )
        png = png_bytes(figure)
    parts = []
    for name, values in [*series.items(), (county_label, county)]:
        known_values = [
            f"{y} {number(v, 1)}" for y, v in zip(years, values, strict=True) if v is not None
        ]
        parts.append(f"{name}: {', '.join(known_values) if known_values else 'inga värden'}")
    alt = f"Linjediagram, en ruta per kommun med länet streckat: {title}. " + "; ".join(parts) + "."
    return Chart(png, alt, title)
