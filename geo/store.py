"""The embedded store: one SQLite file of documents, sentences, places, actors, mentions and events.

An article's identity is the hash of its text; each article is written in one transaction, so an
interrupted ingest leaves the store as it was before that article. WAL lets the app read while an
ingest writes. Every statement is parameterized. Every write is recorded in the history (``geo.history``): who,
when and what; a replaced article's earlier version is kept there.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from . import corrections, history
from .gazetteer import DATA_DIR
from .model import Actor, Article, Event, Extraction, Place

DEFAULT_PATH = DATA_DIR / "atlas.sqlite"
BUSY_TIMEOUT_S = 10        # how long a write waits for another writer before it gives up
SCHEMA_VERSION = 4   # 2: corrections; 3: event_reports; 4: changes and document_versions

SCHEMA = """
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
    role TEXT NOT NULL);
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
""" + history.SCHEMA


def store_path(path: str | os.PathLike | None = None) -> Path:
    """The store's file: the argument, else $ATLAS_STORE, else data/atlas.sqlite."""
    return Path(path or os.environ.get("ATLAS_STORE") or DEFAULT_PATH)


class StoreError(sqlite3.OperationalError):
    """The store can't be used (a folder, missing, read-only, full, damaged, not a store), in one line a user can
    act on. An OperationalError, so code that already handles SQLite's errors handles this one too."""

    @classmethod
    def of(cls, e: sqlite3.Error, path: str | os.PathLike | None = None) -> "StoreError":
        """SQLite's error about the store at ``path`` as a sentence that says what is wrong and what to do."""
        if isinstance(e, cls):
            return e
        name = getattr(e, "sqlite_errorname", "")
        if name.startswith("SQLITE_READONLY"):
            why = "is read-only: writing needs the file and its folder (for the -wal and -shm files) writable"
        elif name == "SQLITE_FULL":
            why = f"is full ({e}): free some space and run again"
        elif name.startswith("SQLITE_IOERR"):
            why = f"could not be read or written ({e}): is the disk full or failing?"
        elif name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            why = f"is damaged or not an Atlas store ({e}); restore it from a backup, or name another file"
        elif name.startswith("SQLITE_CANTOPEN"):
            why = f"cannot be opened or created ({e}): does its folder exist, and may it be written?"
        elif name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            why = f"is locked by another process (for over {BUSY_TIMEOUT_S} s); try again"
        else:
            why = f"failed ({e})"
        return cls(f"the store {path} {why}" if path else f"the store {why}")


def connect(path: str | os.PathLike | None = None, readonly: bool = False, check: bool = False) -> sqlite3.Connection:
    """An open connection with the schema in place (WAL, foreign keys on); ``check`` also runs SQLite's quick
    integrity check, for a command about to trust the whole file. Whatever stops it is one StoreError saying why:
    the path is a folder, there is no store (read-only), it can't be written (not read-only), it is damaged."""
    p = store_path(path)
    if p.is_dir():
        raise StoreError(f"the store {p} is a folder; name a file, e.g. {p / 'atlas.sqlite'}")
    conn = None
    try:
        conn = _open_readonly(p) if readonly else _open_writable(p)
        if not readonly:
            _bring_up_to_date(conn)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        if check and (problem := conn.execute("PRAGMA quick_check(1)").fetchone()[0]) != "ok":
            raise StoreError(f"the store {p} is damaged ({problem}); restore it from a backup, or name another file")
        return conn
    except (sqlite3.Error, OSError) as e:
        if conn is not None:
            conn.close()
        if isinstance(e, OSError):
            raise StoreError(f"the store {p} cannot be created ({e.strerror}: {e.filename})") from None
        raise StoreError.of(e, p) from None


def _open_readonly(p: Path) -> sqlite3.Connection:
    """A read-only connection. In a read-only folder SQLite can't make the WAL's index file, so the store is read
    as immutable there, which is safe only while no WAL file holds changes (else that is the error)."""
    if not p.is_file():
        raise StoreError(f"there is no store at {p}")
    uri = p.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as e:
        conn.close()
        if not getattr(e, "sqlite_errorname", "").startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")):
            raise
    wal = Path(f"{p}-wal")
    if wal.exists() and wal.stat().st_size:
        raise StoreError(f"the store {p} cannot be read: its folder is read-only and {wal.name} holds changes not "
                         "yet in the file; let Atlas write to the folder once")
    return sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False)


def _open_writable(p: Path) -> sqlite3.Connection:
    """A read-write connection to the file (and its folder, made if missing); nothing read yet."""
    p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(p, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    return conn


def _bring_up_to_date(conn: sqlite3.Connection) -> None:
    """The schema created or updated; a current store is probed for writing (see ``_probe_write``)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:   # a new or older file
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA + corrections.SCHEMA)
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    else:
        _probe_write(conn, version)
    conn.execute("PRAGMA synchronous=NORMAL")   # with WAL: a killed process loses nothing committed


def _probe_write(conn: sqlite3.Connection, version: int) -> None:
    """A store SQLite opened read-only in silence (a read-only file or folder) is found now, by a write that is
    rolled back, not by the first save. It never waits: while another connection writes, the probe is skipped."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"PRAGMA user_version={version}")
    except sqlite3.OperationalError as e:
        if not getattr(e, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
            raise
    finally:
        if conn.in_transaction:
            conn.rollback()
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")


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


def save(conn: sqlite3.Connection, ex: Extraction, source: str = "", who: str = history.LOCAL) -> str:
    """Write one article and all it yields in one transaction: 'added', 'replaced' or 'unchanged'. A replaced
    article's earlier version is kept, and the change is recorded as made by ``who``."""
    art = ex.article
    digest = identity(art)
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ?", (digest,)).fetchone()
    if row is not None:
        return "unchanged"
    with conn:  # one transaction: all of the article or none of it
        earlier = history.keep_version(conn, art.id, _document_events(conn, art.id)) if id_taken(conn, art.id) else None
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
        seen = set()
        for e in ex.events:
            eid = event_id(digest, e)
            if eid in seen:
                continue
            seen.add(eid)
            conn.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         (eid, art.id, e.sentence.index, e.start, e.end, e.type, e.subtype, e.trigger,
                          e.place.id if e.place else None, e.origin.id if e.origin else None,
                          e.date_start.isoformat() if e.date_start else None,
                          e.date_end.isoformat() if e.date_end else None,
                          e.date_precision, e.date_source, e.status, e.confidence))
            conn.executemany("INSERT INTO event_actors VALUES (?,?,?)",
                             [(eid, a.id, "actor") for a in e.actors] +
                             [(eid, a.id, "counterpart") for a in e.counterparts])
            conn.executemany("INSERT OR IGNORE INTO event_reports VALUES (?,?)", [(eid, r.index) for r in e.reports])
        history.record(conn, who, "article_replaced" if replaced else "article_added", art.id, art.id,
                       history.current_version(conn, art.id),
                       {"title": art.title, "source": source, "events": len(seen), "replaces_version": earlier})
    return "replaced" if replaced else "added"


def _upsert_places(conn: sqlite3.Connection, places: list[Place]) -> None:
    # An upsert, not INSERT OR REPLACE: replacing deletes the row, which makes SQLite check every reference.
    conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                     "name_en=excluded.name_en, name_ar=excluded.name_ar, kind=excluded.kind, country=excluded.country, "
                     "lat=excluded.lat, lon=excluded.lon, population=excluded.population, seat=excluded.seat, "
                     "source=excluded.source",
                     [(p.id, p.name_en, p.name_ar, p.kind, p.country, p.lat, p.lon, p.population, int(p.seat),
                       p.source) for p in {p.id: p for p in places}.values()])


def _upsert_actors(conn: sqlite3.Connection, actors: list[Actor]) -> None:
    conn.executemany("INSERT INTO actors VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                     "name_en=excluded.name_en, name_ar=excluded.name_ar, kind=excluded.kind, "
                     "affiliation=excluded.affiliation, home_base=excluded.home_base",
                     [(a.id, a.name_en, a.name_ar, a.kind, a.affiliation, a.home_base)
                      for a in {a.id: a for a in actors}.values()])


def document_id_for_text(conn: sqlite3.Connection, text: str) -> str | None:
    """The id under which this very text is stored, if it is."""
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash(text),)).fetchone()
    return row[0] if row else None


def id_taken(conn: sqlite3.Connection, doc_id: str) -> bool:
    return conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None


def count(conn: sqlite3.Connection, table: str) -> int:
    if table not in ("documents", "sentences", "places", "actors", "place_mentions", "actor_mentions",
                     "time_mentions", "events", "event_actors", "event_reports", "changes", "document_versions"):
        raise ValueError(f"unknown table {table!r}")
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# Each event's two sides, aggregated once (in stored order) rather than per event row.
_SIDES_CTE = """
WITH sides AS (
    SELECT event_id, role, group_concat(id, ';') AS ids, group_concat(name_en, '; ') AS names_en,
           group_concat(name_ar, '؛ ') AS names_ar, group_concat(affiliation, '; ') AS affiliations
    FROM (SELECT ea.event_id, ea.role, a.id, a.name_en, a.name_ar, a.affiliation
          FROM event_actors ea JOIN actors a ON a.id = ea.actor_id ORDER BY ea.event_id, ea.role, ea.rowid)
    GROUP BY event_id, role)
"""

_EVENTS_SELECT = _SIDES_CTE + """
SELECT e.id, e.doc_id, e.sentence, e.start, e."end", e.type, e.subtype, e.trigger, e.status, e.confidence,
       e.date_start, e.date_end, e.date_precision, e.date_source,
       p.id AS place_id, p.name_en AS place_en, p.name_ar AS place_ar, p.lat AS lat, p.lon AS lon,
       p.kind AS place_kind, p.country AS place_country,
       o.id AS origin_id, o.name_en AS origin_en, o.name_ar AS origin_ar, o.lat AS origin_lat, o.lon AS origin_lon,
       sa.ids AS actor_ids, sa.names_en AS actors_en, sa.names_ar AS actors_ar, sa.affiliations AS affiliation,
       sc.ids AS counterpart_ids, sc.names_en AS counterparts_en, sc.names_ar AS counterparts_ar,
       sc.affiliations AS counterpart_affiliation,
       s.text AS sentence_text,
       (SELECT group_concat(r.sentence) FROM event_reports r WHERE r.event_id = e.id) AS report_sentences,
       d.title AS doc_title, d.outlet AS outlet, d.published AS published, d.url AS url
FROM events e
LEFT JOIN places p ON p.id = e.place_id
LEFT JOIN places o ON o.id = e.origin_id
LEFT JOIN sides sa ON sa.event_id = e.id AND sa.role = 'actor'
LEFT JOIN sides sc ON sc.event_id = e.id AND sc.role = 'counterpart'
LEFT JOIN sentences s ON s.doc_id = e.doc_id AND s.idx = e.sentence
JOIN documents d ON d.id = e.doc_id
"""
_EVENTS_ORDER = "ORDER BY e.date_start, e.doc_id, e.sentence"
EVENTS_QUERY = _EVENTS_SELECT + _EVENTS_ORDER


def read_events(conn: sqlite3.Connection, corrected: bool = True) -> list[dict]:
    """Every event, flattened with its place, origin, sides, sentence and document; analysts'
    corrections applied (``corrected`` marks the rows they changed) unless asked otherwise."""
    rows = [dict(r) for r in conn.execute(EVENTS_QUERY)]
    if not corrected:
        return rows
    fixes = corrections.active(conn)
    mentions = corrections.mention_rows(conn, [c["target"] for c in fixes if c["kind"] == "mention_place"])
    return corrections.apply(rows, fixes, mentions)


def read_document(conn: sqlite3.Connection, doc_id: str, corrected: bool = True) -> dict | None:
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
    return corrections.apply_to_document(out, corrections.active(conn)) if corrected else out


def _document_events(conn: sqlite3.Connection, doc_id: str) -> list[dict]:
    """One article's events as extracted, the rows ``read_events`` gives (kept with an earlier version)."""
    return [dict(r) for r in conn.execute(_EVENTS_SELECT + "WHERE e.doc_id = ?\n" + _EVENTS_ORDER, (doc_id,))]


def list_documents(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT id, title, outlet, published, date_precision, url, length(text) AS chars, "
        "substr(text, 1, 160) AS lead FROM documents ORDER BY published, id")]
