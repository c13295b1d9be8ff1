"""Corrections in the Sources page under AppTest, on a private copy of the seed store: each correction changes the
article's event table and shows as corrected; Undo restores it; bad input shows geo.corrections' reason."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter
from contextlib import closing
from datetime import date

from atlas_app import corrections_ui, incident_ui, places
from atlas_app.tables import CORRECTED_BADGE
from geo.store import corrections, history
from geo.store import connect
from tests.apptest import SOURCES, frame, html, metrics, ok, open_event, picker, run, undo_buttons


def table(at):
    return frame(at, "Corrected")


def error(at) -> str:
    """The page's error as the user reads it (Markdown escapes removed)."""
    assert at.error, "no error shown"
    return at.error[0].value.replace("\\", "")


def test_a_correction_while_another_process_holds_the_store_says_so_and_keeps_what_was_typed(sqlite_store_copy, call,
                                                                                             monkeypatch):
    store_copy = sqlite_store_copy                                 # SQLite's file lock, held by another process
    from geo import store as geo_store
    monkeypatch.setattr(geo_store, "BUSY_TIMEOUT_S", 1)          # the wait, shortened (the app waits 10 s)
    at = open_event(call)
    note, go = f"fix_{call['id']}_note", f"fix_{call['id']}_status_go"
    at.radio(key=f"fix_{call['id']}_status").set_value("planned")
    at.text_input(key=note).input("the call was only announced")
    with closing(sqlite3.connect(store_copy)) as other:
        other.execute("BEGIN IMMEDIATE")                          # another writer, holding the store
        at.button(key=go).click()
        at.run()
        assert not at.exception
        assert at.error and "is locked by another process" in at.error[0].value
        assert "What you entered is kept" in at.error[0].value
        assert at.text_input(key=note).value == "the call was only announced"
        assert at.radio(key=f"fix_{call['id']}_status").value == "planned"
        other.rollback()
    at.button(key=go).click()                                     # the store is free again: the same entries save
    ok(at.run())
    assert at.success and "Saved correction" in at.success[0].value
    with closing(connect(store_copy)) as conn:
        assert [c["note"] for c in corrections.listing(conn)] == ["the call was only announced"]


def test_a_status_correction_changes_the_table_shows_as_corrected_and_undo_restores(store_copy, call):
    at = open_event(call)
    before = table(at)
    assert not (before["Corrected"] == CORRECTED_BADGE).any() and not undo_buttons(at)
    assert not any((t.key or "").endswith("_place_q") for t in at.text_input)    # only the open tab runs
    at.radio(key=f"fix_{call['id']}_status").set_value("planned")
    at.text_input(key=f"fix_{call['id']}_note").input("the call was only announced")
    at.button(key=f"fix_{call['id']}_status_go").click()
    ok(at.run())
    assert at.success and "Saved correction" in at.success[0].value
    after = table(at)
    assert (after["Corrected"] == CORRECTED_BADGE).sum() == 1
    assert Counter(after["Status"])["planned"] == Counter(before["Status"])["planned"] + 1
    assert after.loc[after["Corrected"] == CORRECTED_BADGE, "Status"].iloc[0] == "planned"
    assert picker(at, "Event").value == call["id"] and CORRECTED_BADGE in picker(at, "Event").format_func(call["id"])
    listing = [m.value for m in at.markdown if "changed the status" in m.value]
    assert listing and "Planned" in listing[0] and "the call was only announced" in listing[0]
    assert any(e.label.startswith("Corrections (1 active") for e in at.expander)
    overview = ok(run(status="planned"))                               # the maps and other pages see it too
    assert call["sentence_text"] in set(frame(overview, "Sentence")["Sentence"])
    undo_buttons(at)[0].click()
    ok(at.run())
    restored = table(at)
    assert not (restored["Corrected"] == CORRECTED_BADGE).any()
    assert Counter(restored["Status"]) == Counter(before["Status"]) and not undo_buttons(at)
    assert any("undone" in m.value and "~~" in m.value for m in at.markdown)


def test_dropping_an_event_and_undoing_it(store_copy, call):
    before_total = int(metrics(ok(run()))["Events"])
    at = open_event(call, "Drop")
    n = len(table(at))
    at.button(key=f"fix_{call['id']}_drop_go").click()
    ok(at.run())
    box = picker(at, "Event")
    assert len(table(at)) == n - 1 and box.value != call["id"]
    assert box.format_func(box.value) in box.options                        # a fresh choice, shown as such
    assert any("dropped the event" in m.value for m in at.markdown)
    assert int(metrics(ok(run()))["Events"]) == before_total - 1
    undo_buttons(at)[0].click()
    ok(at.run())
    assert len(table(at)) == n and int(metrics(ok(run()))["Events"]) == before_total


def test_a_date_correction_with_its_reason_when_refused(store_copy, call):
    at = open_event(call, "Date")
    key = f"fix_{call['id']}"
    at.date_input(key=f"{key}_start").set_value(date(2019, 9, 20))
    at.date_input(key=f"{key}_end").set_value(date(2019, 9, 18))
    at.button(key=f"{key}_date_go").click()
    at.run()
    assert "The end date comes before the start date." in error(at)
    assert not (table(at)["Corrected"] == CORRECTED_BADGE).any()
    at.date_input(key=f"{key}_start").set_value(date(2019, 9, 18))
    at.button(key=f"{key}_date_go").click()
    ok(at.run())
    row = table(at)[table(at)["Corrected"] == CORRECTED_BADGE].iloc[0]
    assert row["Date"] == "18 Sep 2019"


def test_moving_an_event_to_a_gazetteer_place_found_by_its_arabic_name(store_copy, call):
    at = open_event(call, "Place")
    key = f"fix_{call['id']}_place"
    at.text_input(key=f"{key}_q").input("الإسكندرية")
    ok(at.run())
    assert at.session_state[corrections_ui.TAB_KEY] == "Place"               # the search kept the tab open
    box = at.selectbox(key=places.choice_key(key, "الإسكندرية"))
    assert box.options and "Alexandria" in box.options[0]
    box.set_value("eg-alexandria")
    at.button(key=f"fix_{call['id']}_place_go").click()
    ok(at.run())
    moved = table(at)[table(at)["Corrected"] == CORRECTED_BADGE]
    assert list(moved["Place"]) == ["Alexandria · الإسكندرية"]


def test_moving_an_event_to_coordinates_checks_them(store_copy, call):
    at = open_event(call, "Place")
    key = f"fix_{call['id']}_place"
    at.radio(key=f"{key}_mode").set_value("coordinates")
    ok(at.run())
    at.button(key=f"fix_{call['id']}_place_go").click()
    at.run()
    assert "give both latitude and longitude" in error(at)
    at.number_input(key=f"{key}_lat").set_value(95.0)
    at.number_input(key=f"{key}_lon").set_value(31.3)
    at.button(key=f"fix_{call['id']}_place_go").click()
    at.run()
    assert "Latitude must lie between -90 and 90" in error(at)
    at.number_input(key=f"{key}_lat").set_value(30.1)
    at.text_input(key=f"{key}_name").input("Heliopolis")
    at.button(key=f"fix_{call['id']}_place_go").click()
    ok(at.run())
    assert list(table(at).loc[table(at)["Corrected"] == CORRECTED_BADGE, "Place"]) == ["Heliopolis"]


def test_fixing_a_place_mention_moves_its_events_and_the_reader_shows_it(store_copy, seed_store):
    with closing(connect(seed_store, readonly=True)) as conn:     # an event that stands at a place its sentence names
        m = conn.execute('SELECT m.doc_id, m.start, m."end" FROM place_mentions m JOIN events e ON e.doc_id = m.doc_id '
                         'AND e.sentence = m.sentence AND e.place_id = m.place_id ORDER BY m.doc_id, m.start').fetchone()
    target = f"{m['doc_id']}:{m['start']}:{m['end']}"
    at = ok(run(SOURCES, doc=m["doc_id"]))
    assert not any(sb.label == "Place mention" for sb in at.selectbox)      # the closed panel runs nothing
    at.session_state[corrections_ui.MENTIONS_KEY] = True
    ok(at.run())
    picker(at, "Place mention").set_value(target)
    ok(at.run())
    key = "fix_m_" + target.replace(":", "_") + "_place"
    at.radio(key=f"{key}_mode").set_value("coordinates")
    ok(at.run())
    at.number_input(key=f"{key}_lat").set_value(30.1)
    at.number_input(key=f"{key}_lon").set_value(31.3)
    at.text_input(key=f"{key}_name").input("<img src=x onerror=alert(1)>")
    at.button(key="fix_m_" + target.replace(":", "_") + "_go").click()
    ok(at.run())
    moved = table(at)[table(at)["Corrected"] == CORRECTED_BADGE]
    assert len(moved) >= 1 and set(moved["Place"]) == {"<img src=x onerror=alert(1)>"}    # text, in a grid cell
    body = html(at)
    assert "corrected by an analyst (was " in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<img" not in body
    assert any("moved the place mention" in md.value and "\\<img" in md.value for md in at.markdown)
    assert picker(at, "Place mention").value == target
    assert CORRECTED_BADGE in picker(at, "Place mention").format_func(target)


def test_corrections_are_listed_per_article_and_exported(store_copy, call, events):
    other = events[events["doc_id"] != call["doc_id"]].iloc[0]
    with closing(connect(store_copy)) as conn:
        mine = corrections.add(conn, "event_status", call["id"], {"status": "planned"}, note="=HYPERLINK(\"x\")",
                               who="ana@example.org")
        corrections.add(conn, "drop_event", other["id"])
        corrections.undo(conn, mine, who="omar@example.org")
        everything = corrections.listing(conn)
        changes = history.changes(conn)
    at = ok(run(SOURCES, doc=call["doc_id"]))
    assert [e.label for e in at.expander if e.label.startswith("Corrections")] == ["Corrections (0 active, 1 undone)"]
    assert [b.proto.label for b in at.get("download_button")][-2:] == ["Corrections (JSON)", "Corrections (CSV)"]
    exported = json.loads(corrections_ui.export(everything, "json", changes))
    assert [c["id"] for c in exported] == [c["id"] for c in everything] and exported[0]["undone_at"]
    assert (exported[0]["who"], exported[0]["undone_by"], exported[1]["who"]) == \
        ("ana@example.org", "omar@example.org", "local")
    assert [(h["action"], h["who"]) for h in exported[0]["history"]] == [("correction", "ana@example.org"),
                                                                       ("undo", "omar@example.org")]
    csv_text = corrections_ui.export(everything, "csv")
    assert csv_text.splitlines()[0] == "\ufeff" + ",".join(corrections_ui.EXPORT_COLUMNS)   # with its byte-order mark
    assert "'=HYPERLINK" in csv_text and '{""status"": ""planned""}' in csv_text
    assert "ana@example.org" in csv_text and "omar@example.org" in csv_text


def test_for_document_keeps_only_this_articles_corrections():
    fixes = [{"kind": "event_status", "target": "e1"}, {"kind": "event_status", "target": "e9"},
             {"kind": "mention_place", "target": "d1:5:9"}, {"kind": "mention_place", "target": "d1:x:5:9"},
             {"kind": "mention_place", "target": "d10:5:9"}]
    assert corrections_ui.for_document(fixes, "d1", {"e1"}) == [fixes[0], fixes[2]]


def test_a_stale_choice_from_the_browser_is_no_choice():
    assert places.only("eg-alexandria", ["eg-alexandria"]) == "eg-alexandria"
    assert places.only("Alexandria · الإسكندرية — city, EG (31.20, 29.92)", ["eg-alexandria"]) is None
    assert places.choice_key("k", "Tripoli") == places.choice_key("k", " tripoli ") != places.choice_key("k", "Sirte")


def test_place_search_ranks_exact_then_prefix_and_reads_arabic():
    entries = places.index()
    assert places.search("Tripoli", entries)[0] in ("ly-tripoli",)
    assert places.search("طرابلس", entries)[0] == "ly-tripoli"
    assert all("benghazi" in entries[i].en or "بنغازي" in entries[i].ar for i in places.search("bengh", entries))
    assert places.search("", entries, first=["eg-alexandria", "nowhere"])[0] == "eg-alexandria"
    assert places.search("zzzzqqq", entries) == []


def incident_caption(at) -> str:
    """What the Incident tab says of the event's incident."""
    return next(c.value for c in at.caption if "incident" in c.value and ("One of" in c.value or "Alone" in c.value))


def an_event_of_an_incident_of_several_articles(seed_store) -> dict:
    """An event whose incident has reports from two articles or more (the seeds have one)."""
    with closing(connect(seed_store, readonly=True)) as conn:
        row = conn.execute("SELECT event_id, doc_id FROM incident_events WHERE incident_id IN (SELECT incident_id FROM "
                           "incident_events GROUP BY incident_id HAVING COUNT(DISTINCT doc_id) > 1) "
                           "ORDER BY event_id").fetchone()
    return {"id": row["event_id"], "doc_id": row["doc_id"]}


def test_splitting_an_event_from_its_incident_and_undoing_it(store_copy, seed_store):
    event = an_event_of_an_incident_of_several_articles(seed_store)
    at = open_event(event, "Incident")
    before = incident_caption(at)
    assert before.startswith("One of ") and frame(at, "Why")["This"].tolist().count("▶") == 1
    at.button(key=f"fix_{event['id']}_split_go").click()
    ok(at.run())
    assert at.success and "event split from its incident" in at.success[0].value
    assert incident_caption(at) == f"Alone in its incident (incident:{event['id']}), split off by an editor."
    assert any("split from its incident" in m.value for m in at.markdown)          # listed, with its Undo
    assert not (table(at)["Corrected"] == CORRECTED_BADGE).any()                  # the event itself is unchanged
    undo_buttons(at)[0].click()
    ok(at.run())
    assert incident_caption(at) == before


def test_merging_with_the_incident_of_another_articles_event_and_undoing_it(store_copy, call, events):
    other = events[(events["subtype"] == "call") & (events["doc_id"] != call["doc_id"])].iloc[0]
    at = open_event(call, "Incident")
    assert incident_caption(at).startswith("Alone in its incident")
    at.text_input(key=f"fix_{call['id']}_merge_id").input(other["id"])
    at.button(key=f"fix_{call['id']}_merge_go").click()
    ok(at.run())
    assert at.success and "incidents merged" in at.success[0].value
    assert incident_caption(at).startswith("One of 2 reports")
    merged = frame(at, "Why")
    assert sorted(merged["Article"]) == sorted([call["doc_id"], other["doc_id"]])
    assert "merged by an editor" in set(merged["Why"])
    assert any("merged the incident" in m.value for m in at.markdown)
    elsewhere = ok(run(SOURCES, doc=other["doc_id"]))                            # the other article lists it too
    assert any("merged the incident" in m.value for m in elsewhere.markdown)
    undo_buttons(at)[0].click()
    ok(at.run())
    assert incident_caption(at).startswith("Alone in its incident")


def test_a_merge_with_the_event_itself_is_refused_with_the_reason(store_copy, call):
    at = open_event(call, "Incident")
    at.text_input(key=f"fix_{call['id']}_merge_id").input(call["id"])
    at.button(key=f"fix_{call['id']}_merge_go").click()
    at.run()
    assert "cannot be merged with itself" in error(at)


def test_the_merge_picker_offers_the_articles_other_events_of_its_kind_in_other_incidents(store_copy, call, events):
    at = open_event(call, "Incident")
    box = picker(at, incident_ui.PICK)
    mine = events[(events["doc_id"] == call["doc_id"]) & (events["type"] == call["type"])]
    offered = [i for i in mine["id"] if box.format_func(i) in box.options]
    assert offered and call["id"] not in offered                    # the seeds' article has another flow
    box.set_value(offered[0])
    ok(at.run())
    at.button(key=f"fix_{call['id']}_merge_go").click()
    ok(at.run())
    assert incident_caption(at).startswith("One of ")
    label = box.format_func(offered[0])
    assert not any(s.label == incident_ui.PICK and label in s.options for s in at.selectbox)   # one incident now
