"""An article's events, sentence by sentence: each sentence with a trigger as one ``SentenceView``, the rules of
every kind run over it (visits, then flows, then front lines), and the reports of one event merged."""
from __future__ import annotations

from ..actors import ActorLexicon
from ..gazetteer import Gazetteer
from ..lexicon import Lexicon
from ..model import ActorMention, Article, Event, PlaceMention, Sentence, TimeExpr
from ..text import Token, is_punct
from . import flows, front_lines, visits
from .merge import merge_reports
from .roles import Roles, load_roles
from .sentence import Context, SentenceView, in_sentence, state_actors, words
from .triggers import Trigger

_BACK_REFERENCES = {tuple(sorted(words(*ws))) for ws in (("جاء", "ذلك"), ("وجاء", "ذلك"))} | \
    {(k,) for k in words("وذلك", "ذلك")}


def sentence_views(sentences: list[Sentence], tokens: list[Token], places: list[PlaceMention],
                   actors: list[ActorMention], times: list[TimeExpr], triggers: Lexicon[Trigger],
                   lexicon: ActorLexicon, roles: Roles):
    """One SentenceView per sentence that has a trigger, its dates carried over from the
    sentence before when it opens on ``جاء ذلك``/``وذلك``."""
    trig_matches = [(m, t) for m in triggers.find(tokens) for t in m.payloads]
    lists = (tokens, places, actors, times, trig_matches)
    starts = [[x.start for x in xs] for xs in lists[:-1]] + [[m.start for m, _ in trig_matches]]
    previous_times: list[TimeExpr] = []
    previous_actors: list[ActorMention] = []
    for s in sentences:
        view = SentenceView(s, *(in_sentence(xs, st, s) for xs, st in zip(lists, starts)))
        view.previous_actors, previous_actors = previous_actors, view.actors
        if all(t.type == "cue" for _, t in view.triggers):
            previous_times = view.times
            continue
        if not view.times and view.tokens and refers_back(view.tokens):
            view.times = previous_times   # ``جاء ذلك خلال لقاء…`` happened when the sentence before says
        previous_times = view.times
        view.named_states = state_actors(view, lexicon)
        view.states = [x for x in view.named_states if not roles.has(x.actor, "contested_state")]
        yield view


def extract_events(article: Article, sentences: list[Sentence], tokens: list[Token],
                   places: list[PlaceMention], actors: list[ActorMention], times: list[TimeExpr],
                   gazetteer: Gazetteer, lexicon: ActorLexicon, triggers: Lexicon[Trigger]) -> list[Event]:
    """All events of an article, sentence by sentence."""
    ctx = Context(article, gazetteer, lexicon, load_roles())
    events: list[Event] = []
    for view in sentence_views(sentences, tokens, places, actors, times, triggers, lexicon, ctx.roles):
        events += events_of(view, ctx)
    return merge_reports(events)


def events_of(view: SentenceView, ctx: Context) -> list[Event]:
    """The events of one sentence: visits first (they claim their destinations), then flows, whose
    meetings abroad add visits, then front lines over the places left."""
    found: dict[str, list[Event]] = {"visit": visits.extract(view, ctx, {})}
    found["diplomatic_flow"] = flows.extract(view, ctx, found)
    found["visit"] = visits.finish(found["visit"], found["diplomatic_flow"], ctx)
    found["front_line"] = front_lines.extract(view, ctx, found)
    return [e for kind in ("visit", "diplomatic_flow", "front_line") for e in found[kind]]


def refers_back(tokens: list[Token]) -> bool:
    """A sentence opening on ``جاء ذلك`` / ``وذلك`` continues the one before it."""
    keys = [t.key for t in tokens[:2] if not is_punct(t.text)]
    return tuple(sorted(keys[:2])) in _BACK_REFERENCES or tuple(keys[:1]) in _BACK_REFERENCES
