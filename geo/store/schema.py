"""The store's tables, written once for both engines (SQLite's spelling; ``postgres`` adapts the types), and the
number of the schema they make. What only one engine has (SQLite's migrations of older files, PostgreSQL's
triggers) lives in that engine's module."""
from __future__ import annotations

from .current import CELL, FIGURES, SPAN
from .incident_map import FACTS as INCIDENT_FACTS, READ as INCIDENT_READ
from .view_parties import COLUMNS as PARTY_COLUMNS, VIEW as PARTY_VIEW

# 2: corrections; 3: event_reports; 4: changes and document_versions; 5: meta (the writes counter), event_actors.pos;
# 6: event_view (the events as corrected, what pages query); 7: event_view.cell, the rollups of its cells and
# document_search; 8: ix_view_day_kind (the timeline of a kind or status reads an index, not the view); 9: incidents
# and incident_events (``incidents``), filled once when an older store is opened for writing; 10: event_view.incident and
# incident_outlets (each event's incident, what maps and the outlets filter read); 11: incidents.planned and occurred
# (an incident's reports of each status: a map filtered by status ranks its incidents without reading the view) and
# ix_view_incident_map in place of ix_view_incident (an incidents map's groups read that index only), the incidents'
# rankings (ix_incidents_reports, _planned, _occurred), and ix_view_doc_kind in place of ix_view_doc (whether an
# article has an event of a kind and status is read off that index: the articles a page's metrics count); 12: what a map
# draws of each incident in its row (``incident_map.FACTS``, filled once when an older store is opened for writing),
# and rankings that say whether an incident is on a map (ix_incidents_rank_*, in place of ix_incidents_*), and
# ``day_counts`` (events per day, kind, subtype and status: a timeline's rollup, counted once for an older store), and
# ix_view_days in place of ix_view_day_kind (with each event's last day and incident: an incidents map filtered by
# dates counts its incidents' reports off that index), and ix_view_incident_reports in place of ix_view_incident_map
# (only what is read of an incident's reports); 13: ``view_parties`` (each event's parties, with what a count reads of
# it: a filter by actor or affiliation reads its parties' rows, not their events in the view, through ``party_view``),
# written once for an older store
SCHEMA_VERSION = 13

# What is read of an incident's reports, incident first: what a map draws of it (``incident_map.READ``) and the kinds
# of their places (``incidents.irregular``). An index of these columns answers both from the index alone.
INCIDENT_REPORTS = (*INCIDENT_READ, "place_kind")

# What ``incidents`` counts of each incident's reports by status (a column each). Schema 11 fills them on a store whose
# incidents are built by counting the view's events of each incident (``event_view.incident``), not by grouping again.
INCIDENT_STATUSES = ("planned", "occurred")
COUNT_INCIDENT_STATUSES = (
    f"UPDATE incidents SET {', '.join(f'{s} = c.{s}' for s in INCIDENT_STATUSES)} FROM (SELECT v.incident, "
    + ", ".join(f"SUM(CASE WHEN v.status = '{s}' THEN 1 ELSE 0 END) AS {s}" for s in INCIDENT_STATUSES)
    + " FROM event_view v WHERE v.incident IS NOT NULL GROUP BY v.incident) c WHERE c.incident = incidents.id")

_TABLES = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL UNIQUE, title TEXT, outlet TEXT, url TEXT,
    published TEXT, date_precision TEXT, text TEXT NOT NULL, source TEXT, ingested_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS places (
    id TEXT PRIMARY KEY, name_en TEXT, name_ar TEXT, kind TEXT, country TEXT, lat REAL, lon REAL,
    population INTEGER, seat INTEGER, source TEXT);
CREATE TABLE IF NOT EXISTS actors (
    id TEXT PRIMARY KEY, name_en TEXT, name_ar TEXT, kind TEXT, affiliation TEXT, home_base TEXT);
CREATE TABLE IF NOT EXISTS place_mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, sentence INTEGER, start INTEGER,
    "end" INTEGER, text TEXT, place_id TEXT REFERENCES places(id), demonym INTEGER, recognizer TEXT);
CREATE TABLE IF NOT EXISTS actor_mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, sentence INTEGER, start INTEGER,
    "end" INTEGER, text TEXT, actor_id TEXT REFERENCES actors(id), recognizer TEXT);
CREATE TABLE IF NOT EXISTS time_mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, start INTEGER, "end" INTEGER,
    text TEXT, date_start TEXT, date_end TEXT, precision TEXT);
CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    sentence INTEGER, start INTEGER, "end" INTEGER, type TEXT, subtype TEXT, trigger TEXT,
    place_id TEXT REFERENCES places(id), origin_id TEXT REFERENCES places(id),
    date_start TEXT, date_end TEXT, date_precision TEXT, date_source TEXT, status TEXT, confidence REAL);
CREATE TABLE IF NOT EXISTS event_actors (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE, actor_id TEXT REFERENCES actors(id),
    role TEXT NOT NULL, pos INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS event_reports (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE, sentence INTEGER NOT NULL,
    PRIMARY KEY (event_id, sentence));
CREATE INDEX IF NOT EXISTS ix_events_doc ON events(doc_id);
CREATE INDEX IF NOT EXISTS ix_event_actors ON event_actors(event_id);
CREATE INDEX IF NOT EXISTS ix_pm_doc ON place_mentions(doc_id);
CREATE INDEX IF NOT EXISTS ix_am_doc ON actor_mentions(doc_id);
CREATE INDEX IF NOT EXISTS ix_tm_doc ON time_mentions(doc_id);
CREATE INDEX IF NOT EXISTS ix_pm_place ON place_mentions(place_id);
CREATE INDEX IF NOT EXISTS ix_am_actor ON actor_mentions(actor_id);
CREATE INDEX IF NOT EXISTS ix_events_place ON events(place_id);
CREATE INDEX IF NOT EXISTS ix_events_origin ON events(origin_id);
CREATE INDEX IF NOT EXISTS ix_event_actors_actor ON event_actors(actor_id);
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, target TEXT NOT NULL, value TEXT NOT NULL,
    note TEXT, created_at TEXT NOT NULL, undone_at TEXT);
CREATE INDEX IF NOT EXISTS ix_corrections_target ON corrections(target);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
    target TEXT NOT NULL, doc_id TEXT, version INTEGER, detail TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS ix_changes_target ON changes(target);
CREATE INDEX IF NOT EXISTS ix_changes_doc ON changes(doc_id);
CREATE TABLE IF NOT EXISTS document_versions (
    doc_id TEXT NOT NULL, version INTEGER NOT NULL, content_hash TEXT NOT NULL, title TEXT, outlet TEXT, url TEXT,
    published TEXT, date_precision TEXT, text TEXT NOT NULL, source TEXT, ingested_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL, events TEXT NOT NULL, PRIMARY KEY (doc_id, version));
CREATE TABLE IF NOT EXISTS event_view (
    id TEXT PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, sentence INTEGER, start INTEGER, "end" INTEGER,
    type TEXT, subtype TEXT, trigger TEXT, status TEXT, confidence REAL, date_start TEXT, date_end TEXT,
    date_precision TEXT, date_source TEXT, day TEXT, day_end TEXT, place_id TEXT, place_en TEXT, place_ar TEXT,
    lat REAL, lon REAL, place_kind TEXT, place_country TEXT, origin_id TEXT, origin_en TEXT, origin_ar TEXT,
    origin_lat REAL, origin_lon REAL, actor_key TEXT, counterpart_key TEXT, aff_key TEXT, corrected INTEGER NOT NULL DEFAULT 0,
    cell TEXT, incident TEXT, incident_outlets INTEGER);
CREATE INDEX IF NOT EXISTS ix_view_type_day ON event_view(type, day);
CREATE INDEX IF NOT EXISTS ix_view_day_end ON event_view(day_end);
DROP INDEX IF EXISTS ix_view_day_kind;
CREATE INDEX IF NOT EXISTS ix_view_days ON event_view(day, type, subtype, status, day_end, incident);
DROP INDEX IF EXISTS ix_view_doc;
CREATE INDEX IF NOT EXISTS ix_view_doc_kind ON event_view(doc_id, type, status);
CREATE INDEX IF NOT EXISTS ix_view_place ON event_view(place_id);
DROP INDEX IF EXISTS ix_view_incident;
DROP INDEX IF EXISTS ix_view_incident_map;
CREATE INDEX IF NOT EXISTS ix_view_incident_reports ON event_view({INCIDENT_REPORTS});
CREATE INDEX IF NOT EXISTS ix_view_cell ON event_view(cell);
CREATE INDEX IF NOT EXISTS ix_view_order ON event_view(day, doc_id, sentence, start, id);
CREATE INDEX IF NOT EXISTS ix_view_status_doc ON event_view(status, doc_id);
CREATE TABLE IF NOT EXISTS event_cells (cell TEXT PRIMARY KEY, {CELL_COLUMNS});
CREATE TABLE IF NOT EXISTS cell_pairs (
    cell TEXT NOT NULL, actor_en TEXT, actor_ar TEXT, counterpart_en TEXT, counterpart_ar TEXT, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ix_cell_pairs ON cell_pairs(cell);
CREATE TABLE IF NOT EXISTS document_search (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, published TEXT, search TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ix_document_search_published ON document_search(published);
CREATE TABLE IF NOT EXISTS cell_parties (cell TEXT NOT NULL, name_en TEXT, name_ar TEXT, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ix_cell_parties ON cell_parties(cell);
CREATE INDEX IF NOT EXISTS ix_actors_name ON actors(name_en);
CREATE INDEX IF NOT EXISTS ix_actors_affiliation ON actors(affiliation);
CREATE TABLE IF NOT EXISTS incidents (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT, first_reported TEXT, first_day TEXT, last_day TEXT,
    reports INTEGER NOT NULL, outlets INTEGER NOT NULL, outlet_names TEXT, sources INTEGER NOT NULL, confidence REAL,
    place_id TEXT, place_en TEXT, lat REAL, lon REAL, planned INTEGER NOT NULL DEFAULT 0,
    occurred INTEGER NOT NULL DEFAULT 0, {INCIDENT_FACTS});
CREATE INDEX IF NOT EXISTS ix_incidents_day ON incidents(first_day, kind);
{RANKINGS}
CREATE TABLE IF NOT EXISTS incident_events (
    event_id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, doc_id TEXT NOT NULL, kind TEXT, day TEXT, day_end TEXT,
    tile TEXT NOT NULL, linked_to TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS ix_incident_events_incident ON incident_events(incident_id);
CREATE INDEX IF NOT EXISTS ix_incident_events_doc ON incident_events(doc_id);
CREATE INDEX IF NOT EXISTS ix_incident_events_near ON incident_events(kind, tile, day);
CREATE TABLE IF NOT EXISTS day_counts (day TEXT NOT NULL, type TEXT, subtype TEXT, status TEXT, n INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS ix_day_counts ON day_counts(day, type, subtype, status);
CREATE TABLE IF NOT EXISTS view_parties (field TEXT NOT NULL, value TEXT NOT NULL, {PARTY_COLUMNS},
    PRIMARY KEY (field, value, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_view_parties_event ON view_parties(id, field, value);
CREATE INDEX IF NOT EXISTS ix_view_parties_doc ON view_parties(doc_id);
CREATE INDEX IF NOT EXISTS ix_view_parties_incident ON view_parties(incident);
DROP VIEW IF EXISTS party_view;
{PARTY_VIEW};
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta (key, value) VALUES ('writes', 0) ON CONFLICT (key) DO NOTHING;
"""
# The incidents with the most reports (of a status) first, with what else ranks them and whether they are on a map
# (``queries.incident_objects``): a map's biggest incidents are the first entries of an index, not a sort of every
# incident, and how many there are in all is counted off the index, not the table.
_RANKINGS = "\n".join(f"DROP INDEX IF EXISTS ix_incidents_{n};\nCREATE INDEX IF NOT EXISTS ix_incidents_rank_{n} ON "
                       f"incidents({n} DESC, id, kind, outlets, mapped);"
                       for n in ("reports", *INCIDENT_STATUSES))


def _typed(columns: dict[str, str]) -> str:
    """A table's columns from their names and types."""
    return ", ".join(f"{c} {t}" for c, t in columns.items())


_FILLED = {"{PARTY_VIEW}": PARTY_VIEW, "{PARTY_COLUMNS}": _typed(PARTY_COLUMNS), "{RANKINGS}": _RANKINGS,
           "{INCIDENT_REPORTS}": ", ".join(INCIDENT_REPORTS), "{INCIDENT_FACTS}": _typed(INCIDENT_FACTS),
           # a cell's row: what its events share, its span, and its counts (see ``current``)
           "{CELL_COLUMNS}": _typed({**{c: "REAL" if c.endswith(("lat", "lon")) else "TEXT" for c in CELL},
                                     **{c: "TEXT" for c in SPAN}, **{c: "INTEGER" for c in FIGURES}})}
TABLES = _TABLES
for _key, _text in _FILLED.items():
    TABLES = TABLES.replace(_key, _text)

TABLE_NAMES = ("documents", "sentences", "places", "actors", "place_mentions", "actor_mentions", "time_mentions",
               "events", "event_actors", "event_reports", "event_view", "event_cells", "cell_pairs", "cell_parties",
               "document_search", "corrections", "changes", "document_versions", "incidents", "incident_events",
               "day_counts", "view_parties")
