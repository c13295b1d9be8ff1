"""The whole extraction of one article: text -> places -> actors -> dates -> events.

Pure over plain data: no files are written and nothing leaves the machine. The lexicons are
loaded once per process (``load_resources``).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .actors import ActorLexicon, find_actors, load_actors
from .dates import find_dates
from .events import Trigger, extract_events, load_triggers
from .gazetteer import Gazetteer, load_gazetteer
from .lexicon import Lexicon
from .model import ActorMention, Article, Event, Extraction, Place, PlaceMention
from .resolve import resolve
from .text import split_sentences, tokenize
from .toponyms import find_toponyms


@dataclass(frozen=True)
class Resources:
    gazetteer: Gazetteer
    actors: ActorLexicon
    triggers: Lexicon[Trigger]


@lru_cache(maxsize=1)
def load_resources() -> Resources:
    return Resources(load_gazetteer(), load_actors(), load_triggers())


def extract(article: Article, resources: Resources | None = None) -> Extraction:
    """Every place, actor, date and event of an article, with offsets into its text."""
    res = resources or load_resources()
    text = article.text
    sentences = split_sentences(text)
    tokens = tokenize(text)
    actors = find_actors(text, tokens, res.actors, article.published)
    names = [(a.start, a.end) for a in actors if a.actor.kind == "person" and not a.title]
    places = [p for p in resolve(find_toponyms(text, tokens, res.gazetteer)) if p.demonym or not _inside(p, names)]
    times = find_dates(text, article.published)
    _number_sentences(sentences, places, actors)
    events = extract_events(article, sentences, tokens, places, actors, times, res.gazetteer, res.actors, res.triggers)
    return Extraction(article, sentences, places, actors, times, events)


def _inside(p: PlaceMention, spans: list[tuple[int, int]]) -> bool:
    """A place name inside a person's name is part of the name (``فائز السراج``, not the Sarraj district)."""
    return any(start <= p.start and p.end <= end for start, end in spans)


def _number_sentences(sentences, *mention_lists) -> None:
    """Give each mention the index of the sentence holding it."""
    starts = [s.start for s in sentences]
    for mentions in mention_lists:
        for m in mentions:
            m.sentence = max(0, bisect.bisect_right(starts, m.start) - 1)


# --- the JSON contract of ``python -m geo extract`` ---------------------------------------------

def place_json(p: Place | None) -> dict | None:
    if p is None:
        return None
    return {"id": p.id, "name": p.name_en, "name_ar": p.name_ar, "lat": p.lat, "lon": p.lon,
            "kind": p.kind, "country": p.country}


def event_json(e: Event) -> dict:
    return {
        "type": e.type, "subtype": e.subtype,
        "actors": [{"id": a.id, "name": a.name_en, "name_ar": a.name_ar, "affiliation": a.affiliation} for a in e.actors],
        "counterparts": [{"id": a.id, "name": a.name_en, "name_ar": a.name_ar, "affiliation": a.affiliation}
                         for a in e.counterparts],
        "place": place_json(e.place), "origin": place_json(e.origin),
        "date_start": e.date_start.isoformat() if e.date_start else None,
        "date_end": e.date_end.isoformat() if e.date_end else None,
        "date_precision": e.date_precision, "date_source": e.date_source,
        "status": e.status, "sentence": e.sentence.text, "sentence_index": e.sentence.index,
        "start": e.start, "end": e.end, "trigger": e.trigger, "confidence": e.confidence,
    }


def extraction_json(ex: Extraction) -> dict:
    return {
        "id": ex.article.id,
        "places": [{"start": p.start, "end": p.end, "text": p.text, **place_json(p.place),
                    "demonym": p.demonym, "sentence": p.sentence} for p in ex.places],
        "actors": [{"start": a.start, "end": a.end, "text": a.text, "id": a.actor.id, "name": a.actor.name_en,
                    "name_ar": a.actor.name_ar, "affiliation": a.actor.affiliation, "sentence": a.sentence}
                   for a in ex.actors],
        "events": [event_json(e) for e in ex.events],
    }


def article_from_record(record: dict) -> Article:
    """An Article from one ``extract`` input line; raises ValueError with a reason when it can't."""
    if not isinstance(record, dict):
        raise ValueError("each line must be a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError("'id' must be a non-empty string")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    published = record.get("published")
    if published in (None, ""):
        day = None
    elif isinstance(published, str):
        try:
            day = date.fromisoformat(published)
        except ValueError:
            raise ValueError(f"'published' must be YYYY-MM-DD, got {published!r}") from None
    else:
        raise ValueError("'published' must be a string YYYY-MM-DD")
    return Article(doc_id, text, day, record.get("date_precision") or "day")


def extract_jsonl_record(record: dict) -> dict:
    """One line of ``extract``'s output for one input record."""
    return extraction_json(extract(article_from_record(record)))
