"""What the optional resources add to the lexicon path: NER entities and online geocodes.

``merge_ner`` runs after the lexicon has found its places and actors. The lexicon's mentions are
kept; an entity that overlaps one marks it ``recognizer="lexicon+ner"``. The rest become new
mentions with ``recognizer="ner"``:

- LOC: looked up in the gazetteer as the lexicon does (clitics stripped from the first word), the
  reading chosen by ``geo.resolve`` with the article's context; a name the gazetteer can't place
  goes to the online geocoder when one is configured, else stays unresolved.
- PERS / ORG: the actor lexicon's actor when the name is in it, else an unknown actor
  (``id="unknown:<normalized name>"``, affiliation ``Unknown``, no home base). A gazetteer place
  inside a person's name the NER found is dropped, as ``geo.pipeline`` does for known people.
- MISC: ignored.

``discount_online`` lowers the confidence of events placed by an online geocode.
"""
from __future__ import annotations

import bisect
import logging
from datetime import date

from .actors import ActorLexicon
from .gazetteer import Gazetteer
from .model import Actor, ActorMention, Article, Event, PlaceMention, Sentence
from .ner import Entity, NerRecognizer, load_ner, report_once
from .online import OnlineGeocoder, load_online
from .resolve import resolve
from .text import Token, clitic_variants, is_punct, normalize, original_offset
from .toponyms import Toponym, find_toponyms

log = logging.getLogger(__name__)

ONLINE_CONFIDENCE = 0.8     # events placed by an online geocode: confidence times this
UNKNOWN_AFFILIATION = "Unknown"
_ACTOR_KINDS = {"PERS": "person", "ORG": "organisation"}


# --- resources ------------------------------------------------------------------------------------

def optional_resources(ner_model: str | None = None, online: bool | None = None,
                       ) -> tuple[NerRecognizer | None, OnlineGeocoder | None]:
    """The NER (from ``ner_model``, else the environment) and online geocoder (``online``, else the
    environment), each None unless configured. Online geocoding without NER has nothing to ask."""
    ner = load_ner(ner_model)
    geocoder = load_online(online)
    if geocoder is not None and ner is None:
        report_once("online-without-ner",
                    "online geocoding is on but neural NER is off: only place names the NER finds outside the "
                    "gazetteer are sent to Nominatim, so nothing will be asked (set --ner-model or $ATLAS_NER_MODEL)")
    return ner, geocoder


def resources_for(ner_model: str | None = None, online: bool | None = None):
    """``load_resources()`` when nothing is asked for, else the same lexicons with these options."""
    from .actors import load_actors
    from .events import load_triggers
    from .gazetteer import load_gazetteer
    from .pipeline import Resources, load_resources
    if ner_model is None and not online:
        return load_resources()
    ner, geocoder = optional_resources(ner_model, True if online else None)
    return Resources(load_gazetteer(), load_actors(), load_triggers(), ner, geocoder)


# --- merging --------------------------------------------------------------------------------------

def merge_ner(article: Article, sentences: list[Sentence], tokens: list[Token], places: list[PlaceMention],
              actors: list[ActorMention], ner: NerRecognizer, gazetteer: Gazetteer, lexicon: ActorLexicon,
              online: OnlineGeocoder | None = None,
              toponyms: list[Toponym] | None = None) -> tuple[list[PlaceMention], list[ActorMention]]:
    """The lexicon's places and actors plus the NER's, without duplicates, each sorted by start."""
    text = article.text
    entities = ner.find_entities(text, sentences, tokens)
    if not entities:
        return places, actors
    places, actors = list(places), list(actors)
    starts = [t.start for t in tokens]
    locs = [e for e in entities if e.label == "LOC"]
    people = [e for e in entities if e.label in _ACTOR_KINDS]

    if toponyms is None:   # the lexicon's readings of the whole article: context for resolving the NER's
        toponyms = find_toponyms(text, tokens, gazetteer)
    new_places = _ner_places(text, tokens, starts, locs, places, actors, gazetteer, online, toponyms)
    new_actors = _ner_actors(text, tokens, starts, people, places + new_places, actors, lexicon, article.published)
    names = [(a.start, a.end) for a in new_actors if a.actor.kind == "person"]
    places = [p for p in places + new_places
              if p.demonym or not any(s <= p.start and p.end <= e and (s, e) != (p.start, p.end) for s, e in names)]
    return sorted(places, key=lambda m: (m.start, m.end)), sorted(actors + new_actors, key=lambda m: (m.start, m.end))


def _overlapping(e: Entity, mentions: list) -> list:
    return [m for m in mentions if m.start < e.end and e.start < m.end]


def _also_found(e: Entity, mentions: list) -> bool:
    """Whether the lexicon already found this entity; such mentions are marked as found by both."""
    hits = _overlapping(e, mentions)
    for m in hits:
        m.recognizer = "lexicon+ner"
    return bool(hits)


def _words(tokens: list[Token], starts: list[int], e: Entity) -> tuple[int, list[Token]]:
    """The index of the entity's first token, and its tokens other than punctuation."""
    lo, hi = bisect.bisect_left(starts, e.start), bisect.bisect_left(starts, e.end)
    words = [t for t in tokens[lo:hi] if not is_punct(t.text)]
    return (bisect.bisect_left(starts, words[0].start) if words else lo), words


def _ner_places(text, tokens, starts, locs, places, actors, gazetteer, online, toponyms) -> list[PlaceMention]:
    readings: list[tuple[Entity, list[Toponym]]] = []
    for e in locs:
        if _also_found(e, places):
            continue
        if _overlapping(e, actors):
            continue      # a place name inside a known actor's name (حكومة الوفاق، فائز السراج)
        readings.append((e, _toponyms(text, tokens, starts, e, gazetteer)))
    out: list[PlaceMention] = []
    found = [t for _, ts in readings for t in ts]
    if found:
        ours = {(t.start, t.end) for t in found}
        for m in resolve(list(toponyms) + found):   # the article's other names give resolve its context
            if (m.start, m.end) in ours:
                m.recognizer = "ner"
                out.append(m)
    if online is not None:
        for e, _ in readings:
            if not _overlapping(e, out):      # the gazetteer has no plausible reading of it
                m = _online_place(text, tokens, starts, e, online)
                if m is not None:
                    out.append(m)
    return out


def _toponyms(text: str, tokens: list[Token], starts: list[int], e: Entity, gazetteer: Gazetteer) -> list[Toponym]:
    """The gazetteer's readings of a NER span: the whole span as one name (clitics stripped from
    its first word), else the gazetteer names inside it. Locative cues are not required: the NER
    vouches that the span names a place."""
    first, words = _words(tokens, starts, e)
    if not words:
        return []
    last = bisect.bisect_left(starts, words[-1].start) + 1
    rest = " ".join(t.key for t in words[1:])
    previous = tokens[first - 1].key if first > 0 else ""
    for cut, stem in clitic_variants(words[0].key):
        entries = tuple(gazetteer.names.lookup(f"{stem} {rest}".strip()))
        if entries:
            start = words[0].start + (original_offset(words[0].text, cut) if cut else 0)
            # the NER vouches for the span: as good as a locative cue for a packaged town
            return [Toponym(start, words[-1].end, text[start:words[-1].end], entries, first, last, previous, cue=True)]
    out = []
    for m in gazetteer.names.find(tokens[first:last]):
        i = first + m.first
        out.append(Toponym(m.start, m.end, text[m.start:m.end], tuple(m.payloads), i, first + m.last,
                           tokens[i - 1].key if i > 0 else "", cue=True))
    return out


def _online_place(text, tokens, starts, e: Entity, online: OnlineGeocoder) -> PlaceMention | None:
    """Ask the online geocoder for the name as written, then without the proclitics of its first word."""
    _, words = _words(tokens, starts, e)
    if not words:
        return None
    end = words[-1].end
    for start in _online_starts(words[0]):
        answered, place = online.ask(text[start:end])
        if place is not None:
            return PlaceMention(start, end, text[start:end], place, recognizer="ner")
        if not answered:
            return None       # a failure: no second request for the same name
    return None


def _online_starts(first: Token) -> list[int]:
    """Where the name may begin: the word as written, then after its clitics (``و``/``ب``/``ل``...),
    preferring a cut that leaves the article ``ال``, else a stem of four letters or more (``وادي``
    is not ``و`` + ``ادي``); at most two queries per name."""
    variants = [(cut, stem) for cut, stem in clitic_variants(first.key) if cut]
    with_article = [cut for cut, stem in variants if stem.startswith("ال")]
    cuts = [cut for cut, stem in variants if len(stem) >= 4]
    best = max(with_article) if with_article else (min(cuts) if cuts else None)
    out = [first.start]
    if best is not None:
        out.append(first.start + original_offset(first.text, best))
    return out


def _ner_actors(text, tokens, starts, people, places, actors, lexicon: ActorLexicon, published: date | None,
                ) -> list[ActorMention]:
    out: list[ActorMention] = []
    for e in people:
        if _also_found(e, actors):
            continue
        if any(p.start <= e.start and e.end <= p.end for p in places):
            continue      # the gazetteer's place (a country the model calls an organisation)
        _, words = _words(tokens, starts, e)
        if not words:
            continue
        known = _known_actor(words, lexicon, published)
        if known is not None:
            actor, cut = known
            start = words[0].start + (original_offset(words[0].text, cut) if cut else 0)
        else:
            start = words[0].start
            actor = unknown_actor(text[start:words[-1].end], _ACTOR_KINDS[e.label])
        end = words[-1].end
        out.append(ActorMention(start, end, text[start:end], actor, recognizer="ner"))
    return out


def _known_actor(words: list[Token], lexicon: ActorLexicon, published: date | None) -> tuple[Actor, int] | None:
    """The lexicon's actor named by exactly these words (clitics stripped from the first), if one."""
    rest = " ".join(t.key for t in words[1:])
    for cut, stem in clitic_variants(words[0].key):
        refs = [r for r in lexicon.names.lookup(f"{stem} {rest}".strip()) if r.valid_on(published)]
        ids = {r.actor_id for r in refs}
        if len(ids) == 1:
            return lexicon.actors[ids.pop()], cut
    return None


def unknown_actor(name: str, kind: str) -> Actor:
    """An actor the lexicon doesn't know: named as written, affiliation ``Unknown``, no home base."""
    name = " ".join(name.split())
    return Actor(id=f"unknown:{normalize(name)}", name_en=name, name_ar=name, kind=kind,
                 affiliation=UNKNOWN_AFFILIATION, home_base="")


# --- confidence -----------------------------------------------------------------------------------

def discount_online(events: list[Event], factor: float = ONLINE_CONFIDENCE) -> None:
    """Events whose place or origin comes from an online geocode are less certain."""
    for ev in events:
        if any(p is not None and p.source == "nominatim" for p in (ev.place, ev.origin)):
            ev.confidence = round(ev.confidence * factor, 2)

