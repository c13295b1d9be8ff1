"""Actors: the curated lexicon of people, organisations and states, and finding them in text.

Names always point at their actor; office titles (``وزير الخارجية الأمريكي``) only while the
article's publication date falls in the holder's term. Anything not in the lexicon stays unknown.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from .gazetteer import DATA_DIR
from .lexicon import Lexicon
from .model import Actor, ActorMention
from .text import Token


@dataclass(frozen=True)
class ActorRef:
    """A name or title in the lexicon, with the period in which it points at the actor."""
    actor_id: str
    valid_from: date | None = None
    valid_to: date | None = None
    title: bool = False

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return self.valid_from is None and self.valid_to is None
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass
class ActorLexicon:
    actors: dict[str, Actor]
    names: Lexicon[ActorRef]

    def by_affiliation_state(self, country_code: str) -> Actor | None:
        """The state actor standing for a country (``state-eg`` for EG), if the lexicon has one."""
        return self.actors.get(f"state-{country_code.lower()}")


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


@lru_cache(maxsize=4)
def load_actors(data_dir: Path = DATA_DIR) -> ActorLexicon:
    """The lexicon from ``actors.csv`` and ``titles.csv`` (cached per process)."""
    actors: dict[str, Actor] = {}
    names: Lexicon[ActorRef] = Lexicon()
    with open(data_dir / "actors.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            actor = Actor(r["id"], r["name_en"], r["name_ar"], r["kind"], r["affiliation"], r["home_base"])
            actors[actor.id] = actor
            for n in [r["name_ar"], *r["aliases_ar"].split("|")]:
                if n.strip():
                    names.add(n.strip(), ActorRef(actor.id))
    titles = data_dir / "titles.csv"
    if titles.exists():
        with open(titles, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                ref = ActorRef(r["actor_id"], _day(r["valid_from"]), _day(r["valid_to"]), title=True)
                for t in r["title_ar"].split("|"):
                    if t.strip():
                        names.add(t.strip(), ref)
    return ActorLexicon(actors, names)


def find_actors(text: str, tokens: list[Token], lexicon: ActorLexicon, published: date | None) -> list[ActorMention]:
    """Actor mentions; a title whose term does not cover ``published`` is left unknown."""
    mentions = []
    for m in lexicon.names.find(tokens):
        refs = [r for r in m.payloads if r.valid_on(published)]
        ids = {r.actor_id for r in refs}
        if len(ids) == 1:
            mentions.append(ActorMention(m.start, m.end, text[m.start:m.end], lexicon.actors[ids.pop()],
                                         title=all(r.title for r in refs)))
    return mentions
