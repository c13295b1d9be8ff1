"""About the data: the committed scores are today's scores, and the page shows them and the store's own counts."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from atlas_app import about
from geo.evaluate import load_records, run_extractor, score
from tests.apptest import ABOUT, ROOT, frame, metrics, ok, run


def rounded(value, digits: int = 9):
    """Floats rounded (a different libm may differ in the last bits); dicts and lists compared item by item."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v, digits) for v in value]
    return value


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(about.SCORES_PATH.read_text(encoding="utf-8"))


def test_the_committed_scores_are_a_fresh_evaluations(committed):
    gold = load_records(ROOT / about.GOLD)
    fresh = score(gold, run_extractor(gold))
    assert rounded(committed) == rounded(fresh), (
        f"data/scores.json is out of date: extraction changed. Run `{about.COMMAND}` and commit the file.")


def test_the_page_shows_the_committed_figures(store, committed):
    at = ok(run(ABOUT))
    shown = metrics(at)
    assert float(shown["Place mentions F1"]) == pytest.approx(committed["places"]["all"]["f1"])
    assert float(shown["Places within 161 km"]) == pytest.approx(committed["places"]["all"]["accuracy_at_161km"])
    assert float(shown["Actor mentions F1"]) == pytest.approx(committed["actors"]["f1"])
    assert float(shown["Events F1"]) == pytest.approx(committed["events"]["all"]["f1"])
    places = frame(at, "Within 161 km").set_index("Mentions")
    for key, label in about.PLACE_GROUPS.items():
        s = committed["places"][key]
        assert places.loc[label, "F1"] == pytest.approx(s["f1"]) and places.loc[label, "Missed"] == s["fn"]
        assert places.loc[label, "Max km"] == pytest.approx(s["error_km"]["max"])
    assert frame(at, "Mentions").iloc[0]["F1"] == pytest.approx(committed["actors"]["f1"])
    events = frame(at, "Counterparts right").set_index("Events")
    for key, label in about.EVENT_GROUPS.items():
        s = committed["events"][key]
        assert events.loc[label, ["Precision", "Recall", "F1"]].tolist() == pytest.approx(
            [s["precision"], s["recall"], s["f1"]])
        assert events.loc[label, "Date right"] == pytest.approx(s["date_right"])
    text = "\n".join(m.value for m in at.markdown)
    assert f"{committed['articles']['scored']} seed articles" in text and "training-set" in text
    assert "Known weaknesses" in text and "lowest precision" in text


def test_every_share_on_the_page_is_a_percentage_in_one_format(store):
    at = ok(run(ABOUT))
    scores = ["Place mentions F1", "Places within 161 km", "Actor mentions F1", "Events F1", "Events precision"]
    assert {m.label: m.proto.format for m in at.metric if m.proto.format} == dict.fromkeys(scores, about.PERCENT)
    formats = {(name, c["type_config"]["format"]) for d in at.dataframe
               for name, c in json.loads(d.proto.columns).items() if "format" in c.get("type_config", {})}
    assert {f for name, f in formats if not name.endswith(" km") or name == "Within 161 km"} == {about.PERCENT}
    assert {"Precision", "F1", "Within 161 km", "Date right", "Fold 1", "Worst", "Dated from the text",
            "On the map", "Corrected"} <= {name for name, _ in formats}


def test_the_page_shows_no_shell_command_and_the_readme_has_them(store):
    at = ok(run(ABOUT))
    assert not at.code
    shown = [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.subheader)]
    assert not any("python -m" in text or "pip " in text for text in shown)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert about.COMMAND in readme and about.HELDOUT_COMMAND in readme


CORPUS_GOLD = ROOT.parent / "shared" / "corpus" / "gold.jsonl"


@pytest.mark.skipif(not CORPUS_GOLD.exists(), reason="the shared corpus (../shared/corpus) is not beside the repo")
def test_the_committed_heldout_scores_are_a_fresh_evaluation():
    from geo.evaluate import split_folds
    committed = json.loads(about.HELDOUT_PATH.read_text(encoding="utf-8"))
    gold = load_records(CORPUS_GOLD)
    predicted = {p["id"]: p for p in run_extractor(gold, ROOT / "seeds")}
    fresh = [score(part, [predicted[g["id"]] for g in part]) for part in split_folds(gold, 2)]
    assert rounded(committed["folds"]) == rounded(fresh), (
        f"data/heldout_scores.json is out of date: extraction changed. Run `{about.HELDOUT_COMMAND}` and commit it.")


def test_the_page_shows_the_heldout_folds_beside_the_seeds(store, committed):
    heldout = json.loads(about.HELDOUT_PATH.read_text(encoding="utf-8"))
    at = ok(run(ABOUT))
    table = frame(at, "Worst").set_index("Layer")
    visits = [f["events"]["visit"]["f1"] for f in heldout["folds"]]
    assert table.loc["Visit", ["Fold 0", "Fold 1"]].tolist() == pytest.approx(visits)
    assert table.loc["Visit", "Worst"] == pytest.approx(min(visits))
    assert table.loc["Visit", "Seeds (training)"] == pytest.approx(committed["events"]["visit"]["f1"])
    assert "held-out figure" in "\n".join(m.value for m in at.markdown)


def test_the_page_shows_the_stores_counts(store, events):
    at = ok(run(ABOUT))
    shown = metrics(at)
    assert shown["Events"] == str(len(events)) and shown["Articles"] == str(events["doc_id"].nunique())
    table = frame(at, "Dated from the text").set_index("Events")
    assert table.loc["All events", "Count"] == len(events)
    kinds = Counter(events["type"])
    assert {k: table.loc[label, "Count"] for k, label in about.EVENT_GROUPS.items() if k != "all"} == kinds
    assert table.loc["All events", "Dated from the text"] == pytest.approx((events["date_source"] == "text").mean())
    assert table.loc["All events", "Occurred"] + table.loc["All events", "Planned"] == len(events)
    sides = table.loc["Diplomatic flow", "Both sides known"]
    flows = events[events["type"] == "diplomatic_flow"]
    assert sides == pytest.approx((flows["actors"].map(bool) & flows["counterparts"].map(bool)).mean())


def test_without_the_scores_file_the_page_says_how_to_measure(store, monkeypatch, tmp_path):
    monkeypatch.setattr(about, "SCORES_PATH", tmp_path / "missing.json")
    monkeypatch.setattr(about, "ROOT", tmp_path)
    at = ok(run(ABOUT))
    assert at.warning and "missing.json" in at.warning[0].value and "README" in at.warning[0].value
    assert about.COMMAND not in at.warning[0].value
    assert "Events" in metrics(at) and "Events F1" not in metrics(at)


def test_the_store_table_counts_corrections_and_sides(store_target):
    from contextlib import closing
    import pandas as pd
    from atlas_app import data
    from geo.store import connect, corrections
    from tests.conftest import store_of_rows
    from tests.test_app_units import row
    store_of_rows(store_target, [
        row(), row(id="e1", sentence=1, date_source="published", counterparts_en="Donald Trump",
                   counterparts_ar="دونالد ترامب", counterpart_affiliation="United States"),
        row(id="e2", sentence=2, type="front_line", subtype="fighting", affiliation="LNA", date_start=None,
            date_end=None, date_source="")])
    with closing(connect(store_target)) as conn:
        corrections.add(conn, "event_status", "e1", {"status": "planned"})
        store = (store_target, conn.version())
    t = about.store_table(data.ask(store, "figures")).set_index("Events")
    assert t.loc["All events", "Count"] == 3 and t.loc["Visit", "Both sides known"] == 0.5
    assert t.loc["Visit", "Planned"] == 1 and t.loc["Visit", "Dated from publication"] == 0.5
    assert t.loc["Front line", "Undated"] == 1.0 and t.loc["All events", "Corrected"] == pytest.approx(1 / 3)
    assert t.loc["Diplomatic flow", "Count"] == 0 and pd.isna(t.loc["Diplomatic flow", "Dated from the text"])
