"""Typed events read from each sentence: visits, front lines and diplomatic flows.

Rules over the sentence's trigger phrases (``data/triggers.csv``), actor and place mentions and
time expressions. Modality (planned vs occurred) comes from cue phrases before the trigger or
destination, and from a date later than publication.
"""
from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from .actors import ActorLexicon
from .gazetteer import DATA_DIR, Gazetteer
from .lexicon import Lexicon, Match
from .model import Actor, ActorMention, Article, Event, Place, PlaceMention, Sentence, TimeExpr
from .text import Token, normalize

BELLIGERENTS = {"LNA", "GNA", "HoR", "ISIS"}
FRONT_KINDS = {"city", "district", "site"}
_TO = normalize("إلى")
_FROM = normalize("من")
_IN = {normalize("في"), normalize("فى")}
_DELEGATION = normalize("وفد")


@dataclass(frozen=True)
class Trigger:
    type: str       # visit | front_line | diplomatic_flow | cue
    subtype: str
    status: str     # occurred | planned | "" (the sentence decides)


@lru_cache(maxsize=4)
def load_triggers(data_dir: Path = DATA_DIR) -> Lexicon[Trigger]:
    lex: Lexicon[Trigger] = Lexicon()
    with open(data_dir / "triggers.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            trig = Trigger(r["type"], r["subtype"], r["status"])
            for phrase in r["phrase_ar"].split("|"):
                lex.add(phrase, trig)
    return lex


@dataclass
class SentenceView:
    """Everything found in one sentence, ordered by position."""
    sentence: Sentence
    tokens: list[Token]
    places: list[PlaceMention]
    actors: list[ActorMention]
    times: list[TimeExpr]
    triggers: list[tuple[Match, Trigger]]
    claimed: set[int] = field(default_factory=set)   # starts of places taken as visit destinations

    def token_before(self, start: int) -> str:
        prev = [t for t in self.tokens if t.end <= start]
        return prev[-1].key if prev else ""

    def inside_actor(self, p: PlaceMention) -> bool:
        return any(a.start <= p.start and p.end <= a.end for a in self.actors)


def extract_events(article: Article, sentences: list[Sentence], tokens: list[Token],
                   places: list[PlaceMention], actors: list[ActorMention], times: list[TimeExpr],
                   gazetteer: Gazetteer, lexicon: ActorLexicon, triggers: Lexicon[Trigger]) -> list[Event]:
    """All events of an article, sentence by sentence."""
    trig_matches = [(m, t) for m in triggers.find(tokens) for t in m.payloads]
    events: list[Event] = []
    for s in sentences:
        def inside(x):
            return s.start <= x.start and x.end <= s.end
        view = SentenceView(s, [t for t in tokens if inside(t)], [p for p in places if inside(p)],
                            [a for a in actors if inside(a)], [t for t in times if inside(t)],
                            [(m, t) for m, t in trig_matches if inside(m)])
        if not view.triggers:
            continue
        found = _visits(view, article, gazetteer, lexicon)
        found += _flows(view, article, gazetteer, lexicon)
        found += _front_lines(view, article)
        events += found
    return events


# --- visits ---------------------------------------------------------------------------------

def _visits(v: SentenceView, article: Article, gaz: Gazetteer, lex: ActorLexicon) -> list[Event]:
    triggers = [(m, t) for m, t in v.triggers if t.type == "visit"]
    found: list[tuple[ActorMention | None, PlaceMention, Match, Trigger, PlaceMention | None]] = []
    for i, (m, trig) in enumerate(triggers):
        seg_end = triggers[i + 1][0].start if i + 1 < len(triggers) else v.sentence.end
        if trig.subtype == "reception":
            visitor = _nearest(v.actors, m, after_only=True)
            dests = [p for p in v.places if _eligible(v, p) and (p.end <= m.start or p.start >= m.end)]
            dests = sorted(dests, key=lambda p: abs(p.start - m.start))[:1]
        else:
            visitor = _delegation_actor(v, m) or _nearest(v.actors, m)
            dests = _destinations(v, m, seg_end)
        origin = _origin(v, m, seg_end)
        if visitor is not None or origin is not None:
            found += [(visitor, d, m, trig, origin) for d in dests
                      if not (visitor and d.place.id == visitor.actor.home_base)]
    out: dict[tuple, Event] = {}
    for visitor, dest, m, trig, origin in _most_specific(found):
        v.claimed.add(dest.start)
        ev = Event("visit", v.sentence, m.start, m.end, _surface(v, m), subtype="visit",
                   actors=[visitor.actor] if visitor else [], place=dest.place,
                   origin=origin.place if origin else _seat(visitor.actor if visitor else None, gaz, lex))
        _date(ev, v, dest.start, article)
        ev.status = _status(v, m, trig, dest.start, ev, article)
        ev.confidence = _confidence(0.55, visitor is not None, ev.date_source == "text", dest.start - m.end)
        out.setdefault((visitor.actor.id if visitor else "", dest.place.id), ev)
    return list(out.values())


def _eligible(v: SentenceView, p: PlaceMention) -> bool:
    return not p.demonym and not v.inside_actor(p) and v.token_before(p.start) != _FROM


def _destinations(v: SentenceView, m: Match, seg_end: int) -> list[PlaceMention]:
    """The first place after the trigger, and every place after an ``إلى`` in the trigger's segment."""
    after = [p for p in v.places if m.end <= p.start < seg_end and _eligible(v, p)]
    dests = after[:1]
    for p in after[1:]:
        between = [t.key for t in v.tokens if m.end <= t.start < p.start]
        if _TO in between[-4:]:
            dests.append(p)
    return dests


def _most_specific(found: list[tuple]) -> list[tuple]:
    """Drop a visitor's country-level destination when a place inside it is one too (US + Washington)."""
    inner = {(f[0].actor.id if f[0] else "", f[1].place.country) for f in found if f[1].place.kind != "country"}
    return [f for f in found
            if not (f[1].place.kind == "country" and (f[0].actor.id if f[0] else "", f[1].place.country) in inner)]


def _origin(v: SentenceView, m: Match, seg_end: int) -> PlaceMention | None:
    """An explicit ``من X`` near the trigger (``الوفد القادم من غرب ليبيا``)."""
    for p in v.places:
        if not p.demonym and abs(p.start - m.start) < 80 and p.start < seg_end and v.token_before(p.start) == _FROM:
            return p
    return None


def _delegation_actor(v: SentenceView, m: Match) -> ActorMention | None:
    """``وفد من حكومة الوفاق`` / ``وفد الوفاق``: the actor right after a delegation word."""
    for t in v.tokens:
        if t.start >= m.start and _DELEGATION in t.key and t.start - m.end < 40:
            nxt = [a for a in v.actors if 0 <= a.start - t.end < 25]
            if nxt:
                return nxt[0]
    return None


# --- diplomatic flows ------------------------------------------------------------------------

def _flows(v: SentenceView, article: Article, gaz: Gazetteer, lex: ActorLexicon) -> list[Event]:
    out: dict[frozenset, Event] = {}
    sides = v.actors + _state_actors(v, lex)
    for m, trig in v.triggers:
        if trig.type != "diplomatic_flow":
            continue
        a = (_delegation_actor(v, m) if trig.subtype == "delegation" else None) or _nearest(v.actors, m)
        if a is None:
            continue
        others = [x for x in sides if x.actor.affiliation != a.actor.affiliation]
        b = next((x for x in sorted(others, key=lambda x: x.start) if x.start >= m.end), None) \
            or _nearest(others, m)
        if b is None:
            continue
        venue = next((p for p in v.places if p.start >= m.end and not p.demonym and p.place.kind in FRONT_KINDS
                      and v.token_before(p.start) in _IN), None)
        ev = Event("diplomatic_flow", v.sentence, m.start, m.end, _surface(v, m), subtype=trig.subtype,
                   actors=[a.actor], counterparts=[b.actor],
                   origin=_seat(a.actor, gaz, lex), place=venue.place if venue else _seat(b.actor, gaz, lex))
        _date(ev, v, m.start, article)
        ev.status = _status(v, m, trig, m.start, ev, article)
        ev.confidence = _confidence(0.5, True, ev.date_source == "text", abs(b.start - m.end))
        out.setdefault(frozenset((a.actor.id, b.actor.id)), ev)
    return list(out.values())


def _state_actors(v: SentenceView, lex: ActorLexicon) -> list[ActorMention]:
    """Countries named in the sentence (``مصر``, ``مصرية``) standing for their states."""
    out = []
    for p in v.places:
        state = lex.by_affiliation_state(p.place.country) if p.place.kind == "country" else None
        if state:
            out.append(ActorMention(p.start, p.end, p.text, state, v.sentence.index))
    return out


# --- front lines ------------------------------------------------------------------------------

def _front_lines(v: SentenceView, article: Article) -> list[Event]:
    triggers = [(m, t) for m, t in v.triggers if t.type == "front_line"]
    if not triggers:
        return []
    parties = list({a.actor.id: a.actor for a in v.actors if a.actor.affiliation in BELLIGERENTS}.values())
    out: dict[str, Event] = {}
    for p in v.places:
        if p.demonym or p.place.kind not in FRONT_KINDS or v.inside_actor(p) or p.start in v.claimed:
            continue
        m, trig = min(triggers, key=lambda mt: abs(mt[0].start - p.start))
        ev = Event("front_line", v.sentence, m.start, m.end, _surface(v, m), subtype="fighting",
                   actors=parties, place=p.place)
        _date(ev, v, m.start, article)
        ev.status = _status(v, m, trig, p.start, ev, article)
        ev.confidence = _confidence(0.5, bool(parties), ev.date_source == "text", abs(p.start - m.start))
        out.setdefault(p.place.id, ev)
    return list(out.values())


# --- shared ------------------------------------------------------------------------------------

def _nearest(actors: list[ActorMention], m: Match, after_only: bool = False) -> ActorMention | None:
    """The subject: the closest actor before the trigger, else the closest after it."""
    before = [a for a in actors if a.end <= m.start]
    after = [a for a in actors if a.start >= m.end]
    if before and not after_only:
        return before[-1]
    return after[0] if after else None


def _seat(actor: Actor | None, gaz: Gazetteer, lex: ActorLexicon) -> Place | None:
    return gaz.get(actor.home_base) if actor else None


def _surface(v: SentenceView, m: Match) -> str:
    s = v.sentence
    return s.text[m.start - s.start:m.end - s.start]


def _date(ev: Event, v: SentenceView, anchor: int, article: Article) -> None:
    """The time expression of the sentence nearest the anchor, else the publication date."""
    if v.times:
        t = min(v.times, key=lambda t: abs(t.start - anchor))
        ev.date_start, ev.date_end, ev.date_precision, ev.date_source = t.date_start, t.date_end, t.precision, "text"
    elif article.published:
        ev.date_start, ev.date_end = publication_window(article.published, article.published_precision)
        ev.date_precision, ev.date_source = article.published_precision, "published"


def publication_window(day: date, precision: str) -> tuple[date, date]:
    """The days a publication date stands for: one day, or its whole month or year."""
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    return day, day


def _status(v: SentenceView, m: Match, trig: Trigger, anchor: int, ev: Event, article: Article) -> str:
    """Planned if a date after publication, or the latest modality cue before the anchor, says so."""
    if ev.date_source == "text" and article.published and ev.date_start > article.published:
        return "planned"
    cues = [(c, t) for c, t in v.triggers if t.status and c.start < anchor and (t.type == "cue" or c is m)]
    if cues:
        return max(cues, key=lambda ct: (ct[0].start, ct[1].status == "planned"))[1].status
    return trig.status or "occurred"


def _confidence(base: float, has_actor: bool, dated: bool, distance: int) -> float:
    score = base + (0.2 if has_actor else 0.0) + (0.1 if dated else 0.0) - min(abs(distance), 200) / 1000
    return round(max(0.05, min(score, 0.95)), 2)
