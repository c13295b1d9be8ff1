"""Speed of ``python -m geo extract``: start-up, and articles per second after start-up.

Run: .venv/bin/python benchmarks/bench_extract.py [--articles 400] [--corpus ../shared/corpus]
Articles are the seeds (and the shared corpus when present), cut or repeated to ~600 words each.
Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def texts(corpus: Path | None) -> list[tuple[str, str]]:
    """(text, published) pairs from the seeds and, if given, another folder with a manifest."""
    out = []
    for folder in [ROOT / "seeds"] + ([corpus] if corpus and corpus.exists() else []):
        with open(folder / "manifest.csv", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                out.append(((folder / r["file"]).read_text(encoding="utf-8"), r["published"]))
    return out


def cpu_of_children() -> float:
    """CPU seconds (user + system) used so far by finished child processes."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def about_600_words(text: str) -> str:
    words = text.split(" ")
    while len(words) < 600:
        words += words
    return " ".join(words[:600])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args()
    pool = texts(args.corpus)
    lines = [json.dumps({"id": f"a{i}", "text": about_600_words(t), "published": d}, ensure_ascii=False)
             for i, (t, d) in enumerate(pool[i % len(pool)] for i in range(args.articles))]
    words = sum(len(json.loads(x)["text"].split()) for x in lines)

    # Start-up: a whole process that reads one article and prints its line (lexicons loaded, cache warm).
    subprocess.run([sys.executable, "-m", "geo", "extract"], input=lines[0].encode(), check=True, cwd=ROOT,
                   capture_output=True)
    t0, c0 = time.perf_counter(), cpu_of_children()
    subprocess.run([sys.executable, "-m", "geo", "extract"], input=lines[0].encode(), check=True, cwd=ROOT,
                   capture_output=True)
    startup, startup_cpu = time.perf_counter() - t0, cpu_of_children() - c0

    probe = ("import sys, time; t=time.perf_counter(); import geo.pipeline as p; p.load_resources(); "
             "print(time.perf_counter()-t, 'torch' in sys.modules)")
    load_s, torch = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT,
                                   check=True).stdout.split()

    t0, c0 = time.perf_counter(), cpu_of_children()
    out = subprocess.run([sys.executable, "-m", "geo", "extract"], input="\n".join(lines).encode(),
                         capture_output=True, check=True, cwd=ROOT).stdout
    total, total_cpu = time.perf_counter() - t0, cpu_of_children() - c0
    n_out = len(out.decode().splitlines())
    rate = args.articles / (total - startup)
    cpu_rate = args.articles / (total_cpu - startup_cpu)
    print(f"start-up (a process extracting one article): {startup:.2f} s; importing and loading the lexicons: "
          f"{float(load_s):.2f} s; torch imported: {torch}")
    print(f"{args.articles} articles, {words / args.articles:.0f} words each: {total:.2f} s in all, "
          f"{rate:.0f} articles/s after start-up by the clock, {cpu_rate:.0f} per CPU-second of one core "
          f"({n_out} output lines)")


if __name__ == "__main__":
    main()
