"""The county map: Jönköpings län's 13 municipalities coloured by one measure, as inline SVG.

The boundaries are open data shipped with the project (`data/karta/`, written by
`python -m tools.karta_jonkoping`), already in SWEREF 99 TM metres: drawing them is
scaling, no projection and no package beyond the standard library.

What the drawing promises:
- classes by rank (up to five, as many municipalities in each as ties allow), on the
  values as shown, so two municipalities that read the same have the same colour;
- one colour-blind-safe hue, light to dark, darker always better when the measure has
  a direction (the scale turns round when lower is better) and a different hue when it
  has none, so that darker never reads as better there;
- a hidden value (`..`) hatched and a municipality without figures grey with dots:
  neither is a colour on the scale, and the legend says so in words;
- for assistive technology the `<svg>` is a group named by its `<title>`, each shape an
  image named by its own `<title>` ("Habo: 12,3 ärenden per 1 000 invånare"), which is
  also the tooltip; names drawn on the map are hidden from it (they would be read twice);
- only presentation attributes (fill=, stroke=), never style="": a strict
  Content-Security-Policy (style-src 'self') lets it through;
- the same input gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape

from pipeline import config
from pipeline.publish.formatting import NBSP, SECONDARY, number, round_half_away

BOUNDARIES = config.ROOT / "data" / "karta" / "jonkopings_lan.geojson"

# The words of malvarden.csv's `battre` column, so a caller passes them on as they are.
HIGHER, LOWER = "högre", "lägre"


class _Hidden:
    """A value hidden so that small counts cannot be worked out (shown as `..`)."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()

# ColorBrewer single-hue sequential schemes (Brewer, Penn State), light to dark: safe for
# the common colour-vision deficiencies and in greyscale print. Blues is the comparison
# workbook's scale too; Purples where the measure has no direction.
BLUES = {
    1: ("#6baed6",),
    2: ("#bdd7e7", "#3182bd"),
    3: ("#deebf7", "#9ecae1", "#3182bd"),
    4: ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"),
    5: ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
}
PURPLES = {
    1: ("#9e9ac8",),
    2: ("#cbc9e2", "#756bb1"),
    3: ("#efedf5", "#bcbddc", "#756bb1"),
    4: ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#6a51a3"),
    5: ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
}
MAX_CLASSES = 5
MISSING_FILL, HIDDEN_INK, BORDER, TEXT = "#e6e6e6", "#505050", "#ffffff", "#0b0c0c"

# The drawing's size in user units (px when shown at its own size).
WIDTH, MAP_WIDTH, PAD = 680, 440, 8
LABEL_SIZES = (13, 11)  # a name is tried inside at these sizes; outside at the smaller
CHAR_WIDTH = 0.62  # average glyph width of a sans-serif font (DejaVu Sans, Arial), in em
LABEL_MARGIN = 4  # px kept free of a name inside its shape, both sides together
LEADER = 14  # a name that fits nowhere inside stands this far outside the county, on a line
LEGEND_X, SWATCH, ROW = MAP_WIDTH + 12, 18, 26

HIDDEN_TEXT = "dolt värde"
NO_FIGURES = "inga siffror"


@dataclass(frozen=True)
class Municipality:
    kod: str
    namn: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # SWEREF 99 TM metres
    label: tuple[float, float]
    label_room: float  # metres of width around `label` that are inside the shape


@dataclass(frozen=True)
class ColourClass:
    """One class of the legend: its colour and the lowest and highest value shown in it."""

    fill: str
    low: float
    high: float
    count: int


@cache
def _boundaries() -> dict:
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))


def source_text() -> str:
    """Where the boundaries come from, in Swedish, for the line under the map."""
    return _boundaries()["source"]


def county_outline() -> tuple[tuple[tuple[float, float], ...], ...]:
    """The county's outer edge (and any hole in it), in SWEREF 99 TM metres."""
    return tuple(tuple((x, y) for x, y in ring) for ring in _boundaries()["lansgrans"])


@cache
def municipalities() -> tuple[Municipality, ...]:
    """The 13 shapes, in the file's order (by kommunkod)."""
    found = []
    for item in _boundaries()["features"]:
        geometry, props = item["geometry"], item["properties"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = tuple(tuple((x, y) for x, y in ring) for polygon in polygons for ring in polygon)
        found.append(
            Municipality(
                kod=props["kommunkod"],
                namn=props["namn"],
                rings=rings,
                label=tuple(props["etikett"]),
                label_room=props["etikett_bredd"],
            )
        )
    return tuple(found)


def value_text(value, unit: str, decimals: int) -> str:
    """'12,3 ärenden per 1 000 invånare', '.. (dolt värde)', 'inga siffror'."""
    if value is HIDDEN:
        return f"{SECONDARY} ({HIDDEN_TEXT})"
    if value is None:
        return NO_FIGURES
    shown = number(value, decimals)
    if not unit:
        return shown
    return f"{shown}{NBSP}%" if unit == "%" else f"{shown} {unit}"


def colour_classes(numbers, direction: str | None) -> tuple[list[ColourClass], dict[float, str]]:
    """Classes by rank: the legend's classes (darkest, that is best, first) and each value's fill.

    A value's class is where its first occurrence stands among the sorted values, so ties
    share a class; classes that ties leave empty are dropped.
    """
    ordered = sorted(numbers)
    if not ordered:
        return [], {}
    distinct = sorted(set(ordered))
    wanted = min(MAX_CLASSES, len(distinct))
    rank_class = {v: ordered.index(v) * wanted // len(ordered) for v in distinct}
    used = sorted(set(rank_class.values()))
    palette = (PURPLES if direction is None else BLUES)[len(used)]  # light to dark

    def shade(position: int) -> int:
        """The lowest values lightest; the other way round when lower is better."""
        return len(used) - 1 - position if direction == LOWER else position

    fills = {v: palette[shade(used.index(rank_class[v]))] for v in distinct}
    classes = []
    for position, cls in enumerate(used):
        members = [v for v in ordered if rank_class[v] == cls]
        classes.append((shade(position), members))
    return [
        ColourClass(palette[s], members[0], members[-1], len(members))
        for s, members in sorted(classes, key=lambda c: c[0], reverse=True)
    ], fills


def _range_text(cls: ColourClass, decimals: int) -> str:
    low, high = number(cls.low, decimals), number(cls.high, decimals)
    span = low if cls.low == cls.high else f"{low}\u2013{high}"
    kommuner = "kommun" if cls.count == 1 else "kommuner"
    return f"{span} ({cls.count} {kommuner})"


def _transform(shapes):
    """Metres to drawing units: north up, the county filling the map area's width."""
    xs = [x for m in shapes for ring in m.rings for x, _ in ring]
    ys = [y for m in shapes for ring in m.rings for _, y in ring]
    left, bottom, top = min(xs), min(ys), max(ys)
    scale = (MAP_WIDTH - 2 * PAD) / (max(xs) - left)
    height = (top - bottom) * scale + 2 * PAD

    def point(x: float, y: float) -> tuple[float, float]:
        return PAD + (x - left) * scale, PAD + (top - y) * scale

    return point, scale, height


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path(rings, point) -> str:
    parts = []
    for ring in rings:
        coords = [point(x, y) for x, y in ring[:-1]]  # the closing point: Z draws it
        parts.append("M" + " L".join(f"{_number(x)} {_number(y)}" for x, y in coords) + " Z")
    return " ".join(parts)


def _crossings(rings, y: float) -> list[float]:
    """Where the horizontal line at y crosses the rings' edges (x, in the rings' units)."""
    found = []
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 <= y < y2) or (y2 <= y < y1):
                found.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return found


def _label(municipality: Municipality, point, scale: float) -> str:
    """The name where the boundaries file puts it; where it fits nowhere inside, outside
    the county on the nearer side (west or east), with a line to where it would stand."""
    room = municipality.label_room * scale
    x, y = point(*municipality.label)
    name = escape(municipality.namn)
    for size in LABEL_SIZES:
        if CHAR_WIDTH * size * len(municipality.namn) + LABEL_MARGIN <= room:
            return (
                f'<text x="{_number(x)}" y="{_number(y)}" font-size="{size}" dy="0.35em">'
                f"{name}</text>"
            )
    edges = _crossings(county_outline(), municipality.label[1])
    west, east = point(min(edges), 0)[0] - LEADER, point(max(edges), 0)[0] + LEADER
    end, anchor = (west, "end") if x - west <= east - x else (east, "start")
    gap = -4 if anchor == "end" else 4
    return (
        f'<line x1="{_number(x)}" y1="{_number(y)}" x2="{_number(end)}" y2="{_number(y)}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
        f'<circle cx="{_number(x)}" cy="{_number(y)}" r="2" fill="{TEXT}" stroke="none"/>'
        f'<text x="{_number(end + gap)}" y="{_number(y)}" font-size="{LABEL_SIZES[-1]}" '
        f'dy="0.35em" text-anchor="{anchor}">{name}</text>'
    )


def _defs(prefix: str) -> str:
    """The hatch for a hidden value and the dots for no figures: patterns, not colours."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-dolt" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="1.5" y1="0" x2="1.5" y2="6" stroke="{HIDDEN_INK}" stroke-width="2"/>'
        "</pattern>"
        f'<pattern id="{prefix}-saknas" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{MISSING_FILL}"/>'
        '<circle cx="4" cy="4" r="1.2" fill="#7a7a7a"/>'
        "</pattern>"
        "</defs>"
    )


def _direction_lines(direction: str | None) -> tuple[str, str]:
    """What darker means, in two short lines (the legend) or one sentence (the description)."""
    if direction == HIGHER:
        return "Mörkare färg = bättre", "(högre värde är bättre)"
    if direction == LOWER:
        return "Mörkare färg = bättre", "(lägre värde är bättre)"
    return "Mörkare färg = högre värde", "(varken bättre eller sämre)"


def _legend(
    classes, unit, direction, decimals, prefix, show_hidden, show_missing, at=(LEGEND_X, PAD)
) -> tuple[list[str], float]:
    """The legend's elements, its top left corner at `at`, and where it ends (y)."""
    heading = (
        unit[:1].upper() + unit[1:] if unit and unit != "%" else "Procent" if unit else "Värde"
    )
    first, second = _direction_lines(direction)
    x, y = at
    lines = [
        f'<g class="karta-teckenforklaring" fill="{TEXT}" font-size="13">',
        f'<text x="{x}" y="{y + 13}" font-weight="bold">{escape(heading)}</text>',
        f'<text x="{x}" y="{y + 33}" font-size="12">{escape(first)}</text>',
        f'<text x="{x}" y="{y + 49}" font-size="12">{escape(second)}</text>',
    ]
    y += 60
    swatches = [(c.fill, _range_text(c, decimals)) for c in classes]
    if show_hidden:
        swatches.append((f"url(#{prefix}-dolt)", f"Dolt värde ({SECONDARY})"))
    if show_missing:
        swatches.append((f"url(#{prefix}-saknas)", NO_FIGURES.capitalize()))
    for fill, text in swatches:
        lines.append(
            f'<rect x="{x}" y="{y}" width="{SWATCH}" height="{SWATCH}" fill="{fill}" '
            f'stroke="{HIDDEN_INK}" stroke-width="1"/>'
        )
        lines.append(
            f'<text x="{x + SWATCH + 8}" y="{_number(y + SWATCH / 2)}" dy="0.35em">'
            f"{escape(text)}</text>"
        )
        y += ROW
    lines.append("</g>")
    return lines, y


def county_map(
    values: Mapping[str, object],
    *,
    title: str,
    unit: str,
    direction: str | None = None,
    decimals: int = 1,
    id_prefix: str = "karta",
    legend_below: bool = False,
) -> str:
    """The map as an `<svg>` string to put inline in a page.

    `values`: {kommunkod: number, HIDDEN or None}; a municipality left out has no figures.
    `title`: the measure (the map's accessible name); `unit`: after each value
    ("ärenden per 1 000 invånare", "%", "dagar"). `direction`: HIGHER, LOWER or None.
    `decimals`: 0 to 2, kept in every value shown. `id_prefix`: the ids inside, unique on
    the page when it shows more than one map. `legend_below`: the legend under the map
    instead of beside it, a narrower drawing that keeps its text larger on a narrow screen.
    """
    shapes = municipalities()
    unknown = sorted(set(values) - {m.kod for m in shapes})
    if unknown:
        raise ValueError(f"Okända kommunkoder: {', '.join(unknown)}")
    if direction not in (HIGHER, LOWER, None):
        raise ValueError(f"Okänd riktning: {direction!r} (högre, lägre eller None)")
    if decimals not in (0, 1, 2):
        raise ValueError(f"decimals ska vara 0, 1 eller 2, inte {decimals!r}")
    shown = {}
    for m in shapes:
        value = values.get(m.kod)
        hidden_or_none = value is None or value is HIDDEN
        shown[m.kod] = value if hidden_or_none else round_half_away(float(value), decimals)
    numbers = [v for v in shown.values() if v is not None and v is not HIDDEN]
    classes, fills = colour_classes(numbers, direction)
    point, scale, map_height = _transform(shapes)
    show_hidden = any(v is HIDDEN for v in shown.values())
    show_missing = any(v is None for v in shown.values())
    corner = (PAD, map_height + 2 * PAD) if legend_below else (LEGEND_X, PAD)
    legend, legend_bottom = _legend(
        classes, unit, direction, decimals, id_prefix, show_hidden, show_missing, corner
    )
    height = _number(max(map_height, legend_bottom + PAD))
    width = MAP_WIDTH if legend_below else WIDTH

    title_id, desc_id = f"{id_prefix}-titel", f"{id_prefix}-beskrivning"
    first, second = _direction_lines(direction)
    desc = " ".join(
        [f"Karta över Jönköpings läns {len(shapes)} kommuner.", f"{first} {second}."]
        + ([f"Streckad: dolt värde ({SECONDARY})."] if show_hidden else [])
        + (["Grå med prickar: inga siffror."] if show_missing else [])
        + ["Samma värden står i tabellen."]
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="karta" role="group" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
        _defs(id_prefix),
        f'<g class="karta-kommuner" stroke="{BORDER}" stroke-width="1.5" '
        'stroke-linejoin="round" fill-rule="evenodd">',
    ]
    labels = []
    for m in shapes:
        value = shown[m.kod]
        if value is HIDDEN:
            fill, state = f"url(#{id_prefix}-dolt)", "dolt"
        elif value is None:
            fill, state = f"url(#{id_prefix}-saknas)", "saknas"
        else:
            fill, state = fills[value], "varde"
        name = f"{m.namn}: {value_text(value, unit, decimals)}"
        out.append(
            f'<path class="karta-kommun karta-{state}" role="img" data-kommunkod="{m.kod}" '
            f'fill="{fill}" d="{_path(m.rings, point)}"><title>{escape(name)}</title></path>'
        )
        labels.append(_label(m, point, scale))
    out.append("</g>")
    out.append(
        f'<path class="karta-lansgrans" aria-hidden="true" fill="none" stroke="{HIDDEN_INK}" '
        f'stroke-width="1" stroke-linejoin="round" d="{_path(county_outline(), point)}"/>'
    )
    # The names: dark with a white halo, readable on every class and on the hatch.
    out.append(
        f'<g class="karta-namn" aria-hidden="true" fill="{TEXT}" stroke="#ffffff" '
        'stroke-width="3" stroke-linejoin="round" paint-order="stroke" text-anchor="middle" '
        'pointer-events="none">'
    )
    out.extend(labels)
    out.append("</g>")
    out.extend(legend)
    out.append("</svg>")
    return "\n".join(out) + "\n"
