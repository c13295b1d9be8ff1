"""The events as they stand now (``event_view``): one row per event not dropped, the analysts' corrections applied,
with what pages filter, group and sort on in columns of their own (``day``; ``actor_key`` and ``counterpart_key``,
the first named of each side; ``aff_key``).

It is rewritten article by article (``refresh``) whenever an article is saved or one of its corrections is made or
undone, so no read ever applies corrections to the whole store; ``ensure_built`` fills it once for a store made
before it existed (the ``meta`` row ``event_view`` says it is complete)."""
from __future__ import annotations

from datetime import date

from .engine import Connection

COLUMNS = ("id", "doc_id", "sentence", "start", "end", "type", "subtype", "trigger", "status", "confidence",
           "date_start", "date_end", "date_precision", "date_source", "day", "day_end", "place_id", "place_en",
           "place_ar", "lat", "lon", "place_kind", "place_country", "origin_id", "origin_en", "origin_ar",
           "origin_lat", "origin_lon", "actor_key", "counterpart_key", "aff_key", "corrected")
_INSERT = (f"INSERT INTO event_view ({', '.join(chr(34) + c + chr(34) if c == 'end' else c for c in COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(COLUMNS))})")
BATCH = 500          # articles rewritten per query when the whole view is built


def day(value) -> str | None:
    """``YYYY-MM-DD`` of a stored date, or None when it is missing or not a date (such an event is undated)."""
    try:
        return date.fromisoformat(str(value)[:10]).isoformat() if value else None
    except ValueError:
        return None


def view_row(e: dict) -> tuple:
    """The ``event_view`` row of one corrected event (as ``corrections.apply`` gives it)."""
    first = day(e["date_start"])
    actors, counterparts = e.get("actor_list") or [], e.get("counterpart_list") or []
    affiliations = sorted({a["affiliation"] for a in actors if a["affiliation"]})
    derived = {"day": first, "day_end": day(e["date_end"]) or first,
               "actor_key": actors[0]["name_en"] if actors and actors[0]["name_en"] else None,
               "counterpart_key": counterparts[0]["name_en"] if counterparts and counterparts[0]["name_en"] else None,
               "aff_key": affiliations[0] if affiliations else None, "corrected": int(bool(e.get("corrected")))}
    return tuple(derived[c] if c in derived else e.get(c) for c in COLUMNS)


def refresh(conn: Connection, doc_ids) -> None:
    """Rewrite the view of these articles from their events and their active corrections, in one transaction
    (the caller's when it has one)."""
    from . import corrections
    from .repository import events_of
    doc_ids = list(dict.fromkeys(doc_ids))
    with conn.transaction():
        for i in range(0, len(doc_ids), BATCH):
            chunk = doc_ids[i:i + BATCH]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM event_view WHERE doc_id IN ({marks})", chunk)
            fixes = corrections.active(conn, chunk)
            mentions = corrections.mention_rows(conn, [c["target"] for c in fixes if c["kind"] == "mention_place"])
            rows = corrections.apply(events_of(conn, chunk), fixes, mentions)
            conn.executemany(_INSERT, [view_row(e) for e in rows])


def ensure_built(conn: Connection) -> None:
    """Build the whole view once, for a store that has none yet (an older store, or a new one); a no-op after."""
    if is_built(conn):
        return
    with conn.transaction():
        conn.lock_for_save()
        if is_built(conn):
            return                                  # another process built it meanwhile
        conn.execute("DELETE FROM event_view")
        refresh(conn, [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")])
        conn.execute("INSERT INTO meta (key, value) VALUES ('event_view', 1) ON CONFLICT (key) DO NOTHING")


def is_built(conn: Connection) -> bool:
    """Whether the view is complete (readers of a store never opened for writing since it was made see False)."""
    return conn.execute("SELECT 1 FROM meta WHERE key = 'event_view'").fetchone() is not None
