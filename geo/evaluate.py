"""Score a pipeline's extraction against hand-annotated gold: places, actors and events.

Gold format: ``tests/gold/README.md``. Predictions follow the ``extract`` output contract
(one JSON object per article). ``score`` and ``format_table`` are pure; ``main`` is the
``python -m geo evaluate GOLD [--pred FILE] [--json OUT] [--folds K] [--fold I/K] [--errors]``
entry point; folds split the gold by article id, for held-out figures.

Rules, in short (the README has the long form):
- places: same span and within 25 km; toponyms and demonyms are counted apart; the error
  distance is measured over every span-matched pair, near or far.
- actors: same span and same English name (case-insensitive).
- events: greedy by best; same type, sentence/evidence containment, place within 25 km (if gold
  has a place), actor sets intersect. A predicted event merged from several reports may pair with
  one gold event per sentence it carries; it is a false positive only when it pairs with none. Status, date and counterparts are
  checked among matched pairs only.
- optional gold items are never misses; a prediction matching one is neither right nor wrong.
"""
from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from datetime import date
from pathlib import Path

from .events.kinds import EVENT_TYPES

MATCH_KM = 25.0          # a place (or an event's place) is right within this distance
ACCURACY_KM = 161.0      # accuracy@161 km (100 miles), the usual toponym-resolution measure
REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


# ------------------------------------------------------------------ small helpers

def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall and F1; an empty side counts as perfect only if the other is empty too."""
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def distance_km(a: dict | None, b: dict | None) -> float | None:
    """Geodesic distance between two dicts carrying lat/lon, or None when either lacks them. (geopy is imported here,
    not with the module: the app's reader imports this module through ``geo.incidents``, and geopy costs 0.14 s.)"""
    if not a or not b:
        return None
    from geopy.distance import geodesic
    try:
        return geodesic((float(a["lat"]), float(a["lon"])), (float(b["lat"]), float(b["lon"]))).km
    except (KeyError, TypeError, ValueError):
        return None


def parse_day(value) -> date | None:
    """An ISO date (or datetime) string as a date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def names(items) -> set[str]:
    """Case-folded English names from a list of actor dicts (``{"name": ..., "aliases": [...]}``,
    the aliases being the same actor's other spellings) or strings."""
    out = set()
    for item in items or []:
        out |= actor_names(item)
    return out


def actor_names(item) -> set[str]:
    """The case-folded English name of one actor dict or string, with its ``aliases`` if any."""
    if not isinstance(item, dict):
        return {str(item).casefold()} if item else set()
    aliases = item.get("aliases")
    found = [item.get("name"), *(aliases if isinstance(aliases, list) else [])]
    return {str(n).casefold() for n in found if n}


def squash(text) -> str:
    """Whitespace-collapsed text, so containment ignores line breaks and no-break spaces."""
    return " ".join(str(text or "").split())


def span(item: dict) -> tuple:
    return (item.get("start"), item.get("end"))


def distribution(kms: list[float]) -> dict:
    """Median, mean and max of a list of distances (None when the list is empty)."""
    if not kms:
        return {"median": None, "mean": None, "max": None}
    return {"median": statistics.median(kms), "mean": statistics.fmean(kms), "max": max(kms)}


# ------------------------------------------------------------------ places

def place_outcomes(gold: list[dict], pred: list[dict]) -> list[tuple]:
    """(group, outcome, km) per decision: outcome is tp | fp | fn | optional | pair.

    Each gold span takes its nearest predicted mention with the same span; a ``pair`` row
    records that span-matched distance (non-optional gold only) for the error distribution.
    """
    by_span: dict[tuple, list[dict]] = {}
    for p in pred:
        by_span.setdefault(span(p), []).append(p)
    rows = []
    for g in gold:
        group = "demonym" if g.get("demonym") else "toponym"
        candidates = by_span.pop(span(g), [])
        if not candidates:
            if not g.get("optional"):
                rows.append((group, "fn", None))
            continue
        ranked = sorted(candidates, key=lambda p: _km_or_inf(g, p))
        best, rest = ranked[0], ranked[1:]
        km = distance_km(g, best)
        rows += [(group, "fp", None) for _ in rest]
        if not g.get("optional"):
            rows.append((group, "pair", km))
        if km is not None and km <= MATCH_KM:
            rows.append((group, "optional" if g.get("optional") else "tp", km))
        else:
            rows.append((group, "fp", km))
            if not g.get("optional"):
                rows.append((group, "fn", None))
    for leftovers in by_span.values():
        rows += [("demonym" if p.get("demonym") else "toponym", "fp", None) for p in leftovers]
    return rows


def _km_or_inf(g: dict, p: dict) -> float:
    km = distance_km(g, p)
    return float("inf") if km is None else km


def summarize_places(rows: list[tuple]) -> dict:
    """P/R/F1 plus error distribution and accuracy@161 per group, and over all places."""
    out = {}
    for group in ("toponym", "demonym", "all"):
        mine = [r for r in rows if group == "all" or r[0] == group]
        count = {k: sum(1 for r in mine if r[1] == k) for k in ("tp", "fp", "fn", "optional", "pair")}
        pairs = [r[2] for r in mine if r[1] == "pair"]
        kms = [km for km in pairs if km is not None]
        within = sum(1 for km in kms if km <= ACCURACY_KM)
        out[group] = {**prf(count["tp"], count["fp"], count["fn"]),
                      "matched_optional": count["optional"],
                      "span_matched": len(pairs),
                      "error_km": distribution(kms),
                      "accuracy_at_161km": within / len(pairs) if pairs else None}
    return out


# ------------------------------------------------------------------ actors

def actor_outcomes(gold: list[dict], pred: list[dict]) -> list[str]:
    """tp | fp | fn | optional per decision: same span and same English name (case-insensitive), the
    predicted name or one of its ``aliases`` (spelling variants: el-Sisi / al-Sisi)."""
    by_span: dict[tuple, list[dict]] = {}
    for p in pred:
        by_span.setdefault(span(p), []).append(p)
    rows = []
    for g in gold:
        candidates = by_span.pop(span(g), [])
        want = str(g.get("name", "")).casefold()
        hit = next((p for p in candidates if want in actor_names(p)), None)
        rows += ["fp" for p in candidates if p is not hit]
        if hit is not None:
            rows.append("optional" if g.get("optional") else "tp")
        elif not g.get("optional"):
            rows.append("fn")
    rows += ["fp" for leftovers in by_span.values() for _ in leftovers]
    return rows


def summarize_actors(rows: list[str]) -> dict:
    """P/R/F1 over all actor mentions."""
    return {**prf(rows.count("tp"), rows.count("fp"), rows.count("fn")),
            "matched_optional": rows.count("optional")}


# ------------------------------------------------------------------ events

def sentences_of(p: dict) -> list[str]:
    """Every sentence a predicted event is told in: its own, then the other reports merged into it."""
    first = p.get("sentence")
    first = first.get("text") if isinstance(first, dict) else first
    return [squash(t) for t in [first] + [r.get("sentence") for r in p.get("reports") or []] if t]


def same_sentence(g: dict, p: dict, sentence: str | None = None) -> bool:
    """The predicted sentence (or the given one of its reports) contains the gold evidence, or the
    evidence contains the sentence."""
    evidence = squash(g.get("evidence"))
    candidates = [sentence] if sentence is not None else sentences_of(p)
    return bool(evidence) and any(t and (evidence in t or t in evidence) for t in candidates)


def place_ok(g: dict, p: dict) -> bool:
    """True when gold names no place, else when the predicted place lies within 25 km of it."""
    if g.get("lat") is None or g.get("lon") is None:
        return True
    km = distance_km(g, p.get("place"))
    return km is not None and km <= MATCH_KM


SYMMETRIC_FLOWS = {"meeting", "call"}


def actors_ok(g: dict, p: dict) -> bool:
    """True when gold names no actor, else when the actor sets share a name.

    A meeting or a call has no direction, so there either side may stand first."""
    want = names(g.get("actors"))
    if not want or want & names(p.get("actors")):
        return True
    symmetric = g.get("type") == "diplomatic_flow" and p.get("subtype") in SYMMETRIC_FLOWS
    return symmetric and bool(want & names(p.get("counterparts")))


def event_matches(g: dict, p: dict, sentence: str | None = None) -> bool:
    """Whether a predicted event (told in ``sentence``, or in any of its sentences) may be paired
    with a gold one at all."""
    return (g.get("type") == p.get("type") and same_sentence(g, p, sentence)
            and place_ok(g, p) and actors_ok(g, p))


def status_right(g: dict, p: dict) -> bool:
    return g.get("status") == p.get("status")


def date_right(g: dict, p: dict) -> bool:
    """Closed intervals overlap: pred_start <= gold_to and pred_end >= gold_from.

    A prediction with only one bound uses it for both; one with none is wrong. A gold event
    without a window accepts any date.
    """
    g_from, g_to = parse_day(g.get("date_from")), parse_day(g.get("date_to"))
    if g_from is None and g_to is None:
        return True
    g_from, g_to = g_from or g_to, g_to or g_from
    p_start, p_end = parse_day(p.get("date_start")), parse_day(p.get("date_end"))
    if p_start is None and p_end is None:
        return False
    p_start, p_end = p_start or p_end, p_end or p_start
    return p_start <= g_to and p_end >= g_from


def counterparts_right(g: dict, p: dict) -> bool:
    """Gold with no counterparts wants none predicted; otherwise the sets must share a name
    (either side, for a meeting or a call)."""
    want, got = names(g.get("counterparts")), names(p.get("counterparts"))
    if g.get("type") == "diplomatic_flow" and p.get("subtype") in SYMMETRIC_FLOWS:
        got |= names(p.get("actors"))
    return not got if not want else bool(want & got)


def attributes_right(g: dict, p: dict) -> int:
    return status_right(g, p) + date_right(g, p) + counterparts_right(g, p)


def match_events(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """(gold index, pred index) pairs, greedy by best: each gold event at most once, each predicted
    event at most once per sentence that tells it (an event merged from three reports can stand for
    three gold events, one in each of its sentences).

    Best = non-optional gold first, then more attributes right, then the nearer place.
    """
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            for si, sentence in enumerate(sentences_of(p)):
                if event_matches(g, p, sentence):
                    km = distance_km(g, p.get("place"))
                    candidates.append((bool(g.get("optional")), -attributes_right(g, p),
                                       float("inf") if km is None else km, si, gi, pi))
    pairs, used_g, used_units = [], set(), set()
    for *_, si, gi, pi in sorted(candidates):
        if gi not in used_g and (pi, si) not in used_units:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_units.add((pi, si))
    return pairs


def event_outcomes(gold: list[dict], pred: list[dict]) -> list[dict]:
    """One row per decision: {type, outcome, status, date, counterparts} (attributes on tp only)."""
    pairs = match_events(gold, pred)
    rows = []
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        if g.get("optional"):
            rows.append({"type": g["type"], "outcome": "optional"})
        else:
            rows.append({"type": g["type"], "outcome": "tp", "status": status_right(g, p),
                         "date": date_right(g, p), "counterparts": counterparts_right(g, p)})
    matched_g, matched_p = {gi for gi, _ in pairs}, {pi for _, pi in pairs}
    rows += [{"type": g.get("type"), "outcome": "fn"} for gi, g in enumerate(gold)
             if gi not in matched_g and not g.get("optional")]
    rows += [{"type": p.get("type"), "outcome": "fp"} for pi, p in enumerate(pred)
             if pi not in matched_p]
    return rows


def summarize_events(rows: list[dict]) -> dict:
    """P/R/F1 per event type and over all, plus the share of matched pairs with each attribute right."""
    types = list(EVENT_TYPES) + sorted({r["type"] for r in rows if r["type"] not in EVENT_TYPES}, key=str)
    out = {}
    for kind in types + ["all"]:
        mine = [r for r in rows if kind == "all" or r["type"] == kind]
        tps = [r for r in mine if r["outcome"] == "tp"]
        count = {k: sum(1 for r in mine if r["outcome"] == k) for k in ("tp", "fp", "fn", "optional")}
        share = {a: (sum(r[a] for r in tps) / len(tps) if tps else None)
                 for a in ("status", "date", "counterparts")}
        out[str(kind)] = {**prf(count["tp"], count["fp"], count["fn"]),
                          "matched_optional": count["optional"], "matched": len(tps),
                          "status_right": share["status"], "date_right": share["date"],
                          "counterparts_right": share["counterparts"]}
    return out


# ------------------------------------------------------------------ the whole score

def score(gold: list[dict], predicted: list[dict]) -> dict:
    """Micro-averaged scores of `predicted` against `gold`, both lists of article records keyed by id.

    A gold article with no prediction counts as all misses; predictions for articles absent
    from gold are ignored (their ids are listed under ``articles``).
    """
    by_id = {str(p.get("id")): p for p in predicted}
    places, actors, events = [], [], []
    missing = []
    for g in gold:
        p = by_id.get(str(g.get("id")))
        if p is None:
            missing.append(str(g.get("id")))
            p = {}
        places += place_outcomes(g.get("places", []), p.get("places", []))
        actors += actor_outcomes(g.get("actors", []), p.get("actors", []))
        events += event_outcomes(g.get("events", []), p.get("events", []))
    gold_ids = {str(g.get("id")) for g in gold}
    return {
        "articles": {"scored": len(gold), "missing_predictions": missing,
                     "ignored_predictions": sorted(i for i in by_id if i not in gold_ids)},
        "places": summarize_places(places),
        "actors": summarize_actors(actors),
        "events": summarize_events(events),
    }


def _num(value, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def format_table(scores: dict) -> str:
    """A plain-text report of `score`'s output, one block per layer."""
    head = f"{'':18}{'P':>6}{'R':>6}{'F1':>6}{'tp':>5}{'fp':>5}{'fn':>5}{'opt':>5}"

    def line(label, s):
        return (f"{label:18}{_num(s['precision']):>6}{_num(s['recall']):>6}{_num(s['f1']):>6}"
                f"{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}{s['matched_optional']:>5}")

    art = scores["articles"]
    lines = [f"articles scored: {art['scored']}"
             + (f"  (no prediction for: {', '.join(art['missing_predictions'])})"
                if art["missing_predictions"] else "")]
    lines += ["", "PLACES" + head[6:]]
    for group in ("toponym", "demonym", "all"):
        lines.append(line(group, scores["places"][group]))
    lines += ["", f"{'error km':18}{'pairs':>6}{'median':>9}{'mean':>9}{'max':>9}{'acc@161':>9}"]
    for group in ("toponym", "demonym", "all"):
        s = scores["places"][group]
        e = s["error_km"]
        lines.append(f"{group:18}{s['span_matched']:>6}{_num(e['median'], 1):>9}"
                     f"{_num(e['mean'], 1):>9}{_num(e['max'], 1):>9}{_num(s['accuracy_at_161km']):>9}")
    lines += ["", "ACTORS" + head[6:], line("mentions", scores["actors"])]
    lines += ["", "EVENTS" + head[6:] + f"{'status':>8}{'date':>6}{'cparts':>8}"]
    for kind, s in scores["events"].items():
        lines.append(line(kind, s) + f"{_num(s['status_right']):>8}{_num(s['date_right']):>6}"
                     f"{_num(s['counterparts_right']):>8}")
    return "\n".join(lines)


# ------------------------------------------------------------------ held-out folds


def split_folds(gold: list[dict], folds: int) -> list[list[dict]]:
    """The gold articles in ``folds`` parts by sorted id: article i goes to part i mod ``folds``."""
    ids = sorted(str(g.get("id")) for g in gold)
    where = {i: n % folds for n, i in enumerate(ids)}
    parts: list[list[dict]] = [[] for _ in range(folds)]
    for g in gold:
        parts[where[str(g.get("id"))]].append(g)
    return parts


HEADLINE = (("places", "toponym"), ("places", "demonym"), ("actors", None),
            ("events", "visit"), ("events", "front_line"), ("events", "diplomatic_flow"), ("events", "all"))


def _headline(scores: dict) -> dict[str, dict]:
    out = {}
    for layer, group in HEADLINE:
        s = scores[layer][group] if group else scores[layer]
        out[group or layer] = s
    return out


def fold_table(per_fold: list[dict]) -> str:
    """P/R/F1 per fold for the headline layers, then the mean and the worst fold (by F1)."""
    heads = [_headline(s) for s in per_fold]
    cols = list(heads[0])
    lines = [f"{'':10}" + "".join(f"{c[:15]:>17}" for c in cols),
             f"{'':10}" + "".join(f"{'P    R    F1':>17}" for _ in cols)]
    for i, h in enumerate(heads):
        lines.append(f"{'fold ' + str(i):10}" + "".join(
            f"{h[c]['precision']:>7.2f}{h[c]['recall']:>5.2f}{h[c]['f1']:>5.2f}" for c in cols))
    mean = {c: {k: statistics.fmean(h[c][k] for h in heads) for k in ("precision", "recall", "f1")} for c in cols}
    worst = {c: min((h[c] for h in heads), key=lambda s: s["f1"]) for c in cols}
    for label, row in (("mean", mean), ("worst", worst)):
        lines.append(f"{label:10}" + "".join(
            f"{row[c]['precision']:>7.2f}{row[c]['recall']:>5.2f}{row[c]['f1']:>5.2f}" for c in cols))
    return "\n".join(lines)


def error_listing(gold: list[dict], predicted: list[dict]) -> str:
    """Every missed and every spurious event, with its sentence: what to read when tuning."""
    by_id = {str(p.get("id")): p for p in predicted}
    lines = []
    for g in gold:
        gevents, pevents = g.get("events", []), by_id.get(str(g.get("id")), {}).get("events", [])
        pairs = match_events(gevents, pevents)
        mg, mp = {gi for gi, _ in pairs}, {pi for _, pi in pairs}
        for gi, e in enumerate(gevents):
            if gi not in mg and not e.get("optional"):
                lines.append(f"{g['id']} MISS {e['type']:<15} {e.get('actors')} -> {e.get('counterparts')} "
                             f"@ {e.get('place')} [{e.get('status')}]\n    {squash(e.get('evidence'))}")
        for pi, e in enumerate(pevents):
            if pi not in mp:
                names_ = [a.get("name") for a in e.get("actors", [])]
                cps = [a.get("name") for a in e.get("counterparts", [])]
                place = (e.get("place") or {}).get("name")
                lines.append(f"{g['id']} FP   {e['type']:<15} {names_} -> {cps} @ {place} "
                             f"[{e.get('status')}, {e.get('subtype')}, {e.get('trigger')}]\n"
                             f"    {squash(e.get('sentence'))}")
    return "\n".join(lines)


# ------------------------------------------------------------------ command line

def load_records(path: str | Path) -> list[dict]:
    """Article records from a JSONL file (or a file holding one JSON list)."""
    text = Path(path).read_text(encoding="utf-8").strip()
    if text.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def manifest(seeds: Path) -> dict[str, dict]:
    """Rows of seeds/manifest.csv keyed by file name (empty when there is no manifest)."""
    path = seeds / "manifest.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


def article_record(gold_article: dict, seeds: Path, rows: dict[str, dict]) -> dict:
    """The input record handed to the extractor for one gold article: id, text, published (+ extras)."""
    text = (seeds / gold_article["file"]).read_text(encoding="utf-8")
    row = rows.get(gold_article["file"], {})
    record = {"id": gold_article["id"], "text": text, "published": gold_article.get("published")}
    precision = gold_article.get("date_precision") or row.get("date_precision")
    if precision:
        record["date_precision"] = precision
    for key in ("title", "outlet"):
        if row.get(key):
            record[key] = row[key]
    return record


def run_extractor(gold: list[dict], seeds: Path = SEEDS) -> list[dict]:
    """Run geo.pipeline.extract_jsonl_record in-process on every gold article."""
    from geo.pipeline import extract_jsonl_record  # lazy: heavy, and not needed to score files

    rows = manifest(seeds)
    return [extract_jsonl_record(article_record(g, seeds, rows)) for g in gold]


def main(argv: list[str] | None = None) -> int:
    """``python -m geo evaluate GOLD [--pred FILE] [--json OUT] [--seeds DIR]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["evaluate"]:
        argv = argv[1:]
    parser = argparse.ArgumentParser(prog="python -m geo evaluate",
                                     description="Score extraction output against a gold file.")
    parser.add_argument("gold", help="gold JSONL (see tests/gold/README.md)")
    parser.add_argument("--pred", help="predictions JSONL; default: run the extractor on the gold articles")
    parser.add_argument("--json", dest="json_out", help="also write the scores as JSON here")
    parser.add_argument("--seeds", default=str(SEEDS), help="folder the gold 'file' names live in")
    parser.add_argument("--folds", type=int, metavar="K",
                        help="also score K folds of the articles (by sorted id) apart: mean and worst fold")
    parser.add_argument("--fold", metavar="I/K", help="score only fold I of K (e.g. 0/2, the first half)")
    parser.add_argument("--errors", action="store_true", help="also list every missed and spurious event")
    args = parser.parse_args(argv)

    gold = load_records(args.gold)
    if args.fold:
        try:
            index, folds = (int(x) for x in args.fold.split("/"))
            gold = split_folds(gold, folds)[index]
        except (ValueError, IndexError):
            parser.error(f"--fold wants I/K with 0 <= I < K, got {args.fold!r}")
    predicted = load_records(args.pred) if args.pred else run_extractor(gold, Path(args.seeds))
    scores = score(gold, predicted)
    print(format_table(scores))
    if args.folds:
        by_id = {str(p.get("id")): p for p in predicted}
        per_fold = [score(part, [by_id[str(g["id"])] for g in part if str(g["id"]) in by_id])
                    for part in split_folds(gold, args.folds)]
        print(f"\nFOLDS ({args.folds}, by sorted article id: article n is in fold n mod {args.folds})")
        print(fold_table(per_fold))
        scores["folds"] = per_fold
    if args.errors:
        print("\nEVENT ERRORS\n" + error_listing(gold, predicted))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(scores, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
