"""Maps people can read (issue 12): every map names its places (the busiest always, the others where there is room),
and a country is drawn as the country, its arcs going to its capital; checked on the layers and decks
``atlas_app.layers`` builds from a small store."""
from __future__ import annotations

import json

import pandas as pd
import pydeck as pdk
import pytest

from atlas_app import countries, layers, periods
from tests.conftest import store_of_rows
from tests.test_app_units import page_of, row

US = dict(place_id="country-us", place_en="United States", place_ar="الولايات المتحدة", lat=38.0, lon=-97.0,
          place_kind="country", place_country="US")
LIBYA = dict(place_id="country-ly", place_en="Libya", place_ar="ليبيا", lat=27.0, lon=17.0, place_kind="country",
             place_country="LY")
TUVALU = dict(place_id="country-tv", place_en="Tuvalu", place_ar="توفالو", lat=-8.0, lon=178.0, place_kind="country",
              place_country="TV")
PARIS = dict(place_id="fr-paris", place_en="Paris", place_ar="باريس", lat=48.8566, lon=2.3522, place_kind="city",
             place_country="FR")
FROM_CAIRO = dict(origin_id="eg-cairo", origin_en="Cairo", origin_ar="القاهرة", origin_lat=30.0444, origin_lon=31.2357)
FROM_EGYPT = dict(origin_id="country-eg", origin_en="Egypt", origin_ar="مصر", origin_lat=27.0, origin_lon=30.0)


def place_rows() -> list[dict]:
    """Visits from Tripoli (BASE's origin) to the United States (twice), Tuvalu and Paris (three times); from Cairo
    to Libya; from Egypt (the country) to Paris; and a call placed in the United States."""
    return [row(id="us1", **US), row(id="us2", sentence=1, **US), row(id="tv", sentence=2, **TUVALU),
            *[row(id=f"p{i}", sentence=3 + i, **PARIS) for i in range(3)],
            row(id="ly", sentence=6, **LIBYA, **FROM_CAIRO), row(id="eg", sentence=7, **PARIS, **FROM_EGYPT),
            row(id="call", sentence=8, type="diplomatic_flow", subtype="call", **US)]


@pytest.fixture
def places(store_target):
    return store_of_rows(store_target, place_rows())


def by_id(built: list) -> dict:
    return {lyr.id: lyr for lyr in built}


def visit_map(store) -> dict:
    visits = page_of(store, "visit")
    return by_id(layers.visit_layers(visits, "aff_key"))


# ---- countries are not points ------------------------------------------------------------------------------

def test_a_country_is_drawn_as_its_outline_saying_where_its_arcs_go(places):
    built = visit_map(places)
    outlines = built["destinations-outlines"]
    assert outlines.type == "PolygonLayer" and outlines.pickable and outlines.id != "countries"
    us = [o for o in outlines.data if o["place_id"] == "country-us"]
    assert len(us) > 1 and len({o["key"] for o in us}) == 1           # a row per polygon, one object
    assert all(o["count"] == 2 and o["iso"] == "US" and o["color"][3] == layers.AREA_ALPHA for o in us)
    assert all(set(layers.TIP_FIELDS) <= set(o) and isinstance(o["polygon"][0][0], list) for o in us)
    assert "arcs drawn to its capital, Washington D.C." in us[0]["t_where"]
    dots = {o["place_id"] for o in built["destinations"].data}
    assert "country-us" not in dots and "country-ly" not in dots
    names = [lyr.id for lyr in layers.visit_layers(page_of(places, "visit"), "aff_key")]
    assert names.index("destinations-outlines") < names.index("visit-arcs") < names.index("destinations")


def test_a_city_and_a_country_without_an_outline_stay_points(places):
    dots = {o["place_id"]: o for o in visit_map(places)["destinations"].data}
    assert {"fr-paris", "country-tv"} <= set(dots)
    assert (dots["country-tv"]["lat"], dots["country-tv"]["lon"]) == (-8.0, 178.0) and "iso" in dots["country-tv"]
    assert "iso" not in dots["fr-paris"] and "capital" not in dots["fr-paris"]["t_where"]


def test_an_arc_to_or_from_a_country_ends_at_its_capital(places):
    arcs = {(a["origin_id"], a["place_id"]): a for a in visit_map(places)["visit-arcs"].data}
    tripoli, cairo, washington = (countries.of(c) for c in ("country-ly", "country-eg", "country-us"))
    to_libya = arcs[("eg-cairo", "country-ly")]
    assert (to_libya["lat"], to_libya["lon"]) == (tripoli.lat, tripoli.lon) == (32.8872, 13.1913)
    assert (to_libya["olat"], to_libya["olon"]) == (30.0444, 31.2357)                  # Cairo, a city: itself
    assert to_libya["t_where"].endswith("Libya · ليبيا (arcs drawn to its capital, Tripoli)")
    from_egypt = arcs[("country-eg", "fr-paris")]
    assert (from_egypt["olat"], from_egypt["olon"]) == (cairo.lat, cairo.lon)
    assert from_egypt["t_where"].startswith("Egypt · مصر (arcs drawn to its capital, Cairo) → Paris")
    to_us = arcs[("ly-tripoli", "country-us")]
    assert (to_us["lat"], to_us["lon"]) == (washington.lat, washington.lon)


def test_the_overview_draws_a_country_once_for_all_its_kinds(places):
    built = by_id(layers.overview_layers(page_of(places)))
    us = {o["key"]: o for o in built["places-outlines"].data if o["place_id"] == "country-us"}
    assert list(us) == ["place_id=country-us"] and us["place_id=country-us"]["count"] == 3     # 2 visits, 1 call
    assert us["place_id=country-us"]["type"] == "visit"                  # coloured by its most frequent kind
    dots = built["places"].data
    assert not any(o["place_id"] == "country-us" for o in dots) and any(o["place_id"] == "fr-paris" for o in dots)
    placed = list({o["key"]: o for o in built["places-outlines"].data + dots}.values())
    assert sum(o["count"] for o in placed) == len(place_rows())          # every event once
    assert layers.total_objects(dots) + layers.total_objects(built["places-outlines"].data) == len(placed)


def test_the_selection_rings_the_capital_and_brightens_the_outline():
    selected = pd.DataFrame([{"place_id": "country-us", "lat": 38.0, "lon": -97.0, "origin_id": "ly-tripoli",
                              "origin_lat": 32.8872, "origin_lon": 13.1913}])
    built = by_id(layers.highlight_layer(selected))
    assert {(p["lat"], p["lon"]) for p in built["selection"].data} == {(38.9072, -77.0369), (32.8872, 13.1913)}
    outline = built["selection-outlines"]
    assert outline.type == "GeoJsonLayer" and not outline.pickable and isinstance(outline.data, dict)
    assert [f["geometry"]["type"] for f in outline.data["features"]] == ["MultiPolygon"]


def test_a_country_outline_keeps_the_deck_light(store_target):
    big = store_of_rows(store_target, [row(id="us", **US), row(id="ru", sentence=1, place_id="country-ru",
                                                                place_en="Russia", place_ar="روسيا", lat=60.0,
                                                                lon=100.0, place_kind="country", place_country="RU")])
    outlines = layers.points_layer("places", page_of(big).objects(("place_id",)), lambda r: [9, 9, 9, 200])[0]
    size = {iso: len(json.dumps([o for o in outlines.data if o["iso"] == iso], ensure_ascii=False))
            for iso in ("US", "RU")}
    assert size["US"] < 70_000 and size["RU"] < 90_000, size             # islands under MIN_PART_DEG2 left out


# ---- labels ------------------------------------------------------------------------------------------------

def test_every_map_names_its_places(places):
    fronts = page_of(places, "front_line")
    _, current, _ = periods.window(fronts.query, "all", None)
    for built in (layers.overview_layers(page_of(places)), layers.visit_layers(page_of(places, "visit"), "aff_key"),
                  layers.flow_layers(page_of(places, "diplomatic_flow")),
                  layers.front_layers(fronts, current, periods.previous(fronts.query, "all"))):
        assert [lyr.id for lyr in built][-2:] == list(layers.LABEL_IDS)       # on top of everything
    labels = by_id(layers.overview_layers(page_of(places)))["labels"].data
    names = [lab["name"] for lab in labels]
    assert names[:3] == ["Tripoli", "Paris", "United States"]           # 6 arcs leave Tripoli; Paris has 4 events
    assert {"Libya", "Tuvalu", "Cairo", "Washington D.C."} - set(names) == {"Washington D.C."}   # no dot there
    assert "Egypt" not in names                       # an arc from Egypt starts at Cairo: no "Egypt" there
    us = next(lab for lab in labels if lab["name"] == "United States")
    assert (us["lat"], us["lon"]) == (38.0, -97.0) and us["dy"] == -2    # the country's own point, not its capital
    paris = next(lab for lab in labels if lab["name"] == "Paris")
    assert paris["dy"] < -2 and [lab["p"] for lab in labels] == sorted((lab["p"] for lab in labels), reverse=True)


def spread(n: int) -> list[dict]:
    """``n`` point objects far apart, the first the busiest."""
    return [{"place_id": f"p{i}", "name": f"Place {i}", "lat": 0.0, "lon": -170.0 + 20 * i, "count": n - i}
            for i in range(n)]


def test_the_ten_busiest_are_always_labelled_the_rest_give_way():
    filtered, always = layers.labels_layer(spread(14))
    assert [lab["name"] for lab in always.data] == [f"Place {i}" for i in range(10)]
    assert [lab["name"] for lab in filtered.data] == [f"Place {i}" for i in range(14)]
    assert filtered.extensions == [{"@@type": "CollisionFilterExtension"}]
    assert not getattr(always, "extensions", None) and not filtered.pickable and not always.pickable
    assert all(-1000 <= lab["p"] <= 1000 for lab in filtered.data) and filtered.data[0]["p"] == 1000
    many = layers.labels_layer(spread(layers.MAX_LABELS + 50))[0].data
    assert len(many) == layers.MAX_LABELS and many[-1]["p"] >= -1000


def test_a_site_in_a_city_does_not_take_an_always_on_label_from_a_place_apart():
    rows = spread(12)
    rows[1] |= {"lat": rows[0]["lat"] + 0.01, "lon": rows[0]["lon"]}      # 1 km from the busiest
    always = layers.labels_layer(rows)[1].data
    assert len(always) == 10 and "Place 1" not in [lab["name"] for lab in always]
    assert "Place 10" in [lab["name"] for lab in always]


def test_the_deck_json_carries_the_collision_filter():
    deck = layers.CompactDeck(layers=layers.labels_layer(spread(12)), tooltip=layers.TOOLTIP)
    spec = {lyr["id"]: lyr for lyr in json.loads(deck.to_json())["layers"]}
    labels, always = spec["labels"], spec["labels-top"]
    assert labels["@@type"] == "TextLayer" and labels["extensions"] == [{"@@type": "CollisionFilterExtension"}]
    assert labels["getCollisionPriority"] == "@@=p" and labels["characterSet"] == "auto"
    assert labels["getText"] == "@@=name" and labels["getPixelOffset"] == "@@=[0, dy]"
    assert labels["background"] and labels["getBackgroundColor"][3] == 0     # what the filter tests: see layers.py
    assert "extensions" not in always and always["characterSet"] == "auto" and len(always["data"]) == 10
    plain = json.loads(pdk.Deck(layers=layers.labels_layer(spread(3))).to_json())["layers"][0]     # pydeck's own
    assert plain["extensions"] == [{"@@type": "CollisionFilterExtension"}]


def test_labels_are_never_why_objects_are_left_out(store_target):
    store = store_of_rows(store_target, [row(id=f"x{i}", place_id=f"p{i}", place_en=f"Place {i}", lat=30 + i / 100,
                                             lon=10 + i / 100, sentence=i, sentence_text="ن" * 300)
                                         for i in range(120)] + [row(id="us", sentence=500, **US)])
    pts = page_of(store).objects(("place_id",))
    built = [*layers.points_layer("places", pts, lambda r: [9, 9, 9, 200]), *layers.labels_layer(pts)]
    alone, _ = layers.make_deck(built[:-2], layers.VIEW_WIDE)
    budget = len(alone.to_json().encode("utf-8"))                      # just room for every object, no names
    deck, _ = layers.make_deck(built, layers.VIEW_WIDE)
    assert layers.fit(deck, budget=budget) == 0                          # the names did not push any object out
    assert layers.deck_data_count(deck.to_json(), "labels") == 121
    deck, _ = layers.make_deck(built, layers.VIEW_WIDE)
    dropped = layers.fit(deck, budget=budget // 3)
    spec = json.loads(deck.to_json())
    kept = {(o["lon"], o["lat"]) for lyr in spec["layers"] if lyr["id"] in ("places", "places-outlines")
            for o in lyr["data"]}
    shown = [lyr["data"] for lyr in spec["layers"] if lyr["id"] == "labels"][0]
    assert 0 < dropped < 121 and len(shown) == 121 - dropped              # a country counts once, not per polygon
    assert {(lab["lon"], lab["lat"]) for lab in shown} == kept           # names only where something is drawn


def test_a_layer_is_measured_row_by_row_as_the_deck_writes_it():
    """``fit`` serializes the deck once and counts a trimmed layer by its rows' bytes: the same as serializing it."""
    rows = [{"name": "طرابلس" * i, "lat": 32.9 + i / 7, "lon": None if i % 3 else 13.1, "tags": [i, "a\"b"]}
            for i in range(6)]
    totals = layers._row_bytes(rows)
    for n in range(len(rows) + 1):
        deck = layers.CompactDeck(layers=[pdk.Layer("ScatterplotLayer", id="x", data=rows[:n])])
        empty = layers.CompactDeck(layers=[pdk.Layer("ScatterplotLayer", id="x", data=[])])
        grew = len(deck.to_json().encode("utf-8")) - len(empty.to_json().encode("utf-8"))
        assert layers._prefix_bytes(totals, n) == 2 + grew
