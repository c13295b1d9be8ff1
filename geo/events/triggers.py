"""The trigger lexicon, ``data/triggers.csv``, checked against the registry of kinds when loaded."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..gazetteer import DATA_DIR
from ..lexicon import Lexicon
from .kinds import CUE_SUBTYPES, KINDS

STATUSES = ("", "occurred", "planned")
DESTINATIONS = ("", "to")   # "to": the destination must follow إلى (توجه إلى), never a bare object


@dataclass(frozen=True)
class Trigger:
    type: str       # a kind in KINDS, or "cue"
    subtype: str
    status: str     # occurred | planned | "" (the sentence decides)
    destination: str = ""   # "" | "to" (see DESTINATIONS)


class TriggerTableError(ValueError):
    """A row of triggers.csv names a kind, subtype or status the registry does not know."""


def check_row(line: int, row: dict) -> Trigger:
    """The row's trigger, or TriggerTableError saying which line is wrong and why."""
    kind, subtype, status = row.get("type") or "", row.get("subtype") or "", row.get("status") or ""
    if kind == "cue":
        allowed = CUE_SUBTYPES
    elif kind in KINDS:
        allowed = KINDS[kind].subtypes
    else:
        raise TriggerTableError(f"triggers.csv line {line}: unknown type {kind!r} (known: cue, {', '.join(KINDS)})")
    if subtype not in allowed:
        raise TriggerTableError(f"triggers.csv line {line}: {kind} has no subtype {subtype!r} "
                                f"(known: {', '.join(s or '(empty)' for s in allowed)})")
    if status not in STATUSES:
        raise TriggerTableError(f"triggers.csv line {line}: status must be occurred, planned or empty, got {status!r}")
    destination = row.get("destination") or ""
    if destination not in DESTINATIONS or (destination and kind != "visit"):
        raise TriggerTableError(f"triggers.csv line {line}: destination must be empty or 'to' (visits only), "
                                f"got {destination!r}")
    if not (row.get("phrase_ar") or "").strip():
        raise TriggerTableError(f"triggers.csv line {line}: no phrase")
    return Trigger(kind, subtype, status, destination)


@lru_cache(maxsize=4)
def load_triggers(data_dir: Path = DATA_DIR) -> Lexicon[Trigger]:
    lex: Lexicon[Trigger] = Lexicon()
    with open(data_dir / "triggers.csv", encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            trig = check_row(line, row)
            for phrase in row["phrase_ar"].split("|"):
                lex.add(phrase, trig)
    return lex
