"""Arabic text handling: tokens with offsets, matching keys, clitic variants and sentences.

Matching happens on a normalized key (camel-tools' arclean, dediacritization and alef / alef
maksura / teh marbuta normalization), while every token keeps its offsets into the original
text, so whatever is found can be reported as ``text[start:end]``.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from itertools import accumulate
from typing import Iterable, NamedTuple

from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.normalize import (normalize_alef_ar, normalize_alef_maksura_ar,
                                         normalize_teh_marbuta_ar)

from .model import Sentence

_ARCLEAN = CharMapper.builtin_mapper("arclean")
TATWEEL = "\u0640"
# camel_tools' Arabic diacritics (AR_DIAC_CHARSET: the tanwin, short vowels, shadda, sukun, dagger alef), which its
# dediac_ar removes. (Importing camel_tools.utils.charsets or .dediac loops over every Unicode code point: 0.9 s.)
AR_DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
# Diacritics and tatweel dropped; and beyond camel-tools' normalizers, hamza seats folded (فائز = فايز).
_FOLD = str.maketrans({**dict.fromkeys(AR_DIACRITICS), TATWEEL: None, "ئ": "ي", "ؤ": "و"})


def _char_class(chars) -> str:
    """A compact regex character class for a large set of characters (runs become ranges)."""
    points = sorted(ord(c) for c in chars)
    parts, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = chr(points[i]), chr(points[j])
        parts.append(re.escape(lo) if i == j else f"{re.escape(lo)}-{re.escape(hi)}")
        i = j + 1
    return "".join(parts)


def is_punct_symbol(ch: str) -> bool:
    """Punctuation or symbol by Unicode category (camel_tools' UNICODE_PUNCT_SYMBOL_CHARSET, without building it)."""
    return unicodedata.category(ch)[0] in "PS"


# Punctuation and symbols in the Basic Multilingual Plane; every character beyond it (emoji and the
# like) counts as a symbol too, which keeps the class small and the regex fast.
_PUNCT = _char_class(c for c in map(chr, range(0x10000)) if is_punct_symbol(c)) + "\U00010000-\U0010FFFF"
# The same boundaries as camel_tools' simple_word_tokenize (split on white space, every
# punctuation or symbol character its own token), in one compiled pass that keeps offsets.
_TOKEN_RE = re.compile(rf"[^\s{_PUNCT}]+|[{_PUNCT}]")
# Sentence ends: . ! ? ؟ … followed by space, or a line break.
_SENTENCE_END_RE = re.compile(r"(?:(?<=[.!?؟…])|(?<=[.!?؟…][\"'”»]))\s+|\n+")


class Token(NamedTuple):
    start: int
    end: int
    text: str
    key: str        # normalized form used for matching


@lru_cache(maxsize=200_000)
def normalize(word: str) -> str:
    """The matching key of a word or phrase: arclean, no diacritics or tatweel, ا for أإآ, ي for ى ئ, و for ؤ, ه for ة."""
    s = _ARCLEAN.map_string(word)
    s = s.translate(_FOLD)
    return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(s)))


def fold(text: str) -> str:
    """Case-folded, accents and Arabic marks dropped, for matching what someone types."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def search_key(text: str) -> str:
    """What a search matches: folded (``fold``), and each word's Arabic letter variants as ``normalize`` has them."""
    return " ".join(normalize(w) for w in fold(text).split())


def normalize_phrase(phrase: str) -> tuple[str, ...]:
    """A phrase as the tuple of its tokens' keys (punctuation dropped)."""
    return tuple(t.key for t in tokenize(phrase) if not is_punct(t.text))


def is_punct(token_text: str) -> bool:
    return len(token_text) == 1 and is_punct_symbol(token_text)


def tokenize(text: str) -> list[Token]:
    """Word tokens with offsets into ``text``; each carries its normalized key."""
    new = tuple.__new__   # Token(...) without the NamedTuple constructor's overhead: tokens are made by the million
    return [new(Token, (m.start(), m.end(), w := m.group(), normalize(w))) for m in _TOKEN_RE.finditer(text)]


def original_offset(token_text: str, key_prefix_len: int) -> int:
    """How many characters of ``token_text`` produce the first ``key_prefix_len`` characters of its key.

    Needed to map a clitic stripped from the key back to the original text, which may carry
    diacritics or tatweel inside the clitic (``وَطرابلس``).
    """
    produced = 0
    for i, ch in enumerate(token_text):
        width = len(normalize(ch))
        if produced >= key_prefix_len and width:   # marks on the clitic stay with it
            return i
        produced += width
    return len(token_text)


# Proclitics that attach to nouns in news text: a conjunction, then a preposition.
_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل")   # ك is left out: كبيرا is not ك + بيرا (Beira)
MIN_STEM = 3


@lru_cache(maxsize=200_000)
def clitic_variants(key: str) -> tuple[tuple[int, str], ...]:
    """Readings of a token key as proclitics + stem, as (length of the clitics in the key, stem).

    The unstripped reading comes first. ``لل`` is read as ``ل`` + ``ال`` with the alef elided
    (``للقاهرة`` -> ``القاهرة``), the offset then pointing just after the preposition.
    """
    out: list[tuple[int, str]] = [(0, key)]
    for conj in _CONJUNCTIONS:
        if not key.startswith(conj):
            continue
        rest = key[len(conj):]
        for prep in _PREPOSITIONS:
            if not (conj or prep) or not rest.startswith(prep):
                continue
            stem = rest[len(prep):]
            cut = len(conj) + len(prep)
            if prep == "ل" and stem.startswith("ل") and len(stem) > MIN_STEM:
                out.append((cut, "ا" + stem))
            if len(stem) >= MIN_STEM:
                out.append((cut, stem))
    return tuple(dict.fromkeys(out))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets: split after . ! ? ؟ … plus space, and at line breaks; blank ones dropped."""
    sentences, pos = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        _append_sentence(sentences, text, pos, m.start())
        pos = m.end()
    _append_sentence(sentences, text, pos, len(text))
    return sentences


def _append_sentence(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    start += len(chunk) - len(chunk.lstrip())
    end = start + len(stripped)
    out.append(Sentence(len(out), start, end, stripped))


class Spans:
    """(start, end) spans, sorted by start with the furthest end reached so far, so asking whether a
    span lies inside one of them is a bisection, not a scan (a run-on text has thousands of them)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._reach = list(accumulate((e for _, e in ordered), max))

    def contain(self, start: int, end: int) -> bool:
        """Whether some span begins at or before ``start`` and ends at or after ``end``."""
        i = bisect.bisect_right(self._starts, start)
        return i > 0 and self._reach[i - 1] >= end
