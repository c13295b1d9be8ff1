"""Articles per second with and without the neural NER path.

Run: .venv/bin/python benchmarks/bench_ner.py [--articles 100] [--base-size]

The model is a tiny random-weight BERT (hidden 32, 2 layers) built on the spot, so the figure
measures the PLUMBING: word lists per sentence, CAMeL's featurization and batching, a forward pass
of a toy network, label alignment, span decoding and the merge with the lexicon. It says nothing
about the real 541 MB ``ner-arabert`` model, whose forward pass dominates in practice.
``--base-size`` adds a random model of AraBERT-base's shape (hidden 768, 12 layers, 64k vocabulary),
which gives the compute cost of the real model on this CPU (still not its accuracy).
Articles are the seeds, cut or repeated to ~600 words, as in ``bench_extract.py``. Prints; asserts nothing.
On a small or busy machine torch's own threads make the tiny model's figure noisy: ``--threads 1``
gives the steadiest plumbing figure; the base-size model gains from two threads.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_extract import about_600_words, texts  # noqa: E402


def rate(articles, resources, extract) -> tuple[float, int, int]:
    """Articles per second, and how many places / actors the run found."""
    extract(articles[0], resources)    # warm caches
    t0 = time.perf_counter()
    places = actors = 0
    for a in articles:
        ex = extract(a, resources)
        places += len(ex.places)
        actors += len(ex.actors)
    return len(articles) / (time.perf_counter() - t0), places, actors


def base_sized(path: Path, tiny: Path) -> Path:
    """A random BERT of AraBERT-base's shape, with the tiny model's vocabulary file."""
    import shutil

    import torch
    from transformers import BertConfig, BertForTokenClassification

    path.mkdir(parents=True, exist_ok=True)
    for name in ("vocab.txt", "tokenizer_config.json"):
        shutil.copy(tiny / name, path / name)
    labels = json.loads((tiny / "config.json").read_text())["id2label"]
    config = BertConfig(vocab_size=64000, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                        intermediate_size=3072, id2label={int(k): v for k, v in labels.items()},
                        label2id={v: int(k) for k, v in labels.items()})
    torch.manual_seed(0)
    BertForTokenClassification(config).save_pretrained(path, safe_serialization=True)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--base-size", action="store_true", help="also time a random model of AraBERT-base's shape")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's choice)")
    args = ap.parse_args()
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)

    import logging
    logging.getLogger("transformers").setLevel(logging.ERROR)
    from geo.model import Article
    from geo.ner import load_ner
    from geo.pipeline import Resources, extract, load_resources
    from geo.text import tokenize
    from tiny_ner import build_tiny_ner

    pool = texts(args.corpus)
    bodies = [about_600_words(t) for t, _ in pool]
    articles = [Article(f"a{i}", bodies[i % len(bodies)], date.fromisoformat(pool[i % len(pool)][1]))
                for i in range(args.articles)]
    words = sorted({t.text for b in bodies for t in tokenize(b)})
    base = load_resources()
    lexicon_rate, p0, a0 = rate(articles, base, extract)

    with tempfile.TemporaryDirectory() as tmp:
        tiny = build_tiny_ner(Path(tmp) / "tiny", words)
        t0 = time.perf_counter()
        ner = load_ner(tiny)
        load_s = time.perf_counter() - t0
        with_ner = Resources(base.gazetteer, base.actors, base.triggers, ner)
        ner_rate, p1, a1 = rate(articles, with_ner, extract)
        import os

        import torch
        print(f"{args.articles} articles of ~600 words ({len(pool)} distinct texts); {os.cpu_count()} CPUs, "
              f"torch threads {torch.get_num_threads()}")
        print(f"  lexicon only:            {lexicon_rate:7.1f} articles/s  ({p0} places, {a0} actors)")
        print(f"  lexicon + tiny NER:      {ner_rate:7.1f} articles/s  ({p1} places, {a1} actors; random labels)")
        print(f"  NER plumbing overhead:   {1000 / ner_rate - 1000 / lexicon_rate:7.1f} ms per article "
              f"(import camel_tools.ner + load: {load_s:.1f} s once)")
        print("  (the tiny random model measures the plumbing, not the real 541 MB ner-arabert model)")
        if args.base_size:
            big = load_ner(base_sized(Path(tmp) / "base", tiny))
            n = max(5, args.articles // 10)
            big_rate, _, _ = rate(articles[:n], Resources(base.gazetteer, base.actors, base.triggers, big), extract)
            print(f"  lexicon + base-size NER: {big_rate:7.2f} articles/s  ({n} articles; random weights of "
                  f"AraBERT-base's shape: the real model's compute cost, not its accuracy)")


if __name__ == "__main__":
    main()
