"""Speed of ``python -m geo ingest``: articles per second on SQLite and on PostgreSQL, with 1 and 2 workers.

Run: .venv/bin/python benchmarks/bench_ingest.py [--articles 300] [--workers 1 2] [--postgres URL]
Articles are benchmarks/synthetic.py's (the seeds' event sentences with other places, actors and dates), written
once to a temp dir; each run ingests all of them into a new, empty store (a SQLite file in the temp dir, or a new
database on the PostgreSQL server, dropped afterwards) as one ``python -m geo ingest --workers N`` process.
The PostgreSQL server is --postgres, else $ATLAS_BENCH_POSTGRES, else $ATLAS_TEST_POSTGRES (a URL of its
``postgres`` database, e.g. postgresql://atlas@127.0.0.1:55432/postgres); without one it is skipped, saying so.
"after start-up" takes off the time of the same command on an empty folder (interpreter, imports, store check);
"CPU s" is that of the ingest and its pool, a figure less at the mercy of whatever else the machine is running.
Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = {k: v for k, v in os.environ.items() if k != "ATLAS_ONLINE_GEOCODING"} | {"ATLAS_NER_MODEL": "off"}


def cpu_of_children() -> float:
    """CPU seconds (user + system) used so far by finished child processes (and their pools)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_ingest(folder: Path, store: str, workers: int) -> tuple[float, float]:
    """Seconds and CPU seconds one ``python -m geo ingest`` process takes to ingest ``folder`` into ``store``."""
    t, c = time.perf_counter(), cpu_of_children()
    subprocess.run([PY, "-m", "geo", "ingest", str(folder), "--store", store, "--workers", str(workers)],
                   cwd=ROOT, env=ENV, check=True, capture_output=True, text=True)
    return time.perf_counter() - t, cpu_of_children() - c


def sqlite_stores(tmp: Path):
    """New SQLite files, one per call."""
    n = 0
    while True:
        n += 1
        yield str(tmp / f"bench{n}.sqlite"), None


def postgres_stores(server: str):
    """New PostgreSQL databases on ``server``, each with the function that drops it."""
    import psycopg

    def drop(url: str) -> None:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    while True:
        name = f"atlas_bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        yield server.rsplit("/", 1)[0] + f"/{name}", drop


def bench_engine(engine: str, stores, folder: Path, empty: Path, n: int, workers: list[int]) -> None:
    """One line per worker count: seconds, articles/s in all and after start-up, CPU seconds (all processes)."""
    for w in workers:
        store, drop = next(stores)
        try:
            startup, _ = timed_ingest(empty, store, w)
            total, cpu = timed_ingest(folder, store, w)
        finally:
            if drop:
                drop(store)
        print(f"{engine:<10} workers {w}: {total:6.2f} s, {n / total:6.1f} articles/s "
              f"({n / max(total - startup, 1e-9):6.1f} after a start-up of {startup:.2f} s); {cpu:5.2f} CPU s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--postgres", default=os.environ.get("ATLAS_BENCH_POSTGRES") or os.environ.get("ATLAS_TEST_POSTGRES"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, empty = Path(tmp) / "articles", Path(tmp) / "empty"
        empty.mkdir()
        subprocess.run([PY, str(ROOT / "benchmarks" / "synthetic.py"), str(folder), "--articles", str(args.articles)],
                       check=True, capture_output=True, cwd=ROOT, env=ENV)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{args.articles} synthetic articles; {os.cpu_count()} cores, load average {load}")
        bench_engine("SQLite", sqlite_stores(Path(tmp)), folder, empty, args.articles, args.workers)
        if not args.postgres:
            print("PostgreSQL: skipped, no server: pass --postgres URL or set ATLAS_BENCH_POSTGRES (or "
                  "ATLAS_TEST_POSTGRES) to e.g. postgresql://atlas@127.0.0.1:55432/postgres")
            return
        bench_engine("PostgreSQL", postgres_stores(args.postgres), folder, empty, args.articles, args.workers)


if __name__ == "__main__":
    main()
