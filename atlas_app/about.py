"""About the data: how far to trust the map. The measured accuracy (read from the committed ``data/scores.json``),
what it was measured on and its limits, and the store's own counts, every share shown as a percentage. The page
speaks to readers: the commands that measure the scores again (``COMMAND``, ``HELDOUT_COMMAND``) are in the README,
not on the page."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from geo.store.queries import FIGURES, EventQuery
from .style import KIND_LABELS, STATUS_LABELS

ROOT = Path(__file__).resolve().parent.parent
SCORES_PATH = ROOT / "data" / "scores.json"
GOLD = "tests/gold/seeds.jsonl"
COMMAND = f"python -m geo evaluate {GOLD} --json data/scores.json"
PLACE_GROUPS = {"toponym": "Place names", "demonym": "Demonyms (الليبية, المصري…)", "all": "All place mentions"}
EVENT_GROUPS = {**KIND_LABELS, "all": "All events"}
HELDOUT_PATH = ROOT / "data" / "heldout_scores.json"
HELDOUT_COMMAND = "python -m geo evaluate ../shared/corpus/gold.jsonl --folds 2 --json data/heldout_scores.json"
HELDOUT_LAYERS = {"toponym": ("places", "toponym"), "actors": ("actors", None), **{
    k: ("events", k) for k in EVENT_GROUPS}}
WEAKNESSES = [
    "A country named as a state that acts (“the efforts led by the United States”, “Egypt received…”) is not "
    "found as an actor mention: the extractor reads it as a place. On the seeds, the missed actor mentions are "
    "of this kind.",
    "Diplomatic flows have the lowest precision: the extractor also reports talk the annotator did not count as an "
    "event — a meeting a source only expects, praise of someone's support in passing, support recalled as "
    "background to the news.",
    "When an article's date is known only to the month, a relative expression (“yesterday”, “next week”) can only "
    "be dated to a window of about a month. The scores count a date as right when its window overlaps the true "
    "one, so a right date is not necessarily a right day.",
    "A background event told in passing (“days after his tour of…”) can take the article's publication date.",
    "Places come from an offline gazetteer: a village it does not list is not on the map, and of two namesakes the "
    "one the article's context favours is chosen.",
]


# ---- figures (pure) --------------------------------------------------------------------------------------------

def load_scores(path: Path | None = None) -> dict | None:
    """The committed scores, or None when the file is missing or unreadable."""
    try:
        return json.loads(Path(path or SCORES_PATH).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _prf(s: dict) -> dict:
    return {"Precision": s["precision"], "Recall": s["recall"], "F1": s["f1"], "Right": s["tp"],
            "Wrong": s["fp"], "Missed": s["fn"]}


def place_table(scores: dict) -> pd.DataFrame:
    rows = []
    for key, label in PLACE_GROUPS.items():
        s = scores["places"][key]
        e = s["error_km"]
        rows.append({"Mentions": label, **_prf(s), "Pairs": s["span_matched"], "Median km": e["median"],
                     "Mean km": e["mean"], "Max km": e["max"], "Within 161 km": s["accuracy_at_161km"]})
    return pd.DataFrame(rows)


def actor_table(scores: dict) -> pd.DataFrame:
    return pd.DataFrame([{"Mentions": "Actor mentions", **_prf(scores["actors"])}])


def event_table(scores: dict) -> pd.DataFrame:
    rows = []
    for key, label in EVENT_GROUPS.items():
        s = scores["events"].get(key)
        if s:
            rows.append({"Events": label, **_prf(s), "Status right": s["status_right"], "Date right": s["date_right"],
                         "Counterparts right": s["counterparts_right"]})
    return pd.DataFrame(rows)


def heldout_table(scores: dict, seeds: dict | None = None) -> pd.DataFrame:
    """F1 per fold of the 50-article corpus, their mean and worst, beside the seeds' (training) F1."""
    rows = []
    for key, (layer, group) in HELDOUT_LAYERS.items():
        per = [(f[layer][group] if group else f[layer])["f1"] for f in scores["folds"]]
        label = EVENT_GROUPS.get(key) or {"toponym": "Place names", "actors": "Actor mentions"}[key]
        row = {"Layer": label, **{f"Fold {i}": v for i, v in enumerate(per)},
               "Mean": sum(per) / len(per), "Worst": min(per)}
        if seeds:
            row["Seeds (training)"] = (seeds[layer][group] if group else seeds[layer])["f1"]
        rows.append(row)
    return pd.DataFrame(rows)


def gold_counts(scores: dict) -> dict[str, int]:
    """How many required (non-optional) items the gold holds: each is either found (tp) or missed (fn)."""
    return {"articles": scores["articles"]["scored"],
            "places": scores["places"]["all"]["tp"] + scores["places"]["all"]["fn"],
            "actors": scores["actors"]["tp"] + scores["actors"]["fn"],
            "events": scores["events"]["all"]["tp"] + scores["events"]["all"]["fn"]}


def store_table(figures: dict[str, dict[str, int]]) -> pd.DataFrame:
    """Per event kind (and all): counts by status, and the shares dated from the text, from the publication date,
    by an analyst, undated; with both sides named; placed on the map; corrected (``figures``: the store's counts
    per kind, ``queries.figures``)."""
    rows = []
    for key, label in EVENT_GROUPS.items():
        f = {name: sum(k.get(name, 0) for t, k in figures.items() if key in ("all", t)) for name in FIGURES}
        n = f["events"]
        share = (lambda name: f[name] / n if n else None)  # noqa: E731
        rows.append({"Events": label, "Count": n, **{STATUS_LABELS[s]: f[s] for s in STATUS_LABELS},
                     "Dated from the text": share("dated_text"), "Dated from publication": share("dated_published"),
                     "Dated by an analyst": share("dated_analyst"), "Undated": share("undated"),
                     "Both sides known": share("both_sides"), "On the map": share("located"),
                     "Corrected": share("corrected")})
    return pd.DataFrame(rows)


# ---- the page --------------------------------------------------------------------------------------------------

PERCENT = "percent"                  # every share on the page, in the tables and the metrics alike: ``85.29%``
_SHARE = st.column_config.NumberColumn(format=PERCENT)
_KM = st.column_config.NumberColumn(format="%.1f")


def show(page) -> None:
    scores = load_scores()
    st.markdown("How far to trust the map: how often the extractor finds what a careful reader finds, measured on "
                "hand-annotated articles, and what the store holds.")
    if scores is None:
        st.warning(f"No measured accuracy to show: the scores file (`{SCORES_PATH.relative_to(ROOT)}`) is missing "
                   "or unreadable. Whoever runs this app can measure the scores again as the README describes.")
    else:
        show_scores(scores)
    show_store(page)


def show_scores(scores: dict) -> None:
    g = gold_counts(scores)
    places, actors, events = scores["places"]["all"], scores["actors"], scores["events"]["all"]
    cols = st.columns(5)
    cols[0].metric("Place mentions F1", places["f1"], format=PERCENT)
    cols[1].metric("Places within 161 km", places["accuracy_at_161km"], format=PERCENT)
    cols[2].metric("Actor mentions F1", actors["f1"], format=PERCENT)
    cols[3].metric("Events F1", events["f1"], format=PERCENT)
    cols[4].metric("Events precision", events["precision"], format=PERCENT)

    st.subheader("What these figures were measured on")
    st.markdown(
        f"**{g['articles']} seed articles** (`seeds/`), annotated by hand by reading the texts, not by running the "
        f"extractor: {g['places']} place mentions, {g['actors']} actor mentions and {g['events']} events that count, "
        f"plus debatable ones marked optional (neither rewarded nor penalised). The rules are in "
        f"`tests/gold/README.md`. The extractor ran on its default, offline path (lexicons and gazetteer; no "
        f"neural NER, no online geocoding).\n\n"
        "**These are optimistic, training-set scores.** The extractor's rules and lexicons were tuned on these same "
        "five articles, so on new articles expect lower figures — above all for events. Five articles are also "
        "few: one wrong event moves a kind's precision by several points.")
    st.markdown("**Known weaknesses**\n\n" + "\n".join(f"- {w}" for w in WEAKNESSES))

    st.subheader("Places")
    st.caption("A place mention is right when its span is the annotated one and it is placed within 25 km. "
               "The distances are over every span-matched pair; “within 161 km” (100 miles) is the usual measure "
               "of place resolution.")
    st.dataframe(place_table(scores), hide_index=True, width="stretch", key="about_places", column_config={
        "Precision": _SHARE, "Recall": _SHARE, "F1": _SHARE, "Median km": _KM, "Mean km": _KM, "Max km": _KM,
        "Within 161 km": _SHARE})
    st.subheader("Actors")
    st.caption("An actor mention is right when its span and its English name are the annotated ones.")
    st.dataframe(actor_table(scores), hide_index=True, width="stretch", key="about_actors",
                 column_config={"Precision": _SHARE, "Recall": _SHARE, "F1": _SHARE})
    st.subheader("Events")
    st.caption("An event is found when its kind, sentence, place (within 25 km) and actors match an annotated one. "
               "Among the events found: the share with the right status (occurred or planned), a date window that "
               "overlaps the annotated one, and the right counterparts.")
    st.dataframe(event_table(scores), hide_index=True, width="stretch", key="about_events", column_config={
        "Precision": _SHARE, "Recall": _SHARE, "F1": _SHARE, "Status right": _SHARE, "Date right": _SHARE,
        "Counterparts right": _SHARE})

    heldout = load_scores(HELDOUT_PATH)
    if heldout and heldout.get("folds"):
        st.subheader("On news the rules were not written on")
        st.markdown(
            "F1 on the 50 real articles of the shared corpus (independent hand annotation), split by sorted article "
            "id into two folds. The event rules were developed on fold 0 and measured on fold 1: **fold 1 is the "
            "held-out figure**; fold 0 and the seeds are training figures. Few events count there (fold 1: 6 visits, "
            "26 front lines, 13 flows), so one event moves a score by several points.")
        table = heldout_table(heldout, scores)
        st.dataframe(table, hide_index=True, width="stretch", key="about_heldout",
                     column_config={c: _SHARE for c in table.columns if c != "Layer"})

    st.subheader("Are these figures current?")
    st.markdown("They are measured again after every change to the extractor, its word lists or its gazetteer: "
                "the project's tests fail while the figures on the seed articles are out of date.")


def store_figures(page) -> tuple[dict[str, int], pd.DataFrame]:
    """The store's counts (articles, events, articles with events, corrected events) and its ``store_table``."""
    figures, every = page.ask("figures"), page.summary(EventQuery())
    return ({"Articles": page.ask("count_documents"), "Events": every["events"],
             "Articles with events": every["articles"],
             "Corrected events": sum(f["corrected"] for f in figures.values())}, store_table(figures))


def show_store(page) -> None:
    st.subheader("What the store holds")
    counts, table = store_figures(page)
    for col, (label, value) in zip(st.columns(len(counts)), counts.items()):
        col.metric(label, value)
    st.caption("Every event in the store, with analysts' corrections applied (dropped events left out); the sidebar "
               "filters do not apply here. An event dated “from publication” had no date in its sentence and takes "
               "the article's date; “both sides known” means the actor and the counterpart are named (for a front "
               "line: parties of two different sides).")
    shares = ("Dated from the text", "Dated from publication", "Dated by an analyst", "Undated", "Both sides known",
              "On the map", "Corrected")
    st.dataframe(table, hide_index=True, width="stretch", key="about_store", column_config={   # fits the main column
        "Events": st.column_config.TextColumn(width=130),
        **{k: st.column_config.NumberColumn(width=70) for k in ("Count", *STATUS_LABELS.values())},
        **{k: st.column_config.NumberColumn(format=PERCENT, width=84) for k in shares}})
