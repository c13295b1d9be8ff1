"""Memory of one replica serving many sessions: one Python process (as one ``streamlit run`` is) opens the
Overview in N sessions (AppTest instances, which share the process's caches as a server's sessions do), each with
its own filters, then every map page in each; prints the resident memory after each session and at the end.

Run: .venv/bin/python benchmarks/bench_sessions.py --store STORE [--sessions 10]   (a path or postgresql:// URL)
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from atlas_app.site import MAP_PAGES  # noqa: E402

PAGES = [p.path for p in MAP_PAGES[1:]]        # the Overview is each session's first page
FILTERS = ({}, {"status": "planned"}, {"status": "occurred"}, {"kind": "visit"}, {"kind": "front_line"},
           {"aff": "LNA"}, {"aff": "GNA"}, {"status": "planned", "kind": "visit"}, {"per": "week"},
           {"kind": "diplomatic_flow"})


def rss_mb() -> float:
    """Resident memory now (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", required=True)
    ap.add_argument("--sessions", type=int, default=10)
    args = ap.parse_args()
    os.environ["ATLAS_STORE"] = args.store
    os.environ.setdefault("ATLAS_NER_MODEL", "off")
    from streamlit.testing.v1 import AppTest
    print(f"bench_sessions: {args.sessions} sessions on {args.store}; RSS after imports {rss_mb():,.0f} MiB")
    sessions = []
    for i in range(args.sessions):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        for key, value in FILTERS[i % len(FILTERS)].items():
            at.query_params[key] = value
        t = time.perf_counter()
        at.run()
        sessions.append(at)
        print(f"  session {i + 1} {FILTERS[i % len(FILTERS)] or 'no filter'}: Overview in "
              f"{time.perf_counter() - t:.2f} s; RSS {rss_mb():,.0f} MiB", flush=True)
    t = time.perf_counter()
    for at in sessions:
        for page in PAGES:
            at.switch_page(page).run()
    print(f"  every session on the three map pages: {time.perf_counter() - t:.1f} s; RSS {rss_mb():,.0f} MiB")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB with {len(sessions)} "
          "sessions alive")


if __name__ == "__main__":
    main()
