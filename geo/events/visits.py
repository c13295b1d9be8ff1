"""Visits: someone travels somewhere. Read from travel words and their destinations, from
receptions (the guest travels, not the host), and from meetings held away from a side's seat."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import Match
from ..model import ActorMention, Event, PlaceMention
from .sentence import (FROM, IN, TO, Context, SentenceView, confidence, date_and_status,
                       nearest, seat, words)
from .triggers import Trigger

DIRECT_OBJECT_REACH_TOKENS = 4   # a destination right after the trigger: زيارة باريس، وصل القاهرة الثلاثاء
TO_REACH_TOKENS = 6              # from ``إلى`` to its place, past ``العاصمة الفرنسية،``
STAY_GAP_TOKENS = 1              # ``في باريس في جولة``: only the second في between place and noun
ORIGIN_REACH_CHARS = 80          # ``الوفد القادم من غرب ليبيا``
HOST_REACH_CHARS = 25            # between a reception and its host
DELEGATION_REACH_CHARS = 40      # between the trigger and ``وفد``
_DELEGATION = words("وفد")
_OF_RE = re.compile(r"\W*(?:(?:من|عن|تابع|التابع|يمثل)\W+)?(?:(?:حكومة|قوات|جيش)\W+)?\W*")   # وفد من حكومة «الوفاق»


@dataclass(frozen=True)
class VisitCandidate:
    """A reading of one trigger: who went where (and from where)."""
    visitor: ActorMention | None
    destination: PlaceMention
    trigger: Match
    kind: Trigger
    origin: PlaceMention | None

    @property
    def visitor_id(self) -> str:
        return self.visitor.actor.id if self.visitor else ""


def extract(v: SentenceView, ctx: Context, earlier: dict[str, list[Event]]) -> list[Event]:
    found = candidates(v, ctx)
    out: dict[tuple, Event] = {}
    for c in most_specific(found):
        v.claimed.add(c.destination.start)
        visitor = c.visitor.actor if c.visitor else None
        origin = c.origin.place if c.origin else seat(visitor, ctx.gazetteer)
        ev = Event("visit", v.sentence, c.trigger.start, c.trigger.end, v.surface(c.trigger), subtype=c.kind.subtype
                   if c.kind.subtype == "return" else "visit", actors=[visitor] if visitor else [],
                   place=c.destination.place, origin=None if origin == c.destination.place else origin)
        date_and_status(ev, v.around(c.trigger), c.trigger, c.kind, c.destination.start, ctx)
        ev.confidence = confidence(0.55, visitor is not None, ev.date_source == "text",
                                   c.destination.start - c.trigger.end)
        out.setdefault((c.visitor_id, c.destination.place.id), ev)
    return list(out.values())


def candidates(sentence: SentenceView, ctx: Context) -> list[VisitCandidate]:
    """Every (visitor, destination) a travel or reception word of the sentence supports."""
    triggers = sentence.of_kind("visit")
    found = []
    for i, (m, trig) in enumerate(triggers):
        seg_end = triggers[i + 1][0].start if i + 1 < len(triggers) else sentence.sentence.end
        v = sentence.around(m)
        if trig.subtype == "reception":
            visitor, dests = reception(v, m)
        else:
            visitor = delegation_actor(v, m) or nearest(v.actors, m, v)
            if trig.subtype == "return" and (visitor is None or visitor.actor.kind != "person"):
                continue   # ``وعاد إلى ليبيا`` after a body named in passing: whose return is unclear
            dests = destinations(v, m, seg_end, object_allowed=trig.destination != "to") or stay(v, m, trig)
        origin = origin_of(v, m, seg_end)
        if visitor is not None or origin is not None:
            found += [VisitCandidate(visitor, d, m, trig, origin) for d in dests
                      if trig.subtype == "return" or not at_home(visitor, d, ctx)]
    return found


def at_home(visitor: ActorMention | None, dest: PlaceMention, ctx: Context) -> bool:
    """Going to one's own seat, or to one's own country as a whole, is no visit (only a return)."""
    if visitor is None:
        return False
    home = ctx.gazetteer.get(visitor.actor.home_base)
    return dest.place.id == visitor.actor.home_base or (
        home is not None and dest.place.kind == "country" and dest.place.country == home.country)


def reception(v: SentenceView, m: Match) -> tuple[ActorMention | None, list[PlaceMention]]:
    """``استقبل حفتر في بنغازي وزير الخارجية الإيطالي``, ``مصر تستقبل وفدا من الوفاق``, ``استقبال القاهرة لوفد``:
    the host stands right before or right after the trigger; the guest is the next actor after the
    host; the place is ``في X`` or the host's own place."""
    hosts = v.actors + v.states
    host = next((h for h in reversed(hosts) if h.end <= m.start and m.start - h.end <= HOST_REACH_CHARS), None) or \
        next((h for h in sorted(hosts, key=lambda h: h.start)
              if h.start >= m.end and h.start - m.end <= HOST_REACH_CHARS), None)
    after = max(m.end, host.end if host else 0)
    guest = delegation_actor(v, m) or next(
        (a for a in v.actors if a.start >= after and (host is None or a.actor.affiliation != host.actor.affiliation)),
        None)
    if guest is None:
        return None, []
    venue = next((p for p in v.places if p.start >= m.end and eligible(v, p) and v.introduced_by(p, IN)), None)
    host_place = next((p for p in v.places if host and p.start == host.start and not p.demonym), None)
    return guest, [d for d in (venue or host_place,) if d is not None]


def eligible(v: SentenceView, p: PlaceMention) -> bool:
    """A place that can be a destination: a name, not inside an actor's name, not a ``من X``."""
    return not p.demonym and not v.inside_actor(p) and v.token_before(p.start) not in FROM


def destinations(v: SentenceView, m: Match, seg_end: int, object_allowed: bool = True) -> list[PlaceMention]:
    """Places in the trigger's segment introduced by ``إلى``, or standing right after the trigger
    (``زار باريس``; not after a verb that wants ``إلى``: ``تتوجه إيطاليا نحو…`` is Italy heading somewhere),
    with the stops listed alongside them (``جولة إلى روما وباريس وبرلين``)."""
    after = [p for p in v.places if m.end <= p.start < seg_end and eligible(v, p)]
    chosen = [i for i, p in enumerate(after)
              if v.introduced_by(p, TO, reach=TO_REACH_TOKENS)
              or (object_allowed and i == 0 and v.tokens_between(m.end, p.start) <= DIRECT_OBJECT_REACH_TOKENS
                  and not v.introduced_by(p, IN))]
    listed = set(chosen)
    for i in chosen:
        j = i
        while j + 1 < len(after) and v.only_joiners(after[j].end, after[j + 1].start):
            j += 1
            listed.add(j)
    return [after[i] for i in sorted(listed)]


def stay(v: SentenceView, m: Match, trig: Trigger) -> list[PlaceMention]:
    """``حفتر كان في باريس في جولة خارجية``: a visit noun after ``في X`` is a stay at X."""
    if trig.status or v.token_before(m.start) not in IN:
        return []
    before = [p for p in v.places if p.end <= m.start and eligible(v, p) and v.introduced_by(p, IN)]
    return before[-1:] if before and v.tokens_between(before[-1].end, m.start) <= STAY_GAP_TOKENS else []


def most_specific(found: list[VisitCandidate]) -> list[VisitCandidate]:
    """Drop a visitor's country-level destination when a place inside it is one too (US + Washington)."""
    inner = {(c.visitor_id, c.destination.place.country) for c in found if c.destination.place.kind != "country"}
    return [c for c in found
            if not (c.destination.place.kind == "country" and (c.visitor_id, c.destination.place.country) in inner)]


def origin_of(v: SentenceView, m: Match, seg_end: int) -> PlaceMention | None:
    """An explicit ``من X`` near the trigger (``الوفد القادم من غرب ليبيا``)."""
    for p in v.places:
        if not p.demonym and abs(p.start - m.start) < ORIGIN_REACH_CHARS and p.start < seg_end \
                and v.token_before(p.start) in FROM:
            return p
    return None


def delegation_actor(v: SentenceView, m: Match) -> ActorMention | None:
    """``وفد من حكومة الوفاق`` / ``وفد الوفاق``: the actor right after a delegation word."""
    for t in v.tokens:
        if t.end > m.start and any(d in t.key for d in _DELEGATION) and t.start - m.end < DELEGATION_REACH_CHARS:
            nxt = next((a for a in v.actors if a.start >= t.end), None)
            if nxt and _OF_RE.fullmatch(v.between(t.end, nxt.start)):
                return nxt
    return None


# --- what the sentence's flows add to its visits ----------------------------------------------------

def finish(visits: list[Event], flows: list[Event], ctx: Context) -> list[Event]:
    """Visits implied by meetings abroad, whom each visitor met, and the host state of the rest."""
    visits = merge_implied(visits, implied_by_meetings(flows, ctx))
    add_counterparts(visits, flows)
    add_hosts(visits, ctx)
    return visits


def implied_by_meetings(flows: list[Event], ctx: Context) -> list[Event]:
    """A meeting held at a named place abroad means the side from elsewhere travelled there
    (``لقاء جمع تاسك والسراج في بروكسل`` -> Sarraj visits Brussels)."""
    out = []
    for f in flows:
        if not f.venue or f.subtype not in ("meeting", "delegation"):
            continue
        for side in f.actors + f.counterparts:
            home = ctx.gazetteer.get(side.home_base)
            if home and home.country != f.place.country and side.kind != "state":
                out.append(Event("visit", f.sentence, f.start, f.end, f.trigger, subtype="visit", actors=[side],
                                 place=f.place, origin=home, date_start=f.date_start, date_end=f.date_end,
                                 date_precision=f.date_precision, date_source=f.date_source, status=f.status,
                                 confidence=round(f.confidence * 0.9, 2)))
    return out


def merge_implied(visits: list[Event], implied: list[Event]) -> list[Event]:
    """Implied visits only where the sentence has no visit of that actor already."""
    have = {a.id for e in visits for a in e.actors}
    return visits + [e for e in implied if e.actors[0].id not in have]


def add_hosts(visits: list[Event], ctx: Context) -> None:
    """A visit abroad is hosted by the destination's state unless someone of that country is named
    to meet the visitor (a contested state, Libya's, hosts nobody)."""
    for v in visits:
        home = ctx.gazetteer.get(v.actors[0].home_base) if v.actors else v.origin
        host = ctx.actors.by_affiliation_state(v.place.country) if v.place.country else None
        if host is None or ctx.roles.has(host, "contested_state") or (home and home.country == v.place.country):
            continue
        if not any(_country(c, ctx) == v.place.country for c in v.counterparts):
            v.counterparts.append(host)


def _country(actor, ctx: Context) -> str:
    seat_place = ctx.gazetteer.get(actor.home_base)
    return seat_place.country if seat_place else ""


def add_counterparts(visits: list[Event], flows: list[Event]) -> None:
    """Whom a visitor meets in the same sentence becomes the visit's counterpart."""
    for v in visits:
        ids = {a.id for a in v.actors}
        for f in flows:
            if ids & {a.id for a in f.actors}:
                v.counterparts += [c for c in f.counterparts if c not in v.counterparts]
            elif ids & {a.id for a in f.counterparts}:
                v.counterparts += [c for c in f.actors if c not in v.counterparts]
