"""A synthetic corpus for load tests: many articles assembled from the seeds' sentence patterns.

Each seed sentence that yields an event becomes a template: its place, actor and date mentions
(found by the extractor itself) are swapped for other gazetteer places, lexicon actors and dates.
Run: .venv/bin/python benchmarks/synthetic.py OUT_DIR --articles 10000 [--seed 1] [--start 2016-01-01 --days 1825]
It writes OUT_DIR/*.txt and OUT_DIR/manifest.csv, ready for ``python -m geo ingest OUT_DIR``.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.actors import load_actors  # noqa: E402
from geo.gazetteer import load_gazetteer  # noqa: E402
from geo.pipeline import extract  # noqa: E402
from tests.conftest import read_seeds  # noqa: E402

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]


def templates() -> list[list[tuple[int, int, str]] | str]:
    """(sentence text, [(start, end, slot kind)]) for every seed sentence holding an event."""
    out = []
    for article in read_seeds():
        ex = extract(article)
        event_sentences = {e.sentence.index for e in ex.events}
        for s in ex.sentences:
            if s.index not in event_sentences:
                continue
            slots = [(p.start - s.start, p.end - s.start, "place:" + p.place.kind) for p in ex.places
                     if p.sentence == s.index and not p.demonym]
            slots += [(a.start - s.start, a.end - s.start, "actor") for a in ex.actors if a.sentence == s.index]
            slots += [(t.start - s.start, t.end - s.start, "date") for t in ex.times if s.start <= t.start < s.end]
            out.append((s.text, sorted(set(slots))))
    return out


def fill(text: str, slots, rng: random.Random, pools: dict[str, list[str]], day: date) -> str:
    """The template with each slot replaced, right to left so offsets stay valid."""
    for start, end, kind in sorted(slots, reverse=True):
        if kind == "date":
            d = day - timedelta(days=rng.randint(0, 20))
            value = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        else:
            value = rng.choice(pools.get(kind) or pools["place:city"])
        text = text[:start] + value + text[end:]
    return text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--sentences", type=int, default=5)   # ~9 events an article, as the seeds have
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", type=date.fromisoformat, default=date(2016, 1, 1), help="first publication day")
    ap.add_argument("--days", type=int, default=5 * 365, help="publication days spread over, from --start")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    gaz, actors = load_gazetteer(), load_actors()
    pools: dict[str, list[str]] = {"actor": [a.name_ar for a in actors.actors.values()]}
    for p in gaz.places.values():
        if p.source == "curated":
            pools.setdefault("place:" + p.kind, []).append(p.name_ar)
    tpl = templates()
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "manifest.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "file", "published", "date_precision", "outlet", "title"])
        for i in range(args.articles):
            day = args.start + timedelta(days=rng.randint(0, args.days))
            body = "\n".join(fill(t, s, rng, pools, day) for t, s in rng.sample(tpl, min(args.sentences, len(tpl))))
            name = f"syn{i:05d}.txt"
            (args.out / name).write_text(body, encoding="utf-8")
            w.writerow([f"syn{i:05d}", name, day.isoformat(), "day", "synthetic", ""])
    print(f"wrote {args.articles} articles from {len(tpl)} sentence templates to {args.out}")


if __name__ == "__main__":
    main()
