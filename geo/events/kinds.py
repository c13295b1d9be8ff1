"""The kinds of event, each named once: label, colour, nouns and subtypes, read by the extractor,
``evaluate`` and the app. Adding a kind means one entry here and one module with its rules."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventKind:
    name: str                       # the value of Event.type
    label: str                      # how the app names it
    colour: tuple[int, int, int]    # RGB on every map and chart
    nouns: tuple[str, str]          # one, many: "3 visits", "1 clash"
    subtypes: tuple[str, ...]       # what data/triggers.csv may give a trigger of this kind
    arcs: bool                      # drawn as an arc (origin -> place) rather than a point


KINDS: dict[str, EventKind] = {k.name: k for k in (
    EventKind("visit", "Visit", (31, 119, 180), ("visit", "visits"), ("visit", "reception", "return"), True),
    EventKind("front_line", "Front line", (214, 39, 40), ("clash", "clashes"), ("fighting",), False),
    EventKind("diplomatic_flow", "Diplomatic flow", (44, 160, 44), ("contact", "contacts"),
              ("call", "meeting", "delegation", "invitation", "mediation", "support", "statement",
               "agreement", "appeal"), True),
)}
EVENT_TYPES = tuple(KINDS)

# Trigger rows that are not events but say something about the events near them.
CUE_SUBTYPES = ("", "not_fighting", "not_diplomatic")
