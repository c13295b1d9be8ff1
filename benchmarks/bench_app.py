"""Speed, payload and memory of every page of the app, server side, under Streamlit's AppTest; and the real
first start of ``streamlit run`` on an empty store.

Run: .venv/bin/python benchmarks/bench_app.py [--store PATH ...] [--synthetic N] [--no-seeds] [--reruns 5]
                                             [--pages pages/0_Overview.py pages/1_Visits.py ...] [--skip-start]

Stores: the seed articles, ingested into a temp dir (unless --no-seeds), plus each --store given (reused as is,
never written), plus, with --synthetic N, N articles from benchmarks/synthetic.py ingested into a temp dir.

Per store and page, in a fresh process (so every cache starts empty and ru_maxrss is that page's own):
Pages: every page of ``atlas_app.site.PAGES`` (opened with ``switch_page`` through the entry point, app.py),
and the Sources reader opened on the first event's sentence (``pages/4_Sources.py?doc=ID&sentence=N``).
  cold      the first ``at.run()``: the page's imports, loading the store into the cache, the first render
  rerun     the median (min-max) of N more ``at.run()`` with nothing changed
  filter    the median (min-max) of N runs that each change the sidebar's Status radio (the widget, as a click
            does: planned, occurred, all, planned, ...)
  deck      bytes of the deck.gl JSON the page sends (``deck_gl_json_chart`` protos' ``json``, summed),
            unfiltered and with status=planned
  page      bytes of every element's serialized proto on the page (what the deltas carry, less framing),
            unfiltered and with status=planned
  rss       peak resident memory of that process (ru_maxrss), and what the imports alone took
The real start: ``streamlit run app.py`` on a path that holds no store (the app builds it from the seeds):
seconds until /_stcore/health answers "ok", then, with chromium and playwright at hand, seconds until a
browser shows the overview's metrics and its map canvas (the first page's script run includes the build);
and, for comparison, one AppTest cold run on another empty path (the build plus the render, in-process).
AppTest times the server-side script only: no browser, no network, no drawing.

Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from atlas_app.site import OVERVIEW, PAGES, SOURCES  # noqa: E402
from geo.store.postgres import is_url  # noqa: E402
from tests.conftest import CHROMIUM_FLAGS  # noqa: E402

PY = sys.executable
STATUS_CYCLE = ("planned", "occurred", "")


# ---- one page in one process (--worker) ---------------------------------------------------------------

def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # KiB on Linux


def _proto_bytes(node) -> int:
    """Serialized size of every element under ``node`` of AppTest's tree."""
    children = getattr(node, "children", None)
    if children is not None:
        return sum(_proto_bytes(c) for c in children.values())
    proto = getattr(node, "proto", None)
    return proto.ByteSize() if proto is not None and hasattr(proto, "ByteSize") else 0


def _bytes_by_type(node, acc: dict[str, int] | None = None) -> dict[str, int]:
    """The same, per element type (``dataframe``, ``deck_gl_json_chart``, ...)."""
    acc = {} if acc is None else acc
    children = getattr(node, "children", None)
    if children is not None:
        for c in children.values():
            _bytes_by_type(c, acc)
    elif getattr(node, "proto", None) is not None and hasattr(node.proto, "ByteSize"):
        acc[node.type] = acc.get(node.type, 0) + node.proto.ByteSize()
    return acc


def _deck_bytes(at) -> int:
    return sum(len(d.proto.json.encode("utf-8")) for d in at.get("deck_gl_json_chart"))


def _problems(at) -> list[str]:
    return [f"exception: {str(e.value)[:200]}" for e in at.exception] + [f"error: {str(e.value)[:200]}"
                                                                          for e in at.error]


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def worker(store: str, page: str, reruns: int, timeout: float) -> dict:
    """Measure one page on one store (run in a fresh process: see ``measure``)."""
    os.environ["ATLAS_STORE"] = store
    os.environ.pop("ATLAS_BASEMAP", None)
    os.environ.setdefault("ATLAS_NER_MODEL", "off")
    t = time.perf_counter()
    from streamlit.testing.v1 import AppTest
    out: dict = {"import_s": time.perf_counter() - t, "import_rss_mb": _rss_mb(),
                 "store_existed": is_url(store) or Path(store).exists()}
    page, _, query = page.partition("?")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in parse_qsl(query):
        at.query_params[key] = value
    at.switch_page(page)                # the entry point (app.py) routes to it, as a link opens it
    out["cold_s"] = _timed(at.run)
    out["problems"] = _problems(at)
    out["deck_bytes"], out["page_bytes"] = _deck_bytes(at), _proto_bytes(at._tree)
    out["bytes_by_type"] = dict(sorted(_bytes_by_type(at._tree).items(), key=lambda kv: -kv[1])[:4])
    out["rerun_s"] = [_timed(at.run) for _ in range(reruns)]
    status = at.sidebar.radio(key="w_status") if any(r.key == "w_status" for r in at.sidebar.radio) else None
    out["filter_s"], out["filter_url"] = [], None
    if status is not None:
        for i in range(reruns):
            value = STATUS_CYCLE[i % len(STATUS_CYCLE)]
            out["filter_s"].append(_timed(lambda: at.sidebar.radio(key="w_status").set_value(value).run()))
            if i == 0:
                out["filter_url"] = dict(at.query_params)
                out["planned_deck_bytes"], out["planned_page_bytes"] = _deck_bytes(at), _proto_bytes(at._tree)
                out["problems"] += [f"(planned) {p}" for p in _problems(at)]
    out["peak_rss_mb"] = _rss_mb()
    return out


def measure(store: Path, page: str, reruns: int, timeout: float) -> dict:
    """``worker`` in a fresh interpreter; its JSON result (or the error it died with)."""
    cmd = [PY, str(Path(__file__).resolve()), "--worker", "--store", str(store), "--page", page,
           "--reruns", str(reruns), "--timeout", str(timeout)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout * (2 * reruns + 2) + 120)
    wall = time.perf_counter() - t
    line = next((x for x in reversed(proc.stdout.splitlines()) if x.startswith("{")), None)
    if proc.returncode != 0 or line is None:
        return {"problems": [f"worker exited {proc.returncode}: {proc.stderr.strip()[-400:]}"], "wall_s": wall}
    return json.loads(line) | {"wall_s": wall}


# ---- stores ---------------------------------------------------------------------------------------------

def ingest(src: Path, store: Path) -> float:
    env = {**os.environ, "ATLAS_NER_MODEL": "off"}
    env.pop("ATLAS_ONLINE_GEOCODING", None)
    t = time.perf_counter()
    subprocess.run([PY, "-m", "geo", "ingest", str(src), "--store", str(store)], cwd=ROOT, env=env, check=True,
                   capture_output=True, text=True)
    return time.perf_counter() - t


def store_facts(store) -> str:
    from geo.store import connect, count
    with closing(connect(store, readonly=True)) as conn:
        docs, events = count(conn, "documents"), count(conn, "events")
    if is_url(store):
        return f"{docs} articles, {events} events, on PostgreSQL"
    size = sum(p.stat().st_size for p in (Path(store), Path(f"{store}-wal")) if p.exists())
    return f"{docs} articles, {events} events, {size / 1e6:.1f} MB on disk"


# ---- the real first start -------------------------------------------------------------------------------

def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def _vmhwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _browser_first_page(base: str, limit: float) -> tuple[dict, str]:
    """Seconds from opening the page until the metrics and the map canvas show, in chromium (or why not)."""
    chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except Exception as exc:  # noqa: BLE001
        return {}, f"no playwright ({exc!r})"
    if not chromium:
        return {}, "no chromium"
    out: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t = time.perf_counter()
            page.goto(base + "/", wait_until="domcontentloaded")
            out["html_s"] = time.perf_counter() - t
            page.wait_for_selector("[data-testid='stMetricValue']", timeout=limit * 1000)
            out["metrics_s"] = time.perf_counter() - t
            page.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", state="attached",
                                   timeout=limit * 1000)
            out["canvas_s"] = time.perf_counter() - t
            second = browser.new_page(viewport={"width": 1400, "height": 1000})   # a new session, warm server
            t = time.perf_counter()
            second.goto(base + "/", wait_until="domcontentloaded")
            second.wait_for_selector("[data-testid='stMetricValue']", timeout=limit * 1000)
            out["warm_metrics_s"] = time.perf_counter() - t
            second.wait_for_selector("[data-testid='stDeckGlJsonChart'] canvas", state="attached",
                                     timeout=limit * 1000)
            out["warm_canvas_s"] = time.perf_counter() - t
        except Exception as exc:  # noqa: BLE001 - a timeout: report what was reached
            return out, f"browser stopped: {str(exc).splitlines()[0][:200]}"
        finally:
            browser.close()
    return out, ""


def first_start(tmp: Path, timeout: float) -> dict:
    """``streamlit run`` on an empty store path: health, then a browser's first page (which builds the store)."""
    store = tmp / "fresh" / "atlas.sqlite"
    store.parent.mkdir()
    port = _free_port()
    env = {**os.environ, "ATLAS_STORE": str(store), "ATLAS_NER_MODEL": "off"}
    env.pop("ATLAS_BASEMAP", None)
    log = tmp / "streamlit.log"
    out: dict = {"note": ""}
    t0 = time.perf_counter()
    with open(log, "wb") as f:
        proc = subprocess.Popen([PY, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                 "--server.port", str(port), "--server.address", "127.0.0.1",
                                 "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=f,
                                stderr=subprocess.STDOUT)
    try:
        while not _health(f"http://127.0.0.1:{port}/_stcore/health"):
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                out["note"] = f"no health: {log.read_text(errors='replace')[-300:]}"
                return out
            time.sleep(0.05)
        out["health_s"] = time.perf_counter() - t0
        out["store_before_page"] = store.exists()
        browser, why = _browser_first_page(f"http://127.0.0.1:{port}", timeout)
        out |= {f"browser_{k}": v for k, v in browser.items()}
        out["note"] = why
        out["store_after_page"] = store.exists() and store_facts(store)
        out["server_peak_rss_mb"] = _vmhwm_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return out


def apptest_first_build(tmp: Path, timeout: float) -> dict:
    """One AppTest cold run of the Overview on an empty store path (it builds the store from the seeds)."""
    store = tmp / "fresh-apptest" / "atlas.sqlite"
    store.parent.mkdir()
    return measure(store, OVERVIEW.path, 0, timeout)


# ---- the report -----------------------------------------------------------------------------------------

def _med(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})" if xs else "-"


def _kb(n) -> str:
    return f"{n / 1024:,.0f}" if isinstance(n, (int, float)) else "-"


def table(rows: list[tuple[str, str, dict]]) -> str:
    head = ["store", "page", "cold s", "rerun s: median (min-max)", "filter s: median (min-max)",
            "deck KiB all/planned", "page KiB all/planned", "RSS MiB peak (imports)"]
    body = []
    for store, page, r in rows:
        body.append([store, page, f"{r['cold_s']:.2f}" if "cold_s" in r else "-", _med(r.get("rerun_s", [])),
                     _med(r.get("filter_s", [])),
                     f"{_kb(r.get('deck_bytes'))} / {_kb(r.get('planned_deck_bytes'))}",
                     f"{_kb(r.get('page_bytes'))} / {_kb(r.get('planned_page_bytes'))}",
                     f"{r['peak_rss_mb']:,.0f} ({r['import_rss_mb']:,.0f})" if "peak_rss_mb" in r else "-"])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
    fmt = lambda cells: "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w)  # noqa: E731
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    lines = [fmt(head), fmt(["-" * w for w in widths])] + [fmt(b) for b in body]
    return "\n".join(lines)


def pages_of_app() -> list[str]:
    return [p.path for p in PAGES]


def reader_page(store) -> str | None:
    """The Sources page opened on the first event's sentence (``?doc=ID&sentence=N``), as a link opens it."""
    from geo.store import connect
    with closing(connect(store, readonly=True)) as conn:
        row = conn.execute("SELECT doc_id, sentence FROM events ORDER BY doc_id, sentence LIMIT 1").fetchone()
    return f"{SOURCES.path}?{urlencode({'doc': row[0], 'sentence': row[1]})}" if row else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", action="append", default=[],
                    help="an existing store to measure, a path or a postgresql:// URL (repeatable)")
    ap.add_argument("--synthetic", type=int, default=0, help="also build a store of N synthetic articles")
    ap.add_argument("--no-seeds", action="store_true", help="skip the store built from the seeds")
    ap.add_argument("--reruns", type=int, default=5)
    ap.add_argument("--pages", nargs="*", help="pages to measure (default: every page, atlas_app.site.PAGES)")
    ap.add_argument("--skip-start", action="store_true", help="skip the real first start of streamlit run")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds allowed for one run of a page")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--page", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(str(args.store[0]), args.page, args.reruns, args.timeout)))
        return

    import streamlit
    print(f"bench_app: Python {sys.version.split()[0]}, streamlit {streamlit.__version__}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.reruns} reruns per page")
    pages = args.pages or pages_of_app()
    with tempfile.TemporaryDirectory(prefix="bench_app_") as tmp_s:
        tmp = Path(tmp_s)
        stores: list[tuple[str, Path]] = []
        if not args.no_seeds:
            seeds = tmp / "seeds.sqlite"
            print(f"seeds store built in {ingest(ROOT / 'seeds', seeds):.1f} s")
            stores.append(("seeds", seeds))
        if args.synthetic:
            corpus, syn = tmp / "synthetic", tmp / "synthetic.sqlite"
            subprocess.run([PY, str(ROOT / "benchmarks" / "synthetic.py"), str(corpus), "--articles",
                            str(args.synthetic)], cwd=ROOT, check=True, capture_output=True)
            print(f"synthetic store of {args.synthetic} articles built in {ingest(corpus, syn):.1f} s")
            stores.append((f"synthetic-{args.synthetic}", syn))
        stores += [("postgresql" if is_url(p) else Path(p).name, p) for p in args.store]
        for name, path in stores:
            print(f"store {name}: {path} ({store_facts(path)})")

        rows = []
        for name, path in stores:
            reader = reader_page(path) if not args.pages and SOURCES.path in pages else None
            for page in pages + ([reader] if reader else []):
                r = measure(path, page, args.reruns, args.timeout)
                rows.append((name, page, r))
                print(f"  measured {name} {page} in {r['wall_s']:.0f} s"
                      + (f"; problems: {r['problems']}" if r.get("problems") else ""), flush=True)
        print()
        print(table(rows))
        print()
        for name, page, r in rows:
            if r.get("filter_url") is not None and r["filter_url"].get("status") != ["planned"] \
                    and r["filter_url"].get("status") != "planned":
                print(f"note: {name} {page}: status=planned did not reach the URL: {r['filter_url']}")
            if r.get("problems"):
                print(f"note: {name} {page}: {r['problems']}")
        print("Biggest element types of each page (serialized proto KiB, unfiltered):")
        for name, page, r in rows:
            if r.get("bytes_by_type"):
                print(f"  {name} {page}: " + ", ".join(f"{k} {_kb(v)}" for k, v in r["bytes_by_type"].items()))

        if not args.skip_start:
            print("\nFirst start: `streamlit run app.py` on an empty store path (the app builds it from the seeds)")
            s = first_start(tmp, min(args.timeout, 180.0))
            if "health_s" in s:
                print(f"  /_stcore/health ok after {s['health_s']:.2f} s (store file before the first page: "
                      f"{'present' if s['store_before_page'] else 'absent'})")
            for key, label in (("browser_html_s", "page HTML (domcontentloaded)"),
                               ("browser_metrics_s", "first page's metrics shown (store built)"),
                               ("browser_canvas_s", "map canvas attached")):
                if key in s:
                    print(f"  chromium, from opening the page: {label} after {s[key]:.2f} s "
                          f"(health + this = {s['health_s'] + s[key]:.2f} s from launch)")
            if "browser_warm_canvas_s" in s:
                print(f"  chromium, a second tab (new session, warm server): metrics after "
                      f"{s['browser_warm_metrics_s']:.2f} s, map canvas after {s['browser_warm_canvas_s']:.2f} s")
            if s.get("store_after_page"):
                print(f"  store after the first page: {s['store_after_page']}; server peak RSS "
                      f"{s['server_peak_rss_mb'] or 0:,.0f} MiB")
            if s.get("note"):
                print(f"  note: {s['note']}")
            a = apptest_first_build(tmp, args.timeout)
            if "cold_s" in a:
                built = "" if not a.get("store_existed") else " (but the store file already existed!)"
                print(f"  AppTest, one cold run of the Overview on another empty path (build from seeds + render{built}): "
                      f"{a['cold_s']:.2f} s after {a['import_s']:.2f} s of imports; peak RSS {a['peak_rss_mb']:,.0f} MiB"
                      + (f"; problems: {a['problems']}" if a.get("problems") else ""))
            else:
                print(f"  AppTest first build failed: {a.get('problems')}")
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
