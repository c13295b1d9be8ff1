"""One sentence seen whole: its tokens, places, actors, dates and triggers, and the small
grammar the event rules share (who is the subject, when, planned or not)."""
from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..actors import ActorLexicon
from ..gazetteer import Gazetteer
from ..lexicon import Match
from ..model import Actor, ActorMention, Article, Event, Place, PlaceMention, Sentence, TimeExpr
from ..text import Spans, Token, is_punct, normalize
from .roles import Roles
from .triggers import Trigger

_JOINERS_RE = re.compile(r"[\s\W_و]*")
APPOSITION_CHARS = 3        # between an office and its holder's name: ``الليبي، المشير``
CUE_REACH_TOKENS = 6        # a modality cue governs what follows it within this many tokens
# The rules of one trigger read at most this many tokens either side of it: more than any sentence of the
# corpora has (90), so only a run-on text is cut, and one without full stops costs in proportion to its length.
RULE_WINDOW_TOKENS = 100


def bare(key: str) -> str:
    """A word key without a leading conjunction (``وشن`` -> ``شن``), for verbs that clauses open with."""
    return key[1:] if key[:1] in ("و", "ف") and len(key) >= 3 else key


def words(*ws: str) -> frozenset[str]:
    """Normalized keys of a few function words."""
    return frozenset(normalize(w) for w in ws)


TO = words("إلى", "الى")
AT_PLACE = words("بقصر", "بمقر", "بمدينة", "بالعاصمة", "بفندق", "بمطار", "بقاعة")   # ``بقصر باردو``: a venue
IN = words("في", "فى")
FROM = words("من")


@dataclass(frozen=True)
class Context:
    """What every rule may consult besides the sentence: the article and the lexicons."""
    article: Article
    gazetteer: Gazetteer
    actors: ActorLexicon
    roles: Roles


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
    named_states: list[ActorMention] = field(default_factory=list)  # the same, contested states too
    previous_actors: list[ActorMention] = field(default_factory=list)  # of the sentence before

    # Offsets and running word counts, made on first use, so position questions are bisections, not scans.
    @cached_property
    def _starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    @cached_property
    def _ends(self) -> list[int]:
        return [t.end for t in self.tokens]

    @cached_property
    def _words(self) -> list[int]:
        out = [0]
        for t in self.tokens:
            out.append(out[-1] + (not is_punct(t.text)))
        return out

    @cached_property
    def _actor_starts(self) -> list[int]:
        return [a.start for a in self.actors]

    @cached_property
    def _actor_spans(self) -> Spans:
        return Spans((a.start, a.end) for a in self.actors)

    @cached_property
    def _name_spans(self) -> Spans:
        """The places that are names (not demonyms)."""
        return Spans((p.start, p.end) for p in self.places if not p.demonym)

    def around(self, m: Match, reach: int = RULE_WINDOW_TOKENS) -> SentenceView:
        """The sentence as the rules of trigger ``m`` see it: at most ``reach`` tokens either side of it
        (the whole sentence when it is no longer), sharing the places claimed and the dates."""
        lo = max(0, bisect.bisect_left(self._starts, m.start) - reach)
        hi = min(len(self.tokens), bisect.bisect_left(self._starts, m.end) + reach)
        if lo == 0 and hi == len(self.tokens):
            return self
        start, end = self.tokens[lo].start, self.tokens[hi - 1].end
        return SentenceView(self.sentence, self.tokens[lo:hi], *(_from(xs, start, end) for xs in (
            self.places, self.actors)), self.times, _from(self.triggers, start, end, lambda x: x[0].start),
            self.claimed, _from(self.states, start, end), _from(self.named_states, start, end), self.previous_actors)

    def of_kind(self, kind: str) -> list[tuple[Match, Trigger]]:
        return [(m, t) for m, t in self.triggers if t.type == kind]

    def token_before(self, start: int) -> str:
        prev = self.keys_before(start, 1)
        return prev[0] if prev else ""

    def tokens_before(self, start: int, n: int) -> list[Token]:
        """The last ``n`` tokens that end at or before ``start``."""
        i = bisect.bisect_right(self._ends, start)
        return self.tokens[max(0, i - n):i]

    def keys_before(self, start: int, n: int) -> list[str]:
        return [t.key for t in self.tokens_before(start, n)]

    def introduced_by(self, p: PlaceMention, cue: frozenset[str], reach: int = 5) -> bool:
        """Whether one of ``cue`` stands before the place, past at most ``reach`` filler tokens
        (punctuation, ``العاصمة``, adjectives…), with no other place or actor in between."""
        i = bisect.bisect_right(self._ends, p.start)
        prev = self.tokens[max(0, i - reach - 1):i]
        for t in reversed(prev):
            if t.key in cue:
                return True
            if self._name_spans.contain(t.start, t.start + 1) or self._actor_spans.contain(t.start, t.start + 1):
                return False
        return False

    def attached_in(self, p: PlaceMention) -> bool:
        """The place carries the preposition ``ب`` ("in") on its own word: ``بإسطنبول``, ``وبتونس``."""
        i = bisect.bisect_right(self._starts, p.start) - 1
        head = self.tokens[i] if i >= 0 else None
        return head is not None and head.start < p.start < head.end and \
            self.between(head.start, p.start).endswith("ب")

    def tokens_between(self, start: int, end: int) -> int:
        """Words (not punctuation) that begin in [start, end)."""
        if end <= start:
            return 0
        return self._words[bisect.bisect_left(self._starts, end)] - self._words[bisect.bisect_left(self._starts, start)]

    def inside_actor(self, p: PlaceMention) -> bool:
        return self._actor_spans.contain(p.start, p.end)

    def actors_from(self, start: int, end: int) -> list[ActorMention]:
        """The actors that begin in [start, end]."""
        return self.actors[bisect.bisect_left(self._actor_starts, start):bisect.bisect_right(self._actor_starts, end)]

    def surface(self, m: Match) -> str:
        s = self.sentence
        return s.text[m.start - s.start:m.end - s.start]

    def between(self, start: int, end: int) -> str:
        s = self.sentence
        return s.text[start - s.start:end - s.start]

    def only_joiners(self, start: int, end: int) -> bool:
        """Between two list items stand only punctuation, spaces and ``و`` (attached or not)."""
        return _JOINERS_RE.fullmatch(self.between(start, end)) is not None


def cancelled(v: SentenceView, m: Match, cue: str, reach: int) -> bool:
    """A cue of this subtype within ``reach`` tokens of the trigger takes its sense away
    (``إطلاق النار احتفالا``: no fighting; ``جلسات تحقيق``: no diplomacy)."""
    return any(t.type == "cue" and t.subtype == cue and
               v.tokens_between(min(c.end, m.end), max(c.start, m.start)) <= reach for c, t in v.triggers)


def in_sentence(items: list, starts: list[int], s: Sentence) -> list:
    """The items (sorted by start, with their ``starts``) that begin inside the sentence."""
    return items[bisect.bisect_left(starts, s.start):bisect.bisect_left(starts, s.end)]


def _start(x) -> int:
    return x.start


def _from(items: list, start: int, end: int, key=_start) -> list:
    """The items (sorted by ``key``, their start) that begin in [start, end)."""
    return items[bisect.bisect_left(items, start, key=key):bisect.bisect_left(items, end, key=key)]


def state_actors(v: SentenceView, lex: ActorLexicon) -> list[ActorMention]:
    """Countries (``مصر``, ``مصرية``) and capitals (``القاهرة``) named in the sentence, standing for
    their states; not a demonym inside someone's title (``الرئيس الأمريكي دونالد ترامب``) or a paper's
    name, nor a country named as a topic or a destination (``في ليبيا``, ``إلى القاهرة``)."""
    out = []
    for p in v.places:
        stands_for_state = p.place.kind == "country" or (p.place.kind == "city" and p.place.seat)
        state = lex.by_affiliation_state(p.place.country) if stands_for_state else None
        if state and not (p.demonym and (_in_title(v, p) or _in_media_name(v, p))) \
                and not (not p.demonym and (v.token_before(p.start) in _TOPIC | AT_PLACE or v.attached_in(p))):
            out.append(ActorMention(p.start, p.end, p.text, state, v.sentence.index))
    return out


# ``الأوضاع في ليبيا``, ``مؤتمر حول ليبيا``, ``وفد إلى القاهرة``: a country or capital after these is
# where or what something is about, not a state acting.
_TOPIC = words("في", "فى", "حول", "بشأن", "عن", "إلى", "الى", "داخل", "بخصوص", "تجاه")
_MEDIA = words("صحيفة", "الصحيفة", "لصحيفة", "وكالة", "لوكالة", "قناة", "لقناة", "موقع", "جريدة", "إذاعة", "مجلة")
MEDIA_NAME_TOKENS = 3       # ``صحيفة العرب اللندنية``: the adjective belongs to the paper's name


def _in_media_name(v: SentenceView, p: PlaceMention) -> bool:
    """``صحيفة العرب اللندنية``, ``وكالة الأنباء الإيطالية``: a newspaper or agency, not its state acting."""
    return any(k in _MEDIA for k in v.keys_before(p.start, MEDIA_NAME_TOKENS))


def _in_title(v: SentenceView, p: PlaceMention) -> bool:
    """The adjective is part of an actor's name or title, or stands right before a person's name."""
    return v.inside_actor(p) or any(a.actor.kind == "person" for a in v.actors_from(p.end, p.end + APPOSITION_CHARS))


def nearest(actors: list[ActorMention], m: Match, v: SentenceView | None = None) -> ActorMention | None:
    """The subject: the closest actor before the trigger, else the closest after it; an office
    followed by its holder's name (``قائد الجيش الوطني الليبي، المشير خليفة حفتر``) is the person,
    but not a name behind a preposition (``الحكومة البريطانية للسراج``)."""
    before = [a for a in actors if a.end <= m.start]
    after = [a for a in actors if a.start >= m.end]
    if before:
        return before[-1]
    if not after:
        return None
    first = after[0]
    person = next((a for a in after[1:2] if a.actor.kind == "person" and a.start - first.end <= APPOSITION_CHARS
                   and not (v and any(c.isalpha() for c in v.between(first.end, a.start)))), None)
    return person if first.actor.kind != "person" and person else first


def gap(x, m: Match) -> int:
    """Characters between a mention and a trigger, whichever comes first."""
    return x.start - m.end if x.start >= m.end else m.start - x.end


def seat(actor: Actor | None, gaz: Gazetteer) -> Place | None:
    return gaz.get(actor.home_base) if actor else None


def date_event(ev: Event, v: SentenceView, anchor: int, article: Article) -> None:
    """The time expression of the sentence nearest the anchor, else the publication date."""
    if v.times:
        t = nearest_time(v.times, anchor)
        ev.date_start, ev.date_end, ev.date_precision, ev.date_source = t.date_start, t.date_end, t.precision, "text"
    elif article.published:
        ev.date_start, ev.date_end = publication_window(article.published, article.published_precision)
        ev.date_precision, ev.date_source = article.published_precision, "published"


def nearest_time(times: list[TimeExpr], anchor: int) -> TimeExpr:
    """The time expression (of ``times``, sorted by start) that begins nearest the anchor, the earlier
    on a tie: found by bisection, since a run-on text has thousands."""
    i = bisect.bisect_left(times, anchor, key=_start)
    after = times[i] if i < len(times) else None
    if i == 0:
        return after
    before = times[bisect.bisect_left(times, times[i - 1].start, key=_start)]   # the first one starting there
    return before if after is None or anchor - before.start <= after.start - anchor else after


def publication_window(day: date, precision: str) -> tuple[date, date]:
    """The days a publication date stands for: one day, or its whole month or year."""
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    return day, day


def set_status(ev: Event, status: str, article: Article) -> None:
    """Set the status; a planned event dated before publication took the report's date, not its own."""
    ev.status = status
    if status == "planned" and ev.date_source == "text" and article.published and ev.date_end < article.published:
        ev.date_start, ev.date_end = publication_window(article.published, article.published_precision)
        ev.date_precision, ev.date_source = article.published_precision, "published"


def status_of(v: SentenceView, m: Match, trig: Trigger, anchor: int, ev: Event, article: Article,
              reach: int = CUE_REACH_TOKENS) -> str:
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


def date_and_status(ev: Event, v: SentenceView, m: Match, trig: Trigger, anchor: int, ctx: Context,
                    reach: int = CUE_REACH_TOKENS) -> None:
    date_event(ev, v, anchor, ctx.article)
    set_status(ev, status_of(v, m, trig, anchor, ev, ctx.article, reach), ctx.article)


def confidence(base: float, has_actor: bool, dated: bool, distance: int) -> float:
    score = base + (0.2 if has_actor else 0.0) + (0.1 if dated else 0.0) - min(abs(distance), 200) / 1000
    return round(max(0.05, min(score, 0.95)), 2)
