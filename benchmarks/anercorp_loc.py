"""Place-name recognition on ANERcorp (training part): LOC precision, recall and F1, held out by fold.

Run: .venv/bin/python benchmarks/anercorp_loc.py [--conll ../shared/ner/ANERcorp_train.conll] [--folds 5]
The sentences are cut into 5 contiguous folds; each fold is scored with the non-place list derived
from the other four only (``geo.gazetteer.derive_nonplaces``), never with the shipped one. Sentences
are read in groups (``--group``) so that a country named nearby counts as context. A predicted
non-demonym place that overlaps a gold LOC entity is right; predicted demonyms are ignored; a gold
LOC entity is found when any predicted place overlaps it. Prints the figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import inspect
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo import gazetteer as gz  # noqa: E402
from geo.actors import load_actors  # noqa: E402
from geo.events import load_triggers  # noqa: E402
from geo.model import Article  # noqa: E402
from geo.pipeline import Resources, extract  # noqa: E402
from geo.text import tokenize  # noqa: E402

DEFAULT_CONLL = ROOT.parent / "shared" / "ner" / "ANERcorp_train.conll"


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences as lists of (token, tag); a blank line ends a sentence."""
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 2:
            if current:
                sentences.append(current)
            current = []
            continue
        current.append((" ".join(parts[:-1]), parts[-1]))
    if current:
        sentences.append(current)
    return sentences


def to_text(sentences) -> tuple[str, list[tuple[int, int]]]:
    """The sentences as one space-joined text, and the character spans of its gold LOC entities."""
    pieces, spans, pos, open_span = [], [], 0, None
    for sentence in sentences:
        for token, tag in sentence:
            start, end = pos, pos + len(token)
            if tag == "B-LOC" or (tag == "I-LOC" and open_span is None):
                open_span = [start, end]
                spans.append(open_span)
            elif tag == "I-LOC":
                open_span[1] = end
            else:
                open_span = None
            pieces.append(token)
            pos = end + 1
        open_span = None
    return " ".join(pieces), [tuple(s) for s in spans]


def groups(sentences, size: int):
    for i in range(0, len(sentences), size):
        yield to_text(sentences[i:i + size])


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def build(lists: tuple[set[str], set[str]] | None):
    """The gazetteer built from data/, with the name lists given instead of the shipped ones."""
    cities = gz.packaged_cities()
    cities.sort(key=lambda pc: -pc[0].population)
    d = gz.DATA_DIR
    args = (gz.read_curated(d / "gazetteer.csv"), gz.read_demonyms(d / "demonyms.csv"), cities,
            gz.read_stopwords(d / "stopwords_ar.txt"))
    if lists is not None and "nonplaces" in inspect.signature(gz.build_gazetteer).parameters:
        return gz.build_gazetteer(*args, *lists)
    return gz.build_gazetteer(*args)


def score_fold(docs, resources) -> dict:
    tp = fp = found = gold = adjectives = 0
    for text, spans in docs:
        ex = extract(Article("anercorp", text, None), resources)
        predicted = [(p.start, p.end) for p in ex.places if not p.demonym]
        demonyms = [(p.start, p.end) for p in ex.places if p.demonym]
        for s in predicted:
            if any(overlaps(s, g) for g in spans):
                tp += 1
            else:
                fp += 1
        gold += len(spans)
        hit = [any(overlaps(s, g) for s in predicted) for g in spans]
        found += sum(hit)
        adjectives += sum(1 for g, h in zip(spans, hit) if not h and any(overlaps(s, g) for s in demonyms))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = found / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    # the same with gold LOC entities that only our demonyms cover (ANERcorp tags some adjectives LOC) left out
    r2 = found / (gold - adjectives) if gold - adjectives else 1.0
    f2 = 2 * p * r2 / (p + r2) if p + r2 else 0.0
    return {"p": p, "r": r, "f1": f, "tp": tp, "fp": fp, "fn": gold - found, "adj": adjectives, "f1_adj": f2}


def counts(docs, gazetteer) -> dict:
    if not hasattr(gz, "name_counts"):
        return {}
    return gz.name_counts(((tokenize(text), text, spans) for text, spans in docs), gazetteer)


def table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'':10}{'P':>7}{'R':>7}{'F1':>7}{'tp':>7}{'fp':>7}{'fn':>7}   (fn of which adjectives, F1 without them)")
    for i, r in enumerate(rows):
        print(f"{'fold ' + str(i):10}{r['p']:7.3f}{r['r']:7.3f}{r['f1']:7.3f}{r['tp']:7}{r['fp']:7}{r['fn']:7}"
              f"   ({r['adj']}, {r['f1_adj']:.3f})")
    mean = {k: sum(r[k] for r in rows) / len(rows) for k in ("p", "r", "f1", "f1_adj")}
    worst = min(rows, key=lambda r: r["f1"])
    print(f"{'mean':10}{mean['p']:7.3f}{mean['r']:7.3f}{mean['f1']:7.3f}{'':21}   (F1 without adjectives {mean['f1_adj']:.3f})")
    print(f"{'worst':10}{worst['p']:7.3f}{worst['r']:7.3f}{worst['f1']:7.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--conll", type=Path, default=DEFAULT_CONLL)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--group", type=int, default=5, help="sentences read together as one text")
    ap.add_argument("--show", type=int, default=-1, help="print the false positives of this fold")
    ap.add_argument("--write", type=Path, help="write the name counts of all folds here (data/names_anercorp.tsv)")
    args = ap.parse_args()
    sentences = read_conll(args.conll)
    n, k = len(sentences), args.folds
    folds = [sentences[i * n // k:(i + 1) * n // k] for i in range(k)]
    fold_docs = [list(groups(f, args.group)) for f in folds]
    actors, triggers = load_actors(), load_triggers()
    t0 = time.perf_counter()
    plain = build(None)
    plain_res = Resources(plain, actors, triggers)
    without, with_list = [], []
    for i in range(k):
        without.append(score_fold(fold_docs[i], plain_res))
        train = [d for j in range(k) if j != i for d in fold_docs[j]]
        lists = gz.split_names(counts(train, plain)) if hasattr(gz, "split_names") else (set(), set(), set())
        res = Resources(build(lists), actors, triggers) if any(lists) else plain_res
        with_list.append(score_fold(fold_docs[i], res))
        print(f"fold {i}: {len(folds[i])} sentences; from the other folds {len(lists[0])} non-places, "
              f"{len(lists[1])} known places, {len(lists[2])} words", flush=True)
        if args.show == i:
            show_errors(fold_docs[i], res)
    table("LOC, rules only (no derived lists)", without)
    table("LOC, rules + name lists derived from the training folds", with_list)
    if args.write:
        write_counts(counts([d for f in fold_docs for d in f], plain), args.write)
    print(f"\n{n} sentences, {time.perf_counter() - t0:.0f} s")


HEADER = """# Names the gazetteer matches, counted over ANERcorp's training part (Benajiba, Rosso and Benedi 2007;
# CAMeL Lab's split, CC BY-SA 4.0): name (normalized), times seen, times inside a gold LOC entity.
# Written by benchmarks/anercorp_loc.py --write; read by geo.gazetteer (split_names).
"""


def write_counts(table_: dict, path: Path) -> None:
    """Only names seen often enough to decide, in a stable order; no text of the corpus."""
    rows = sorted((k, n, loc) for k, (n, loc) in table_.items() if n >= gz.MIN_SEEN)
    path.write_text(HEADER + "".join(f"{k}\t{n}\t{loc}\n" for k, n, loc in rows), encoding="utf-8")
    print(f"wrote {len(rows)} names to {path}")


def show_errors(docs, resources) -> None:
    from collections import Counter
    fps, fns = Counter(), Counter()
    for text, spans in docs:
        ex = extract(Article("anercorp", text, None), resources)
        predicted = [p for p in ex.places if not p.demonym]
        for p in predicted:
            if not any(overlaps((p.start, p.end), g) for g in spans):
                fps[(p.text, p.place.id, p.place.country)] += 1
        for g in spans:
            if not any(overlaps((p.start, p.end), g) for p in predicted):
                fns[text[g[0]:g[1]]] += 1
    print("false positives:", fps.most_common(80))
    print("missed:", fns.most_common(80))


if __name__ == "__main__":
    main()
