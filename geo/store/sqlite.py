"""The embedded engine: one SQLite file, the default, right for one person on one machine.

WAL lets the app read while an ingest writes; a write takes the file's lock at once (BEGIN IMMEDIATE) and waits
up to BUSY_TIMEOUT_S for another writer. A file made by an older Atlas is brought up to date when it is opened for
writing (``PRAGMA user_version`` is its schema's number).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .engine import Connection
from .errors import BUSY_TIMEOUT_S, Conflict, StoreError
from .schema import COUNT_INCIDENT_STATUSES, INCIDENT_FACTS, INCIDENT_STATUSES, SCHEMA_VERSION, TABLES

# The history cannot be changed or deleted.
TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS changes_no_update BEFORE UPDATE ON changes
    BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS changes_no_delete BEFORE DELETE ON changes
    BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
"""

# What a store from before the history (schema 4) already held enters it once, at its own times, by "not recorded".
BACKFILL = """
INSERT INTO changes (at, who, action, target, doc_id, version, detail)
    SELECT d.ingested_at, 'not recorded', 'article_added', d.id, d.id, 1,
           json_object('title', d.title, 'source', d.source, 'backfilled', json('true'))
    FROM documents d WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.doc_id = d.id);
INSERT INTO changes (at, who, action, target, doc_id, detail)
    SELECT c.created_at, 'not recorded', 'correction', CAST(c.id AS TEXT),
           COALESCE((SELECT e.doc_id FROM events e WHERE e.id = c.target),
                    (SELECT m.doc_id FROM place_mentions m WHERE m.doc_id || ':' || m.start || ':' || m."end" = c.target)),
           json_object('kind', c.kind, 'target', c.target, 'value', json(c.value), 'note', c.note,
                       'backfilled', json('true'))
    FROM corrections c
    WHERE NOT EXISTS (SELECT 1 FROM changes h WHERE h.action = 'correction' AND h.target = CAST(c.id AS TEXT));
INSERT INTO changes (at, who, action, target, doc_id, detail)
    SELECT c.undone_at, 'not recorded', 'undo', CAST(c.id AS TEXT),
           (SELECT h.doc_id FROM changes h WHERE h.action = 'correction' AND h.target = CAST(c.id AS TEXT)),
           json_object('kind', c.kind, 'target', c.target, 'backfilled', json('true'))
    FROM corrections c
    WHERE c.undone_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM changes h WHERE h.action = 'undo' AND h.target = CAST(c.id AS TEXT));
"""


class SQLiteConnection(Connection):
    dialect = "sqlite"

    def _begin(self) -> None:
        self.raw.execute("BEGIN IMMEDIATE")     # the write lock now, not at the first write: no upgrade deadlock

    def schema_version(self) -> int:
        return self.execute("PRAGMA user_version").fetchone()[0]

    def _error(self, e: Exception) -> StoreError | None:
        return translate(e, self.location) if isinstance(e, sqlite3.Error) else None


def translate(e: sqlite3.Error, path) -> StoreError:
    """SQLite's error about the store at ``path`` as a sentence that says what is wrong and what to do."""
    if isinstance(e, sqlite3.IntegrityError):
        return Conflict(f"conflicts with what the store {path} holds ({e})")
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
    return StoreError(f"the store {path} {why}")


def open_file(p: Path, readonly: bool = False, check: bool = False) -> SQLiteConnection:
    """An open store with the schema in place (WAL, foreign keys on); ``check`` also runs SQLite's quick integrity
    check, for a command about to trust the whole file. Whatever stops it is one StoreError saying why: the path
    is a folder, there is no store (read-only), it can't be written (not read-only), it is damaged."""
    if p.is_dir():
        raise StoreError(f"the store {p} is a folder; name a file, e.g. {p / 'atlas.sqlite'}")
    raw = None
    try:
        raw = _open_readonly(p) if readonly else _open_writable(p)
        raw.row_factory = sqlite3.Row
        if not readonly:
            _bring_up_to_date(raw)
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        if check and (problem := raw.execute("PRAGMA quick_check(1)").fetchone()[0]) != "ok":
            problem = " ".join(problem.replace("*** in database main ***", "").split())     # one line
            raise StoreError(f"the store {p} is damaged ({problem}); restore it from a backup, or name another file")
        return SQLiteConnection(raw, str(p))
    except (sqlite3.Error, OSError) as e:
        if raw is not None:
            raw.close()
        if isinstance(e, OSError):
            raise StoreError(f"the store {p} cannot be created ({e.strerror}: {e.filename})") from None
        raise translate(e, p) from None


def _open_readonly(p: Path) -> sqlite3.Connection:
    """A read-only connection. In a read-only folder SQLite can't make the WAL's index file, so the store is read
    as immutable there, which is safe only while no WAL file holds changes (else that is the error)."""
    if not p.is_file():
        raise StoreError(f"there is no store at {p}")
    uri = p.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
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
    return sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False, isolation_level=None)


def _open_writable(p: Path) -> sqlite3.Connection:
    """A read-write connection to the file (and its folder, made if missing), in autocommit; nothing read yet."""
    p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(p, check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    return conn


def _bring_up_to_date(conn: sqlite3.Connection) -> None:
    """The schema created or updated; a current store is probed for writing (see ``_probe_write``)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:   # a new or older file
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version and "pos" not in {r[1] for r in conn.execute("PRAGMA table_info(event_actors)")}:
                conn.execute("ALTER TABLE event_actors ADD COLUMN pos INTEGER NOT NULL DEFAULT 0")
                conn.execute("UPDATE event_actors SET pos = rowid")        # the order the sides were stored in
            view = {r[1] for r in conn.execute("PRAGMA table_info(event_view)")}
            if view and "cell" not in view:                                  # schema 6: the view is rebuilt
                conn.execute("ALTER TABLE event_view ADD COLUMN cell TEXT")
            if view and "incident" not in view:                              # schema 10: filled by the incidents
                conn.execute("ALTER TABLE event_view ADD COLUMN incident TEXT")
                conn.execute("ALTER TABLE event_view ADD COLUMN incident_outlets INTEGER")
            incidents = {r[1] for r in conn.execute("PRAGMA table_info(incidents)")}
            if incidents and INCIDENT_STATUSES[0] not in incidents:          # schema 11: counted from the view
                for status in INCIDENT_STATUSES:
                    conn.execute(f"ALTER TABLE incidents ADD COLUMN {status} INTEGER NOT NULL DEFAULT 0")
                conn.execute(COUNT_INCIDENT_STATUSES)
            if incidents and "last_id" not in incidents:                     # schema 12: filled by incident_map
                for column, kind in INCIDENT_FACTS.items():
                    conn.execute(f"ALTER TABLE incidents ADD COLUMN {column} {kind}")
            for statement in _statements(TABLES + TRIGGERS + BACKFILL):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    else:
        _probe_write(conn, version)
    conn.execute("PRAGMA synchronous=NORMAL")   # with WAL: a killed process loses nothing committed


def _statements(script: str) -> list[str]:
    """A script's statements (a trigger's body keeps its inner semicolons)."""
    out, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return out


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
            conn.execute("ROLLBACK")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
