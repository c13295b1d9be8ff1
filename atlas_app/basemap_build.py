"""Builds the offline basemap's files in ``static/basemap/`` from Natural Earth (public domain), as shipped in
TopoJSON by the npm package ``world-atlas`` (``npm pack world-atlas@2``, unpack, pass its ``package`` folder):

    python -m atlas_app.basemap_build /tmp/package

Why: the app's maps show the world (Washington to the Gulf, zoom ~1.5) and Libya with its neighbours (zoom
4.7-7). The whole world at 1:50m is enough for the wide view; around Libya the 1:10m data is cut to a box
(``BOX``), so that the coast and borders stay true at the Front lines zoom while the files stay small. The
browser fetches each file once from the app's own server (``atlas_app/basemap.py`` gives the deck their URLs),
so they are not embedded in every deck.

What it writes (GeoJSON FeatureCollections):

- ``countries-50m.json``: every country (polygons, properties ``name`` in English, ``iso_n3`` and ``iso_a2``, the
  ISO 3166-1 alpha-2 code as the store's ``places.country`` holds it, "" when there is none), to 2 decimals.
- ``lines-50m.json``: the world's lines, two MultiLineString features: ``kind`` "border" (an arc two countries
  share) and ``kind`` "coast" (an arc of one country only).
- ``countries-10m.json``, ``lines-10m.json``: the same at 1:10m, clipped to ``BOX``, to 3 decimals.
- ``SOURCE.md``: where the data comes from and how it was cut.

Each arc is simplified once (Douglas-Peucker, ``WORLD_TOLERANCE`` / ``BOX_TOLERANCE``, under a pixel at the
zooms the files serve) before the rings are put together, so neighbours keep one common border.

Polygons are drawn filled only (a clipped polygon has edges along the box, which must not be stroked); outlines
come from the line files. The TopoJSON is decoded here (delta-encoded quantized arcs with a transform); the
numeric ISO codes are mapped to alpha-2 with ``pycountry`` when it is installed (build time only), else with
``ISO_A2_EXTRA`` and the codes already in the shipped file.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "basemap"
BOX = (5.0, 18.0, 30.0, 39.0)          # lon_min, lat_min, lon_max, lat_max: Libya and its neighbours
WORLD_DIGITS, WORLD_TOLERANCE = 2, 0.02      # degrees; one pixel is ~0.027 degrees at zoom 4.7, ~0.25 at 1.5
BOX_DIGITS, BOX_TOLERANCE = 3, 0.002        # one pixel is ~0.0055 degrees at zoom 7
# Countries world-atlas carries without a numeric ISO id (or with one pycountry does not know).
ISO_A2_EXTRA = {"Kosovo": "XK"}


# ---- TopoJSON ----------------------------------------------------------------------------------------------

def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute coordinates (quantized arcs are delta-encoded: each position adds to the last)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy, *_ in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(points)
    return arcs


def ring_of(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    """A ring from arc indexes (a negative index ``~i`` is arc ``i`` reversed); shared end points once."""
    ring: list = []
    for i in indexes:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    """A geometry's polygons, each a list of rings of arc indexes."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry["arcs"])
    return []


def arc_uses(geometries: list[dict]) -> dict[int, set[int]]:
    """For each arc, which geometries (by position) use it."""
    uses: dict[int, set[int]] = {}
    for g, geometry in enumerate(geometries):
        for polygon in polygons_of(geometry):
            for ring in polygon:
                for i in ring:
                    uses.setdefault(i if i >= 0 else ~i, set()).add(g)
    return uses


# ---- simplifying and clipping -----------------------------------------------------------------------------

def _distance(p, a, b) -> float:
    """Distance from ``p`` to the segment ``a``-``b`` (to the point ``a`` when they are one)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return ((p[0] - a[0] - t * dx) ** 2 + (p[1] - a[1] - t * dy) ** 2) ** 0.5


def simplified(points: list, tolerance: float) -> list:
    """Douglas-Peucker: the points that keep the line within ``tolerance`` of the original; both ends kept (an
    arc is simplified once, so the two countries sharing it keep the same border)."""
    if tolerance <= 0 or len(points) < 3:
        return list(points)
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, 0
        for k in range(first + 1, last):
            d = _distance(points[k], points[first], points[last])
            if d > best:
                best, index = d, k
        if best > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[k] for k in sorted(keep)]


def rounded(points, digits: int) -> list[list[float]]:
    """Coordinates rounded, repeated points dropped."""
    out: list = []
    for x, y in points:
        p = [round(x, digits), round(y, digits)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def closed_ring(points, digits: int) -> list[list[float]]:
    """A rounded ring, closed; [] when it collapsed to fewer than three distinct points."""
    ring = rounded(points, digits)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring if len(ring) >= 4 else []


def clip_ring(ring, box) -> list[tuple[float, float]]:
    """A ring clipped to a box (Sutherland-Hodgman; a concave ring may get edges along the box: fill it only)."""
    x0, y0, x1, y1 = box
    edges = [(lambda p: p[0] >= x0, lambda a, b: (x0, a[1] + (b[1] - a[1]) * (x0 - a[0]) / (b[0] - a[0]))),
             (lambda p: p[0] <= x1, lambda a, b: (x1, a[1] + (b[1] - a[1]) * (x1 - a[0]) / (b[0] - a[0]))),
             (lambda p: p[1] >= y0, lambda a, b: (a[0] + (b[0] - a[0]) * (y0 - a[1]) / (b[1] - a[1]), y0)),
             (lambda p: p[1] <= y1, lambda a, b: (a[0] + (b[0] - a[0]) * (y1 - a[1]) / (b[1] - a[1]), y1))]
    points = list(ring)
    for inside, cross in edges:
        if not points:
            break
        out = []
        for k, b in enumerate(points):
            a = points[k - 1]
            if inside(b):
                if not inside(a):
                    out.append(cross(a, b))
                out.append(b)
            elif inside(a):
                out.append(cross(a, b))
        points = out
    return points


def clip_line(line, box) -> list[list[tuple[float, float]]]:
    """The parts of a polyline inside a box (Liang-Barsky on each segment)."""
    x0, y0, x1, y1 = box
    parts: list = []
    current: list = []
    for a, b in zip(line, line[1:]):
        dx, dy = b[0] - a[0], b[1] - a[1]
        t0, t1 = 0.0, 1.0
        for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
            if p == 0:
                if q < 0:
                    t0, t1 = 1.0, 0.0
                    break
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
        if t0 > t1:
            if current:
                parts.append(current)
                current = []
            continue
        start = (a[0] + t0 * dx, a[1] + t0 * dy)
        end = (a[0] + t1 * dx, a[1] + t1 * dy)
        if not current:
            current = [start]
        current.append(end)
        if t1 < 1.0:
            parts.append(current)
            current = []
    if current:
        parts.append(current)
    return parts


# world-atlas's shapes are spherical (for d3-geo): Russia, Fiji and Antarctica cross the antimeridian, which a
# flat map (deck.gl) would draw as lines and bands across the whole world. They are cut at +-180 here.
WORLD = (-180.0, -90.0, 180.0, 90.0)


def unwrap(points, start: float | None = None) -> list[tuple[float, float]]:
    """Longitudes made continuous (no step over 180 degrees), starting within 180 degrees of ``start``."""
    out: list = []
    for x, y in points:
        ref = out[-1][0] if out else start
        if ref is not None:
            x += 360.0 * round((ref - x) / 360.0)
        out.append((x, y))
    return out


def wrapped_polygons(rings: list) -> list[list]:
    """A polygon (outer ring, holes) as one or more polygons within -180..180: one crossing the antimeridian is
    cut there (the copies shifted by -+360 clipped to the world); one going round a pole (Antarctica) is kept."""
    outer = unwrap(rings[0])
    xs = [p[0] for p in outer]
    if (min(xs) >= -180 and max(xs) <= 180) or abs(outer[-1][0] - outer[0][0]) > 180:
        return [rings]
    unwrapped = [outer] + [unwrap(r, outer[0][0]) for r in rings[1:]]
    polygons = []
    for shift in (0.0, -360.0, 360.0):
        clipped = [clip_ring([(x + shift, y) for x, y in r], WORLD) for r in unwrapped]
        if len(clipped[0]) >= 3:
            polygons.append([c for c in clipped if len(c) >= 3])
    return polygons


def _cut_edge(a, b) -> bool:
    """An edge along the antimeridian or the south pole: where the data was cut, not a coast or a border."""
    return (abs(a[0]) >= 179.99 and abs(b[0]) >= 179.99) or (a[1] <= -89.99 and b[1] <= -89.99)


def wrapped_lines(line) -> list[list[tuple[float, float]]]:
    """A polyline split where it crosses the antimeridian (ending at one side, going on from the other), without
    the edges along the cut."""
    parts: list = []
    current: list = [line[0]]
    for a, b in zip(line, line[1:]):
        if _cut_edge(a, b):
            parts.append(current)
            current = [b]
            continue
        if abs(b[0] - a[0]) > 180:
            edge = 180.0 if a[0] > 0 else -180.0
            bx = b[0] + (360.0 if edge > 0 else -360.0)
            y = a[1] + (b[1] - a[1]) * (edge - a[0]) / (bx - a[0])
            parts.append(current + [(edge, y)])
            current = [(-edge, y)]
        current.append(b)
    parts.append(current)
    return [p for p in parts if len(p) >= 2]


def bbox_of(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def overlaps(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


# ---- features ------------------------------------------------------------------------------------------------

def iso_table() -> dict[str, str]:
    """Numeric ISO 3166-1 code ("434") -> alpha-2 ("LY"): from pycountry if installed, else from the shipped file."""
    try:
        import pycountry
        return {c.numeric: c.alpha_2 for c in pycountry.countries}
    except ImportError:
        shipped = OUT / "countries-50m.json"
        table = {}
        if shipped.exists():
            for f in json.loads(shipped.read_text(encoding="utf-8"))["features"]:
                if f["properties"].get("iso_n3") and f["properties"].get("iso_a2"):
                    table[f["properties"]["iso_n3"]] = f["properties"]["iso_a2"]
        if not table:
            sys.exit("needs pycountry (pip install pycountry) or an existing static/basemap/countries-50m.json")
        return table


def country_features(topology: dict, digits: int, tolerance: float, box=None, iso: dict | None = None) -> list[dict]:
    """One Feature per country: its polygons simplified, rounded (and clipped to ``box`` when given), its name,
    numeric and alpha-2 codes."""
    arcs = [simplified(a, tolerance) for a in decode_arcs(topology)]
    iso = iso if iso is not None else iso_table()
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = []
        for polygon in polygons_of(geometry):
            for rings in wrapped_polygons([ring_of(r, arcs) for r in polygon]):
                if box is not None:
                    if not overlaps(bbox_of(rings[0]), box):
                        continue
                    rings = [clip_ring(r, box) if not inside_box(r, box) else r for r in rings]
                rings = [r for r in (closed_ring(r, digits) for r in rings if r) if r]
                if rings:
                    polygons.append(rings)
        if not polygons:
            continue
        name = geometry.get("properties", {}).get("name", "")
        numeric = str(geometry.get("id", "") or "")
        code = iso.get(numeric, "") or ISO_A2_EXTRA.get(name, "")
        geom = ({"type": "Polygon", "coordinates": polygons[0]} if len(polygons) == 1
                else {"type": "MultiPolygon", "coordinates": polygons})
        features.append({"type": "Feature", "properties": {"name": name, "iso_a2": code, "iso_n3": numeric},
                         "geometry": geom})
    return features


def inside_box(points, box) -> bool:
    b = bbox_of(points)
    return box[0] <= b[0] and b[2] <= box[2] and box[1] <= b[1] and b[3] <= box[3]


def line_features(topology: dict, digits: int, tolerance: float, box=None) -> list[dict]:
    """Two MultiLineString features: ``border`` (arcs two countries share) and ``coast`` (arcs of one country),
    simplified and rounded as the countries are."""
    arcs = [simplified(a, tolerance) for a in decode_arcs(topology)]
    uses = arc_uses(topology["objects"]["countries"]["geometries"])
    lines: dict[str, list] = {"border": [], "coast": []}
    for i, users in sorted(uses.items()):
        kind = "border" if len(users) > 1 else "coast"
        parts = wrapped_lines(arcs[i])
        if box is not None:
            if not overlaps(bbox_of(arcs[i]), box):
                continue
            parts = [p for part in parts for p in (clip_line(part, box) if not inside_box(part, box) else [part])]
        for part in parts:
            line = rounded(part, digits)
            if len(line) >= 2:
                lines[kind].append(line)
    return [{"type": "Feature", "properties": {"kind": kind}, "geometry": {"type": "MultiLineString",
             "coordinates": coords}} for kind, coords in lines.items() if coords]


def collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"),
                      ensure_ascii=False)


SOURCE = """# The offline basemap's data

Natural Earth (https://www.naturalearthdata.com/), public domain, in the TopoJSON of the npm package
`world-atlas` version {version} (ISC licence for the packaging; the data is Natural Earth's, public domain).

Built by `python -m atlas_app.basemap_build <unpacked world-atlas package>` (`npm pack world-atlas@{version}`):

- `countries-50m.json`, `lines-50m.json`: the whole world at 1:50m (`countries-50m.json` of world-atlas),
  each arc simplified (Douglas-Peucker, {world_tolerance} degrees), coordinates rounded to {world_digits} decimals,
  repeated points dropped.
- `countries-10m.json`, `lines-10m.json`: 1:10m (`countries-10m.json` of world-atlas) clipped to the box
  lon {box[0]}..{box[2]}, lat {box[1]}..{box[3]} (Libya and its neighbours), simplified at {box_tolerance} degrees,
  rounded to {box_digits} decimals.
- Country features: `name` (English, as in world-atlas), `iso_n3` (world-atlas's numeric ISO 3166-1 id) and
  `iso_a2` (alpha-2, from the numeric code; "" where there is none).
- Line features: `kind` "border" (an arc shared by two countries) or "coast" (an arc of one country only).

Sizes: {sizes}.
"""


def build(package: Path, out: Path = OUT) -> dict[str, int]:
    """Writes the files into ``out``; returns their sizes in bytes."""
    package = Path(package)
    version = json.loads((package / "package.json").read_text(encoding="utf-8")).get("version", "?")
    iso = iso_table()
    world = json.loads((package / "countries-50m.json").read_text(encoding="utf-8"))
    fine = json.loads((package / "countries-10m.json").read_text(encoding="utf-8"))
    texts = {
        "countries-50m.json": collection(country_features(world, WORLD_DIGITS, WORLD_TOLERANCE, iso=iso)),
        "lines-50m.json": collection(line_features(world, WORLD_DIGITS, WORLD_TOLERANCE)),
        "countries-10m.json": collection(country_features(fine, BOX_DIGITS, BOX_TOLERANCE, BOX, iso=iso)),
        "lines-10m.json": collection(line_features(fine, BOX_DIGITS, BOX_TOLERANCE, BOX)),
    }
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")
        sizes[name] = len(text.encode("utf-8"))
    listed = ", ".join(f"`{n}` {s / 1000:.0f} kB" for n, s in sizes.items())
    (out / "SOURCE.md").write_text(SOURCE.format(
        version=version, world_digits=WORLD_DIGITS, world_tolerance=WORLD_TOLERANCE, box=BOX, box_digits=BOX_DIGITS,
        box_tolerance=BOX_TOLERANCE, sizes=listed), encoding="utf-8")
    return sizes


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for file, size in build(Path(sys.argv[1])).items():
        print(f"{file}: {size} bytes")
