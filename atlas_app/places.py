"""Choosing a place for a correction: a search over the offline gazetteer (English or Arabic name), or typed
coordinates. The widgets only collect the choice; geo.corrections checks it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

import streamlit as st

from geo.text import fold, normalize

from .style import bilingual, plural

MAX_SHOWN = 50
MODES = {"gazetteer": "A gazetteer place", "coordinates": "Coordinates"}


@dataclass(frozen=True)
class Entry:
    id: str
    label: str
    en: str            # case-folded, accents dropped
    ar: str            # normalized as the pipeline matches Arabic
    curated: bool
    population: int


def label(place) -> str:
    """``Tripoli · طرابلس — city, LY (32.89, 13.19)``."""
    where = ", ".join(x for x in (place.kind, place.country) if x)
    return f"{bilingual(place.name_en, place.name_ar)} — {where} ({place.lat:.2f}, {place.lon:.2f})"


@st.cache_resource(show_spinner="Loading the gazetteer…")
def index() -> dict[str, Entry]:
    """Every gazetteer place, keyed by id, with its search keys (built once per process)."""
    from geo.gazetteer import load_gazetteer
    return {p.id: Entry(p.id, label(p), fold(p.name_en), normalize(p.name_ar or ""), p.source == "curated",
                        p.population or 0) for p in load_gazetteer().places.values()}


def search(query: str, entries: dict[str, Entry], first: list[str] = (), limit: int = MAX_SHOWN) -> list[str]:
    """Ids of the places whose English or Arabic name matches ``query``: exact names, then names starting with
    it, then names with a word starting with it, then names containing it; curated and populous places first.
    An empty query lists ``first`` (e.g. the article's own places), then the curated places."""
    q_en, q_ar = fold(query), normalize(query.strip()) if query.strip() else ""
    if not q_en:
        seen = [i for i in dict.fromkeys(first) if i in entries]
        rest = sorted((e for e in entries.values() if e.curated and e.id not in seen),
                      key=lambda e: (-e.population, e.en))
        return (seen + [e.id for e in rest])[:limit]

    def rank(name: str, q: str) -> int | None:
        if not q or not name:
            return None
        if name == q:
            return 0
        if name.startswith(q):
            return 1
        if any(w.startswith(q) for w in name.replace("-", " ").split()):
            return 2
        return 3 if q in name else None

    hits = []
    for e in entries.values():
        ranks = [r for r in (rank(e.en, q_en), rank(e.ar, q_ar)) if r is not None]
        if ranks:
            hits.append((min(ranks), not e.curated, -e.population, e.en, e.id))
    return [h[-1] for h in sorted(hits)[:limit]]


def choice_key(key: str, query: str) -> str:
    """The session key of the place chosen among the matches of ``query``."""
    return f"{key}_place_{hashlib.sha1(fold(query).encode('utf-8')).hexdigest()[:10]}"


def only(value, options):
    """``value`` if it is one of ``options``, else None. (A selectbox whose options changed under the browser
    returns the label the browser still shows, which is none of them.)"""
    return value if value in options else None


def picker(key: str, first: list[str] = ()) -> Callable[[], dict]:
    """The widgets for choosing a place; returns a function that reads the choice (at click time) as the value
    geo.corrections expects: ``{"place_id"}`` or ``{"lat", "lon", "name"}``."""
    ss = st.session_state
    mode = st.radio("Move it to", list(MODES), format_func=MODES.get, key=f"{key}_mode", horizontal=True)
    if mode == "gazetteer":
        entries = index()
        query = st.text_input("Search the gazetteer", key=f"{key}_q", placeholder="English or Arabic name",
                              help="Exact names first, then names that start with it, then names that contain it.")
        ids = search(query, entries, first)
        if not ids:
            st.caption("No gazetteer place matches that name: try another spelling, or give coordinates.")
        # A new search is a new widget: the browser would otherwise send back its previous choice, which the
        # new options don't hold (Streamlit then returns that choice's label instead of an id).
        chosen = choice_key(key, query)
        st.selectbox("Place", ids, format_func=lambda i: entries[i].label, key=chosen,
                     index=0 if ids else None, placeholder="No match")
        st.caption(f"{plural(len(ids), 'place')} shown"
                   + (f" (the first {MAX_SHOWN}: type more of the name to narrow)" if len(ids) >= MAX_SHOWN else "")
                   + ("." if query.strip() else ", this article's places first."))
        return lambda: {"place_id": only(ss.get(chosen), ids)}
    c1, c2, c3 = st.columns([1, 1, 2])
    c1.number_input("Latitude", value=None, step=0.01, format="%.5f", key=f"{key}_lat", placeholder="e.g. 32.8872")
    c2.number_input("Longitude", value=None, step=0.01, format="%.5f", key=f"{key}_lon", placeholder="e.g. 13.1913")
    c3.text_input("Name of the place (optional)", key=f"{key}_name", max_chars=120)
    return lambda: {"lat": ss.get(f"{key}_lat"), "lon": ss.get(f"{key}_lon"), "name": (ss.get(f"{key}_name") or "").strip()}
