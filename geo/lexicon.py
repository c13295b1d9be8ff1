"""Longest-match phrase lookup over tokens, tolerant of attached proclitics.

One mechanism serves the gazetteer, the actor lexicon and the event triggers: phrases are
stored by their normalized token keys; the first token of a mention may carry proclitics
(و ف ب ل, ``لل``), which stay outside the reported span.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Iterable, TypeVar

from .text import Token, clitic_variants, normalize_phrase, original_offset

T = TypeVar("T")


@dataclass(frozen=True)
class Match(Generic[T]):
    start: int          # character offsets into the text, clitics excluded
    end: int
    first: int          # token indices, last exclusive
    last: int
    payloads: tuple[T, ...]
    clitics: bool       # whether proclitics were stripped from the first token


class Lexicon(Generic[T]):
    """Phrases (as normalized token tuples) mapped to one or more payloads each."""

    def __init__(self, entries: Iterable[tuple[str, T]] = ()):
        self._index: dict[tuple[str, ...], list[T]] = {}
        self._prefixes: set[tuple[str, ...]] = set()
        self._firsts: set[str] = set()      # first-token keys, to pass over most tokens at once
        for phrase, payload in entries:
            self.add(phrase, payload)

    def add(self, phrase: str, payload: T) -> None:
        key = normalize_phrase(phrase)
        if not key:
            return
        bucket = self._index.setdefault(key, [])
        if payload not in bucket:
            bucket.append(payload)
        for i in range(1, len(key) + 1):
            self._prefixes.add(key[:i])
        self._firsts.add(key[0])

    def __contains__(self, phrase: str) -> bool:
        return normalize_phrase(phrase) in self._index

    def lookup(self, phrase: str) -> list[T]:
        return list(self._index.get(normalize_phrase(phrase), ()))

    def find(self, tokens: list[Token]) -> list[Match[T]]:
        """Leftmost-longest, non-overlapping matches; an unstripped reading beats a stripped one."""
        matches: list[Match[T]] = []
        firsts = self._firsts
        i, n = 0, len(tokens)
        while i < n:
            for _, stem in clitic_variants(tokens[i].key):
                if stem in firsts:
                    break
            else:   # no reading of this token starts a phrase: the common case, kept cheap
                i += 1
                continue
            best = self._best_at(tokens, i)
            if best is None:
                i += 1
                continue
            matches.append(best)
            i = best.last
        return matches

    def _best_at(self, tokens: list[Token], i: int) -> Match[T] | None:
        best: tuple[int, int, tuple[str, ...]] | None = None  # (last, cut, key)
        for cut, stem in clitic_variants(tokens[i].key):
            key: tuple[str, ...] = (stem,)
            j = i + 1
            while key in self._prefixes:
                if key in self._index and (best is None or j > best[0]):
                    best = (j, cut, key)
                if j >= len(tokens):
                    break
                key = key + (tokens[j].key,)
                j += 1
        if best is None:
            return None
        last, cut, key = best
        first_tok = tokens[i]
        start = first_tok.start + (original_offset(first_tok.text, cut) if cut else 0)
        return Match(start, tokens[last - 1].end, i, last, tuple(self._index[key]), cut > 0)
