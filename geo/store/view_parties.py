"""Who each event of the view names (``view_parties``): one row per event and party it names on either side, by
English name (``field`` 'name_en') and by affiliation ('affiliation'), with the event's own columns that a count
reads (its day, article, incident...) and its cell. A filter by actor or affiliation then reads the rows of those
parties, kept together in the store, joined to their cells for what events of a cell share (``party_view``), instead
of fetching each of their events from the view: at 100k articles an affiliation names one event in eight.

The rows of an article are written again whenever its view is (``refill``, from ``current.refresh``), their incident
whenever the view's is (``incidents.CARRIERS``), whether it is mapped whenever its facts are (``set_mapped``, from
``incident_map``), and every row once for a store made before them (``ensure_built``)."""
from __future__ import annotations

from .current import CELL, build_once
from .engine import Connection

FORMAT = 1              # the meta row ``view_parties`` once every event's parties are written
FIELDS = ("name_en", "affiliation")     # what a party is matched on (``actors`` columns; ``EventQuery``'s filters)
# The event's own columns kept with each of its parties: what the counts and orders of ``queries`` read of one event,
# and whether its incident is on a map (``incident_map.FACTS``' ``mapped``: an incidents map ranks without a join).
COLUMNS = {"id": "TEXT NOT NULL", "doc_id": "TEXT", "sentence": "INTEGER", "start": "INTEGER", "date_start": "TEXT",
           "day": "TEXT", "day_end": "TEXT", "date_precision": "TEXT", "incident": "TEXT", "incident_outlets": "INTEGER",
           "mapped": "INTEGER", "cell": "TEXT"}
_FROM = {c: f"v.{c}" for c in COLUMNS} | {"mapped": "i.mapped"}
_INSERT = " UNION ALL ".join(
    f"SELECT DISTINCT '{f}', a.{f}, {', '.join(_FROM.values())} FROM event_view v "
    "JOIN event_actors ea ON ea.event_id = v.id JOIN actors a ON a.id = ea.actor_id "
    f"LEFT JOIN incidents i ON i.id = v.incident WHERE a.{f} IS NOT NULL AND {{where}}" for f in FIELDS)
_FILL = f"INSERT INTO view_parties (field, value, {', '.join(COLUMNS)}) {_INSERT}"
BATCH = 500             # articles (or events) per statement

# The view's columns for the events of one party: ``event_view``'s, where ``queries`` reads them, for rows of
# ``view_parties`` (one per party an event names: a filter on ``field`` and ``value`` keeps each event once).
VIEW = (f"CREATE VIEW party_view AS SELECT p.field, p.value, {', '.join(f'p.{c}' for c in COLUMNS if c != 'cell')}, "
        f"c.cell, {', '.join(f'c.{c}' for c in CELL)} FROM view_parties p JOIN event_cells c ON c.cell = p.cell")


def refill(conn: Connection, doc_ids: list[str]) -> None:
    """Write again the parties of these articles' events, from the view as it is now."""
    for i in range(0, len(doc_ids), BATCH):
        chunk = doc_ids[i:i + BATCH]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM view_parties WHERE doc_id IN ({marks})", chunk)
        conn.execute(_FILL.format(where=f"v.doc_id IN ({marks})"), chunk * len(FIELDS))


def set_mapped(conn: Connection, rows) -> None:
    """Each (mapped, incident): the rows of its events say whether it is on a map, as its facts do."""
    conn.executemany("UPDATE view_parties SET mapped = ? WHERE incident = ?", rows)


def ensure_built(conn: Connection) -> None:
    """Every event's parties, written once for a store whose view was made before them; a no-op after."""
    build_once(conn, "view_parties", FORMAT, _build)


def _build(conn: Connection) -> None:
    conn.execute("DELETE FROM view_parties")
    conn.execute(_FILL.format(where="1=1"))
