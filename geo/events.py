"""Typed events read from each sentence: visits, front lines and diplomatic flows.

Rules over the sentence's trigger phrases (``data/triggers.csv``), actor and place mentions and
time expressions. Modality (planned vs occurred) comes from cue phrases before the trigger or
destination, and from a date later than publication.
"""
from __future__ import annotations

import bisect
import calendar
import csv
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from .actors import ActorLexicon
from .gazetteer import DATA_DIR, Gazetteer
from .lexicon import Lexicon, Match
from .model import Actor, ActorMention, Article, Event, Place, PlaceMention, Sentence, TimeExpr
from .text import Token, is_punct, normalize

BELLIGERENTS = {"LNA", "GNA", "HoR", "ISIS"}
NOT_DIPLOMATIC = {"ISIS"}
FRONT_KINDS = {"city", "district", "site"}
_JOINERS_RE = re.compile(r"[\s\W_و]*")
_OF_RE = re.compile(r"\W*(?:(?:من|عن|تابع|التابع|يمثل)\W+)?(?:(?:حكومة|قوات|جيش)\W+)?\W*")   # وفد من حكومة «الوفاق»
_TO = {normalize("إلى"), normalize("الى")}
DIRECT_OBJECT_REACH = 4     # a destination right after the trigger: زيارة باريس، وصل القاهرة الثلاثاء
CUE_REACH = 6               # a modality cue governs what follows it within this many tokens
STATE_REACH = 60            # characters: a country standing for its state must be close to the trigger
VENUE_REACH = 20            # tokens from a meeting trigger to the ``في X`` that places it
SIDE_REACH = 120            # characters from a flow trigger to its sides
HOST_REACH = 25             # characters between a reception and its host
APPOSITION = 3              # characters between an office and its holder's name: ``الليبي، المشير``
FRONT_CUE_REACH = 5         # ``يعتزم الجيش الوطني الليبي شن هجوم``
FRONT_REACH = 10            # tokens from a fighting trigger to the place fought over
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
    states: list[ActorMention] = field(default_factory=list)  # countries and capitals standing for states

    def token_before(self, start: int) -> str:
        prev = [t for t in self.tokens if t.end <= start]
        return prev[-1].key if prev else ""

    def introduced_by(self, p: PlaceMention, words: set[str], reach: int = 5) -> bool:
        """Whether one of ``words`` stands before the place, past at most ``reach`` filler tokens
        (punctuation, ``العاصمة``, adjectives…), with no other place or actor in between."""
        prev = [t for t in self.tokens if t.end <= p.start][-reach - 1:]
        for t in reversed(prev):
            if t.key in words:
                return True
            if any(m.start <= t.start < m.end for m in self.places if not m.demonym) or \
                    any(a.start <= t.start < a.end for a in self.actors):
                return False
        return False

    def tokens_between(self, start: int, end: int) -> int:
        return sum(1 for t in self.tokens if start <= t.start < end and not is_punct(t.text))

    def inside_actor(self, p: PlaceMention) -> bool:
        return any(a.start <= p.start and p.end <= a.end for a in self.actors)


def _in_sentence(items: list, starts: list[int], s: Sentence) -> list:
    """The items (sorted by start, with their ``starts``) that begin inside the sentence."""
    return items[bisect.bisect_left(starts, s.start):bisect.bisect_left(starts, s.end)]


def extract_events(article: Article, sentences: list[Sentence], tokens: list[Token],
                   places: list[PlaceMention], actors: list[ActorMention], times: list[TimeExpr],
                   gazetteer: Gazetteer, lexicon: ActorLexicon, triggers: Lexicon[Trigger]) -> list[Event]:
    """All events of an article, sentence by sentence."""
    trig_matches = [(m, t) for m in triggers.find(tokens) for t in m.payloads]
    lists = (tokens, places, actors, times, trig_matches)
    starts = [[x.start for x in xs] for xs in lists[:-1]] + [[m.start for m, _ in trig_matches]]
    events: list[Event] = []
    previous_times: list[TimeExpr] = []
    for s in sentences:
        view = SentenceView(s, *(_in_sentence(xs, st, s) for xs, st in zip(lists, starts)))
        if not view.triggers:
            previous_times = view.times
            continue
        if not view.times and view.tokens and _refers_back(view.tokens):
            view.times = previous_times   # ``جاء ذلك خلال لقاء…`` happened when the sentence before says
        previous_times = view.times
        view.states = _state_actors(view, lexicon)
        visits = _visits(view, article, gazetteer)
        flows = _flows(view, article, gazetteer, {a.id for e in visits for a in e.actors})
        visits = _merge_visits(visits, _visits_implied_by_meetings(flows, gazetteer))
        _add_counterparts(visits, flows)
        _add_hosts(visits, gazetteer, lexicon)
        events += visits + flows + _front_lines(view, article)
    return events


# --- visits ---------------------------------------------------------------------------------

def _visits(v: SentenceView, article: Article, gaz: Gazetteer) -> list[Event]:
    triggers = [(m, t) for m, t in v.triggers if t.type == "visit"]
    found: list[tuple[ActorMention | None, PlaceMention, Match, Trigger, PlaceMention | None]] = []
    for i, (m, trig) in enumerate(triggers):
        seg_end = triggers[i + 1][0].start if i + 1 < len(triggers) else v.sentence.end
        if trig.subtype == "reception":
            visitor, dests = _reception(v, m)
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
                   origin=origin.place if origin else _seat(visitor.actor if visitor else None, gaz))
        _date(ev, v, dest.start, article)
        _set_status(ev, _status(v, m, trig, dest.start, ev, article), article)
        ev.confidence = _confidence(0.55, visitor is not None, ev.date_source == "text", dest.start - m.end)
        out.setdefault((visitor.actor.id if visitor else "", dest.place.id), ev)
    return list(out.values())


def _reception(v: SentenceView, m: Match):
    """``استقبل حفتر في بنغازي وزير الخارجية الإيطالي``, ``مصر تستقبل وفدا من الوفاق``, ``استقبال القاهرة لوفد``:
    the host stands right before or right after the trigger; the guest is the next actor after the
    host; the place is ``في X`` or the host's own place."""
    hosts = v.actors + v.states
    host = next((h for h in reversed(hosts) if h.end <= m.start and m.start - h.end <= HOST_REACH), None) or \
        next((h for h in sorted(hosts, key=lambda h: h.start) if h.start >= m.end and h.start - m.end <= HOST_REACH), None)
    after = max(m.end, host.end if host else 0)
    guest = _delegation_actor(v, m) or next(
        (a for a in v.actors if a.start >= after and (host is None or a.actor.affiliation != host.actor.affiliation)), None)
    if guest is None:
        return None, []
    venue = next((p for p in v.places if p.start >= m.end and _eligible(v, p) and v.introduced_by(p, _IN)), None)
    host_place = next((p for p in v.places if host and p.start == host.start and not p.demonym), None)
    return guest, [d for d in (venue or host_place,) if d is not None]


def _eligible(v: SentenceView, p: PlaceMention) -> bool:
    return not p.demonym and not v.inside_actor(p) and v.token_before(p.start) != _FROM


def _destinations(v: SentenceView, m: Match, seg_end: int) -> list[PlaceMention]:
    """Places in the trigger's segment introduced by ``إلى``, or standing right after the trigger."""
    after = [p for p in v.places if m.end <= p.start < seg_end and _eligible(v, p)]
    return [p for i, p in enumerate(after)
            if v.introduced_by(p, _TO, reach=6) or (i == 0 and v.tokens_between(m.end, p.start) <= DIRECT_OBJECT_REACH
                                           and not v.introduced_by(p, _IN))]


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
        if t.end > m.start and _DELEGATION in t.key and t.start - m.end < 40:
            nxt = next((a for a in v.actors if a.start >= t.end), None)
            if nxt and _OF_RE.fullmatch(v.sentence.text[t.end - v.sentence.start:nxt.start - v.sentence.start]):
                return nxt
    return None


# --- diplomatic flows ------------------------------------------------------------------------

def _flows(v: SentenceView, article: Article, gaz: Gazetteer, visitors: set[str] = frozenset()) -> list[Event]:
    out: dict[frozenset, Event] = {}
    people = [a for a in v.actors if a.actor.affiliation not in NOT_DIPLOMATIC]
    for m, trig in v.triggers:
        if trig.type != "diplomatic_flow":
            continue
        near = [a for a in people if _gap(a, m) <= SIDE_REACH]
        a = (_delegation_actor(v, m) if trig.subtype == "delegation" else None) or _nearest(near, m)
        if a is None or (trig.subtype == "delegation" and a.actor.id in visitors):
            continue   # a delegation's trip is already told by the sentence's visit
        states = [x for x in v.states if _gap(x, m) <= STATE_REACH]
        others = [x for x in near + states if x.actor.affiliation != a.actor.affiliation]
        b = next((x for x in others if x.start >= m.end), None) or _nearest(others, m)
        if b is None:
            continue
        if trig.subtype == "invitation" and _right_after(v, m, people):
            continue   # ``دعوة بومبيو أن…``: Pompeo's appeal, not an invitation to anyone
        if _received(v, m):
            a, b = b, a   # ``تلقى حفتر اتصالا من بومبيو``: the call runs from the caller
        venue = _venue(v, m)
        ev = Event("diplomatic_flow", v.sentence, m.start, m.end, _surface(v, m), subtype=trig.subtype,
                   actors=[a.actor], counterparts=[b.actor],
                   origin=_seat(a.actor, gaz), place=venue.place if venue else _seat(b.actor, gaz))
        _date(ev, v, m.start, article)
        _set_status(ev, _status(v, m, trig, m.start, ev, article), article)
        ev.confidence = _confidence(0.5, True, ev.date_source == "text", abs(b.start - m.end))
        ev.venue = venue is not None
        out.setdefault(frozenset((a.actor.id, b.actor.id)), ev)
    return list(out.values())


def _visits_implied_by_meetings(flows: list[Event], gaz: Gazetteer) -> list[Event]:
    """A meeting held at a named place abroad means the side from elsewhere travelled there
    (``لقاء جمع تاسك والسراج في بروكسل`` -> Sarraj visits Brussels)."""
    out = []
    for f in flows:
        if not f.venue or f.subtype not in ("meeting", "delegation"):
            continue
        for side in f.actors + f.counterparts:
            home = gaz.get(side.home_base)
            if home and home.country != f.place.country and side.kind != "state":
                out.append(Event("visit", f.sentence, f.start, f.end, f.trigger, subtype="visit", actors=[side],
                                 place=f.place, origin=home, date_start=f.date_start, date_end=f.date_end,
                                 date_precision=f.date_precision, date_source=f.date_source, status=f.status,
                                 confidence=round(f.confidence * 0.9, 2)))
    return out


def _merge_visits(visits: list[Event], implied: list[Event]) -> list[Event]:
    """Implied visits only where the sentence has no visit of that actor already."""
    have = {a.id for e in visits for a in e.actors}
    return visits + [e for e in implied if e.actors[0].id not in have]


def _add_hosts(visits: list[Event], gaz: Gazetteer, lex: ActorLexicon) -> None:
    """A visit abroad with nobody named to meet is hosted by the destination's state."""
    for v in visits:
        home = gaz.get(v.actors[0].home_base) if v.actors else v.origin
        host = lex.by_affiliation_state(v.place.country) if v.place.country else None
        if not v.counterparts and host and (home is None or home.country != v.place.country):
            v.counterparts.append(host)


def _add_counterparts(visits: list[Event], flows: list[Event]) -> None:
    """Whom a visitor meets in the same sentence becomes the visit's counterpart."""
    for v in visits:
        ids = {a.id for a in v.actors}
        for f in flows:
            if ids & {a.id for a in f.actors}:
                v.counterparts += [c for c in f.counterparts if c not in v.counterparts]
            elif ids & {a.id for a in f.counterparts}:
                v.counterparts += [c for c in f.actors if c not in v.counterparts]


_RECEIVED = {normalize(w) for w in ("تلقى", "تلقت", "يتلقى", "تتلقى", "تلقي", "تلقيه", "وتلقى", "وتلقت")}


def _received(v: SentenceView, m: Match) -> bool:
    """Whether the trigger is the object of ``تلقى`` (received), a few tokens before it."""
    before = [t.key for t in v.tokens if t.end <= m.start][-8:]
    return any(k in _RECEIVED for k in before)


def _right_after(v: SentenceView, m: Match, actors: list[ActorMention]) -> bool:
    """An actor in the genitive right after the trigger (``دعوة بومبيو``)."""
    nxt = next((t for t in v.tokens if t.start >= m.end), None)
    return nxt is not None and any(a.start == nxt.start for a in actors)


def _venue(v: SentenceView, m: Match) -> PlaceMention | None:
    """Where a meeting happens: ``في X`` soon after the trigger, not a place of fighting."""
    fronts = [c.start for c, t in v.triggers if t.type == "front_line" and c.start >= m.end]
    for p in v.places:
        if p.start < m.end or p.demonym or p.place.kind not in FRONT_KINDS:
            continue
        if v.tokens_between(m.end, p.start) > VENUE_REACH or any(f < p.start for f in fronts):
            return None
        if v.introduced_by(p, _IN):
            return p
    return None


def _state_actors(v: SentenceView, lex: ActorLexicon) -> list[ActorMention]:
    """Countries (``مصر``, ``مصرية``) and capitals (``القاهرة``) named in the sentence, standing for their states."""
    out = []
    for p in v.places:
        stands_for_state = p.place.kind == "country" or (p.place.kind == "city" and p.place.seat)
        state = lex.by_affiliation_state(p.place.country) if stands_for_state else None
        if state:
            out.append(ActorMention(p.start, p.end, p.text, state, v.sentence.index))
    return out


# --- front lines ------------------------------------------------------------------------------

def _front_lines(v: SentenceView, article: Article) -> list[Event]:
    """Places fought over: near a fighting trigger (after it by preference), and the places listed with them."""
    triggers = [(m, t) for m, t in v.triggers if t.type == "front_line"]
    if not triggers:
        return []
    belligerents = [a for a in v.actors if a.actor.affiliation in BELLIGERENTS]
    candidates = [p for p in v.places if not p.demonym and p.place.kind in FRONT_KINDS
                  and not v.inside_actor(p) and p.start not in v.claimed and not _coming_from(v, p)]
    out: dict[str, Event] = {}
    for m, trig in triggers:
        subject = _nearest([a for a in v.actors if _gap(a, m) <= APPOSITION], m)   # قصف الجيش المصري
        parties = list({a.actor.id: a.actor for a in belligerents + ([subject] if subject else [])}.values())
        after = [p for p in candidates if p.start >= m.end and v.tokens_between(m.end, p.start) <= FRONT_REACH]
        before = [p for p in candidates if p.end <= m.start and v.tokens_between(p.end, m.start) <= FRONT_REACH]
        for p in _with_listed(v, candidates, after[:1] or before[-1:]):
            ev = Event("front_line", v.sentence, m.start, m.end, _surface(v, m), subtype="fighting",
                       actors=parties, place=p.place)
            _date(ev, v, m.start, article)
            _set_status(ev, _status(v, m, trig, m.start, ev, article, reach=FRONT_CUE_REACH), article)
            ev.confidence = _confidence(0.5, bool(parties), ev.date_source == "text", _gap(p, m))
            out.setdefault(p.place.id, ev)
    return list(out.values())


def _coming_from(v: SentenceView, p: PlaceMention) -> bool:
    """``قادمة من مدينة الإسكندرية``: a place something comes from is not where the fighting is."""
    before = [t.key for t in v.tokens if t.end <= p.start][-2:]
    return before[-1:] == [_FROM] or before == [_FROM, normalize("مدينة")]


def _with_listed(v: SentenceView, candidates: list[PlaceMention], chosen: list[PlaceMention]) -> list[PlaceMention]:
    """The chosen places plus those coordinated with them (``عين زارة و خلة الفرجان و قصر بن غشير``)."""
    if not chosen:
        return []
    i = candidates.index(chosen[0])
    lo = hi = i
    while lo > 0 and _only_joiners(v, candidates[lo - 1].end, candidates[lo].start):
        lo -= 1
    while hi + 1 < len(candidates) and _only_joiners(v, candidates[hi].end, candidates[hi + 1].start):
        hi += 1
    return candidates[lo:hi + 1]


def _only_joiners(v: SentenceView, start: int, end: int) -> bool:
    """Between two list items stand only punctuation, spaces and ``و`` (attached or not)."""
    return _JOINERS_RE.fullmatch(v.sentence.text[start - v.sentence.start:end - v.sentence.start]) is not None


# --- shared ------------------------------------------------------------------------------------

_BACK_REFERENCES = {(normalize("جاء"), normalize("ذلك")), (normalize("وجاء"), normalize("ذلك")),
                    (normalize("وذلك"),), (normalize("ذلك"),)}


def _refers_back(tokens: list[Token]) -> bool:
    """A sentence opening on ``جاء ذلك`` / ``وذلك`` continues the one before it."""
    keys = [t.key for t in tokens[:2] if not is_punct(t.text)]
    return tuple(keys[:2]) in _BACK_REFERENCES or tuple(keys[:1]) in _BACK_REFERENCES


def _nearest(actors: list[ActorMention], m: Match, after_only: bool = False) -> ActorMention | None:
    """The subject: the closest actor before the trigger, else the closest after it; an office
    followed by its holder's name (``قائد الجيش الوطني الليبي، المشير خليفة حفتر``) is the person."""
    before = [a for a in actors if a.end <= m.start]
    after = [a for a in actors if a.start >= m.end]
    if before and not after_only:
        return before[-1]
    if not after:
        return None
    first = after[0]
    person = next((a for a in after[1:2] if a.actor.kind == "person" and a.start - first.end <= APPOSITION), None)
    return person if first.actor.kind != "person" and person else first


def _gap(x, m: Match) -> int:
    """Characters between a mention and a trigger, whichever comes first."""
    return x.start - m.end if x.start >= m.end else m.start - x.end


def _seat(actor: Actor | None, gaz: Gazetteer) -> Place | None:
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


def _set_status(ev: Event, status: str, article: Article) -> None:
    """Set the status; a planned event dated before publication took the report's date, not its own."""
    ev.status = status
    if status == "planned" and ev.date_source == "text" and article.published and ev.date_end < article.published:
        ev.date_start, ev.date_end = publication_window(article.published, article.published_precision)
        ev.date_precision, ev.date_source = article.published_precision, "published"


def _status(v: SentenceView, m: Match, trig: Trigger, anchor: int, ev: Event, article: Article,
            reach: int = CUE_REACH) -> str:
    """Planned if the date is after publication, else as the nearest modality cue before the anchor
    (within ``reach`` tokens, or right after the trigger: ``لقاء مرتقب``) says, else as the trigger says."""
    if ev.date_source == "text" and article.published and ev.date_start > article.published:
        return "planned"
    cues = [(c, t) for c, t in v.triggers if t.status
            and ((c.start < anchor and v.tokens_between(c.end, anchor) <= reach)
                 or (c.start >= m.end and v.tokens_between(m.end, c.start) <= 1))]
    if cues:
        return max(cues, key=lambda ct: (ct[0].start, ct[1].status == "planned"))[1].status
    return trig.status or "occurred"


def _confidence(base: float, has_actor: bool, dated: bool, distance: int) -> float:
    score = base + (0.2 if has_actor else 0.0) + (0.1 if dated else 0.0) - min(abs(distance), 200) / 1000
    return round(max(0.05, min(score, 0.95)), 2)
