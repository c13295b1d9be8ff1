"""geo.history against a real SQLite file: every change is recorded with who and when, an undo is a change of its
own, a replaced article's earlier version is kept, a correction of the replaced text is listed as no longer
matching, and a store from before the history gains it."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace

import pytest

from geo.store import corrections, history
from geo.pipeline import extract
from geo.store import SCHEMA_VERSION, StoreError, connect, read_document, read_events, save

ANA, OMAR = "ana@example.org", "omar@example.org"
ADDED = " وقال المتحدث إن الحل سياسي."      # a sentence added to a text: a new version of the article


@pytest.fixture
def conn(store_target, seeds):
    with closing(connect(store_target)) as c:
        for article in seeds.values():
            save(c, extract(article), source="seeds")
        yield c


def pompeo_call(conn):
    return next(e for e in read_events(conn) if e["subtype"] == "call" and "Mike Pompeo" in (e["actors_en"] or ""))


def new_version(conn, seeds, doc_id: str, who: str = ANA) -> str:
    """The article's text with a sentence added, saved by ``who`` under the same id."""
    return save(conn, extract(replace(seeds[doc_id], text=seeds[doc_id].text + ADDED)), source="upload: fix.txt",
                who=who)


def test_adding_an_article_records_who_and_when(store_target, seeds):
    with closing(connect(store_target)) as conn:
        save(conn, extract(seeds["001"]), source="seeds", who=ANA)
        [change] = history.changes(conn)
    assert (change["who"], change["action"], change["doc_id"], change["version"]) == (ANA, "article_added", "001", 1)
    assert change["at"].endswith("+00:00") and change["detail"]["source"] == "seeds"


def test_the_command_line_and_the_seeds_are_recorded_as_local(conn, seeds):
    assert {(c["who"], c["action"]) for c in history.changes(conn)} == {("local", "article_added")}
    assert len(history.changes(conn)) == len(seeds)


def test_saving_the_same_text_again_records_nothing(conn, seeds):
    before = history.changes(conn)
    assert save(conn, extract(seeds["002"]), who=ANA) == "unchanged"
    assert history.changes(conn) == before


def test_replacing_an_article_keeps_version_1_with_its_text_events_and_source(conn, seeds):
    old_events = [e for e in read_events(conn, corrected=False) if e["doc_id"] == "003"]
    assert new_version(conn, seeds, "003") == "replaced"
    [v1] = history.versions(conn, "003")
    assert (v1["version"], v1["text"], v1["source"]) == (1, seeds["003"].text, "seeds")
    assert v1["events"] == old_events                            # as read_events gave them, before the replacement
    assert read_document(conn, "003")["text"] == seeds["003"].text + ADDED
    assert history.current_version(conn, "003") == 2
    latest = history.changes(conn, doc_id="003")[0]
    assert (latest["who"], latest["action"], latest["version"], latest["detail"]["replaces_version"]) == \
        (ANA, "article_replaced", 2, 1)


def test_each_replacement_keeps_one_more_version(conn, seeds):
    new_version(conn, seeds, "003")
    assert save(conn, extract(seeds["003"]), who=OMAR) == "replaced"         # back to the first text
    assert [v["version"] for v in history.versions(conn, "003")] == [2, 1]
    assert history.versions(conn, "003")[0]["text"] == seeds["003"].text + ADDED
    assert history.current_version(conn, "003") == 3


def test_a_correction_on_the_replaced_text_no_longer_matches_and_applies_to_nothing(conn, seeds):
    call = pompeo_call(conn)
    cid = corrections.add(conn, "event_status", call["id"], {"status": "planned"}, who=OMAR)
    assert pompeo_call(conn)["status"] == "planned"
    new_version(conn, seeds, call["doc_id"])
    [c] = corrections.listing(conn)
    assert (c["id"], c["matches"], c["version"], c["doc_id"], c["who"]) == (cid, False, 1, call["doc_id"], OMAR)
    assert corrections.active(conn) == []
    again = pompeo_call(conn)                                   # the same call, read again in the new text
    assert again["id"] != call["id"] and again["status"] == "occurred" and again["corrected"] is False


def test_a_place_mention_corrected_on_version_1_does_not_move_the_same_span_of_version_2(conn, seeds):
    row = conn.execute("SELECT doc_id, start, \"end\" FROM place_mentions WHERE doc_id = '004' ORDER BY start").fetchone()
    target = f"004:{row['start']}:{row['end']}"
    corrections.add(conn, "mention_place", target, {"place_id": "ly-zliten"}, who=OMAR)
    assert next(m for m in read_document(conn, "004")["places"] if m["start"] == row["start"])["name_en"] == "Zliten"
    new_version(conn, seeds, "004")                             # the span is still there, in another text
    assert [c["matches"] for c in corrections.listing(conn)] == [False]
    assert not any(m.get("corrected") for m in read_document(conn, "004")["places"])


def test_undo_is_a_new_record_with_who_and_when_and_the_correction_keeps_both(conn):
    cid = corrections.add(conn, "drop_event", pompeo_call(conn)["id"], note="a duplicate", who=ANA)
    assert corrections.undo(conn, cid, who=OMAR) is True
    undo, made = history.changes(conn, target=str(cid))
    assert (made["action"], made["who"], made["detail"]["note"]) == ("correction", ANA, "a duplicate")
    assert (undo["action"], undo["who"]) == ("undo", OMAR) and undo["at"] >= made["at"]
    [c] = corrections.listing(conn)
    assert (c["who"], c["undone_by"], c["undone_at"]) == (ANA, OMAR, undo["at"])
    assert corrections.undo(conn, cid, who=OMAR) is False
    assert len(history.changes(conn, target=str(cid))) == 2     # undoing twice records nothing more


def test_the_history_cannot_be_edited_or_deleted(conn):
    with pytest.raises(StoreError, match="append-only"):
        conn.execute("UPDATE changes SET who = 'someone else'")
    with pytest.raises(StoreError, match="append-only"):
        conn.execute("DELETE FROM changes")


def as_old_store(path) -> None:
    """The store as schema version 3 left it: no changes, no document_versions (nothing else differs)."""
    with closing(sqlite3.connect(path)) as old:
        old.executescript("DROP TABLE changes; DROP TABLE document_versions; PRAGMA user_version = 3;")


def test_an_old_store_opens_and_gains_the_history_of_what_it_holds(store_file, seeds):
    conn = connect(store_file)
    for article in seeds.values():
        save(conn, extract(article), source="seeds")
    call = pompeo_call(conn)
    cid = corrections.add(conn, "event_status", call["id"], {"status": "planned"})
    corrections.undo(conn, cid)
    conn.close()
    as_old_store(store_file)
    with closing(connect(store_file)) as migrated:
        assert migrated.schema_version() == SCHEMA_VERSION
        changes = history.changes(migrated)
        assert {c["who"] for c in changes} == {history.UNRECORDED}
        assert sorted(c["doc_id"] for c in changes if c["action"] == "article_added") == sorted(seeds)
        undo, made = history.changes(migrated, target=str(cid))
        assert (made["action"], made["doc_id"], undo["action"], undo["doc_id"]) == \
            ("correction", call["doc_id"], "undo", call["doc_id"])
        [c] = corrections.listing(migrated)
        assert (c["who"], c["undone_by"], c["matches"]) == (history.UNRECORDED, history.UNRECORDED, True)
        assert history.versions(migrated, call["doc_id"]) == []
        new_version(migrated, seeds, call["doc_id"])            # and it keeps versions from now on
        assert [v["version"] for v in history.versions(migrated, call["doc_id"])] == [1]
        n = len(history.changes(migrated))
    with closing(sqlite3.connect(store_file)) as again:           # migrating twice enters nothing twice
        again.execute("PRAGMA user_version = 3")
        again.commit()
    with closing(connect(store_file)) as twice:
        assert len(history.changes(twice)) == n
