"""Domain lists about actors that the event rules need, from ``data/event_roles.csv``: which sides
fight (front-line parties), which never take part in diplomacy, and which states a bare country
name does not stand for (their government is contested between sides the lexicon names)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..gazetteer import DATA_DIR
from ..model import Actor

ROLES = ("belligerent", "not_diplomatic", "contested_state")


@dataclass(frozen=True)
class Roles:
    affiliations: dict[str, frozenset[str]]   # role -> affiliations that have it
    actors: dict[str, frozenset[str]]         # role -> actor ids that have it

    def has(self, actor: Actor, role: str) -> bool:
        return actor.affiliation in self.affiliations.get(role, ()) or actor.id in self.actors.get(role, ())


@lru_cache(maxsize=4)
def load_roles(data_dir: Path = DATA_DIR) -> Roles:
    aff: dict[str, set[str]] = {r: set() for r in ROLES}
    ids: dict[str, set[str]] = {r: set() for r in ROLES}
    with open(data_dir / "event_roles.csv", encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            role, by, value = row["role"], row["by"], row["value"].strip()
            if role not in ROLES or by not in ("affiliation", "actor") or not value:
                raise ValueError(f"event_roles.csv line {line}: want role in {ROLES}, by affiliation|actor, a value")
            (aff if by == "affiliation" else ids)[role].add(value)
    return Roles({k: frozenset(v) for k, v in aff.items()}, {k: frozenset(v) for k, v in ids.items()})
