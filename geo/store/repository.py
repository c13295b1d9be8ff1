"""The store's documents, sentences, places, actors, mentions and events: saving an extraction and reading it back,
in SQL both engines run (``sqlite``, the default file, and ``postgres``).

An article's identity is the hash of the bytes it was read from; each article is written in one transaction, so an
interrupted ingest leaves the store as it was before that article. Every statement is parameterized. Every write
is recorded in the history (``history``): who, when and what; a replaced article's earlier version is kept there.
"""
from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from . import corrections, current, history, postgres, sqlite
from .engine import Connection
from .schema import TABLE_NAMES
from ..gazetteer import DATA_DIR
from ..model import Actor, Article, Event, Extraction, Place

DEFAULT_PATH = DATA_DIR / "atlas.sqlite"


def store_target(target: str | os.PathLike | None = None) -> str:
    """Where the store is: the argument, else $ATLAS_STORE, else data/atlas.sqlite (a path, or a postgresql:// URL)."""
    return str(target or os.environ.get("ATLAS_STORE") or DEFAULT_PATH)


def connect(target: str | os.PathLike | None = None, readonly: bool = False, check: bool = False) -> Connection:
    """The store at ``target`` (see ``store_target``), open, with its schema in place: a SQLite file for a path,
    PostgreSQL for a ``postgresql://`` URL. Whatever stops it is one StoreError saying why."""
    where = store_target(target)
    if postgres.is_url(where):
        conn = postgres.open_url(where, readonly=readonly)
    else:
        conn = sqlite.open_file(Path(where), readonly=readonly, check=check)
    if not readonly:
        try:
            current.ensure_built(conn)
        except BaseException:
            conn.close()
            raise
    return conn


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity(art: Article) -> str:
    """An article's identity: the hash of the bytes it was read from (its text has invisible controls removed, so
    two files that differ only in those are two articles), else of its text."""
    return art.source_hash or content_hash(art.text)


def event_id(doc_hash: str, e: Event) -> str:
    """Stable across re-extraction of the same text: what, where in the text, and at which place."""
    key = "|".join([doc_hash, e.type, e.subtype, str(e.start), e.place.id if e.place else "",
                    ",".join(a.id for a in e.actors), ",".join(a.id for a in e.counterparts)])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def save(conn: Connection, ex: Extraction, source: str = "", who: str = history.LOCAL) -> str:
    """Write one article and all it yields in one transaction: 'added', 'replaced' or 'unchanged'. A replaced
    article's earlier version is kept, and the change is recorded as made by ``who``."""
    art = ex.article
    digest = identity(art)
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ?", (digest,)).fetchone()
    if row is not None:
        return "unchanged"
    with conn.transaction():  # all of the article or none of it
        earlier = history.keep_version(conn, art.id, events_of(conn, [art.id])) if id_taken(conn, art.id) else None
        replaced = conn.execute("DELETE FROM documents WHERE id = ?", (art.id,)).rowcount > 0
        conn.execute("INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)",
                     (art.id, digest, art.title, art.outlet, art.url,
                      art.published.isoformat() if art.published else None, art.published_precision,
                      art.text, source, datetime.now(timezone.utc).isoformat(timespec="seconds")))
        conn.executemany("INSERT INTO sentences VALUES (?,?,?,?,?)",
                         [(art.id, s.index, s.start, s.end, s.text) for s in ex.sentences])
        _upsert_places(conn, [p.place for p in ex.places] + [x for e in ex.events for x in (e.place, e.origin) if x])
        _upsert_actors(conn, [a.actor for a in ex.actors] + [a for e in ex.events for a in e.actors + e.counterparts])
        conn.executemany("INSERT INTO place_mentions VALUES (?,?,?,?,?,?,?,?)",
                         [(art.id, p.sentence, p.start, p.end, p.text, p.place.id, int(p.demonym), p.recognizer)
                          for p in ex.places])
        conn.executemany("INSERT INTO actor_mentions VALUES (?,?,?,?,?,?,?)",
                         [(art.id, a.sentence, a.start, a.end, a.text, a.actor.id, a.recognizer) for a in ex.actors])
        conn.executemany("INSERT INTO time_mentions VALUES (?,?,?,?,?,?,?)",
                         [(art.id, t.start, t.end, t.text, t.date_start.isoformat(), t.date_end.isoformat(),
                           t.precision) for t in ex.times])
        events = {}                                    # one row per event identity, in the extraction's order
        for e in ex.events:
            events.setdefault(event_id(digest, e), e)
        conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         [(eid, art.id, e.sentence.index, e.start, e.end, e.type, e.subtype, e.trigger,
                           e.place.id if e.place else None, e.origin.id if e.origin else None,
                           e.date_start.isoformat() if e.date_start else None,
                           e.date_end.isoformat() if e.date_end else None,
                           e.date_precision, e.date_source, e.status, e.confidence) for eid, e in events.items()])
        conn.executemany("INSERT INTO event_actors VALUES (?,?,?,?)",
                         [(eid, a.id, role, pos) for eid, e in events.items() for pos, (a, role) in
                          enumerate([(a, "actor") for a in e.actors] + [(a, "counterpart") for a in e.counterparts])])
        conn.executemany("INSERT INTO event_reports VALUES (?,?) ON CONFLICT DO NOTHING",
                         [(eid, r.index) for eid, e in events.items() for r in e.reports])
        current.refresh(conn, [art.id])
        history.record(conn, who, "article_replaced" if replaced else "article_added", art.id, art.id,
                       history.current_version(conn, art.id),
                       {"title": art.title, "source": source, "events": len(events), "replaces_version": earlier})
    return "replaced" if replaced else "added"


def _upsert_places(conn: Connection, places: list[Place]) -> None:
    # An upsert, not INSERT OR REPLACE: replacing deletes the row, which makes SQLite check every reference.
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                     "name_en=excluded.name_en, name_ar=excluded.name_ar, kind=excluded.kind, country=excluded.country, "
                     "lat=excluded.lat, lon=excluded.lon, population=excluded.population, seat=excluded.seat, "
                     "source=excluded.source",
                     [(p.id, p.name_en, p.name_ar, p.kind, p.country, p.lat, p.lon, p.population, int(p.seat),
                       p.source) for p in {p.id: p for p in places}.values()])


def _upsert_actors(conn: Connection, actors: list[Actor]) -> None:
    conn.executemany("INSERT INTO actors VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                     "name_en=excluded.name_en, name_ar=excluded.name_ar, kind=excluded.kind, "
                     "affiliation=excluded.affiliation, home_base=excluded.home_base",
                     [(a.id, a.name_en, a.name_ar, a.kind, a.affiliation, a.home_base)
                      for a in {a.id: a for a in actors}.values()])


def stored_as(conn: Connection, art: Article) -> str | None:
    """The id under which this very article is stored, if it is: by its identity, or, as a store from before
    identities were the bytes' hash holds it, by its text's hash under its own id."""
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ? OR (content_hash = ? AND id = ?)",
                       (identity(art), content_hash(art.text), art.id)).fetchone()
    return row[0] if row else None


def document_source(conn: Connection, doc_id: str) -> str | None:
    """Where the stored article with this id came from ("" if unrecorded), None if no article has the id."""
    row = conn.execute("SELECT source FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return None if row is None else (row[0] or "")


def id_taken(conn: Connection, doc_id: str) -> bool:
    return conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None


def count(conn: Connection, table: str) -> int:
    if table not in TABLE_NAMES:
        raise ValueError(f"unknown table {table!r}")
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


_EVENTS_SELECT = """
SELECT e.id, e.doc_id, e.sentence, e.start, e."end", e.type, e.subtype, e.trigger, e.status, e.confidence,
       e.date_start, e.date_end, e.date_precision, e.date_source,
       p.id AS place_id, p.name_en AS place_en, p.name_ar AS place_ar, p.lat AS lat, p.lon AS lon,
       p.kind AS place_kind, p.country AS place_country,
       o.id AS origin_id, o.name_en AS origin_en, o.name_ar AS origin_ar, o.lat AS origin_lat, o.lon AS origin_lon,
       s.text AS sentence_text, d.title AS doc_title, d.outlet AS outlet, d.published AS published, d.url AS url
FROM events e
LEFT JOIN places p ON p.id = e.place_id
LEFT JOIN places o ON o.id = e.origin_id
LEFT JOIN sentences s ON s.doc_id = e.doc_id AND s.idx = e.sentence
JOIN documents d ON d.id = e.doc_id
"""
# NULL dates first on both engines (SQLite's order), then by article and sentence.
_EVENTS_ORDER = "ORDER BY e.date_start IS NOT NULL, e.date_start, e.doc_id, e.sentence, e.start, e.id"
_SIDES = """
SELECT ea.event_id, ea.role, a.id, a.name_en, a.name_ar, a.affiliation
FROM event_actors ea JOIN actors a ON a.id = ea.actor_id {where} ORDER BY ea.event_id, ea.role, ea.pos"""
_REPORTS = "SELECT r.event_id, r.sentence FROM event_reports r {where} ORDER BY r.event_id, r.sentence"
_INCIDENTS = "SELECT i.event_id, i.incident_id FROM incident_events i {where}"
_FOR_DOCS = "JOIN events e ON e.id = {}.event_id WHERE e.doc_id IN ({})"
_FOR_IDS = "WHERE {}.event_id IN ({})"


def with_sides(conn: Connection, rows, doc_ids: list[str] | None = None) -> list[dict]:
    """The event rows with their sides, in the order the extraction gave them: ``actor_list`` and
    ``counterpart_list`` (id, names, affiliation each), and the same joined by ``;`` for tables and exports
    (``actors_en``, ``affiliation``, ...); the sentences that report them; and the incident each is a report of
    (``incident_id``: the view's ``incident``, looked up only for rows of the extraction itself). Two or three
    queries per article batch (``doc_ids``) or per 500 rows, not one per event."""
    rows = [dict(r) for r in rows]
    if doc_ids is not None:
        batches = [(_FOR_DOCS, list(doc_ids))] if rows else []
    else:
        ids = [r["id"] for r in rows]
        batches = [(_FOR_IDS, ids[i:i + 500]) for i in range(0, len(ids), 500)]
    sides: dict[tuple[str, str], list] = defaultdict(list)
    reports: dict[str, list[str]] = defaultdict(list)
    incident: dict[str, str] = {}
    lookup = any("incident" not in row for row in rows)
    for where, args in batches:
        marks = ",".join("?" * len(args))
        for r in conn.execute(_SIDES.format(where=where.format("ea", marks)), args):
            sides[r["event_id"], r["role"]].append(r)
        for r in conn.execute(_REPORTS.format(where=where.format("r", marks)), args):
            reports[r["event_id"]].append(str(r["sentence"]))
        if lookup:
            incident.update((r[0], r[1]) for r in conn.execute(_INCIDENTS.format(where=where.format("i", marks)), args))
    for row in rows:
        for role in ("actor", "counterpart"):
            row[f"{role}_list"] = [{k: a[k] for k in ("id", "name_en", "name_ar", "affiliation")}
                                   for a in sides.get((row["id"], role), [])]
        for role, prefix, aff in (("actor", "actor", "affiliation"), ("counterpart", "counterpart",
                                                                      "counterpart_affiliation")):
            found = sides.get((row["id"], role), [])
            for key, column, sep in ((f"{prefix}_ids", "id", ";"), (f"{prefix}s_en", "name_en", "; "),
                                     (f"{prefix}s_ar", "name_ar", "؛ "), (aff, "affiliation", "; ")):
                row[key] = sep.join(a[column] for a in found if a[column] is not None) or None
        row["report_sentences"] = ",".join(reports[row["id"]]) or None
        row["incident_id"] = row["incident"] if "incident" in row else incident.get(row["id"])
    return rows


def events_of(conn: Connection, doc_ids: list[str]) -> list[dict]:
    """The events of these articles as extracted (no correction applied), with their sides."""
    marks = ",".join("?" * len(doc_ids))
    rows = conn.execute(_EVENTS_SELECT + f"WHERE e.doc_id IN ({marks})\n" + _EVENTS_ORDER, list(doc_ids)).fetchall()
    return with_sides(conn, rows, doc_ids)


def read_events(conn: Connection, corrected: bool = True) -> list[dict]:
    """Every event, flattened with its place, origin, sides, sentence and document; analysts'
    corrections applied (``corrected`` marks the rows they changed) unless asked otherwise."""
    if corrected:
        from .queries import EventQuery, rows
        return rows(conn, EventQuery(), order="oldest")
    return with_sides(conn, conn.execute(_EVENTS_SELECT + _EVENTS_ORDER).fetchall())


def read_document(conn: Connection, doc_id: str, corrected: bool = True) -> dict | None:
    """One document with its sentences and mentions, for the reader (place-mention corrections applied)."""
    doc = conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if doc is None:
        return None
    q = lambda sql: [dict(r) for r in conn.execute(sql, (doc_id,))]  # noqa: E731
    out = {
        **dict(doc),
        "sentences": q('SELECT idx, start, "end", text FROM sentences WHERE doc_id = ? ORDER BY idx'),
        "places": q('SELECT m.start, m."end", m.text, m.demonym, m.sentence, p.id AS place_id, p.name_en, p.name_ar, '
                    'p.lat, p.lon, p.kind FROM place_mentions m JOIN places p ON p.id = m.place_id '
                    'WHERE m.doc_id = ? ORDER BY m.start'),
        "actors": q('SELECT m.start, m."end", m.text, m.sentence, a.id AS actor_id, a.name_en, a.name_ar, a.affiliation '
                    'FROM actor_mentions m JOIN actors a ON a.id = m.actor_id WHERE m.doc_id = ? ORDER BY m.start'),
        "times": q('SELECT start, "end", text, date_start, date_end, precision FROM time_mentions '
                   'WHERE doc_id = ? ORDER BY start'),
    }
    return corrections.apply_to_document(out, corrections.active(conn, [doc_id])) if corrected else out


def stored_events(conn: Connection, doc_id: str) -> list[dict]:
    """One article's events as extracted, before corrections (a dropped event is still here), in text order."""
    return [dict(r) for r in conn.execute(
        'SELECT e.id, e.sentence, e.start, e.type, e.subtype, e.status, e.date_start, e.date_end, '
        'p.name_en AS place_en, p.name_ar AS place_ar FROM events e LEFT JOIN places p ON p.id = e.place_id '
        'WHERE e.doc_id = ? ORDER BY e.sentence, e.start', (doc_id,))]
