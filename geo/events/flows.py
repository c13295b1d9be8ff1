"""Diplomatic flows: contacts between two sides of different affiliation (calls, meetings,
delegations, invitations, mediation, support, statements), placed at the venue the sentence
names, else at the counterpart's seat."""
from __future__ import annotations

from ..lexicon import Match
from ..model import ActorMention, Event, PlaceMention
from .sentence import IN, Context, SentenceView, confidence, date_and_status, gap, nearest, seat, words
from .visits import delegation_actor

SIDE_REACH_CHARS = 120        # from a flow trigger to its sides
STATE_REACH_CHARS = 60        # a country standing for its state must be close to the trigger
VENUE_REACH_TOKENS = 20       # from a meeting trigger to the ``في X`` that places it
VENUE_KINDS = {"city", "district", "site"}
_RECEIVED = words("تلقى", "تلقت", "يتلقى", "تتلقى", "تلقي", "تلقيه", "وتلقى", "وتلقت")
RECEIVED_REACH_TOKENS = 8


def extract(v: SentenceView, ctx: Context, earlier: dict[str, list[Event]]) -> list[Event]:
    visitors = {a.id for e in earlier.get("visit", ()) for a in e.actors}
    out: dict[frozenset, Event] = {}
    people = [a for a in v.actors if not ctx.roles.has(a.actor, "not_diplomatic")]
    for m, trig in v.of_kind("diplomatic_flow"):
        near = [a for a in people if gap(a, m) <= SIDE_REACH_CHARS]
        a = (delegation_actor(v, m) if trig.subtype == "delegation" else None) or nearest(near, m)
        if a is None or (trig.subtype == "delegation" and a.actor.id in visitors):
            continue   # a delegation's trip is already told by the sentence's visit
        states = [x for x in v.states if gap(x, m) <= STATE_REACH_CHARS]
        others = [x for x in near + states if x.actor.affiliation != a.actor.affiliation]
        b = next((x for x in others if x.start >= m.end), None) or nearest(others, m)
        if b is None:
            continue
        if trig.subtype == "invitation" and right_after(v, m, people):
            continue   # ``دعوة بومبيو أن…``: Pompeo's appeal, not an invitation to anyone
        if received(v, m):
            a, b = b, a   # ``تلقى حفتر اتصالا من بومبيو``: the call runs from the caller
        place = venue(v, m)
        ev = Event("diplomatic_flow", v.sentence, m.start, m.end, v.surface(m), subtype=trig.subtype,
                   actors=[a.actor], counterparts=[b.actor],
                   origin=seat(a.actor, ctx.gazetteer), place=place.place if place else seat(b.actor, ctx.gazetteer))
        date_and_status(ev, v, m, trig, m.start, ctx)
        ev.confidence = confidence(0.5, True, ev.date_source == "text", abs(b.start - m.end))
        ev.venue = place is not None
        out.setdefault(frozenset((a.actor.id, b.actor.id)), ev)
    return list(out.values())


def received(v: SentenceView, m: Match) -> bool:
    """Whether the trigger is the object of ``تلقى`` (received), a few tokens before it."""
    return any(k in _RECEIVED for k in v.keys_before(m.start, RECEIVED_REACH_TOKENS))


def right_after(v: SentenceView, m: Match, actors: list[ActorMention]) -> bool:
    """An actor in the genitive right after the trigger (``دعوة بومبيو``)."""
    nxt = next((t for t in v.tokens if t.start >= m.end), None)
    return nxt is not None and any(a.start == nxt.start for a in actors)


def venue(v: SentenceView, m: Match) -> PlaceMention | None:
    """Where a meeting happens: ``في X`` soon after the trigger, not a place of fighting."""
    fronts = [c.start for c, t in v.triggers if t.type == "front_line" and c.start >= m.end]
    for p in v.places:
        if p.start < m.end or p.demonym or p.place.kind not in VENUE_KINDS:
            continue
        if v.tokens_between(m.end, p.start) > VENUE_REACH_TOKENS or any(f < p.start for f in fronts):
            return None
        if v.introduced_by(p, IN):
            return p
    return None
