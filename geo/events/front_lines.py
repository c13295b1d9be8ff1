"""Front lines: places fought over, near a fighting word (after it by preference), with the
places listed alongside them, and the parties the sentence names."""
from __future__ import annotations


from ..model import Event, PlaceMention
from .sentence import (APPOSITION_CHARS, FROM, IN, Context, SentenceView, bare, cancelled, confidence, date_and_status,
                       gap, nearest, words)

FRONT_KINDS = {"city", "district", "site"}
FRONT_REACH_TOKENS = 12          # from a fighting trigger to the place fought over
FRONT_CUE_REACH_TOKENS = 5       # ``يعتزم الجيش الوطني الليبي شن هجوم``
NOT_FIGHTING_REACH_TOKENS = 4    # ``إطلاق النار احتفالا``, ``قمة … وقف إطلاق النار``: no fighting sense
_CITY = words("مدينة")
_STRIKES = words("غارات", "غارة", "الغارات", "الغارة", "قصف", "القصف", "قصفت", "ضربات", "ضربة", "غاراتها", "غاراته",
                 "قصفها", "قصفه")
_LAUNCH = words("شن", "يشن", "تشن", "شنت", "نفذ", "ينفذ", "تنفذ", "نفذت", "يواصل", "تواصل", "واصل", "واصلت")
LAUNCH_REACH_TOKENS = 3          # ``يشن سلسلة غارات``
_KILLING = words("قتل", "بقتل", "مقتل", "اغتيال", "باغتيال")
_EXPEL = words("طرد", "لطرد", "وطرد", "بطرد", "إخراج", "لإخراج", "تطهير", "لتطهير", "تحرير", "لتحرير", "دحر")
EXPEL_REACH_TOKENS = 4           # ``لطرد داعش من بنغازي``: from the expelling word to ``من``


def extract(sentence: SentenceView, ctx: Context, earlier: dict[str, list[Event]]) -> list[Event]:
    out: dict[str, Event] = {}
    for m, trig in sentence.of_kind("front_line"):
        v = sentence.around(m)
        belligerents = [a for a in v.actors if ctx.roles.has(a.actor, "belligerent")]
        places = candidates(v)
        if cancelled(v, m, "not_fighting", NOT_FIGHTING_REACH_TOKENS) or killing_of(v, m):
            continue
        subject = nearest([a for a in v.actors if gap(a, m) <= APPOSITION_CHARS], m, v) or launcher(v, m)
        parties = list({a.actor.id: a.actor for a in belligerents + ([subject] if subject else [])}.values())
        places_here = [p for p in places if not seat_of_actor(v, p, m)]
        after = [p for p in places_here if p.start >= m.end and v.tokens_between(m.end, p.start) <= FRONT_REACH_TOKENS]
        before = [p for p in places_here if p.end <= m.start and v.tokens_between(p.end, m.start) <= FRONT_REACH_TOKENS]
        chosen = with_listed(v, places, after[:1] or before[-1:]) or (country_front(v, m) if strike(v, m) else [])
        for p in chosen:
            ev = Event("front_line", v.sentence, m.start, m.end, v.surface(m), subtype="fighting",
                       actors=parties, place=p.place)
            date_and_status(ev, v, m, trig, m.start, ctx, reach=FRONT_CUE_REACH_TOKENS)
            ev.confidence = confidence(0.5, bool(parties), ev.date_source == "text", gap(p, m))
            out.setdefault(p.place.id, ev)
    return list(out.values())


def killing_of(v: SentenceView, m) -> bool:
    """``بقتل الشورابي``: a killing whose object is a named person is a crime, not a front."""
    if not any(k in _KILLING for k in v.keys_before(m.end, 1)):
        return False
    return any(a.actor.kind == "person" and a.start >= m.end and v.tokens_between(m.end, a.start) <= 1
               for a in v.actors)   # ``بقتل الشورابي``, ``مقتل الصحفي سفيان الشورابي``


def strike(v: SentenceView, m) -> bool:
    """An air strike or shelling (not a battle in general), the kind of attack one state makes on another's soil."""
    return any(k in _STRIKES for k in v.keys_before(m.end, 1))


def launcher(v: SentenceView, m):
    """``الجيش المصري يشن ضربات``, ``يواصل الجيش المصري عمليات القصف``: who launches or keeps up
    the attack, named around its verb right before the fighting word."""
    verbs = [t for t in v.tokens_before(m.start, LAUNCH_REACH_TOKENS + 1) if bare(t.key) in _LAUNCH][-1:]
    if not verbs or v.tokens_between(verbs[0].end, m.start) > LAUNCH_REACH_TOKENS:
        return None
    verb = verbs[0]
    near = [a for a in v.actors if (0 <= verb.start - a.end <= APPOSITION_CHARS) or (0 <= a.start - verb.end <= APPOSITION_CHARS)]
    return near[0] if near else None


def country_front(v: SentenceView, m) -> list[PlaceMention]:
    """``غارات على معسكرات لتدريب متشددين في ليبيا``: with no town in reach, the country the attack
    is ``في`` is the front."""
    return [p for p in v.places if p.start >= m.end and not p.demonym and p.place.kind == "country"
            and v.token_before(p.start) in IN and v.tokens_between(m.end, p.start) <= FRONT_REACH_TOKENS
            and not v.inside_actor(p)][:1]


def candidates(v: SentenceView) -> list[PlaceMention]:
    """Places that can be fought over: named places, not demonyms, not someone's destination."""
    return [p for p in v.places if not p.demonym and p.place.kind in FRONT_KINDS
            and not v.inside_actor(p) and p.start not in v.claimed and not coming_from(v, p)]


def seat_of_actor(v: SentenceView, p: PlaceMention, m) -> bool:
    """``حكومة الوفاق في طرابلس … الحرب``: a place that only says where a body sits, before and away
    from the fighting word, is not a front (``اشتباكات بين الجيش وقوات الوفاق في عين زارة`` still is)."""
    if m.start < p.end or v.token_before(p.start) not in IN:
        return False
    holder = next((a for a in v.actors if 0 <= v.tokens_between(a.end, p.start) <= 1 and a.end <= p.start
                   and a.actor.kind == "organisation"), None)
    return holder is not None and gap(holder, m) > APPOSITION_CHARS


def coming_from(v: SentenceView, p: PlaceMention) -> bool:
    """``قادمة من مدينة الإسكندرية``: a place something comes from is not where the fighting is,
    unless what is driven out of it is the fighting (``لطرد داعش من بنغازي``)."""
    before = v.keys_before(p.start, 2)
    after_from = bool(before) and (before[-1] in FROM or (len(before) == 2 and before[0] in FROM and before[1] in _CITY))
    return after_from and not any(k in _EXPEL for k in v.keys_before(p.start, EXPEL_REACH_TOKENS))


def with_listed(v: SentenceView, places: list[PlaceMention], chosen: list[PlaceMention]) -> list[PlaceMention]:
    """The chosen places plus those coordinated with them (``عين زارة و خلة الفرجان و قصر بن غشير``)."""
    if not chosen:
        return []
    i = places.index(chosen[0])
    lo = hi = i
    while lo > 0 and v.only_joiners(places[lo - 1].end, places[lo].start):
        lo -= 1
    while hi + 1 < len(places) and v.only_joiners(places[hi].end, places[hi + 1].start):
        hi += 1
    return places[lo:hi + 1]
