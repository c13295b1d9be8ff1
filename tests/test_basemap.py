"""The offline basemap: Natural Earth's files shipped in static/basemap/ (what they hold, their size), the layers
that give the browser their URLs (not their contents), the builder's pieces on a small topology, and the files
served over HTTP by a real ``streamlit run``."""
from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import pytest

from atlas_app import basemap, basemap_build, layers
from tests.servers import app_env, free_port, running

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "static" / "basemap"
BUDGET = 2_000_000                      # bytes, every file of static/basemap/ together
TRIPOLI = (13.19, 32.89)


def load(name: str) -> dict:
    return json.loads((SHIPPED / name).read_text(encoding="utf-8"))


def polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def in_ring(point, ring) -> bool:
    """Ray casting: whether ``point`` is inside the closed ring."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def in_geometry(point, geometry: dict) -> bool:
    """Inside a (Multi)Polygon: inside an outer ring and none of its holes."""
    return any(in_ring(point, poly[0]) and not any(in_ring(point, hole) for hole in poly[1:])
               for poly in polygons(geometry))


def points(geometry: dict):
    rings = [r for poly in polygons(geometry) for r in poly] if "Polygon" in geometry["type"] \
        else geometry["coordinates"]
    for ring in rings:
        yield from ring


def country(fc: dict, iso_a2: str) -> dict:
    found = [f for f in fc["features"] if f["properties"]["iso_a2"] == iso_a2]
    assert len(found) == 1, f"{iso_a2}: {len(found)} features"
    return found[0]


# ---- the shipped files ---------------------------------------------------------------------------------------

def test_every_file_the_layers_name_is_shipped_within_the_budget():
    assert {p.name for p in SHIPPED.iterdir()} == {Path(f).name for f in basemap.FILES} | {"SOURCE.md"}
    assert sum(p.stat().st_size for p in SHIPPED.iterdir()) < BUDGET
    source = (SHIPPED / "SOURCE.md").read_text(encoding="utf-8")
    assert "Natural Earth" in source and "world-atlas" in source and "public domain" in source


def test_world_countries_carry_names_and_alpha2_codes():
    world = load("countries-50m.json")
    assert world["type"] == "FeatureCollection" and len(world["features"]) > 200
    codes = {f["properties"]["iso_a2"] for f in world["features"]}
    assert {"LY", "US", "EG", "TN", "DZ", "TR", "RU", "AE", "QA", "IT", "FR", "GB", "XK"} <= codes
    assert country(world, "LY")["properties"]["name"] == "Libya"
    assert in_geometry(TRIPOLI, country(world, "LY")["geometry"])
    assert in_geometry((-77.04, 38.9), country(world, "US")["geometry"])          # Washington
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in world["features"])


def test_the_10m_cut_holds_libya_and_its_neighbours_inside_the_box():
    fine = load("countries-10m.json")
    x0, y0, x1, y1 = basemap_build.BOX
    assert {"LY", "TN", "DZ", "EG", "TD", "NE", "SD", "MT", "IT", "GR"} <= {f["properties"]["iso_a2"]
                                                                           for f in fine["features"]}
    libya = country(fine, "LY")
    assert libya["properties"]["name"] == "Libya" and in_geometry(TRIPOLI, libya["geometry"])
    assert not in_geometry((13.19, 33.2), libya["geometry"])                         # the sea off Tripoli
    assert not any(in_geometry(TRIPOLI, f["geometry"]) for f in fine["features"] if f is not libya)
    for fc in (fine, load("lines-10m.json")):
        for f in fc["features"]:
            for x, y in points(f["geometry"]):
                assert x0 <= x <= x1 and y0 <= y <= y1
                assert round(x, 3) == x and round(y, 3) == y
    # finer than the world file: more points for Libya
    world_libya = country(load("countries-50m.json"), "LY")
    assert len(list(points(libya["geometry"]))) > 2 * len(list(points(world_libya["geometry"])))


def segments(geometry: dict):
    lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else \
        [r for poly in polygons(geometry) for r in poly]
    for line in lines:
        yield from zip(line, line[1:])


def test_nothing_is_drawn_across_the_world():
    """world-atlas's shapes cross the antimeridian (Russia, Fiji); cut there, no edge spans the flat map (but
    Antarctica's fill, which goes round the pole)."""
    for name in ("lines-50m.json", "countries-50m.json"):
        for f in load(name)["features"]:
            if f["properties"].get("iso_a2") == "AQ":
                continue
            for a, b in segments(f["geometry"]):
                assert abs(a[0] - b[0]) < 90 and -180 <= a[0] <= 180, (name, f["properties"], a, b)
    russia = country(load("countries-50m.json"), "RU")["geometry"]
    assert in_geometry((179.5, 67.5), russia) and in_geometry((-179.5, 67.5), russia)       # Chukotka, both sides


@pytest.mark.parametrize("name", ["lines-50m.json", "lines-10m.json"])
def test_lines_are_borders_and_coasts(name):
    fc = load(name)
    kinds = {f["properties"]["kind"]: f["geometry"] for f in fc["features"]}
    assert set(kinds) == {"border", "coast"}
    assert all(g["type"] == "MultiLineString" and all(len(line) >= 2 for line in g["coordinates"])
               for g in kinds.values())


# ---- the layers ----------------------------------------------------------------------------------------------

def test_layers_give_the_served_urls(monkeypatch):
    monkeypatch.delenv("ATLAS_BASEMAP", raising=False)
    urls = [lyr.data for lyr in basemap.layers() if isinstance(lyr.data, str)]
    assert urls == ["/app/static/" + f for f in (basemap.WORLD_COUNTRIES, basemap.WORLD_LINES,
                                                 basemap.BOX_COUNTRIES, basemap.BOX_LINES)]
    assert all((ROOT / "static" / u.removeprefix("/app/static/")).is_file() for u in urls)
    assert basemap.layers()[0].id == "countries"
    monkeypatch.setattr(basemap.st, "get_option", lambda name: "/atlas/" if name == "server.baseUrlPath" else None)
    assert [lyr.data for lyr in basemap.layers() if isinstance(lyr.data, str)] == [
        u.replace("/app/", "/atlas/app/", 1) for u in urls]
    assert basemap.map_style() == "/atlas/app/static/atlas-offline-style.json"
    assert "Natural Earth" in basemap.describe()


def test_the_deck_carries_urls_not_outlines(monkeypatch):
    monkeypatch.delenv("ATLAS_BASEMAP", raising=False)
    deck, dropped = layers.make_deck([], layers.VIEW_LIBYA)
    text = deck.to_json()
    spec = json.loads(text)
    assert dropped == 0 and len(text.encode("utf-8")) < 3000
    by_id = {lyr["id"]: lyr for lyr in spec["layers"]}
    assert by_id["countries"]["data"] == "/app/static/basemap/countries-50m.json"
    assert by_id["basemap-box-lines"]["data"] == "/app/static/basemap/lines-10m.json"
    assert by_id["basemap-lines"]["getLineColor"].startswith("@@=")           # an expression on properties.kind
    assert not by_id["countries"]["stroked"] and not by_id["basemap-box"]["stroked"]   # clipped: fill only
    assert "https://" not in text and "http://" not in text


def test_online_mode_has_no_basemap_layers(monkeypatch):
    monkeypatch.setenv("ATLAS_BASEMAP", "online")
    assert basemap.layers() == [] and "online" in basemap.describe()
    monkeypatch.setenv("ATLAS_BASEMAP", "https://example.org/style.json")
    assert basemap.layers() == [] and basemap.map_style() == "https://example.org/style.json"


# ---- the builder ---------------------------------------------------------------------------------------------

# Two unit squares side by side, quantized on a 1/10-degree grid from (10, 30): West (arcs 0, 1) and Libya
# (arcs 2, ~1); arc 1 is their common border. Libya's square sticks out of a box ending at lon 11.5.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.1, 0.1], "translate": [10, 30]},
    "arcs": [[[10, 0], [-10, 0], [0, 10], [10, 0]],        # (11,30) (10,30) (10,31) (11,31)
             [[10, 10], [0, -10]],                        # (11,31) -> (11,30): the border
             [[10, 10], [10, 0], [0, -10], [-10, 0]]],    # (11,31) (12,31) (12,30) (11,30)
    "objects": {"countries": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "id": "-99", "properties": {"name": "West"}},
        {"type": "MultiPolygon", "arcs": [[[2, -2]]], "id": "434", "properties": {"name": "Libya"}}]}},
}


def exact(line) -> list[tuple[float, float]]:
    return [(round(x, 9), round(y, 9)) for x, y in line]


def test_arcs_decode_from_deltas_and_rings_join_them():
    arcs = basemap_build.decode_arcs(TOPOLOGY)
    assert exact(arcs[0]) == [(11, 30), (10, 30), (10, 31), (11, 31)]
    assert exact(basemap_build.ring_of([2, -2], arcs)) == [(11, 31), (12, 31), (12, 30), (11, 30), (11, 31)]
    assert basemap_build.arc_uses(TOPOLOGY["objects"]["countries"]["geometries"]) == {0: {0}, 1: {0, 1}, 2: {1}}


def test_countries_and_lines_from_a_topology():
    west, libya = basemap_build.country_features(TOPOLOGY, 3, 0.0, iso={"434": "LY"})
    assert west["properties"] == {"name": "West", "iso_a2": "", "iso_n3": "-99"}
    assert libya["properties"]["iso_a2"] == "LY" and libya["geometry"]["type"] == "Polygon"
    assert in_geometry((11.5, 30.5), libya["geometry"]) and not in_geometry((10.5, 30.5), libya["geometry"])
    lines = {f["properties"]["kind"]: f["geometry"]["coordinates"]
             for f in basemap_build.line_features(TOPOLOGY, 3, 0.0)}
    assert lines["border"] == [[[11, 31], [11, 30]]] and len(lines["coast"]) == 2
    box = (10.5, 29.0, 11.5, 32.0)
    clipped = basemap_build.country_features(TOPOLOGY, 3, 0.0, box, iso={})
    assert all(10.5 <= x <= 11.5 for f in clipped for x, _ in points(f["geometry"]))
    assert in_geometry((11.2, 30.5), clipped[1]["geometry"]) and not in_geometry((11.7, 30.5), clipped[1]["geometry"])


def test_shapes_crossing_the_antimeridian_are_cut_there():
    parts = basemap_build.wrapped_lines([(170, 10), (-170, 20), (-160, 20)])
    assert exact(parts[0]) == [(170, 10), (180, 15)] and exact(parts[1]) == [(-180, 15), (-170, 20), (-160, 20)]
    assert basemap_build.wrapped_lines([(10, 0), (20, 0)]) == [[(10, 0), (20, 0)]]
    assert basemap_build.wrapped_lines([(0, 0), (180, 5), (180, 6), (170, 6)]) == [[(0, 0), (180, 5)],
                                                                                     [(180, 6), (170, 6)]]
    square = [(170, 0), (-170, 0), (-170, 10), (170, 10), (170, 0)]
    east, west = basemap_build.wrapped_polygons([square])
    assert {x for x, _ in east[0]} == {170, 180} and {x for x, _ in west[0]} == {-180, -170}
    inside = [(0, 0), (1, 0), (1, 1), (0, 0)]
    assert basemap_build.wrapped_polygons([inside]) == [[inside]]


def test_clip_line_keeps_the_parts_inside():
    box = (0, 0, 10, 10)
    assert basemap_build.clip_line([(-5, 5), (5, 5), (15, 5)], box) == [[(0, 5), (5, 5), (10, 5)]]
    assert basemap_build.clip_line([(5, 5), (5, 15), (6, 15), (6, 5)], box) == [[(5, 5), (5, 10)], [(6, 10), (6, 5)]]
    assert basemap_build.clip_line([(20, 20), (30, 30)], box) == []


def test_simplified_drops_points_within_the_tolerance_and_keeps_the_ends():
    line = [(0, 0), (1, 0.001), (2, 0), (3, 1), (4, 0)]
    assert basemap_build.simplified(line, 0.01) == [(0, 0), (2, 0), (3, 1), (4, 0)]
    assert basemap_build.simplified(line, 0) == line
    assert basemap_build.rounded([(0.0001, 0), (0.0002, 0), (1, 1)], 3) == [[0.0, 0.0], [1.0, 1.0]]
    assert basemap_build.closed_ring([(0, 0), (0.0001, 0), (0, 0.0001)], 3) == []


# ---- served by the app ---------------------------------------------------------------------------------------

@pytest.mark.e2e
def test_streamlit_serves_the_files_under_the_base_path(tmp_path):
    """A real ``streamlit run`` with a base path serves each file at the URL the layers give, as JSON (no store
    is needed: no page is run)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/atlas"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
           str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
           "--server.baseUrlPath", "atlas"]
    with running(cmd, tmp_path / "streamlit.log", f"{base}/_stcore/health", "streamlit",
                 app_env(tmp_path / "atlas.sqlite")):
        for name in basemap.FILES:
            with urllib.request.urlopen(f"{base}/app/static/{name}", timeout=10) as r:
                assert r.status == 200 and "json" in r.headers.get("Content-Type", "")
                assert json.loads(r.read())["type"] == "FeatureCollection"
