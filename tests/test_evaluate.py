"""Examples of how geo.evaluate scores a prediction, and checks that the seed gold is well formed."""
import json
from pathlib import Path

import pytest

from geo.evaluate import date_right, format_table, main, score

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "gold" / "seeds.jsonl"
SEEDS = REPO / "seeds"

TRIPOLI = {"lat": 32.8872, "lon": 13.1913}
BENGHAZI = {"lat": 32.1167, "lon": 20.0667}
CAIRO = {"lat": 30.0444, "lon": 31.2357}


def gold_article(**parts):
    """A tiny gold article: one toponym, one demonym, one actor, one event unless overridden."""
    article = {
        "id": "x", "file": "x.txt", "published": "2019-09-20",
        "places": [
            {"start": 10, "end": 16, "text": "طرابلس", "name": "Tripoli", **TRIPOLI,
             "demonym": False, "optional": False},
            {"start": 30, "end": 37, "text": "الليبية", "name": "Libya", "lat": 25.0, "lon": 17.0,
             "demonym": True, "optional": False},
        ],
        "actors": [{"start": 0, "end": 4, "text": "حفتر", "name": "Khalifa Haftar", "optional": False}],
        "events": [
            {"type": "front_line", "actors": ["Khalifa Haftar"], "counterparts": [], "place": "Tripoli",
             **TRIPOLI, "date_from": "2019-04-01", "date_to": "2019-09-30", "status": "occurred",
             "subtype": "fighting", "evidence": "المعركة في طرابلس", "optional": False},
        ],
    }
    article.update(parts)
    return article


def as_prediction(gold):
    """What a perfect extractor would output for a gold article, in the extract contract."""
    return {
        "id": gold["id"],
        "places": [{"start": p["start"], "end": p["end"], "text": p["text"], "name": p["name"],
                    "name_ar": p["text"], "lat": p["lat"], "lon": p["lon"], "kind": "city",
                    "country": "LY", "demonym": p["demonym"]} for p in gold["places"]],
        "actors": [{"start": a["start"], "end": a["end"], "text": a["text"], "name": a["name"],
                    "name_ar": a["text"]} for a in gold["actors"]],
        "events": [{"type": e["type"],
                    "actors": [{"name": n, "name_ar": ""} for n in e["actors"]],
                    "counterparts": [{"name": n, "name_ar": ""} for n in e["counterparts"]],
                    "place": {"name": e["place"], "name_ar": "", "lat": e["lat"], "lon": e["lon"]},
                    "origin": None, "date_start": e["date_from"], "date_end": e["date_to"],
                    "date_precision": "month", "status": e["status"],
                    "sentence": "ويذكر أن " + e["evidence"] + " دخلت شهرها السادس.",
                    "start": 0, "end": 1, "confidence": 0.9} for e in gold["events"]],
    }


def test_a_perfect_prediction_scores_one_everywhere():
    gold = gold_article()
    s = score([gold], [as_prediction(gold)])
    assert s["places"]["toponym"]["f1"] == 1.0
    assert s["places"]["demonym"]["f1"] == 1.0
    assert s["places"]["all"]["accuracy_at_161km"] == 1.0
    assert s["places"]["all"]["error_km"]["max"] == pytest.approx(0.0)
    assert s["actors"]["f1"] == 1.0
    assert s["events"]["front_line"]["f1"] == 1.0
    assert s["events"]["all"]["status_right"] == 1.0
    assert s["events"]["all"]["date_right"] == 1.0
    assert s["events"]["all"]["counterparts_right"] == 1.0


def test_a_place_resolved_too_far_is_a_miss_and_shows_in_the_error_distribution():
    gold = gold_article()
    pred = as_prediction(gold)
    pred["places"][0].update(BENGHAZI)              # right span, resolved to Benghazi, ~650 km off
    s = score([gold], [pred])["places"]["toponym"]
    assert (s["tp"], s["fp"], s["fn"]) == (0, 1, 1)
    assert s["span_matched"] == 1
    assert 600 < s["error_km"]["max"] < 700
    assert s["accuracy_at_161km"] == 0.0


def test_a_place_a_few_km_off_still_counts():
    gold = gold_article()
    pred = as_prediction(gold)
    pred["places"][0].update(lat=32.80, lon=13.20)  # ~10 km from the gold point
    s = score([gold], [pred])["places"]["toponym"]
    assert s["tp"] == 1
    assert 5 < s["error_km"]["median"] < 15


def test_a_span_that_differs_is_both_a_false_positive_and_a_miss():
    gold = gold_article()
    pred = as_prediction(gold)
    pred["places"][0]["start"] = 9                  # e.g. kept the proclitic و in the span
    s = score([gold], [pred])["places"]["toponym"]
    assert (s["tp"], s["fp"], s["fn"], s["span_matched"]) == (0, 1, 1, 0)


def test_demonyms_are_scored_apart_from_toponyms():
    gold = gold_article()
    pred = as_prediction(gold)
    del pred["places"][1]                           # the extractor skipped the demonym
    s = score([gold], [pred])["places"]
    assert s["toponym"]["recall"] == 1.0
    assert s["demonym"]["recall"] == 0.0
    assert s["all"]["recall"] == 0.5


def test_optional_gold_is_neither_a_miss_nor_a_penalty():
    optional_place = {"start": 50, "end": 57, "text": "القاهرة", "name": "Cairo", **CAIRO,
                      "demonym": False, "optional": True}
    optional_actor = {"start": 60, "end": 66, "text": "المشير", "name": "Khalifa Haftar", "optional": True}
    gold = gold_article()
    gold["places"].append(optional_place)
    gold["actors"].append(optional_actor)
    found = as_prediction(gold)                     # finds the optional items too
    skipped = as_prediction(gold_article())         # does not
    for pred in (found, skipped):
        s = score([gold], [pred])
        assert s["places"]["toponym"]["f1"] == 1.0
        assert s["actors"]["f1"] == 1.0
    assert score([gold], [found])["places"]["toponym"]["matched_optional"] == 1


def test_an_optional_event_absorbs_a_prediction_without_counting_as_missed():
    gold = gold_article()
    extra = dict(gold["events"][0], evidence="محاولة اقتحام طرابلس", optional=True)
    gold["events"].append(extra)
    pred = as_prediction(gold)
    s = score([gold], [pred])["events"]["front_line"]
    assert (s["tp"], s["fp"], s["fn"], s["matched_optional"]) == (1, 0, 0, 1)
    s = score([gold], [as_prediction(gold_article())])["events"]["front_line"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 0, 0)


def test_an_event_needs_the_right_type_sentence_place_and_actor():
    gold = gold_article()
    for change in ({"type": "visit"},
                   {"sentence": "جملة أخرى تماما"},
                   {"place": {"name": "Cairo", "name_ar": "", **CAIRO}},
                   {"actors": [{"name": "Fayez al-Sarraj", "name_ar": ""}]}):
        pred = as_prediction(gold)
        pred["events"][0].update(change)
        s = score([gold], [pred])["events"]["all"]
        assert (s["tp"], s["fp"], s["fn"]) == (0, 1, 1), change


def test_a_shorter_predicted_sentence_inside_the_evidence_still_matches():
    gold = gold_article()
    pred = as_prediction(gold)
    pred["events"][0]["sentence"] = "في طرابلس"
    assert score([gold], [pred])["events"]["front_line"]["tp"] == 1


def test_status_date_and_counterparts_are_judged_among_matched_pairs_only():
    gold = gold_article()
    pred = as_prediction(gold)
    pred["events"][0].update(status="planned", date_start="2019-10-02", date_end="2019-10-02",
                             counterparts=[{"name": "Egypt", "name_ar": "مصر"}])
    s = score([gold], [pred])["events"]["front_line"]
    assert s["f1"] == 1.0                           # still a match: those are not match criteria
    assert (s["status_right"], s["date_right"], s["counterparts_right"]) == (0.0, 0.0, 0.0)
    unmatched = score([gold], [{"id": "x", "events": []}])["events"]["front_line"]
    assert unmatched["status_right"] is None


def test_date_rule_is_closed_interval_overlap():
    window = {"date_from": "2019-09-01", "date_to": "2019-09-30"}
    assert date_right(window, {"date_start": "2019-09-30", "date_end": "2019-10-03"})
    assert date_right(window, {"date_start": "2019-08-01", "date_end": "2019-12-31"})
    assert date_right(window, {"date_start": "2019-09-15"})          # one bound serves as both
    assert not date_right(window, {"date_start": "2019-10-01", "date_end": "2019-10-01"})
    assert not date_right(window, {"date_start": None, "date_end": None})


def test_a_missing_article_counts_every_gold_item_as_missed():
    s = score([gold_article()], [{"id": "other"}])
    assert s["articles"]["missing_predictions"] == ["x"]
    assert s["articles"]["ignored_predictions"] == ["other"]
    assert s["places"]["all"]["recall"] == 0.0
    assert s["events"]["all"]["fn"] == 1


def test_format_table_names_every_layer():
    table = format_table(score([gold_article()], [as_prediction(gold_article())]))
    for word in ("PLACES", "toponym", "demonym", "acc@161", "ACTORS", "EVENTS", "front_line"):
        assert word in table


def test_main_scores_a_prediction_file_and_writes_json(tmp_path, capsys):
    gold = gold_article()
    gold_path, pred_path, out = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", tmp_path / "s.json"
    gold_path.write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    pred_path.write_text(json.dumps(as_prediction(gold), ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["evaluate", str(gold_path), "--pred", str(pred_path), "--json", str(out)]) == 0
    assert "EVENTS" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["events"]["all"]["f1"] == 1.0


# ------------------------------------------------------------------ the seed gold itself

def seed_gold():
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("article", seed_gold(), ids=lambda a: a["id"])
def test_every_seed_gold_span_slices_the_text_exactly(article):
    text = open(SEEDS / article["file"], encoding="utf-8").read()
    for item in article["places"] + article["actors"]:
        assert text[item["start"]:item["end"]] == item["text"], item
    for item in article["places"]:
        assert -90 <= item["lat"] <= 90 and -180 <= item["lon"] <= 180, item


@pytest.mark.parametrize("article", seed_gold(), ids=lambda a: a["id"])
def test_every_seed_event_is_well_formed_and_its_evidence_is_in_the_text(article):
    text = open(SEEDS / article["file"], encoding="utf-8").read()
    for event in article["events"]:
        assert event["evidence"] in text, event
        assert event["type"] in {"visit", "front_line", "diplomatic_flow"}
        assert event["status"] in {"occurred", "planned"}
        assert event["date_from"] <= event["date_to"]
        assert (event["place"] is None) == (event["lat"] is None) == (event["lon"] is None)


def test_seed_gold_scores_perfectly_against_itself():
    gold = seed_gold()
    s = score(gold, [as_prediction(g) for g in gold])
    assert s["places"]["all"]["f1"] == 1.0
    assert s["actors"]["f1"] == 1.0
    assert s["events"]["all"]["f1"] == 1.0
