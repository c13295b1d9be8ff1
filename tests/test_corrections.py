"""Analysts' corrections: stored apart, applied on read, surviving re-extraction, undoable."""

import pytest

from geo.store import corrections
from geo.store.corrections import CorrectionError
from geo.pipeline import extract
from geo.store import read_events, save


@pytest.fixture
def conn(seed_conn):
    return seed_conn


def pompeo_call(conn):
    return next(e for e in read_events(conn) if e["subtype"] == "call" and "Mike Pompeo" in (e["actors_en"] or ""))


def test_a_status_correction_is_applied_and_marked(conn):
    call = pompeo_call(conn)
    assert call["status"] == "occurred" and call["corrected"] is False
    corrections.add(conn, "event_status", call["id"], {"status": "planned"}, note="the call was announced")
    fixed = pompeo_call(conn)
    assert fixed["status"] == "planned" and fixed["corrected"] is True
    assert read_events(conn, corrected=False)[0].get("corrected") is None   # the extracted rows are untouched


def test_dropping_an_event_hides_it_and_undo_brings_it_back(conn):
    call = pompeo_call(conn)
    n = len(read_events(conn))
    cid = corrections.add(conn, "drop_event", call["id"])
    assert len(read_events(conn)) == n - 1
    assert corrections.undo(conn, cid) is True
    assert len(read_events(conn)) == n
    assert corrections.undo(conn, cid) is False      # already undone


def test_corrections_survive_re_extraction(conn, seeds):
    call = pompeo_call(conn)
    corrections.add(conn, "event_date", call["id"], {"date_start": "2019-09-18", "date_end": "2019-09-18"})
    with conn.transaction():
        conn.execute("DELETE FROM documents WHERE id = ?", (call["doc_id"],))
    save(conn, extract(seeds[call["doc_id"]]))            # the same text extracted again
    again = pompeo_call(conn)
    assert (again["date_start"], again["date_source"], again["corrected"]) == ("2019-09-18", "analyst", True)


def test_moving_an_event_to_a_gazetteer_place_or_to_coordinates(conn):
    call = pompeo_call(conn)
    corrections.add(conn, "event_place", call["id"], {"place_id": "eg-alexandria"})
    assert pompeo_call(conn)["place_en"] == "Alexandria"
    corrections.add(conn, "event_place", call["id"], {"lat": 30.1, "lon": 31.3, "name": "Heliopolis"})
    moved = pompeo_call(conn)
    assert (moved["lat"], moved["lon"], moved["place_en"]) == (30.1, 31.3, "Heliopolis")


def test_fixing_a_place_mention_moves_the_events_of_its_sentence(conn):
    row = conn.execute("SELECT m.doc_id, m.start, m.\"end\", m.sentence FROM place_mentions m "
                       "JOIN events e ON e.doc_id = m.doc_id AND e.sentence = m.sentence AND e.place_id = m.place_id "
                       "WHERE m.place_id = 'ly-misrata' LIMIT 1").fetchone()
    target = f"{row['doc_id']}:{row['start']}:{row['end']}"
    corrections.add(conn, "mention_place", target, {"place_id": "ly-zliten"})
    moved = [e for e in read_events(conn) if e["doc_id"] == row["doc_id"] and e["sentence"] == row["sentence"]
             and e["corrected"]]
    assert moved and all(e["place_en"] == "Zliten" for e in moved)


@pytest.mark.parametrize("kind, value, reason", [
    ("event_status", {"status": "maybe"}, "status must be"),
    ("event_date", {"date_start": "2019-13-01", "date_end": "2019-09-01"}, "YYYY-MM-DD"),
    ("event_date", {"date_start": "2019-09-02", "date_end": "2019-09-01"}, "comes before"),
    ("event_place", {"lat": 200, "lon": 0}, "between -90 and 90"),
    ("event_place", {"place_id": "nowhere"}, "no gazetteer place"),
    ("incident_merge", {}, "Give the id of the event"),
    ("incident_merge", {"with": "no-such-event"}, "no event “no-such-event”"),
    ("rename", {}, "Unknown kind of correction"),
])
def test_bad_corrections_are_refused_with_a_reason(conn, kind, value, reason):
    with pytest.raises(CorrectionError, match=reason):
        corrections.add(conn, kind, pompeo_call(conn)["id"], value)


def test_an_event_is_merged_neither_with_itself_nor_with_an_event_of_another_kind(conn):
    call = pompeo_call(conn)
    with pytest.raises(CorrectionError, match="cannot be merged with itself"):
        corrections.add(conn, "incident_merge", call["id"], {"with": call["id"]})
    front = next(e for e in read_events(conn) if e["type"] == "front_line")
    with pytest.raises(CorrectionError, match="Only events of one kind"):
        corrections.add(conn, "incident_merge", call["id"], {"with": front["id"]})
    assert corrections.listing(conn) == []


def test_splits_and_merges_are_listed_with_the_others_and_change_no_event(conn):
    call = pompeo_call(conn)
    other = next(e for e in read_events(conn) if e["type"] == call["type"] and e["doc_id"] != call["doc_id"])
    split = corrections.add(conn, "incident_split", call["id"])
    corrections.add(conn, "incident_merge", call["id"], {"with": f" {other['id']} "})
    corrections.undo(conn, split)
    assert [(c["kind"], c["value"], bool(c["undone_at"])) for c in corrections.listing(conn)] == [
        ("incident_split", {}, True), ("incident_merge", {"with": other["id"]}, False)]
    after = pompeo_call(conn)                            # its incident changed, not the event: not marked corrected
    assert after["corrected"] is False and without_incident(after) == without_incident(call)
    assert after["incident_id"] == next(e for e in read_events(conn) if e["id"] == other["id"])["incident_id"]


def without_incident(event: dict) -> dict:
    return {k: v for k, v in event.items() if k not in ("incident_id", "incident", "incident_outlets")}


def test_unknown_targets_are_refused(conn):
    with pytest.raises(CorrectionError, match="no event"):
        corrections.add(conn, "drop_event", "no-such-event")
    with pytest.raises(CorrectionError, match="no place mention"):
        corrections.add(conn, "mention_place", "004:0:1", {"place_id": "ly-zliten"})


def test_the_history_exports_with_undone_ones(conn):
    call = pompeo_call(conn)
    first = corrections.add(conn, "event_status", call["id"], {"status": "planned"})
    corrections.add(conn, "drop_event", call["id"])
    corrections.undo(conn, first)
    history = corrections.listing(conn)
    assert [c["kind"] for c in history] == ["event_status", "drop_event"]
    assert history[0]["undone_at"] and history[1]["undone_at"] is None
    assert history[0]["value"] == {"status": "planned"}
