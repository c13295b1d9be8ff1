"""What changed in one week: the places and actors of the events that are new or rising against the weeks before,
and the incidents first reported, or reported again, that week. Counted in SQL, so a week costs its own events
and those of the weeks it is compared with, whatever the store holds.

The rule, in one place (``RISE_MIN``, ``RISE_FACTOR``):

- a week is an ISO week (Monday to Sunday); an event belongs to the week of its first day (``event_view.day``), as
  on the timeline. Events dated only to a month or a year are left out: their week is not known;
- a place or an actor is **new** when it has events in the week and none in the ``before`` weeks before it;
- it is **rising** when it had some, and the week has at least ``RISE_MIN`` events and at least ``RISE_FACTOR``
  times the weekly mean of the weeks before (events in the week × weeks ≥ factor × events before);
- an incident is **new** when its earliest report was published in the week (``incidents.first_reported``), and
  **rising** when it was first reported earlier and an article published in the week reports it again.

The page's filters apply (kind, status, actors, affiliations), except its dates: a comparison with the weeks
before has to read them, whatever the date filter keeps (it picks the default week, ``latest_week``)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from .engine import Connection
from .queries import EventQuery, condition

BEFORE = 4              # weeks a week is compared with
TOP = 10                # rows of each list
RISE_MIN = 2            # events a rising place or actor has in the week, at the least …
RISE_FACTOR = 2         # … and this many times its weekly mean of the weeks before
DATED = "v.day IS NOT NULL AND COALESCE(v.date_precision, '') NOT IN ('month', 'year')"


@dataclass(frozen=True)
class Change:
    """A place or an actor in the week: its key (place id, actor's English name), names, events in the week and
    in the ``weeks`` before, and ``mark``: ``new`` or ``rising``."""
    key: str
    name_en: str
    name_ar: str
    now: int
    before: int
    weeks: int
    mark: str

    @property
    def mean_before(self) -> float:
        """Events per week in the weeks before."""
        return self.before / self.weeks if self.weeks else 0.0


@dataclass(frozen=True)
class IncidentChange:
    """An incident reported in the week: what ``incidents`` holds of it, the reports published in the week that
    match the filters (``week_reports``), its first report (event, article, sentence) and ``mark``."""
    id: str
    kind: str
    status: str
    first_reported: str | None
    first_day: str | None
    last_day: str | None
    reports: int
    outlets: int
    place_en: str
    place_ar: str
    week_reports: int
    first_event: str
    first_doc: str
    first_sentence: int | None
    mark: str


@dataclass(frozen=True)
class WhatChanged:
    """The three lists of one week (its Monday ``week``), compared with ``before`` weeks."""
    week: date
    before: int
    places: tuple[Change, ...]
    actors: tuple[Change, ...]
    incidents: tuple[IncidentChange, ...]


def monday(day: date) -> date:
    """The Monday of the ISO week of ``day``."""
    return day - timedelta(days=day.weekday())


def latest_week(conn: Connection, q: EventQuery) -> date | None:
    """The Monday of the latest week with events under the filters (dates included), None without any."""
    where, args = condition(conn, q)
    row = conn.execute(f"SELECT v.day FROM {q.events().table} v WHERE {where} AND {DATED} ORDER BY v.day DESC LIMIT 1",
                       args).fetchone()     # not MAX(): an index read backwards stops at the first event that fits
    return monday(date.fromisoformat(row[0])) if row and row[0] else None


def _undated(q: EventQuery) -> EventQuery:
    return replace(q, date_from=None, date_to=None)


def _window(week: date, before: int) -> tuple[str, str, str]:
    """(first day of the weeks before, the week's Monday, the Monday after) as ISO days."""
    return ((week - timedelta(weeks=before)).isoformat(), week.isoformat(), (week + timedelta(weeks=1)).isoformat())


# Keeps the new and rising rows of a count (``now``, ``before``) and orders them by how much they grew.
_RULE = """SELECT * FROM ({}) t
WHERE t.n_week > 0 AND (t.n_before = 0 OR (t.n_week >= {} AND t.n_week * {} >= {} * t.n_before))
ORDER BY t.n_week * {} - t.n_before DESC, t.n_week DESC, t.k LIMIT {}"""


def _changes(conn: Connection, counted: str, args: list, before: int, top: int) -> tuple[Change, ...]:
    if before < 1:
        raise ValueError(f"a week is compared with at least one week before it, not {before}")
    sql = _RULE.format(counted, RISE_MIN, int(before), RISE_FACTOR, int(before), int(top))
    return tuple(Change(str(r[0]), r[1] or "", r[2] or "", int(r[3]), int(r[4]), before,
                        "new" if int(r[4]) == 0 else "rising") for r in conn.execute(sql, args))


def places(conn: Connection, q: EventQuery, week: date, before: int = BEFORE, top: int = TOP) -> tuple[Change, ...]:
    """The ``top`` new or rising places of the week (``monday(week)``), the most grown first."""
    start, monday_, end = _window(monday(week), before)
    where, args = condition(conn, _undated(q))
    counted = ("SELECT v.place_id AS k, MIN(v.place_en) AS name_en, MIN(v.place_ar) AS name_ar, "
               "SUM(CASE WHEN v.day >= ? THEN 1 ELSE 0 END) AS n_week, "
               "SUM(CASE WHEN v.day < ? THEN 1 ELSE 0 END) AS n_before "
               f"FROM {q.events().table} v WHERE {where} AND {DATED} AND v.place_id IS NOT NULL AND v.day >= ? AND v.day < ? "
               "GROUP BY v.place_id")
    return _changes(conn, counted, [monday_, monday_, *args, start, end], before, top)


def actors(conn: Connection, q: EventQuery, week: date, before: int = BEFORE, top: int = TOP) -> tuple[Change, ...]:
    """The ``top`` new or rising actors (named on either side of an event) of the week, the most grown first."""
    start, monday_, end = _window(monday(week), before)
    where, args = condition(conn, _undated(q))
    counted = ("SELECT a.name_en AS k, a.name_en AS name_en, MIN(a.name_ar) AS name_ar, "
               "COUNT(DISTINCT CASE WHEN v.day >= ? THEN v.id END) AS n_week, "
               "COUNT(DISTINCT CASE WHEN v.day < ? THEN v.id END) AS n_before "
               f"FROM {q.events().table} v JOIN event_actors ea ON ea.event_id = v.id JOIN actors a ON a.id = ea.actor_id "
               f"WHERE {where} AND {DATED} AND a.name_en IS NOT NULL AND v.day >= ? AND v.day < ? GROUP BY a.name_en")
    return _changes(conn, counted, [monday_, monday_, *args, start, end], before, top)


def incidents(conn: Connection, q: EventQuery, week: date, top: int = TOP) -> tuple[IncidentChange, ...]:
    """The ``top`` incidents an article published in the week reports (one of the filters' events), the most
    reported that week first: ``new`` when first reported in the week, else ``rising``."""
    _, monday_, end = _window(monday(week), 0)
    where, args = condition(conn, _undated(q))
    sql = ("SELECT i.id, i.kind, i.status, i.first_reported, i.first_day, i.last_day, i.reports, i.outlets, "
           "i.place_en, p.name_ar, w.n FROM (SELECT m.incident_id, COUNT(*) AS n FROM document_search s "
           f"JOIN incident_events m ON m.doc_id = s.doc_id JOIN {q.events().table} v ON v.id = m.event_id "
           f"WHERE s.published >= ? AND s.published < ? AND {where} GROUP BY m.incident_id) w "
           "JOIN incidents i ON i.id = w.incident_id LEFT JOIN places p ON p.id = i.place_id "
           f"ORDER BY w.n DESC, i.reports DESC, i.id LIMIT {int(top)}")
    found = conn.execute(sql, [monday_, end, *args]).fetchall()
    first = _first_reports(conn, [r[0] for r in found])
    return tuple(IncidentChange(r[0], r[1], r[2] or "", r[3], r[4], r[5], int(r[6]), int(r[7]), r[8] or "",
                                r[9] or "", int(r[10]), *first.get(r[0], ("", "", None)),
                                "new" if r[3] and r[3] >= monday_ else "rising") for r in found)


def _first_reports(conn: Connection, ids: list[str]) -> dict[str, tuple[str, str, int | None]]:
    """Each incident's earliest report (published first, then by event id, as ``queries.incident`` lists them):
    (event, article, sentence)."""
    if not ids:
        return {}
    out: dict[str, tuple[str, str, int | None]] = {}
    for r in conn.execute(
            "SELECT m.incident_id, m.event_id, m.doc_id, v.sentence FROM incident_events m "
            "JOIN event_view v ON v.id = m.event_id JOIN documents d ON d.id = m.doc_id "
            f"WHERE m.incident_id IN ({','.join('?' * len(ids))}) ORDER BY d.published NULLS LAST, m.event_id", ids):
        out.setdefault(r[0], (r[1], r[2], None if r[3] is None else int(r[3])))
    return out


def what_changed(conn: Connection, q: EventQuery, week: date | None = None, before: int = BEFORE,
                 top: int = TOP) -> WhatChanged | None:
    """The week's three lists (default week: ``latest_week``); None when there is no week to show."""
    week = monday(week) if week else latest_week(conn, q)
    if week is None:
        return None
    return WhatChanged(week, before, places(conn, q, week, before, top), actors(conn, q, week, before, top),
                       incidents(conn, q, week, top))
