"""Recognizing place mentions: gazetteer names and demonyms found in the tokens.

Recognition only says which gazetteer entries a span may mean; ``geo.resolve`` picks one.
A name that is also an ordinary word (``سرت`` "she walked", ``البيضاء`` "the white") counts
only after a locative cue (``في``, ``مدينة``, ``تحرير``…) or with an attached ``ب``/``ل``; a word
news mostly uses as a non-place (``المائة`` "per cent", a first name) only after a place noun.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .gazetteer import Gazetteer, NameEntry
from .text import Token, normalize, original_offset

# Words before a name that make it a place rather than a word. ``من``, ``عن`` and ``بين`` also
# come before people (``رسالة من بشار``), so they are weak: enough for a curated name only.
_WEAK_CUES = frozenset(normalize(w) for w in ("من", "عن", "بين"))
_CUES = frozenset(normalize(w) for w in (
    "في", "فى", "إلى", "الى", "نحو", "قرب", "بقرب", "محيط", "داخل", "حول", "وسط",
    "مدينة", "بمدينة", "لمدينة", "ومدينة", "منطقة", "بمنطقة", "بلدة", "ضواحي", "أطراف", "مطار", "قاعدة",
    "سجن", "ميناء", "ميناءي", "منطقتي", "مدينتي", "ولاية", "بولاية", "وادي", "جبل", "جبال", "جسر",
    "تحرير", "جنوب", "شمال", "شرق", "غرب", "جنوبي", "شمالي", "شرقي", "غربي", "مدن",
)) | _WEAK_CUES


# Nouns that make the next name a place whatever else it could be (``منطقة السراج``, ``مدينة البيضاء``).
PLACE_NOUNS = frozenset(normalize(w) for w in (
    "منطقة", "بمنطقة", "لمنطقة", "ومنطقة", "حي", "بحي", "مدينة", "بمدينة", "لمدينة", "ومدينة", "بلدة", "ببلدة",
    "ضاحية", "قرية", "محلة", "منطقتي", "بمنطقتي", "مدينتي", "ولاية", "بولاية"))
_CUES = _CUES | PLACE_NOUNS
# The feminine ones: a masculine adjective after ``منطقة الساحل`` belongs to the name (``الشرقي``).
_FEMININE_PLACE_NOUNS = frozenset(k for k in PLACE_NOUNS if k.endswith("ه"))
# ``حي`` is part of a quarter's name (``حي المغار``, ``حي الأندلس``): it goes inside the span.
_QUARTER = frozenset(normalize(w) for w in ("حي", "بحي", "وحي", "لحي", "وبحي"))
_QUOTES = frozenset('"«»“”\'')


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
    cue: bool = False       # a locative cue or place noun right before: evidence for a packaged town
    preceding: tuple[str, ...] = ()     # keys of the two tokens before, nearest last

    @property
    def demonym(self) -> bool:
        return all(e.demonym for e in self.entries)


def find_toponyms(text: str, tokens: list[Token], gazetteer: Gazetteer) -> list[Toponym]:
    """Place and demonym spans in ``text``, longest match first, ordinary-word readings filtered."""
    found: list[Toponym] = []
    done = 0    # tokens before this are taken
    matches = gazetteer.names.find(tokens)
    i = -1
    while i + 1 < len(matches):
        i += 1
        m = matches[i]
        first, start = m.first, m.start
        if first < done:
            continue
        if first + 1 < m.last and tokens[first].key in PLACE_NOUNS and _head_is_generic(tokens, m, gazetteer):
            first, start = first + 1, tokens[first + 1].start   # ``منطقة الهلال النفطي`` -> ``الهلال النفطي``
        before = first - 1 if first > 0 and tokens[first - 1].text not in _QUOTES else first - 2
        previous = tokens[before].key if before >= 0 else ""     # through an opening quote: جسر "الشلال"
        if (previous in _FEMININE_PLACE_NOUNS or tokens[first].key in _FEMININE_PLACE_NOUNS) and \
                _name_goes_on(tokens, first, m.last, previous):
            if first == m.first and tokens[first].key in _FEMININE_PLACE_NOUNS:
                matches[i + 1:i + 1] = _after_the_noun(tokens, m, gazetteer)
            continue
        done = m.last
        clitics = m.clitics and first == m.first
        # ``راس لانوف والسدرة``: a name joined by و to the place before it is a place too
        joined = clitics and bool(found) and found[-1].last_token == first and tokens[first].key[0] == "و"
        weak, strong = _cues(tokens[first].key, clitics, previous)
        cue = joined or strong
        entries = tuple(e for e in m.payloads
                        if (previous in PLACE_NOUNS if e.nonplace else not e.needs_cue or joined or weak))
        if entries:
            preceding = (tokens[before - 1].key if before > 0 else "", previous)
            if previous in _QUARTER and before == first - 1 and not clitics:
                head = tokens[before]
                start = head.start + (original_offset(head.text, len(previous) - 2) if len(previous) > 2 else 0)
            found.append(Toponym(start, m.end, text[start:m.end], entries, first, m.last, previous, cue, preceding))
    return found


def _after_the_noun(tokens: list[Token], m, gazetteer: Gazetteer) -> list:
    """A match that starts with a place noun but is shorter than the name (``منطقة الساحل الشرقي``):
    the name after the noun, looked up again (``الساحل الشرقي``), if it is one."""
    again = gazetteer.names.find(tokens[m.first + 1:m.last + _LOOKAHEAD])
    if not again or again[0].first != 0:
        return []
    off = m.first + 1
    return [replace(again[0], first=again[0].first + off, last=again[0].last + off)]


_LOOKAHEAD = 6


def _cues(key: str, clitics: bool, previous: str) -> tuple[bool, bool]:
    """(any cue, a strong cue) for a name whose first token is ``key``."""
    if clitics and (key[:1] == "ب" or key[:2] in ("وب", "فب")):
        return True, True   # بسرت "in Sirte"; not ل, which as often means "to" a person (للسراج)
    if previous in _CUES:
        return True, previous not in _WEAK_CUES
    return False, False


def _head_is_generic(tokens: list[Token], m, gazetteer: Gazetteer) -> bool:
    """A name written with its head noun (``منطقة الهلال النفطي``) whose rest alone names the same
    place: the head (and any clitic on it) stays outside the span, as in ``منطقة طرابلس``."""
    rest = {e.place.id for e in gazetteer.names.lookup(" ".join(t.key for t in tokens[m.first + 1:m.last]))}
    return bool(rest) and {e.place.id for e in m.payloads} <= rest


def _name_goes_on(tokens: list[Token], first: int, last: int, previous: str) -> bool:
    """``منطقة الساحل الشرقي`` is a Derna district, not the Sahel: after a feminine place noun, a
    masculine definite adjective (a nisba ``الشرقي``, or ``الأوسط``, ``الأخضر``) agrees with the name,
    so the name is longer than the one known."""
    if last >= len(tokens) or (previous not in _FEMININE_PLACE_NOUNS and tokens[first].key not in _FEMININE_PLACE_NOUNS):
        return False
    nxt = tokens[last].key
    return nxt.startswith("ال") and ((len(nxt) > 4 and nxt.endswith("ي")) or (len(nxt) == 6 and nxt[2] == "ا"))
