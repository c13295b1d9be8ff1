"""The whole extraction of one article: text -> places -> actors -> dates -> events.

Pure over plain data: no files are written, and nothing leaves the machine unless online
geocoding was opted into. The lexicons are loaded once per process (``load_resources``).
"""
from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .actors import ActorLexicon, actor_aliases, find_actors, load_actors
from .augment import discount_online, merge_ner, optional_resources
from .dates import find_dates
from .events import Trigger, extract_events, load_triggers, publication_window
from .gazetteer import Gazetteer, load_gazetteer
from .lexicon import Lexicon
from .model import Actor, Article, Event, Extraction, Place, TimeExpr
from .ner import NerRecognizer
from .online import OnlineGeocoder
from .resolve import resolve
from .sources import MAX_BYTES, PRECISIONS, ArticleError, parse_date
from .text import Spans, split_sentences, tokenize
from .toponyms import PLACE_NOUNS, find_toponyms


@dataclass(frozen=True)
class Resources:
    gazetteer: Gazetteer
    actors: ActorLexicon
    triggers: Lexicon[Trigger]
    ner: NerRecognizer | None = None            # optional neural NER (geo.ner)
    online: OnlineGeocoder | None = None        # optional online geocoding (geo.online)


@lru_cache(maxsize=1)
def load_resources() -> Resources:
    return Resources(load_gazetteer(), load_actors(), load_triggers(), *optional_resources())


def extract(article: Article, resources: Resources | None = None) -> Extraction:
    """Every place, actor, date and event of an article, with offsets into its text."""
    res = resources or load_resources()
    text = article.text
    sentences = split_sentences(text)
    tokens = tokenize(text)
    toponyms = find_toponyms(text, tokens, res.gazetteer)
    # ``منطقة السراج`` is the district, not the man: a place noun before a name decides for the place.
    named_places = {(t.start, t.end) for t in toponyms if t.previous in PLACE_NOUNS}
    actors = [a for a in find_actors(text, tokens, res.actors, article.published)
              if (a.start, a.end) not in named_places]
    names = Spans((a.start, a.end) for a in actors if a.actor.kind == "person" and not a.title)
    # A place name inside a person's name is part of the name (``فائز السراج``, not the Sarraj district).
    places = [p for p in resolve(toponyms) if p.demonym or not names.contain(p.start, p.end)]
    if res.ner is not None:
        places, actors = merge_ner(article, sentences, tokens, places, actors, res.ner, res.gazetteer, res.actors,
                                   res.online, toponyms=toponyms)
    times = resolve_times(text, article.published, article.published_precision)
    _number_sentences(sentences, places, actors)
    events = extract_events(article, sentences, tokens, places, actors, times, res.gazetteer, res.actors, res.triggers)
    if res.online is not None:
        discount_online(events)
    return Extraction(article, sentences, places, actors, times, events)


def resolve_times(text: str, published: date | None, precision: str = "day") -> list[TimeExpr]:
    """Time expressions; when the publication date is known only to the month (or year), a relative
    expression covers every day it could mean over that window (``أمس`` in May: 30 April to 30 May)."""
    if published is None or precision == "day":
        return find_dates(text, published)
    first, last = publication_window(published, precision)
    early, late = find_dates(text, first), find_dates(text, last)
    if [(t.start, t.end) for t in early] != [(t.start, t.end) for t in late]:
        return late
    return [b if (a.date_start, a.date_end) == (b.date_start, b.date_end) else
            TimeExpr(a.start, a.end, a.text, min(a.date_start, b.date_start), max(a.date_end, b.date_end), precision)
            for a, b in zip(early, late)]


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
            "kind": p.kind, "country": p.country, "source": p.source}


def side_json(a: Actor) -> dict:
    return {"id": a.id, "name": a.name_en, "name_ar": a.name_ar, "aliases": actor_aliases(a),
            "affiliation": a.affiliation}


def event_json(e: Event) -> dict:
    return {
        "type": e.type, "subtype": e.subtype,
        "actors": [side_json(a) for a in e.actors],
        "counterparts": [side_json(a) for a in e.counterparts],
        "place": place_json(e.place), "origin": place_json(e.origin),
        "date_start": e.date_start.isoformat() if e.date_start else None,
        "date_end": e.date_end.isoformat() if e.date_end else None,
        "date_precision": e.date_precision, "date_source": e.date_source,
        "status": e.status, "sentence": e.sentence.text, "sentence_index": e.sentence.index,
        "reports": [{"sentence_index": s.index, "sentence": s.text} for s in e.reports],
        "start": e.start, "end": e.end, "trigger": e.trigger, "confidence": e.confidence,
    }


def extraction_json(ex: Extraction) -> dict:
    return {
        "id": ex.article.id,
        "places": [{"start": p.start, "end": p.end, "text": p.text, **place_json(p.place),
                    "demonym": p.demonym, "sentence": p.sentence, "recognizer": p.recognizer} for p in ex.places],
        "actors": [{"start": a.start, "end": a.end, "text": a.text, "id": a.actor.id, "name": a.actor.name_en,
                    "name_ar": a.actor.name_ar, "aliases": actor_aliases(a.actor), "affiliation": a.actor.affiliation,
                    "sentence": a.sentence, "recognizer": a.recognizer}
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
    _utf8_size("id", doc_id)
    size = _utf8_size("text", text)
    if size > MAX_BYTES:
        raise ValueError(f"text too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
    published = record.get("published")
    if published in (None, ""):
        day = None
    elif isinstance(published, str):
        try:
            day = parse_date(published)
        except ArticleError:
            raise ValueError(f"'published' must be YYYY-MM-DD, got {published!r}") from None
    else:
        raise ValueError("'published' must be a string YYYY-MM-DD")
    precision = record.get("date_precision") or "day"
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise ValueError(f"'date_precision' must be one of {sorted(PRECISIONS)}, got {precision!r}")
    return Article(doc_id, text, day, precision)


def _utf8_size(field: str, value: str) -> int:
    """The size of a string in UTF-8; one holding a lone surrogate (a JSON ``\\ud800`` escape with no
    pair) is refused, since it is no character and no UTF-8 output could carry it."""
    try:
        return len(value.encode("utf-8"))
    except UnicodeEncodeError as e:
        raise ValueError(f"{field!r} is not valid Unicode: a lone surrogate {ascii(value[e.start])} at character "
                         f"{e.start} (a \\u escape with no pair)") from None


def extract_jsonl_record(record: dict, resources: Resources | None = None) -> dict:
    """One line of ``extract``'s output for one input record."""
    return extraction_json(extract(article_from_record(record), resources))


_JSON_SPACE = " \t\r\n"


def extract_jsonl_line(line: bytes | str, resources: Resources | None = None) -> str | None:
    """``extract``'s output line for one input line (None for a blank one): the extraction, else
    ``{"id", "error"}`` saying why; it never raises but KeyboardInterrupt, so no line can end a run."""
    if not line.strip(_JSON_SPACE.encode() if isinstance(line, bytes) else _JSON_SPACE):
        return None
    record = article = None
    try:
        record = read_jsonl(line)
        article = article_from_record(record)
        out = extraction_json(extract(article, resources))
    except Exception as e:      # this line gets an error object; the next ones still get their extractions
        given = record.get("id") if isinstance(record, dict) else None
        out = {"id": article.id if article else given, "error": _reason(e, reading=article is None)}
    return _json_line(out)


def _reason(e: Exception, reading: bool) -> str:
    """What an error line says: a reading error's own message (it names the fault in the line), else
    the exception the extractor raised."""
    return str(e) if reading and isinstance(e, ValueError) else f"could not be processed ({type(e).__name__}: {e})"


def read_jsonl(line: bytes | str):
    """The JSON value of one input line (bytes must be UTF-8); ValueError saying what is wrong."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError(f"not UTF-8: byte 0x{e.object[e.start]:02x} at byte {e.start} of the line") from None
    try:
        return json.loads(line)
    except RecursionError:
        raise ValueError("not a JSON line we can read: arrays or objects nested too deep") from None
    except ValueError as e:     # JSONDecodeError is a ValueError
        raise ValueError(f"not a JSON line: {e}") from None


def _json_line(out: dict) -> str:
    """One JSON line, Arabic kept as text; should a lone surrogate have got into it (from an id or an
    error message), it is written as its ``\\u`` escape instead, so the line is always valid UTF-8."""
    line = json.dumps(out, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(out)
    return line
