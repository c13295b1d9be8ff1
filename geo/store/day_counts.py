"""Events per day (``day_counts``): how many events of each kind, subtype and status start on each day, the rollup a
timeline reads (``queries.per_day``) instead of counting the whole view. The days an article's events leave and enter
are counted again whenever it is refreshed (``recount``, from ``current.refresh``), and every day once for a store
made before the table (``ensure_built``)."""
from __future__ import annotations

from .current import build_once
from .engine import Connection

FORMAT = 1              # the meta row ``day_counts`` once every day is counted
BATCH = 500             # days per query
KEY = ("type", "subtype", "status")     # what a day's counts are split by: ix_view_days' columns after the day
_COUNT = (f"INSERT INTO day_counts (day, {', '.join(KEY)}, n) SELECT v.day, {', '.join(f'v.{c}' for c in KEY)}, "
          f"COUNT(*) FROM event_view v WHERE v.day IS NOT NULL AND {{}} GROUP BY v.day, "
          f"{', '.join(f'v.{c}' for c in KEY)}")


def recount(conn: Connection, days) -> None:
    """Count these days again from the view (undated events have no day to count)."""
    days = sorted({d for d in days if d})
    for i in range(0, len(days), BATCH):
        chunk = days[i:i + BATCH]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM day_counts WHERE day IN ({marks})", chunk)
        conn.execute(_COUNT.format(f"v.day IN ({marks})"), chunk)


def ensure_built(conn: Connection) -> None:
    """Every day counted once, for a store whose view was made before the table; a no-op after."""
    build_once(conn, "day_counts", FORMAT, _build)


def _build(conn: Connection) -> None:
    conn.execute("DELETE FROM day_counts")
    conn.execute(_COUNT.format("1=1"))
