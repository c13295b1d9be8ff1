"""The offline gazetteer behind geopy's geocoder interface.

``GazetteerGeocoder().geocode("طرابلس")`` returns a ``geopy.location.Location`` like any geopy
geocoder, so it can be chained with geopy's online ones where a user allows the network.
Nothing here opens a connection.
"""
from __future__ import annotations

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .gazetteer import Gazetteer, load_gazetteer
from .model import Place
from .resolve import REGION_PRIOR, score


class GazetteerGeocoder(Geocoder):
    """Looks a name (Arabic, or English as in the gazetteer) up offline; context decides among namesakes."""

    def __init__(self, gazetteer: Gazetteer | None = None, prior: dict[str, float] | None = None):
        super().__init__(user_agent="atlas-offline")
        self.gazetteer = gazetteer or load_gazetteer()
        self.prior = REGION_PRIOR if prior is None else prior
        self._english: dict[str, list[Place]] = {}
        for p in self.gazetteer.places.values():
            self._english.setdefault(p.name_en.casefold(), []).append(p)

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes: str | list[str] | None = None,
                context: set[str] | None = None):
        """The best reading of ``query`` (or all, best first); ``country_codes`` limits, ``context`` favours."""
        places = self.gazetteer.candidates(query) or self._english.get(query.strip().casefold(), [])
        if country_codes:
            allowed = {c.upper() for c in ([country_codes] if isinstance(country_codes, str) else country_codes)}
            places = [p for p in places if p.country in allowed]
        ranked = sorted(places, key=lambda p: -score(p, context or set(), self.prior))
        locations = [to_location(p) for p in ranked]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None


def to_location(p: Place) -> Location:
    label = f"{p.name_en} ({p.name_ar}), {p.country}" if p.country else f"{p.name_en} ({p.name_ar})"
    return Location(label, (p.lat, p.lon), {"id": p.id, "kind": p.kind, "country": p.country,
                                            "name_en": p.name_en, "name_ar": p.name_ar, "source": p.source})
