"""Score the incident merging (``geo.incidents``) against ``tests/gold/incidents.jsonl``: pairwise precision
and recall of "these two events are one incident", held out on two folds.

- gold events: the rules alone, given perfect events (the gold events of ``seeds.jsonl`` and the corpus
  file, with their places' scale from the gazetteer and their actors' affiliations from the lexicon);
- predicted events: the extractor's events, paired with gold events by ``geo.evaluate.match_events``. Only
  the matched gold events are scored, each standing in the incident of its predicted event (two gold events
  matched to one predicted event are together). Unmatched gold events are extraction misses, already
  counted by ``python -m geo evaluate``: they are left out, and the gold pairs lost with them are reported
  as coverage. Unmatched predicted events take part in the grouping (they may join or link incidents) but
  are not scored themselves.
- pairs inside an optional gold incident are neither right nor wrong.
- folds: articles tied by a gold incident form one component and stay in one fold; components go, largest
  first, to the fold with fewer events. Thresholds are tuned on one fold (best pair F1 over ``GRID``) and
  scored on the other, then swapped.

``python -m geo evaluate-incidents [--gold-only] [--errors] [--json OUT] [--no-prior]``. The default rules
were written reading all the gold: the "all data" line is a training score, and a fold's held-out score
leans on them wherever its training fold cannot tell two settings apart (``--no-prior`` shows the scores
without that lean).
"""
from __future__ import annotations

import argparse
import csv
import itertools
import json
import statistics
import sys
from dataclasses import asdict
from pathlib import Path

from .evaluate import REPO, SEEDS, load_records, match_events, prf
from .incidents import RULES, SCALES, Report, Rules, group, report_from_event, with_rules

INCIDENTS = REPO / "tests" / "gold" / "incidents.jsonl"
GOLD = {"seeds": REPO / "tests" / "gold" / "seeds.jsonl", "corpus": REPO.parent / "shared" / "corpus" / "gold.jsonl"}
# Thresholds tried when tuning on a fold; among equally good settings the one nearest the defaults wins.
GRID = {"local_km": (0.5, 1.0, 3.0), "city_km": (5.0, 10.0, 25.0), "front_line_days": (0, 7, 14, 21, 31),
        "contact_days": (0, 1, 3), "flow_parties": (1, 2), "background_days": (183, 366)}


# ------------------------------------------------------------------ pairwise scoring (pure)

def _pairs(counts: dict) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def _tally(keys) -> dict:
    out: dict = {}
    for k in keys:
        out[k] = out.get(k, 0) + 1
    return out


def pair_counts(predicted: dict, gold: dict, optional: dict, block=None) -> tuple[int, int, int]:
    """(tp, fp, fn) over the pairs of scored items (inside one ``block(item)`` when given), counted from
    cluster sizes rather than pair by pair; pairs inside one optional gold group are skipped."""
    where = block or (lambda item: None)
    items = sorted(gold, key=str)
    both = _pairs(_tally((where(i), predicted[i], gold[i]) for i in items))
    together = _pairs(_tally((where(i), predicted[i]) for i in items))
    truth = _pairs(_tally((where(i), gold[i]) for i in items))
    opt = [i for i in items if optional.get(i) is not None]
    skipped = _pairs(_tally((where(i), optional[i]) for i in opt))
    skipped_together = _pairs(_tally((where(i), optional[i], predicted[i]) for i in opt))
    tp = both - skipped_together
    return tp, together - both, truth - both - (skipped - skipped_together)


def pairwise(predicted: dict, gold: dict, optional: dict | None = None, across=None) -> dict:
    """Pairwise P/R/F1: ``predicted`` and ``gold`` map each scored item to its cluster label; a pair is
    positive when both items share a label. ``optional`` maps items to optional gold groups, whose inner
    pairs are skipped. With ``across(item)`` (e.g. its article) only pairs of two different ones count."""
    optional = optional or {}
    tp, fp, fn = pair_counts(predicted, gold, optional)
    if across is not None:
        inner = pair_counts(predicted, gold, optional, across)
        tp, fp, fn = tp - inner[0], fp - inner[1], fn - inner[2]
    return prf(tp, fp, fn)


def article_of(ref: tuple) -> tuple:
    """The article (corpus, doc) of a gold ref (corpus, doc, index)."""
    return ref[:2]


# ------------------------------------------------------------------ the gold

def read_gold() -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    """Gold articles keyed by (corpus, doc) and gold events keyed by (corpus, doc, index)."""
    articles, events = {}, {}
    for corpus, path in GOLD.items():
        for rec in load_records(path):
            articles[(corpus, rec["id"])] = rec
            for i, e in enumerate(rec["events"]):
                events[(corpus, rec["id"], i)] = e
    return articles, events


def gold_labels(events: dict[tuple, dict], path: Path = INCIDENTS) -> tuple[dict, dict]:
    """Each gold event's incident (a slug, or the event itself when alone) and each optional incident's
    members."""
    labels = {ref: ref for ref in events}
    optional = {}
    for inc in load_records(path):
        for e in inc["events"]:
            ref = (e["corpus"], e["doc"], e["index"])
            labels[ref] = inc["incident"]
            if inc.get("optional"):
                optional[ref] = inc["incident"]
    return labels, optional


def outlets() -> dict[str, str]:
    """Outlet per article id, from the seeds' and the corpus' manifest.csv ("" when unknown)."""
    out = {}
    for path in (SEEDS / "manifest.csv", GOLD["corpus"].parent / "manifest.csv"):
        if path.exists():
            with open(path, encoding="utf-8", newline="") as f:
                out.update({r["id"]: r.get("outlet") or "" for r in csv.DictReader(f)})
    return out


class GoldResolver:
    """Gold events in the extract output's shape: place names get their gazetteer scale, actor names
    their lexicon affiliation (what a predicted event carries)."""

    def __init__(self):
        from .actors import load_actors
        from .gazetteer import load_gazetteer
        self.places = list(load_gazetteer().places.values())
        lexicon = load_actors()
        self.actors = {}
        for a in lexicon.actors.values():
            for n in (a.name_en, *lexicon.aliases_en.get(a.id, ())):
                self.actors.setdefault(n.casefold(), a)

    def place(self, event: dict) -> dict | None:
        """The gazetteer entry near the gold point whose name fits; a place the gazetteer lacks is taken
        as a local one (quarters, camps, bridges: what a gazetteer of countries and cities leaves out)."""
        name, lat, lon = event.get("place"), event.get("lat"), event.get("lon")
        if not name:
            return None
        want = name.casefold()
        near = [p for p in self.places if lat is not None and abs(p.lat - lat) < 0.05 and abs(p.lon - lon) < 0.05]
        fits = [p for p in near if want in p.name_en.casefold()    # Mitiga -> Mitiga Airport
                or (SCALES.get(p.kind) == "local" and p.name_en.casefold().split(" (")[0] in want)]  # Shiha al-Sharqiya
        found = min(fits, key=lambda p: (abs(p.lat - lat) + abs(p.lon - lon)), default=None)
        if found is None:
            return {"id": "", "name": name, "kind": "district", "lat": lat, "lon": lon}
        return {"id": found.id, "name": found.name_en, "kind": found.kind, "lat": lat, "lon": lon}

    def side(self, name: str) -> dict:
        actor = self.actors.get(name.casefold())
        return {"name": name, "affiliation": actor.affiliation if actor else ""}

    def event(self, e: dict) -> dict:
        return {"type": e["type"], "subtype": e.get("subtype"), "status": e.get("status"),
                "actors": [self.side(n) for n in e.get("actors") or []],
                "counterparts": [self.side(n) for n in e.get("counterparts") or []],
                "place": self.place(e), "date_start": e.get("date_from"), "date_end": e.get("date_to"),
                "sentence": e.get("evidence")}


def gold_reports(articles: dict, events: dict, resolver: GoldResolver) -> dict[tuple, Report]:
    """A Report per gold event, keyed by its ref."""
    where = outlets()
    return {ref: report_from_event(resolver.event(e), "%s/%s:%d" % ref, f"{ref[0]}/{ref[1]}",
                                   articles[ref[:2]].get("published"), where.get(ref[1], ""))
            for ref, e in events.items()}


# ------------------------------------------------------------------ predicted events

def predict(articles: dict) -> dict[tuple, list[dict]]:
    """The extractor's events per gold article (corpus, doc), run in-process as ``geo.evaluate`` does."""
    from .evaluate import run_extractor
    keys = sorted(articles)
    out = run_extractor([articles[k] for k in keys])
    return {k: p.get("events", []) for k, p in zip(keys, out)}


def predicted_reports(articles: dict, predicted: dict) -> tuple[dict[str, Report], dict[tuple, str]]:
    """Reports of the predicted events, and for each matched gold ref the id of its predicted report."""
    where = outlets()
    reports, matched = {}, {}
    for key, pevents in predicted.items():
        doc = f"{key[0]}/{key[1]}"
        for pi, e in enumerate(pevents):
            rid = f"{doc}:p{pi}"
            reports[rid] = report_from_event(e, rid, doc, articles[key].get("published"), where.get(key[1], ""))
        for gi, pi in match_events(articles[key]["events"], pevents):
            matched[(*key, gi)] = f"{doc}:p{pi}"
    return reports, matched


# ------------------------------------------------------------------ folds

def article_folds(events: dict, labels: dict, folds: int = 2) -> dict[tuple, int]:
    """Fold of each article (corpus, doc): articles sharing a gold incident stay together; components go,
    largest first, to the fold with fewest events so far."""
    docs = sorted({ref[:2] for ref in events})
    up = {d: d for d in docs}

    def find(d):
        while up[d] != d:
            d = up[d]
        return d

    first: dict = {}
    for ref in sorted(events):
        label = labels[ref]
        if label in first:
            a, b = find(first[label]), find(ref[:2])
            up[max(a, b)] = min(a, b)
        else:
            first[label] = ref[:2]
    sizes: dict = {}
    for ref in events:
        sizes[find(ref[:2])] = sizes.get(find(ref[:2]), 0) + 1
    load, where = [0] * folds, {}
    for root in sorted(sizes, key=lambda r: (-sizes[r], r)):
        k = load.index(min(load))
        where[root] = k
        load[k] += sizes[root]
    return {d: where[find(d)] for d in docs}


def grid() -> list[Rules]:
    """Every combination of GRID, the defaults first."""
    out = [RULES]
    for local, city, front, contact, parties, background in itertools.product(*GRID.values()):
        out.append(with_rules(local_km=local, city_km=city, flow_parties=parties, background_days=background,
                              tolerance_days={"visit": contact, "diplomatic_flow": contact, "front_line": front}))
    return out


# ------------------------------------------------------------------ scoring one setting

def score_gold(reports: dict[tuple, Report], labels: dict, optional: dict, rules: Rules) -> dict:
    """(a) pairwise scores of grouping the gold events themselves: all pairs, and pairs across articles."""
    found = {r.id: inc.id for inc in group(reports.values(), rules) for r in inc.reports}
    predicted = {ref: found[r.id] for ref, r in reports.items()}
    return {"all": pairwise(predicted, labels, optional), "across": pairwise(predicted, labels, optional, article_of)}


def score_predicted(reports: dict[str, Report], matched: dict[tuple, str], labels: dict, optional: dict,
                    rules: Rules) -> dict:
    """(b) pairwise scores over the gold events matched by predicted events: all pairs, pairs across
    articles, and pairs of two different predicted events (what the rules decided, not the extractor's
    own merging of sentences); plus the coverage, the share of gold pairs whose two events were matched."""
    found = {r.id: inc.id for inc in group(reports.values(), rules) for r in inc.reports}
    predicted = {ref: found[rid] for ref, rid in matched.items()}
    scored = {ref: labels[ref] for ref in matched}
    gold_pairs = _pairs(_tally(labels.values())) - _pairs(_tally(optional[i] for i in labels if i in optional))
    out = {"all": pairwise(predicted, scored, optional), "across": pairwise(predicted, scored, optional, article_of),
           "between_events": pairwise(predicted, scored, optional, matched.get)}
    out["coverage"] = (out["all"]["tp"] + out["all"]["fn"]) / gold_pairs if gold_pairs else None
    out["matched_events"] = len(matched)
    return out


def held_out(score_fold, parts: list, rules_grid: list[Rules], prior: bool = True) -> dict:
    """Tune on each fold's complement, score the fold: per fold (with the chosen rules and the training
    score), mean and worst (by F1 of all pairs). Ties go to the setting nearest the defaults, or without
    ``prior`` to the first in GRID's order (the strictest thresholds)."""
    per_fold = []
    for k, test in enumerate(parts):
        train = [p for j, p in enumerate(parts) if j != k]
        best = max(rules_grid[0 if prior else 1:], key=lambda r: (
            round(sum(score_fold(t, r)["all"]["f1"] for t in train), 6), -changes_from_defaults(r) if prior else 0))
        per_fold.append({"fold": k, "rules": _rules_json(best), "held_out": score_fold(test, best),
                         "training": [score_fold(t, best) for t in train]})
    scores = [f["held_out"]["all"] for f in per_fold]
    mean = {m: statistics.fmean(s[m] for s in scores) for m in ("precision", "recall", "f1")}
    return {"folds": per_fold, "mean": mean, "worst": min(scores, key=lambda s: s["f1"])}


def _thresholds(rules: Rules) -> dict:
    """Every threshold of a Rules by name, the per-kind tolerances flattened."""
    d = asdict(rules)
    return {**{k: v for k, v in d.items() if k != "tolerance_days"}, **d["tolerance_days"]}


def changes_from_defaults(rules: Rules) -> int:
    """How many thresholds differ from RULES: a threshold moves only when the training fold says so."""
    default = _thresholds(RULES)
    return sum(1 for k, v in _thresholds(rules).items() if default.get(k) != v)


def _rules_json(rules: Rules) -> dict:
    return asdict(rules)


# ------------------------------------------------------------------ report

def _line(label: str, s: dict) -> str:
    return f"{label:34}{s['precision']:>6.2f}{s['recall']:>6.2f}{s['f1']:>6.2f}{s['tp']:>7}{s['fp']:>6}{s['fn']:>6}"


def format_report(name: str, result: dict, everything: dict) -> str:
    """A plain-text block for one mode (gold or predicted events)."""
    lines = [f"{name}", f"{'':34}{'P':>6}{'R':>6}{'F1':>6}{'tp':>7}{'fp':>6}{'fn':>6}"]
    for f in result["folds"]:
        lines.append(_line(f"fold {f['fold']} held out", f["held_out"]["all"]))
        lines.append(_line("  across articles only", f["held_out"]["across"]))
        if "between_events" in f["held_out"]:
            lines.append(_line("  two different predicted events", f["held_out"]["between_events"]))
        for t in f["training"]:
            lines.append(_line("  training fold (tuned on it)", t["all"]))
        r = f["rules"]
        lines.append(f"  rules: local {r['local_km']} km, city {r['city_km']} km, days {r['tolerance_days']}, "
                     f"flow parties {r['flow_parties']}")
    m, w = result["mean"], result["worst"]
    lines.append(f"{'mean held out':34}{m['precision']:>6.2f}{m['recall']:>6.2f}{m['f1']:>6.2f}")
    lines.append(_line("worst fold held out", w))
    lines.append(_line("training: all data, default rules", everything["all"]))
    lines.append(_line("  across articles only", everything["across"]))
    if "between_events" in everything:
        lines.append(_line("  two different predicted events", everything["between_events"]))
    if "coverage" in everything:
        lines.append(f"  matched gold events {everything['matched_events']}, "
                     f"gold pairs with both events matched {everything['coverage']:.2f}")
    return "\n".join(lines)


def error_listing(reports: dict, labels: dict, optional: dict, rules: Rules = RULES, matched: dict | None = None) -> str:
    """Gold events grouped wrongly under ``rules``: every predicted incident mixing gold incidents, and
    every gold incident split, with the events' sentences. ``reports`` are keyed by gold ref, or, with
    ``matched`` (gold ref -> report id), by report id (predicted events)."""
    found = {r.id: inc.id for inc in group(reports.values(), rules) for r in inc.reports}
    shown = {ref: reports[rid] for ref, rid in matched.items()} if matched is not None else reports
    by_pred: dict = {}
    for ref, r in shown.items():
        by_pred.setdefault(found[r.id], []).append(ref)
    lines = []
    for inc, refs in sorted(by_pred.items()):
        golds = {labels[ref] for ref in refs}
        if len(golds) > 1:
            lines.append(f"MERGED {inc}: " + ", ".join(sorted(map(str, golds))))
            lines += [f"    {_show(ref, shown[ref], labels)}" for ref in sorted(refs)]
    by_gold: dict = {}
    for ref in shown:
        by_gold.setdefault(labels[ref], []).append(ref)
    for label, refs in sorted(by_gold.items(), key=lambda kv: str(kv[0])):
        preds = {found[shown[ref].id] for ref in refs}
        if len(preds) > 1:
            lines.append(f"SPLIT {label}{' (optional)' if optional.get(refs[0]) else ''} into {len(preds)}")
            lines += [f"    {found[shown[ref].id]}  {_show(ref, shown[ref], labels)}" for ref in sorted(refs)]
    return "\n".join(lines)


def _show(ref: tuple, r: Report, labels: dict) -> str:
    place = f"{r.place.name}/{r.place.scale}" if r.place else "-"
    return (f"{ref[1]}:{ref[2]} [{labels[ref] if isinstance(labels[ref], str) else 'alone'}] {r.kind} "
            f"{[a.name for a in r.actors + r.counterparts]} @{place} {r.start}..{r.end} | {r.sentence[:80]}")


def main(argv: list[str] | None = None) -> int:
    """``python -m geo evaluate-incidents [--gold-only] [--errors] [--json OUT] [--no-prior]``."""
    parser = argparse.ArgumentParser(prog="python -m geo evaluate-incidents",
                                     description="Pairwise precision/recall of incident merging, held out on 2 folds.")
    parser.add_argument("--gold-only", action="store_true", help="score the rules on the gold events only")
    parser.add_argument("--errors", action="store_true", help="list the gold events grouped wrongly (default rules)")
    parser.add_argument("--json", dest="json_out", help="also write the scores as JSON here")
    parser.add_argument("--no-prior", action="store_true",
                        help="break tuning ties by GRID's order (strictest first), not towards the default rules")
    args = parser.parse_args(argv)

    articles, events = read_gold()
    labels, optional = gold_labels(events)
    fold_of = article_folds(events, labels)
    parts = [{d for d, k in fold_of.items() if k == i} for i in range(2)]
    rules_grid = grid()
    reports = gold_reports(articles, events, GoldResolver())

    def gold_fold(docs, rules):
        mine = {ref: r for ref, r in reports.items() if ref[:2] in docs}
        return score_gold(mine, {ref: labels[ref] for ref in mine}, optional, rules)

    out = {"gold_events": held_out(gold_fold, parts, rules_grid, not args.no_prior)}
    out["gold_events"]["all_data"] = score_gold(reports, labels, optional, RULES)
    print(f"folds: {[len(p) for p in parts]} articles, "
          f"{[sum(1 for ref in events if ref[:2] in p) for p in parts]} gold events\n")
    print(format_report("GOLD EVENTS (the rules alone)", out["gold_events"], out["gold_events"]["all_data"]))
    if not args.gold_only:
        preds, matched = predicted_reports(articles, predict(articles))

        def pred_fold(docs, rules):
            mine = {rid: r for rid, r in preds.items() if tuple(r.doc.split("/", 1)) in docs}
            hits = {ref: rid for ref, rid in matched.items() if ref[:2] in docs}
            return score_predicted(mine, hits, {ref: labels[ref] for ref in events if ref[:2] in docs}, optional, rules)

        out["predicted_events"] = held_out(pred_fold, parts, rules_grid, not args.no_prior)
        out["predicted_events"]["all_data"] = score_predicted(preds, matched, labels, optional, RULES)
        print()
        print(format_report("PREDICTED EVENTS (extractor + rules)", out["predicted_events"],
                            out["predicted_events"]["all_data"]))
    if args.errors:
        print("\nGROUPING ERRORS ON GOLD EVENTS (default rules)\n" + error_listing(reports, labels, optional))
        if not args.gold_only:
            print("\nGROUPING ERRORS ON PREDICTED EVENTS (default rules)\n"
                  + error_listing(preds, labels, optional, matched=matched))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str) + "\n",
                                       encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
