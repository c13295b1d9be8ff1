"""The events as they stand now (``event_view``): one row per event not dropped, the analysts' corrections applied,
with what pages filter, group and sort on in columns of their own (``day``; ``actor_key`` and ``counterpart_key``,
the first named of each side; ``aff_key``); and their rollups, which answer the common questions without reading
every event: ``event_cells`` counts the events of each cell (the events that share kind, subtype, status, place,
origin, first-named sides and affiliation: ``CELL``), and ``cell_pairs`` and ``cell_parties`` the actor pairs and
parties of each cell; and ``document_search``, what a search for an article matches in it (``search_text``).

The view is rewritten article by article (``refresh``) whenever an article is saved or one of its corrections is
made or undone, and the cells those events were and are in are counted again, so no read ever applies corrections
to the whole store or counts every event; ``ensure_built`` fills all of it once for a store made before it existed
(the ``meta`` row ``event_view`` holds the ``FORMAT`` it was built in)."""
from __future__ import annotations

import hashlib
import json
from datetime import date

from .engine import Connection

COLUMNS = ("id", "doc_id", "sentence", "start", "end", "type", "subtype", "trigger", "status", "confidence",
           "date_start", "date_end", "date_precision", "date_source", "day", "day_end", "place_id", "place_en",
           "place_ar", "lat", "lon", "place_kind", "place_country", "origin_id", "origin_en", "origin_ar",
           "origin_lat", "origin_lon", "actor_key", "counterpart_key", "aff_key", "corrected", "cell")
_INSERT = (f"INSERT INTO event_view ({', '.join(chr(34) + c + chr(34) if c == 'end' else c for c in COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(COLUMNS))})")
BATCH = 500          # articles rewritten (or cells counted) per query
FORMAT = 2           # 2: cells and their rollups

# What the events of one cell share: a cell's row holds these once, and what FIGURES counts.
CELL = ("type", "subtype", "status", "place_id", "place_en", "place_ar", "lat", "lon", "origin_id", "origin_en",
        "origin_ar", "origin_lat", "origin_lon", "actor_key", "counterpart_key", "aff_key")
_BOTH_SIDES = """CASE WHEN v.type = 'front_line' THEN
    CASE WHEN (SELECT COUNT(DISTINCT a.affiliation) FROM event_actors ea JOIN actors a ON a.id = ea.actor_id
               WHERE ea.event_id = v.id) >= 2 THEN 1 ELSE 0 END
  WHEN EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = v.id AND ea.role = 'actor')
   AND EXISTS (SELECT 1 FROM event_actors ea WHERE ea.event_id = v.id AND ea.role = 'counterpart') THEN 1
  ELSE 0 END"""
# The counts of each cell (columns of ``event_cells`` of these names), as SQL over one event ``v`` of the view.
FIGURES = {"events": "1", "occurred": "CASE WHEN v.status = 'occurred' THEN 1 ELSE 0 END",
           "planned": "CASE WHEN v.status = 'planned' THEN 1 ELSE 0 END",
           "dated_text": "CASE WHEN v.date_source = 'text' THEN 1 ELSE 0 END",
           "dated_published": "CASE WHEN v.date_source = 'published' THEN 1 ELSE 0 END",
           "dated_analyst": "CASE WHEN v.date_source = 'analyst' THEN 1 ELSE 0 END",
           "undated": "CASE WHEN v.date_start IS NULL THEN 1 ELSE 0 END",
           "located": "CASE WHEN v.lat IS NOT NULL AND v.lon IS NOT NULL THEN 1 ELSE 0 END",
           "corrected": "v.corrected", "both_sides": _BOTH_SIDES}
# The first and last day of a cell, its last end, and its latest event ("day id", the last undated when none is dated).
SPAN = {"first_day": "MIN(v.day)", "last_day": "MAX(v.day)", "last_end": "MAX(v.day_end)",
        "last_key": "MAX(COALESCE(v.day, '') || ' ' || v.id)"}
_CELLS = (f"INSERT INTO event_cells (cell, {', '.join(CELL)}, {', '.join(SPAN)}, {', '.join(FIGURES)}) "
          f"SELECT v.cell, {', '.join(f'MIN(v.{c})' for c in CELL)}, {', '.join(SPAN.values())}, "
          f"{', '.join(f'SUM({sql})' for sql in FIGURES.values())} FROM event_view v WHERE {{}} GROUP BY v.cell")
_PAIRS = ("INSERT INTO cell_pairs (cell, actor_en, actor_ar, counterpart_en, counterpart_ar, n) "
          "SELECT v.cell, a.name_en, a.name_ar, c.name_en, c.name_ar, COUNT(*) FROM event_view v "
          "JOIN event_actors x ON x.event_id = v.id AND x.role = 'actor' JOIN actors a ON a.id = x.actor_id "
          "JOIN event_actors y ON y.event_id = v.id AND y.role = 'counterpart' JOIN actors c ON c.id = y.actor_id "
          "WHERE {} AND a.name_en <> c.name_en GROUP BY v.cell, a.name_en, a.name_ar, c.name_en, c.name_ar")
_PARTIES = ("INSERT INTO cell_parties (cell, name_en, name_ar, n) "
            "SELECT v.cell, a.name_en, a.name_ar, COUNT(DISTINCT v.id) FROM event_view v "
            "JOIN event_actors ea ON ea.event_id = v.id JOIN actors a ON a.id = ea.actor_id "
            "WHERE {} GROUP BY v.cell, a.name_en, a.name_ar")
ROLLUPS = ("event_cells", "cell_pairs", "cell_parties")


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
    values = {c: derived[c] if c in derived else e.get(c) for c in COLUMNS if c != "cell"}
    return (*values.values(), cell_of(values))


def cell_of(event: dict) -> str:
    """The cell an event is counted in: a digest of what it shares with the other events of its cell (``CELL``)."""
    key = json.dumps([event.get(c) for c in CELL], ensure_ascii=False, default=str)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def search_text(doc) -> str:
    """What a search for an article matches: its date, title (else its first words), outlet and id, folded."""
    from geo.text import search_key
    return search_key(" ".join(str(doc[k] or "") for k in ("published", "title" if doc["title"] else "lead",
                                                           "outlet", "id")))


def refresh(conn: Connection, doc_ids, count_cells: bool = True) -> None:
    """Rewrite the view of these articles, and its parties' rows (``view_parties``), from their events and their
    active corrections, count again the cells and days their events leave and enter, and group again the incidents
    they touch (``incidents.recompute``), in one transaction (the caller's when it has one). Without ``count_cells``
    (a whole build) no cell, day or incident is done."""
    from . import corrections, day_counts, incidents, view_parties
    from .repository import events_of
    doc_ids = list(dict.fromkeys(doc_ids))
    with conn.transaction():
        conn.lock_for_save()                        # one writer counts a cell at a time
        for i in range(0, len(doc_ids), BATCH):
            chunk = doc_ids[i:i + BATCH]
            marks = ",".join("?" * len(chunk))
            was = [tuple(r) for r in conn.execute(f"SELECT DISTINCT cell, day FROM event_view WHERE doc_id IN "
                                                  f"({marks})", chunk)]
            conn.execute(f"DELETE FROM event_view WHERE doc_id IN ({marks})", chunk)
            fixes = corrections.active(conn, chunk)
            mentions = corrections.mention_rows(conn, [c["target"] for c in fixes if c["kind"] == "mention_place"])
            rows = [view_row(e) for e in corrections.apply(events_of(conn, chunk), fixes, mentions)]
            conn.executemany(_INSERT, rows)
            view_parties.refill(conn, chunk)
            widen(conn, [(r[_DAY], r[_DAY_END]) for r in rows])
            conn.execute(f"DELETE FROM document_search WHERE doc_id IN ({marks})", chunk)
            conn.executemany("INSERT INTO document_search (doc_id, published, search) VALUES (?, ?, ?)",
                             [(d["id"], d["published"], search_text(d)) for d in conn.execute(
                                 "SELECT id, title, outlet, published, substr(text, 1, 160) AS lead FROM documents "
                                 f"WHERE id IN ({marks})", chunk)])
            if count_cells:
                recount(conn, sorted({c for c, _ in was} | {r[-1] for r in rows} - {None}))
                day_counts.recount(conn, {d for _, d in was} | {r[_DAY] for r in rows})
                incidents.recompute(conn, chunk)


def window(first: str | None, last: str | None) -> int:
    """Days from an event's first day to its last (0 when either is missing)."""
    return (date.fromisoformat(last) - date.fromisoformat(first)).days if first and last else 0


_DAY, _DAY_END = COLUMNS.index("day"), COLUMNS.index("day_end")


def widen(conn: Connection, spans) -> None:
    """Keep the ``meta`` row ``longest_window`` at least the longest of these (first day, last day) spans: a date
    filter then reads only the days that can hold an overlapping event."""
    longest = max((window(first, last) for first, last in spans), default=0)
    conn.execute("INSERT INTO meta (key, value) VALUES ('longest_window', ?) ON CONFLICT (key) DO UPDATE SET "
                 "value = CASE WHEN excluded.value > meta.value THEN excluded.value ELSE meta.value END", (longest,))


def longest_window(conn: Connection) -> int | None:
    """The most days any event of the view spans (an upper bound), or None for a store that has not kept it."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'longest_window'").fetchone()
    return int(row[0]) if row else None


def recount(conn: Connection, cells: list[str] | None = None) -> None:
    """Count these cells again from the view (None: every cell, the rollups rebuilt)."""
    if cells is None:
        for table in ROLLUPS:
            conn.execute(f"DELETE FROM {table}")
        for insert in (_CELLS, _PAIRS, _PARTIES):
            conn.execute(insert.format("1=1"))
        return
    for i in range(0, len(cells), BATCH):
        chunk = cells[i:i + BATCH]
        marks = ",".join("?" * len(chunk))
        for table in ROLLUPS:
            conn.execute(f"DELETE FROM {table} WHERE cell IN ({marks})", chunk)
        for insert in (_CELLS, _PAIRS, _PARTIES):
            conn.execute(insert.format(f"v.cell IN ({marks})"), chunk)


def ensure_built(conn: Connection) -> None:
    """Build the whole view, its rollups and its incidents once, for a store that has none yet in this ``FORMAT``
    (an older store, or a new one); a no-op after."""
    from . import day_counts, incidents, view_parties
    _ensure_view(conn)
    day_counts.ensure_built(conn)
    view_parties.ensure_built(conn)
    incidents.ensure_built(conn)


def _ensure_view(conn: Connection) -> None:
    """The view and its rollups, built if the store has none in this ``FORMAT``."""
    if is_built(conn):
        if longest_window(conn) is None:           # a store built before the view kept it
            with conn.transaction():
                widen(conn, [tuple(r) for r in conn.execute("SELECT day, day_end FROM event_view WHERE day_end > day")])
        return
    build_once(conn, "event_view", FORMAT, _build_view)


def _build_view(conn: Connection) -> None:
    conn.execute("DELETE FROM event_view")
    conn.execute("DELETE FROM document_search")
    conn.execute("DELETE FROM meta WHERE key = 'incidents'")     # the view's events are grouped again
    conn.execute("DELETE FROM meta WHERE key = 'day_counts'")    # counted again from the new view
    refresh(conn, [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")], count_cells=False)
    recount(conn)


def build_once(conn: Connection, key: str, fmt: int, build) -> None:
    """``build(conn)`` in one transaction under the save lock, then the ``meta`` row ``key`` set to ``fmt``; a no-op
    when it already is (checked again under the lock: another process may have built it meanwhile)."""
    if built(conn, key, fmt):
        return
    with conn.transaction():
        conn.lock_for_save()
        if built(conn, key, fmt):
            return
        build(conn)
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                     "value = excluded.value", (key, fmt))


def built(conn: Connection, key: str, fmt: int) -> bool:
    """Whether the ``meta`` row ``key`` says a derived table is complete in format ``fmt``."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row is not None and int(row[0]) == fmt


def is_built(conn: Connection) -> bool:
    """Whether the view and its rollups are complete, in this ``FORMAT`` (readers of a store never opened for
    writing since it was made see False)."""
    return built(conn, "event_view", FORMAT)
