"""Cost of keeping incidents (``geo.store.incidents``) up to date: the one-off backfill of an older store, and the
recomputation each saved article triggers, after ingesting 100 new articles into stores of 10,000 and 100,000.

Run: .venv/bin/python benchmarks/bench_incidents.py /tmp/bench/s10k.sqlite /tmp/bench/s100k.sqlite [--articles 100]
        [--start 2016-01-01 --days 365]
The 100k store of benchmarks/grow_store.py holds copies moved 1 to 9 years on, so 2016 is as dense there as in the
10k store, and later years up to five times denser: new articles of 2016 alone compare stores of one density.
Each store (SQLite, made by benchmarks/grow_store.py or ``python -m geo ingest`` of benchmarks/synthetic.py's
articles) is COPIED to a temp dir first; opening the copy for writing migrates it (the backfill: every article
grouped once). Then --articles new synthetic articles (other ids, another random seed) are ingested one by one;
every ``recompute`` is timed, with the reports it grouped (or compared), and how many regrouped whole incidents
(``incidents.regrouped``) rather than extending them. Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.ingest import ingest  # noqa: E402
from geo.store import connect, incidents  # noqa: E402


def copy_store(src: Path, dst: Path) -> None:
    """A consistent copy of a SQLite store (its WAL included), never writing to the original."""
    with closing(sqlite3.connect(f"file:{src}?mode=ro", uri=True)) as a, closing(sqlite3.connect(dst)) as b:
        a.backup(b)


def new_articles(folder: Path, n: int, seed: int, start: str = "2016-01-01", days: int = 5 * 365) -> None:
    """``n`` synthetic articles with ids of their own (``new00000``...), so none replaces a stored one, published
    over ``days`` days from ``start``."""
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), str(folder), "--articles", str(n),
                    "--seed", str(seed), "--start", start, "--days", str(days)], check=True, capture_output=True,
                   cwd=ROOT)
    manifest = folder / "manifest.csv"
    with open(manifest, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for r in rows[1:]:
        r[0] = r[0].replace("syn", "new")
    with open(manifest, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def timed_recompute(log: list):
    """``incidents.recompute`` wrapped to log (seconds, reports grouped) of each call."""
    inner = incidents.recompute

    def timed(conn, doc_ids, rules=incidents.RULES):
        t = time.perf_counter()
        n = inner(conn, doc_ids, rules)
        log.append((time.perf_counter() - t, n))
        return n
    return timed


def bench(store: Path, tmp: Path, articles: Path) -> None:
    copy = tmp / store.name
    copy_store(store, copy)
    with closing(sqlite3.connect(copy)) as db:
        docs, events = (db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("documents", "event_view"))
    t = time.perf_counter()
    with closing(connect(copy)) as conn:
        backfill = time.perf_counter() - t
        made = conn.execute("SELECT COUNT(*), MAX(reports) FROM incidents").fetchone()
        log: list = []
        regrouped: list = []
        incidents.recompute, inner = timed_recompute(log), incidents.recompute
        incidents.regrouped, full = (lambda *a, **k: regrouped.append(1) or full(*a, **k)), incidents.regrouped
        try:
            t = time.perf_counter()
            report = ingest([articles], conn)
            total = time.perf_counter() - t
        finally:
            incidents.recompute, incidents.regrouped = inner, full
    secs, grouped = [x[0] for x in log], [x[1] for x in log]
    print(f"{store.name}: {docs:,} articles, {events:,} events; backfill {backfill:.1f} s "
          f"({made[0]:,} incidents, the largest of {made[1]} reports)")
    print(f"  ingest of {len(report.added)} articles: {total:.1f} s, of which recomputing incidents {sum(secs):.2f} s "
          f"({1000 * statistics.mean(secs):.1f} ms an article, median {1000 * statistics.median(secs):.1f}, "
          f"max {1000 * max(secs):.1f}); reports grouped per article: mean {statistics.mean(grouped):.0f}, "
          f"max {max(grouped)}; {len(regrouped)} of {len(log)} regrouped their incidents whole (the rest extended them)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("stores", type=Path, nargs="+")
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--start", default="2016-01-01", help="the new articles' first publication day")
    ap.add_argument("--days", type=int, default=5 * 365, help="days the new articles are published over")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        folder = Path(tmp) / "new"
        new_articles(folder, args.articles, args.seed, args.start, args.days)
        for store in args.stores:
            bench(store, Path(tmp), folder)
            for f in Path(tmp).glob(store.name + "*"):
                f.unlink()


if __name__ == "__main__":
    main()
