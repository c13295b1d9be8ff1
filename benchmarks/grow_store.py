"""Grow a store for load tests: every article copied ``--times`` times over under new ids (``ID~k``), with its
sentences, mentions, events, the corrected view and its cells, inside the store's own engine (minutes where ingesting the
copies would take an hour). The copies share places and actors, and their events fall ``k`` years later, so the
timeline, the maps and the filters see a store ``--times`` as big. Each article's incidents are copied with it (``k``
years on, none merges with another copy's), so the store needs no grouping again.

Run: .venv/bin/python benchmarks/grow_store.py STORE --times 10     (STORE: a path or a postgresql:// URL)
"""
from __future__ import annotations

import argparse
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.store import connect, count, current, day_counts  # noqa: E402

# Each table's columns, with {k} for the copy's number: ids get "~k", dates move k years on.
_YEAR = "CAST(substr({c}, 1, 4) AS INTEGER) + {k}"
_REST = ("CASE WHEN substr({c}, 6, 5) = '02-29' AND (" + _YEAR + ") % 4 <> 0 THEN '-02-28' || substr({c}, 11) "
         "ELSE substr({c}, 5) END")                      # 29 Feb of a common year: the 28th
SHIFT = {"sqlite": "CASE WHEN {c} IS NULL THEN NULL ELSE printf('%04d', " + _YEAR + ") || " + _REST + " END",
         "postgresql": "CASE WHEN {c} IS NULL THEN NULL ELSE lpad((" + _YEAR + ")::text, 4, '0') || " + _REST + " END"}
NEW = "{c} || '~{k}'"
COPIES = {
    "documents": {"id": NEW, "content_hash": NEW, "published": SHIFT},
    "sentences": {"doc_id": NEW},
    "place_mentions": {"doc_id": NEW},
    "actor_mentions": {"doc_id": NEW},
    "time_mentions": {"doc_id": NEW, "date_start": SHIFT, "date_end": SHIFT},
    "events": {"id": NEW, "doc_id": NEW, "date_start": SHIFT, "date_end": SHIFT},
    "event_actors": {"event_id": NEW},
    "event_reports": {"event_id": NEW},
    "event_view": {"id": NEW, "doc_id": NEW, "date_start": SHIFT, "date_end": SHIFT, "day": SHIFT, "day_end": SHIFT,
                   "incident": NEW},
    "incidents": {"id": NEW, "first_reported": SHIFT, "first_day": SHIFT, "last_day": SHIFT, "last_id": NEW},
    "incident_events": {"event_id": NEW, "incident_id": NEW, "doc_id": NEW, "day": SHIFT, "day_end": SHIFT,
                        "linked_to": NEW},
    "view_parties": {"id": NEW, "doc_id": NEW, "date_start": SHIFT, "day": SHIFT, "day_end": SHIFT, "incident": NEW},
}


def columns(conn, table: str) -> list[str]:
    return [d[0] for d in conn.execute(f"SELECT * FROM {table} LIMIT 0").description]


def grow(target: str, times: int) -> None:
    with closing(connect(target)) as conn:
        original = [r[0] for r in conn.execute("SELECT id FROM documents WHERE id NOT LIKE '%~%'")]
        print(f"{target}: {len(original)} articles, {count(conn, 'events')} events; making {times - 1} copies")
        for k in range(1, times):
            t = time.perf_counter()
            with conn.transaction():
                for table, changed in COPIES.items():
                    cols = columns(conn, table)
                    exprs = []
                    for c in cols:
                        rule = changed.get(c)
                        rule = rule[conn.dialect] if isinstance(rule, dict) else rule
                        quoted = f'"{c}"' if c == "end" else c
                        exprs.append(rule.format(c=quoted, k=k) if rule else quoted)
                    key = "id" if table in ("documents", "incidents") else "doc_id" if "doc_id" in cols else "event_id"
                    conn.execute(f"INSERT INTO {table} ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
                                 f"SELECT {', '.join(exprs)} FROM {table} WHERE {key} NOT LIKE '%~%'")
            print(f"  copy {k}: {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        with conn.transaction():
            current.recount(conn)                             # the copies' events fall in the same cells
            day_counts.recount(conn, [r[0] for r in conn.execute("SELECT DISTINCT day FROM event_view")])  # new days
        print(f"  cells and days counted again: {time.perf_counter() - t:.1f} s")
        conn.execute("ANALYZE")
        print(f"now {count(conn, 'documents')} articles, {count(conn, 'events')} events, "
              f"{count(conn, 'event_view')} in the view")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("--times", type=int, default=10)
    args = ap.parse_args()
    grow(args.store, args.times)


if __name__ == "__main__":
    main()
