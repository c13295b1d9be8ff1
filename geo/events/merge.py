"""One real event told in several sentences of an article becomes one event carrying every
sentence that reports it: one trip, one battle for a place, one contact between two sides."""
from __future__ import annotations

from ..model import Event

def merge_reports(events: list[Event]) -> list[Event]:
    """Events in article order, each later report of an earlier event folded into it."""
    out: list[Event] = []
    for e in events:
        same = next((o for o in out if same_event(o, e)), None)
        if same is None:
            out.append(e)
        else:
            absorb(same, e)
    return out


def same_event(a: Event, b: Event) -> bool:
    """Same kind, status and period, the same place (or one inside the other), and the same sides."""
    if a.type != b.type or a.status != b.status or not _overlap(a, b) or not _same_place(a, b):
        return False
    ids_a, ids_b = {x.id for x in a.actors}, {x.id for x in b.actors}
    if a.type == "front_line":
        return True     # one battle for one place, whoever each sentence names
    if a.type == "visit":
        return bool(ids_a & ids_b) or not (ids_a or ids_b)
    sides_a, sides_b = ids_a | {x.id for x in a.counterparts}, ids_b | {x.id for x in b.counterparts}
    return bool(ids_a & sides_b) and bool(ids_b & sides_a) and a.subtype == b.subtype


def absorb(into: Event, other: Event) -> None:
    """Fold a later report into an event: its sentence, any side it adds, a place or a date it lacked."""
    if other.sentence.index != into.sentence.index and all(s.index != other.sentence.index for s in into.reports):
        into.reports.append(other.sentence)
    into.actors += [a for a in other.actors if a not in into.actors and a not in into.counterparts]
    into.counterparts += [c for c in other.counterparts if c not in into.counterparts and c not in into.actors]
    if other.place is not None and (into.place is None or (other.venue and not into.venue)):
        into.place, into.venue = other.place, other.venue   # a named venue over a seat taken by default
    if into.date_source != "text" and other.date_source == "text":
        into.date_start, into.date_end = other.date_start, other.date_end
        into.date_precision, into.date_source = other.date_precision, other.date_source
    into.confidence = max(into.confidence, other.confidence)


def _overlap(a: Event, b: Event) -> bool:
    """Periods that overlap; a report dated only by the article's own date contradicts none."""
    if not (a.date_source == b.date_source == "text"):
        return True
    return a.date_start <= b.date_end and b.date_start <= a.date_end


def _same_place(a: Event, b: Event) -> bool:
    """The same place: each stop of a tour, each quarter of a city, is an event of its own. A flow
    placed only at a counterpart's seat (no venue named) has no place of its own to differ by."""
    if a.type == "diplomatic_flow" and not (a.venue and b.venue):
        return True
    return (a.place.id if a.place else None) == (b.place.id if b.place else None)
