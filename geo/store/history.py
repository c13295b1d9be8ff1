"""The store's history: every change kept, and every earlier version of a replaced article.

``changes`` is append-only (triggers refuse an UPDATE or DELETE): who (an editor's e-mail, or ``local``), when and
what. An undo is a change of its own. Before an article is replaced, its row and its events are copied into
``document_versions``, so the earlier text and what was read in it stay readable. Articles and corrections stored
before the history existed enter it once, at their own timestamps, by someone ``not recorded``.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from .engine import Connection

LOCAL = "local"                   # the person at the machine (the command line, or the app on 127.0.0.1)
UNRECORDED = "not recorded"       # who made a change stored before the history existed

# The number of an article's current text: one more than its earlier versions ({} is the doc id's SQL).
CURRENT_VERSION = "(SELECT COUNT(*) + 1 FROM document_versions v WHERE v.doc_id = {})"

def now() -> str:
    """The time of a change: UTC, to the second, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def record(conn: Connection, who: str, action: str, target: str, doc_id: str | None = None,
           version: int | None = None, detail: dict | None = None) -> int:
    """Append one change; called inside the transaction of the change itself, so both commit or neither."""
    return conn.execute("INSERT INTO changes (at, who, action, target, doc_id, version, detail) VALUES (?,?,?,?,?,?,?) "
                        "RETURNING id", (now(), who or UNRECORDED, action, str(target), doc_id, version,
                                         json.dumps(detail or {}, ensure_ascii=False))).fetchone()[0]


def changes(conn: Connection, doc_id: str | None = None, target: str | None = None, limit: int | None = None
            ) -> list[dict]:
    """The changes, newest first, details decoded: all, one article's, or one target's (a correction's id); at most
    ``limit`` of them."""
    where, args = _which(doc_id, target)
    sql = f"SELECT * FROM changes{where} ORDER BY at DESC, id DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return [dict(r) | {"detail": json.loads(r["detail"])} for r in conn.execute(sql, args)]


def count_changes(conn: Connection, doc_id: str | None = None) -> int:
    """How many changes there are: all, or one article's."""
    where, args = _which(doc_id, None)
    return int(conn.execute(f"SELECT COUNT(*) FROM changes{where}", args).fetchone()[0])


def _which(doc_id: str | None, target: str | None) -> tuple[str, list[str]]:
    conds, args = [], []
    for column, value in (("doc_id", doc_id), ("target", target)):
        if value is not None:
            conds.append(f"{column} = ?")
            args.append(str(value))
    return (" WHERE " + " AND ".join(conds) if conds else ""), args


def current_version(conn: Connection, doc_id: str) -> int:
    """The number of the article's stored text: 1, and one more for each replacement."""
    return conn.execute("SELECT " + CURRENT_VERSION.format("?"), (doc_id,)).fetchone()[0]


def keep_version(conn: Connection, doc_id: str, events: list[dict]) -> int:
    """Copy the stored article and its events (as ``store.read_events`` gives them) into the earlier versions,
    before it is replaced; returns the version's number."""
    version = current_version(conn, doc_id)
    conn.execute("INSERT INTO document_versions SELECT id, CAST(? AS INTEGER), content_hash, title, outlet, url, published, "
                 "date_precision, text, source, ingested_at, ?, ? FROM documents WHERE id = ?",
                 (version, now(), json.dumps(events, ensure_ascii=False), doc_id))
    return version


def versions(conn: Connection, doc_id: str) -> list[dict]:
    """The article's earlier versions, newest first, each with its text and its events decoded."""
    rows = conn.execute("SELECT * FROM document_versions WHERE doc_id = ? ORDER BY version DESC", (doc_id,))
    return [dict(r) | {"events": json.loads(r["events"])} for r in rows]
