"""Recognizing place mentions: gazetteer names and demonyms found in the tokens.

Recognition only says which gazetteer entries a span may mean; ``geo.resolve`` picks one.
A name that is also an ordinary word (``سرت`` "she walked", ``البيضاء`` "the white") counts
only after a locative cue (``في``, ``مدينة``, ``تحرير``…) or with an attached ``ب``/``ل``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .gazetteer import Gazetteer, NameEntry
from .text import Token, normalize

_CUES = frozenset(normalize(w) for w in (
    "في", "فى", "إلى", "الى", "من", "نحو", "قرب", "بقرب", "محيط", "داخل", "حول", "عن", "وسط",
    "مدينة", "بمدينة", "لمدينة", "ومدينة", "منطقة", "بمنطقة", "بلدة", "ضواحي", "أطراف", "مطار", "قاعدة",
    "تحرير", "جنوب", "شمال", "شرق", "غرب", "جنوبي", "شمالي", "شرقي", "غربي", "مدن", "بين",
))


# Nouns that make the next name a place whatever else it could be (``منطقة السراج``, ``مدينة البيضاء``).
PLACE_NOUNS = frozenset(normalize(w) for w in (
    "منطقة", "بمنطقة", "لمنطقة", "ومنطقة", "حي", "بحي", "مدينة", "بمدينة", "لمدينة", "ومدينة", "بلدة", "ببلدة",
    "ضاحية", "قرية", "محلة"))


@dataclass
class Toponym:
    """A recognized span and every gazetteer reading of it."""
    start: int
    end: int
    text: str
    entries: tuple[NameEntry, ...]
    first_token: int
    last_token: int
    previous: str = ""      # the key of the token before, for context (``العاصمة تونس``)

    @property
    def demonym(self) -> bool:
        return all(e.demonym for e in self.entries)


def find_toponyms(text: str, tokens: list[Token], gazetteer: Gazetteer) -> list[Toponym]:
    """Place and demonym spans in ``text``, longest match first, ordinary-word readings filtered."""
    found = []
    for m in gazetteer.names.find(tokens):
        entries = tuple(e for e in m.payloads if not e.needs_cue or _has_cue(tokens, m.first, m.clitics))
        if entries:
            previous = tokens[m.first - 1].key if m.first > 0 else ""
            found.append(Toponym(m.start, m.end, text[m.start:m.end], entries, m.first, m.last, previous))
    return found


def _has_cue(tokens: list[Token], first: int, clitics: bool) -> bool:
    key = tokens[first].key
    if clitics and (key[:1] == "ب" or key[:2] in ("وب", "فب")):
        return True   # بسرت "in Sirte"; not ل, which as often means "to" a person (للسراج)
    return first > 0 and tokens[first - 1].key in _CUES
