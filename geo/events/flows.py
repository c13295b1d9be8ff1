"""Diplomatic flows: contacts between two sides of different affiliation (calls, meetings,
delegations, invitations, mediation, support, statements), placed at the venue the sentence
names, else at the counterpart's seat."""
from __future__ import annotations

import re

from ..lexicon import Match
from ..model import ActorMention, Event, PlaceMention
from ..text import normalize
from .kinds import KINDS
from .sentence import (APPOSITION_CHARS, AT_PLACE, FROM, IN, TO, Context, SentenceView, cancelled, confidence,
                       date_and_status, gap, nearest, seat, words)
from .visits import delegation_actor

# From a flow trigger to its sides. An agreement or support names its parties in its own phrase
# (``اتفاق أمريكي روسي``, ``وقع الطرفان اتفاقا``): ``الاتفاق`` far from anyone is a topic, not a flow.
SIDE_REACH_CHARS = {"": 120, "agreement": 40, "support": 40}
STATE_SUBJECT_REACH_CHARS = 25  # a state acting: ``باريس تستضيف``, ``اعتذرت الحكومة البريطانية``
STATE_REACH_CHARS = 60        # a country standing for its state must be close to the trigger
VENUE_REACH_TOKENS = 20       # from a meeting trigger to the ``في X`` that places it
VENUE_KINDS = {"city", "district", "site"}
_RECEIVED = words("تلقى", "تلقت", "يتلقى", "تتلقى", "تلقي", "تلقيه", "وتلقى", "وتلقت")
RECEIVED_REACH_TOKENS = 8
_BETWEEN = words("بين", "وبين")
SOURCE_REACH_TOKENS = 4      # ``من رئيسة الوزراء، تيريزا ماي``
NOT_DIPLOMATIC_REACH_TOKENS = 1
AGENT_REACH_TOKENS = 3       # ``الوساطة التي قامت بها``
_AGENT = words("بها", "به")   # the last word of ``قام به``/``قامت بها``/``التي يقوم بها``
_PARTY_LIST_RE = re.compile(r"[\s\W_]*و?[^\s]*(?:\s+[^\s]+){0,5}?[\s\W_]*")
BETWEEN_REACH_TOKENS = 5      # ``جلسة عقدت يوم امس السبت بين``; further, بين is some other noun's
_RANK = {s: i for i, s in enumerate(KINDS["diplomatic_flow"].subtypes)}   # the registry lists the telling first
_SUBJECT_ENDINGS = tuple(normalize(e) for e in ("ه", "ها", "هما", "هم", "يا", "وا"))
_LISTED_RE = re.compile(r"[\s\W_]*(?:و|ومع|وبين|وكذلك|إضافة إلى)?[\s\W_]*(?:ال)?(?:رئيس|وزير|مبعوث|الرئيس|قائد)?[\s\W_]*")


def extract(sentence: SentenceView, ctx: Context, earlier: dict[str, list[Event]]) -> list[Event]:
    visitors = {a.id for e in earlier.get("visit", ()) for a in e.actors}
    out: dict[frozenset, Event] = {}
    for m, trig in sentence.of_kind("diplomatic_flow"):
        v = sentence.around(m)
        people = [a for a in v.actors if not ctx.roles.has(a.actor, "not_diplomatic")]
        if cancelled(v, m, "not_diplomatic", NOT_DIPLOMATIC_REACH_TOKENS):
            continue   # ``جلسات تحقيق``: a court's sessions, not talks
        found = sides_of(v, m, trig, people)
        if found is None:
            continue
        a, sides = found
        if trig.subtype == "delegation" and a.actor.id in visitors:
            continue   # a delegation's trip is already told by the sentence's visit
        if trig.subtype == "invitation" and right_after(v, m, people):
            continue   # ``دعوة بومبيو أن…``: Pompeo's appeal, not an invitation to anyone
        place = venue(v, m)
        ev = Event("diplomatic_flow", v.sentence, m.start, m.end, v.surface(m), subtype=trig.subtype,
                   actors=[a.actor], counterparts=[x.actor for x in sides],
                   origin=seat(a.actor, ctx.gazetteer),
                   place=place.place if place else seat(sides[0].actor, ctx.gazetteer))
        date_and_status(ev, v, m, trig, m.start, ctx)
        ev.confidence = confidence(0.5, True, ev.date_source == "text", min(gap(x, m) for x in sides))
        ev.venue = place is not None
        key = frozenset((a.actor.id, sides[0].actor.id))
        if key not in out or _RANK[ev.subtype] < _RANK[out[key].subtype]:
            out[key] = ev   # ``دعا بومبيو، في اتصال هاتفي مع شكري``: the call, the more telling reading
    return list(out.values())


def sides_of(v: SentenceView, m: Match, trig, people: list[ActorMention]
             ) -> tuple[ActorMention, list[ActorMention]] | None:
    """Who the flow runs from, and to whom: the parties after ``بين``; else the subject (the agent
    of ``قامت بها``, a delegation's owner, the nearest side) and the sides of another affiliation,
    turned round when the trigger is received (``تلقى اتصالا من``) or sent from someone (``رسالة من``)."""
    reach = SIDE_REACH_CHARS.get(trig.subtype, SIDE_REACH_CHARS[""])
    near = [a for a in people if gap(a, m) <= reach]
    states = [x for x in v.states if gap(x, m) <= min(reach, STATE_REACH_CHARS)]
    doer = agent(v, m, near + states)
    if trig.subtype != "delegation":   # a delegation is one side's
        parties = between_sides(v, m, people + [x for x in v.named_states if gap(x, m) <= STATE_REACH_CHARS])
        if parties and doer:
            return doer, [x for x in parties if x.actor.id != doer.actor.id]
        if parties:
            return parties[0], parties[1:]
    a = doer or (delegation_actor(v, m) if trig.subtype == "delegation" else None) or \
        subject(v, m, near, [] if trig.subtype == "delegation" else states)
    if a is None:
        return None
    others = [x for x in near + states if x.actor.affiliation != a.actor.affiliation]
    sender = source(v, m, others)
    b = next((x for x in others if x.start >= m.end), None) or nearest(others, m, v)
    if b is None:
        return None
    if received(v, m):
        return b, [a]   # ``تلقى حفتر اتصالا من بومبيو``: the call runs from the caller
    if sender is not None:
        return sender, [a]   # ``سلم السفير بلحاج رسالة اعتذار من رئيسة الوزراء``
    return a, counterparts(v, b, others)


def between_sides(v: SentenceView, m: Match, sides: list[ActorMention]) -> list[ActorMention] | None:
    """``جلسة … بين الطرفين التونسي والليبي``, ``اجتماع بين محمد بن زايد والسيسي والسراج وحفتر``: every
    party named after ``بين`` following the trigger, the first as host; at least two affiliations. Two
    sides so named may be states whose bare name stands for nobody elsewhere (Libya's)."""
    at = next((t for t in v.tokens if t.start >= m.end and t.key in _BETWEEN
               and v.tokens_between(m.end, t.start) <= BETWEEN_REACH_TOKENS), None)
    if at is None:
        return None
    after = sorted((x for x in sides if x.start >= at.end), key=lambda x: x.start)
    if not after:
        return None
    out = [after[0]]
    for x in after[1:]:
        if not _PARTY_LIST_RE.fullmatch(v.between(out[-1].end, x.start)):
            break
        if x.actor.kind == "person" and out[-1].actor.kind != "person" and x.start - out[-1].end <= APPOSITION_CHARS:
            out[-1] = x   # ``رئيس حكومة الوفاق فايز السراج``: the office's holder, not the office
        elif all(x.actor.id != y.actor.id for y in out):
            out.append(x)
    first = out[0].actor.affiliation
    rest = [x for x in out[1:] if x.actor.affiliation != first]
    return [out[0], *rest] if rest else None


def agent(v: SentenceView, m: Match, sides: list[ActorMention]) -> ActorMention | None:
    """``جهود الوساطة التي قامت بها الأمم المتحدة``: the side named right after ``قام/قامت بها``."""
    for t in v.tokens:
        if t.start >= m.end and t.key in _AGENT and v.tokens_between(m.end, t.start) <= AGENT_REACH_TOKENS:
            return next((x for x in sorted(sides, key=lambda x: x.start)
                         if x.start >= t.end and v.tokens_between(t.end, x.start) <= 1), None)
    return None


def source(v: SentenceView, m: Match, sides: list[ActorMention]) -> ActorMention | None:
    """A side introduced by ``من`` after a message, call or statement is who sent it
    (``رسالة اعتذار له من رئيسة الوزراء، تيريزا ماي``)."""
    for x in sorted(sides, key=lambda x: x.start):
        if x.start >= m.end and any(k in FROM for k in v.keys_before(x.start, SOURCE_REACH_TOKENS)) \
                and not any(y.start < x.start and y.end > m.end and y.start > m.end for y in sides if y is not x):
            return x
    return None


def subject(v: SentenceView, m: Match, near: list[ActorMention], states: list[ActorMention]) -> ActorMention | None:
    """Who acts: the nearest person or body before the trigger; else a state right beside it and
    nearer than any actor after it (``باريس تستضيف``, ``اعتذرت الحكومة البريطانية``); else whom the
    sentence before spoke of when the trigger carries its own subject (``التقيا``, ``تواصله``);
    else the first actor after it."""
    a = nearest(near, m, v)
    if a is not None and a.end <= m.start:
        return a
    state = next((x for x in states if gap(x, m) <= STATE_SUBJECT_REACH_CHARS and not _destination(v, x)
                  and (a is None or x.end <= m.start or x.start < a.start)), None)
    return state or carried_subject(v, m) or a


def _destination(v: SentenceView, x: ActorMention) -> bool:
    """A state named as where something goes (``وفد إلى القاهرة``) is not the one acting."""
    return v.token_before(x.start) in TO


def carried_subject(v: SentenceView, m: Match) -> ActorMention | None:
    """The last person of the sentence before, when the trigger carries its own subject: a pronoun
    suffix (``تواصله``, ``لقائه``) or a dual or plural verb (``التقيا``, ``اجتمعوا``)."""
    key = next((t.key for t in v.tokens if t.start <= m.start < t.end), "")
    if not v.previous_actors or not key.endswith(_SUBJECT_ENDINGS):
        return None
    return next((a for a in reversed(v.previous_actors) if a.actor.kind == "person"), None)


def counterparts(v: SentenceView, b: ActorMention, others: list[ActorMention]) -> list[ActorMention]:
    """The first counterpart and those listed with it (``السراج وحفتر``): every party of a meeting."""
    ordered = sorted({x.start: x for x in others}.values(), key=lambda x: x.start)
    out, i = [b], ordered.index(b) if b in ordered else len(ordered)
    for x in ordered[i + 1:]:
        if not _LISTED_RE.fullmatch(v.between(out[-1].end, x.start)):
            break
        if all(x.actor.id != y.actor.id for y in out):
            out.append(x)
    return out


def received(v: SentenceView, m: Match) -> bool:
    """Whether the trigger is the object of ``تلقى`` (received), a few tokens before it."""
    return any(k in _RECEIVED for k in v.keys_before(m.start, RECEIVED_REACH_TOKENS))


def right_after(v: SentenceView, m: Match, actors: list[ActorMention]) -> bool:
    """An actor in the genitive right after the trigger (``دعوة بومبيو``)."""
    nxt = next((t for t in v.tokens if t.start >= m.end), None)
    return nxt is not None and any(a.start == nxt.start for a in actors)


def venue(v: SentenceView, m: Match) -> PlaceMention | None:
    """Where a meeting happens: ``في X`` (``بقصر X``, ``بإسطنبول``) soon after the trigger, not a place
    of fighting."""
    fronts = [c.start for c, t in v.triggers if t.type == "front_line" and c.start >= m.end]
    for p in v.places:
        if p.start < m.end or p.demonym or p.place.kind not in VENUE_KINDS:
            continue
        if v.tokens_between(m.end, p.start) > VENUE_REACH_TOKENS or any(f < p.start for f in fronts):
            return None
        if v.introduced_by(p, IN | AT_PLACE) or v.attached_in(p):
            return p
    return None
