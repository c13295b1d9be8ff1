"""Where a page's server time goes in SQL: one page under Streamlit's AppTest on one store, cold, rerun, then with
the sidebar's Status set to each value given, and for each run how many statements the store ran, the seconds
they took (each statement's rows fetched at once, so its time is the store's, not the page's loop over them),
and the slowest statements with their parameters.

Run: .venv/bin/python benchmarks/page_sql.py --store PATH_OR_URL --page "pages/0_Overview.py?show=reports"
                                             [--status planned occurred] [--top 12]

The page's own time includes the statements' (Python's share is the rest). Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from geo.store import engine  # noqa: E402

STATEMENTS: list[tuple[float, str, list]] = []      # (seconds, SQL on one line, first parameters) of this run


class _Rows(list):
    """A statement's rows fetched at once, read as a cursor is (``fetchone``, ``fetchall``, iteration)."""

    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


def _timed(execute):
    """``Connection.execute`` that fetches a query's rows at once and records how long the statement took."""
    def run(self, sql, params=()):
        t = time.perf_counter()
        cursor = execute(self, sql, params)
        rows = _Rows(cursor.fetchall()) if cursor.description else cursor
        STATEMENTS.append((time.perf_counter() - t, " ".join(sql.split()), list(params)[:6]))
        return rows
    return run


def report(label: str, seconds: float, top: int) -> None:
    """One run's figures and its slowest statements; the record starts again empty."""
    spent = sum(s for s, _, _ in STATEMENTS)
    print(f"{label}: {seconds:.2f} s, {len(STATEMENTS)} statements, {spent:.2f} s of them in SQL")
    for s, sql, params in sorted(STATEMENTS, key=lambda x: -x[0])[:top]:
        print(f"  {s:6.2f}  {sql[:220]}  {params}")
    STATEMENTS.clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True, help="a store path or a postgresql:// URL (only read)")
    ap.add_argument("--page", default="pages/0_Overview.py", help="a page, with its query string")
    ap.add_argument("--status", nargs="*", default=["planned"], help="the Status values to set, one run each")
    ap.add_argument("--top", type=int, default=12, help="slowest statements listed per run")
    args = ap.parse_args()
    os.environ["ATLAS_STORE"] = args.store
    os.environ.setdefault("ATLAS_NER_MODEL", "off")
    engine.Connection.execute = _timed(engine.Connection.execute)
    from streamlit.testing.v1 import AppTest
    page, _, query = args.page.partition("?")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for key, value in parse_qsl(query):
        at.query_params[key] = value
    at.switch_page(page)
    runs = [("cold", at.run), ("rerun", at.run)] + [
        (f"status={v or 'all'}", lambda v=v: at.sidebar.radio(key="w_status").set_value(v).run()) for v in args.status]
    for label, run in runs:
        t = time.perf_counter()
        run()
        report(label, time.perf_counter() - t, args.top)
        for e in at.exception:
            print(f"  exception: {str(e.value)[:300]}")


if __name__ == "__main__":
    main()
