"""Extraction time of long texts with no sentence punctuation, against a normal article: the cost
should grow in proportion to the text, not its square (issue 10: 100 KB used to take minutes).

Run: .venv/bin/python benchmarks/bench_long_text.py [--sizes 33 100 300]
The texts are the seeds' sentences joined without their full stops or line breaks, so each is one
sentence of that many kilobytes. Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.model import Article  # noqa: E402
from geo.pipeline import extract, load_resources  # noqa: E402
from tests.conftest import read_seeds  # noqa: E402

_STOPS_RE = re.compile(r"[.!?؟…\n]+")


def run_on_text(size: int) -> str:
    """At least ``size`` bytes (UTF-8) of the seeds' sentences joined by spaces, with no full stop
    or line break anywhere: a single sentence."""
    pieces = [p.strip() for a in read_seeds() for p in _STOPS_RE.split(a.text) if p.strip()]
    out, n = [], 0
    while n < size:
        out.append(pieces[len(out) % len(pieces)])
        n += len(out[-1].encode("utf-8")) + 1
    return " ".join(out)


def seconds(article: Article, repeat: int = 1) -> float:
    """Mean wall-clock seconds of one extraction (lexicons already loaded)."""
    t0 = time.perf_counter()
    for _ in range(repeat):
        extract(article)
    return (time.perf_counter() - t0) / repeat


def report(label: str, article: Article, repeat: int = 1) -> None:
    kb = len(article.text.encode("utf-8")) / 1000
    s = seconds(article, repeat)
    print(f"{label:<24} {kb:8.1f} KB {s:9.3f} s {1000 * s / kb:9.2f} ms/KB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[33, 100, 300], help="kilobytes of run-on text")
    args = ap.parse_args()
    load_resources()
    normal = read_seeds()[0]
    extract(normal)     # warm the caches
    report(f"normal article ({normal.id})", normal, repeat=20)
    for kb in args.sizes:
        report(f"no punctuation, {kb} KB", Article(f"run-on-{kb}", run_on_text(kb * 1000), normal.published))


if __name__ == "__main__":
    main()
