"""The whole extraction of an article: exact spans, the places the map promises, offline, the JSON contract."""
import json
import socket
import subprocess
import sys
from datetime import date

import pytest
from geopy.distance import geodesic

from tests.conftest import ROOT

SEED_IDS = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_every_span_slices_the_original_text(seeds, extractions, doc_id):
    text = seeds[doc_id].text
    ex = extractions[doc_id]
    assert ex.places and ex.actors
    for p in ex.places:
        assert text[p.start:p.end] == p.text and p.text.strip() == p.text, p
    for a in ex.actors:
        assert text[a.start:a.end] == a.text and a.text.strip() == a.text, a
    for e in ex.events:
        assert text[e.start:e.end] == e.trigger, e
        assert text[e.sentence.start:e.sentence.end] == e.sentence.text
    for s in ex.sentences:
        assert text[s.start:s.end] == s.text


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_mentions_know_their_sentence(extractions, doc_id):
    ex = extractions[doc_id]
    for m in ex.places + ex.actors:
        s = ex.sentences[m.sentence]
        assert s.start <= m.start and m.end <= s.end, m


# The seven places on the project card, with coordinates from an atlas.
CARD = [
    ("Tripoli", 32.89, 13.18), ("Tobruk", 32.08, 23.96), ("Sirte", 31.21, 16.59),
    ("Misrata", 32.38, 15.09), ("Cairo", 30.04, 31.24), ("Paris", 48.86, 2.35),
    ("Washington D.C.", 38.90, -77.04),
]


@pytest.mark.parametrize("name, lat, lon", CARD, ids=[c[0].split()[0] for c in CARD])
def test_the_card_places_come_back_from_the_seeds(extractions, name, lat, lon):
    found = [p.place for ex in extractions.values() for p in ex.places
             if p.place.name_en == name and not p.demonym]
    assert found, f"{name} is not found in any seed"
    for place in found:
        assert geodesic((place.lat, place.lon), (lat, lon)).km <= 25, place


def test_the_network_switch_really_blocks(no_network):
    with pytest.raises(AssertionError):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(AssertionError):
        socket.socket().connect(("127.0.0.1", 9))


def test_extraction_works_offline(no_network, seeds):
    """Everything is loaded afresh (lexicons, gazetteer cache) with the network off."""
    from geo import actors, events, gazetteer, pipeline
    caches = [pipeline.load_resources, gazetteer.load_gazetteer, actors.load_actors, events.load_triggers]
    for c in caches:
        c.cache_clear()
    ex = pipeline.extract(seeds["003"])
    assert "fr-paris" in {p.place.id for p in ex.places}
    assert any(e.type == "visit" and e.place.id == "fr-paris" for e in ex.events)
    record = pipeline.extract_jsonl_record({"id": "x", "text": "وصل السراج إلى واشنطن أمس.",
                                            "published": "2019-05-22"})
    assert record["events"][0]["place"]["name_ar"] == "واشنطن"


# --- the JSON contract of `python -m geo extract` -----------------------------------------------

NUMBER = (int, float)
PLACE_KEYS = {"start": int, "end": int, "text": str, "name": str, "name_ar": str, "lat": NUMBER,
              "lon": NUMBER, "kind": str, "country": str, "demonym": bool}
ACTOR_KEYS = {"start": int, "end": int, "text": str, "name": str, "name_ar": str}
EVENT_KEYS = {"type": str, "actors": list, "counterparts": list, "place": dict, "origin": (dict, type(None)),
              "date_start": str, "date_end": str, "date_precision": str, "status": str, "sentence": str,
              "start": int, "end": int, "confidence": NUMBER}
SIDE_KEYS = {"name": str, "name_ar": str}
EVENT_PLACE_KEYS = {"name": str, "name_ar": str, "lat": NUMBER, "lon": NUMBER}


def assert_keys(obj: dict, spec: dict, where: str):
    """The required keys are there with the right JSON types (a bool is not a number here)."""
    missing = set(spec) - set(obj)
    assert not missing, f"{where}: missing {missing}"
    for key, types in spec.items():
        value = obj[key]
        if types is bool:
            assert isinstance(value, bool), f"{where}.{key} = {value!r}"
        else:
            assert isinstance(value, types) and not isinstance(value, bool), f"{where}.{key} = {value!r}"


@pytest.fixture(scope="module")
def records(seeds):
    from geo.pipeline import extract_jsonl_record
    out = {}
    for doc_id, a in seeds.items():
        rec = {"id": a.id, "text": a.text, "published": a.published.isoformat(), "date_precision": a.published_precision}
        out[doc_id] = json.loads(json.dumps(extract_jsonl_record(rec), ensure_ascii=False))   # JSON round trip
    return out


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_extract_jsonl_record_keeps_the_contract(seeds, records, doc_id):
    text = seeds[doc_id].text
    out = records[doc_id]
    assert out["id"] == doc_id
    assert {"id", "places", "actors", "events"} <= set(out)
    assert out["places"] and out["actors"] and out["events"]
    for p in out["places"]:
        assert_keys(p, PLACE_KEYS, "place")
        assert text[p["start"]:p["end"]] == p["text"]
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
    for a in out["actors"]:
        assert_keys(a, ACTOR_KEYS, "actor")
        assert text[a["start"]:a["end"]] == a["text"]
    for e in out["events"]:
        assert_keys(e, EVENT_KEYS, "event")
        assert e["type"] in ("visit", "front_line", "diplomatic_flow")
        assert e["status"] in ("occurred", "planned")
        assert e["date_precision"] in ("day", "week", "month", "year")
        assert date.fromisoformat(e["date_start"]) <= date.fromisoformat(e["date_end"])
        assert 0 <= e["confidence"] <= 1
        assert e["sentence"] in text
        assert text[e["start"]:e["end"]] in e["sentence"]
        for side in e["actors"] + e["counterparts"]:
            assert_keys(side, SIDE_KEYS, "event.actor")
        assert_keys(e["place"], EVENT_PLACE_KEYS, "event.place")
        if e["origin"] is not None:
            assert_keys(e["origin"], EVENT_PLACE_KEYS, "event.origin")


def test_extract_jsonl_record_matches_extract(seeds, extractions, records):
    ex, out = extractions["001"], records["001"]
    assert [(p["start"], p["end"], p["name"]) for p in out["places"]] == \
        [(p.start, p.end, p.place.name_en) for p in ex.places]
    assert [(a["start"], a["end"], a["name"]) for a in out["actors"]] == \
        [(a.start, a.end, a.actor.name_en) for a in ex.actors]
    assert len(out["events"]) == len(ex.events)


def test_extract_jsonl_record_of_a_small_article():
    from geo.pipeline import extract_jsonl_record
    out = extract_jsonl_record({"id": "a1", "text": "وصل السراج إلى واشنطن أمس.", "published": "2019-05-22"})
    [place] = out["places"]
    assert (place["text"], place["name"], place["country"], place["demonym"]) == ("واشنطن", "Washington D.C.", "US", False)
    [actor] = out["actors"]
    assert (actor["text"], actor["name"]) == ("السراج", "Fayez al-Sarraj")
    [event] = out["events"]
    assert (event["type"], event["status"], event["date_start"], event["date_end"]) == \
        ("visit", "occurred", "2019-05-21", "2019-05-21")
    assert [a["name"] for a in event["actors"]] == ["Fayez al-Sarraj"]
    assert event["place"]["name"] == "Washington D.C." and event["origin"]["name"] == "Tripoli"


@pytest.mark.parametrize("record", [
    {"text": "نص"}, {"id": "", "text": "نص"}, {"id": "x"}, {"id": "x", "text": 3},
    {"id": "x", "text": "نص", "published": "22/05/2019"}, {"id": "x", "text": "نص", "published": 20190522},
    ["not", "a", "dict"],
])
def test_extract_jsonl_record_rejects_bad_records(record):
    from geo.pipeline import extract_jsonl_record
    with pytest.raises(ValueError):
        extract_jsonl_record(record)


def test_pipeline_does_not_import_torch_or_streamlit():
    code = (
        "import sys\n"
        "from geo.pipeline import extract_jsonl_record\n"
        "out = extract_jsonl_record({'id': 'x', 'text': 'وصل السراج إلى واشنطن أمس.', 'published': '2019-05-22'})\n"
        "assert out['events'], out\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'streamlit', 'transformers'))\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
