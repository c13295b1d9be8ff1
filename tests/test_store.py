"""geo.store against a real SQLite file: counts, identity by content hash, replacement, WAL, atomicity."""
from __future__ import annotations

import sqlite3
import sys
import threading
from contextlib import closing
from dataclasses import replace

import pytest

from geo import store
from geo.store import repository
from geo.model import Article
from geo.pipeline import extract
from geo.store import connect, content_hash, event_id, read_document, read_events, save
from tests.conftest import dump_store

CHILD_TABLES = ("sentences", "place_mentions", "actor_mentions", "time_mentions", "events")


dump = dump_store


def doc_count(conn, table: str, doc_id: str) -> int:
    return conn.execute(f"SELECT COUNT(*) FROM {table} WHERE doc_id = ?", (doc_id,)).fetchone()[0]


def orphans(conn) -> dict[str, int]:
    """Rows pointing at a document or event that is not there."""
    out = {t: conn.execute(f"SELECT COUNT(*) FROM {t} WHERE doc_id NOT IN (SELECT id FROM documents)").fetchone()[0]
           for t in CHILD_TABLES}
    out["event_actors"] = conn.execute(
        "SELECT COUNT(*) FROM event_actors WHERE event_id NOT IN (SELECT id FROM events)").fetchone()[0]
    return out


def unique_events(ex):
    """The extraction's events, one per identity (what, where in the text, at which place, who)."""
    seen = {}
    for e in ex.events:
        key = (e.type, e.subtype, e.start, e.place.id if e.place else "",
               tuple(a.id for a in e.actors), tuple(a.id for a in e.counterparts))
        seen.setdefault(key, e)
    return list(seen.values())


@pytest.fixture
def conn(store_target):
    with closing(connect(store_target)) as c:
        yield c


@pytest.fixture
def seeded(conn, extractions):
    for ex in extractions.values():
        assert save(conn, ex, source="seeds") == "added"
    return conn


@pytest.fixture
def sqlite_seeded(store_file, extractions):
    """The seeds in a SQLite file, for what is SQLite's own (WAL: reading while another connection writes)."""
    with closing(connect(store_file)) as c:
        for ex in extractions.values():
            save(c, ex, source="seeds")
        yield c


def short_version(article: Article, n_sentences: int = 3) -> Article:
    """A corrected text under the same id: the article cut after its first sentences."""
    ex = extract(article)
    cut = ex.sentences[n_sentences - 1].end
    return replace(article, text=article.text[:cut])


# --- saving ---------------------------------------------------------------------------------------

def test_saving_the_seeds_stores_every_part_of_each_extraction(seeded, extractions, seeds):
    conn = seeded
    exs = list(extractions.values())
    assert store.count(conn, "documents") == len(seeds) == 5
    assert store.count(conn, "sentences") == sum(len(ex.sentences) for ex in exs)
    assert store.count(conn, "place_mentions") == sum(len(ex.places) for ex in exs)
    assert store.count(conn, "actor_mentions") == sum(len(ex.actors) for ex in exs)
    assert store.count(conn, "time_mentions") == sum(len(ex.times) for ex in exs)
    assert store.count(conn, "events") == sum(len(unique_events(ex)) for ex in exs)
    assert store.count(conn, "event_actors") == sum(len(e.actors) + len(e.counterparts)
                                                    for ex in exs for e in unique_events(ex))
    place_ids = {p.place.id for ex in exs for p in ex.places} | \
                {x.id for ex in exs for e in ex.events for x in (e.place, e.origin) if x}
    actor_ids = {a.actor.id for ex in exs for a in ex.actors} | \
                {a.id for ex in exs for e in ex.events for a in e.actors + e.counterparts}
    assert {r[0] for r in conn.execute("SELECT id FROM places")} == place_ids
    assert {r[0] for r in conn.execute("SELECT id FROM actors")} == actor_ids
    for doc_id, ex in extractions.items():
        assert doc_count(conn, "sentences", doc_id) == len(ex.sentences)
        assert doc_count(conn, "place_mentions", doc_id) == len(ex.places)
        assert doc_count(conn, "actor_mentions", doc_id) == len(ex.actors)
        assert doc_count(conn, "time_mentions", doc_id) == len(ex.times)
        assert doc_count(conn, "events", doc_id) == len(unique_events(ex)) > 0
    assert orphans(conn) == dict.fromkeys(orphans(conn), 0)


def test_document_row_keeps_the_text_its_hash_and_the_metadata(seeded, seeds):
    for doc_id, art in seeds.items():
        row = seeded.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        assert row["text"] == art.text
        assert row["content_hash"] == content_hash(art.text)
        assert row["published"] == art.published.isoformat()
        assert row["date_precision"] == art.published_precision
        assert row["outlet"] == art.outlet and row["title"] == art.title
        assert row["source"] == "seeds"
        assert row["ingested_at"]


def test_saving_the_same_article_again_changes_nothing(seeded, extractions):
    before = dump(seeded)
    for ex in extractions.values():
        assert save(seeded, ex, source="again") == "unchanged"
    assert dump(seeded) == before


def test_the_same_text_under_another_id_is_the_same_document(seeded, seeds):
    """Identity is the hash of the text, not the id."""
    before = dump(seeded)
    copy = replace(seeds["001"], id="001-copy")
    assert save(seeded, extract(copy)) == "unchanged"
    assert dump(seeded) == before
    assert read_document(seeded, "001-copy") is None


def test_a_corrected_text_under_the_same_id_replaces_the_old_one(seeded, seeds, extractions):
    conn = seeded
    old = extractions["000"]
    new_article = short_version(seeds["000"])
    new = extract(new_article)
    assert len(new.sentences) < len(old.sentences)
    others_before = {t: conn.execute(f"SELECT COUNT(*) FROM {t} WHERE doc_id <> '000'").fetchone()[0]
                     for t in CHILD_TABLES}

    assert save(conn, new) == "replaced"

    rows = conn.execute("SELECT text, content_hash FROM documents WHERE id = '000'").fetchall()
    assert len(rows) == 1
    assert rows[0]["text"] == new_article.text
    assert rows[0]["content_hash"] == content_hash(new_article.text)
    assert conn.execute("SELECT COUNT(*) FROM documents WHERE content_hash = ?",
                        (content_hash(old.article.text),)).fetchone()[0] == 0
    assert doc_count(conn, "sentences", "000") == len(new.sentences)
    assert doc_count(conn, "place_mentions", "000") == len(new.places)
    assert doc_count(conn, "actor_mentions", "000") == len(new.actors)
    assert doc_count(conn, "time_mentions", "000") == len(new.times)
    digest = content_hash(new_article.text)
    stored_events = {r[0] for r in conn.execute("SELECT id FROM events WHERE doc_id = '000'")}
    assert stored_events == {event_id(digest, e) for e in new.events}
    # nothing left over from the old version, the other articles untouched
    assert orphans(conn) == dict.fromkeys(orphans(conn), 0)
    assert conn.execute("SELECT COUNT(*) FROM sentences WHERE doc_id = '000' AND \"end\" > ?",
                        (len(new_article.text),)).fetchone()[0] == 0
    assert {t: conn.execute(f"SELECT COUNT(*) FROM {t} WHERE doc_id <> '000'").fetchone()[0]
            for t in CHILD_TABLES} == others_before
    n_event_actors = conn.execute("SELECT COUNT(*) FROM event_actors").fetchone()[0]
    assert n_event_actors == sum(len(e.actors) + len(e.counterparts)
                                 for ex in [new] + [x for k, x in extractions.items() if k != "000"]
                                 for e in unique_events(ex))

    # and the original text comes back the same way
    assert save(conn, old) == "replaced"
    assert doc_count(conn, "sentences", "000") == len(old.sentences)
    assert orphans(conn) == dict.fromkeys(orphans(conn), 0)


# --- reading --------------------------------------------------------------------------------------

def test_read_events_rows_carry_coordinates_actors_and_the_sentence(seeded, extractions):
    rows = {r["id"]: r for r in read_events(seeded)}
    expected = {}
    for ex in extractions.values():
        digest = content_hash(ex.article.text)
        for e in unique_events(ex):
            expected[event_id(digest, e)] = (ex, e)
    assert set(rows) == set(expected)
    for eid, (ex, e) in expected.items():
        r = rows[eid]
        assert r["doc_id"] == ex.article.id
        assert r["type"] == e.type and r["status"] == e.status and r["trigger"] == e.trigger
        assert r["place_id"] == e.place.id
        assert (r["lat"], r["lon"]) == (e.place.lat, e.place.lon)
        assert r["place_en"] == e.place.name_en and r["place_ar"] == e.place.name_ar
        if e.origin:
            assert (r["origin_lat"], r["origin_lon"]) == (e.origin.lat, e.origin.lon)
        else:
            assert r["origin_lat"] is None
        assert set(filter(None, (r["actors_en"] or "").split("; "))) == {a.name_en for a in e.actors}
        assert set(filter(None, (r["counterparts_en"] or "").split("; "))) == {a.name_en for a in e.counterparts}
        assert r["sentence_text"] == e.sentence.text
        assert ex.article.text[e.start:e.end] in r["sentence_text"]
        assert r["date_start"] == (e.date_start.isoformat() if e.date_start else None)
        assert r["published"] == ex.article.published.isoformat()


def test_read_document_returns_sentences_whose_offsets_slice_the_text(seeded, extractions):
    for doc_id, ex in extractions.items():
        doc = read_document(seeded, doc_id)
        assert doc["id"] == doc_id and doc["text"] == ex.article.text
        assert [s["idx"] for s in doc["sentences"]] == list(range(len(ex.sentences)))
        for s in doc["sentences"]:
            assert doc["text"][s["start"]:s["end"]] == s["text"]
        for m in doc["places"] + doc["actors"] + doc["times"]:
            assert doc["text"][m["start"]:m["end"]] == m["text"]
        assert len(doc["places"]) == len(ex.places)
        assert len(doc["actors"]) == len(ex.actors)
        assert len(doc["times"]) == len(ex.times)
    assert read_document(seeded, "no-such-id") is None


# --- WAL: reading while writing -------------------------------------------------------------------

def test_the_journal_mode_is_wal(store_file):
    with closing(connect(store_file)) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with closing(connect(store_file, readonly=True)) as ro:
        assert ro.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with closing(sqlite3.connect(store_file)) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _open_write(conn):
    """A write transaction left open on SQLite's own connection (the store's own writes never leave one open)."""
    conn.raw.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO documents (id, content_hash, text, ingested_at) VALUES (?,?,?,?)",
                 ("pending", "h-pending", "نص", "2024-01-01T00:00:00"))


def test_a_readonly_connection_reads_while_a_write_transaction_is_open(sqlite_seeded, store_file):
    seeded = sqlite_seeded
    _open_write(seeded)
    try:
        with closing(connect(store_file, readonly=True)) as reader:
            reader.execute("PRAGMA busy_timeout=0")   # a lock would raise at once instead of waiting
            assert reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 5
            assert len(read_events(reader)) == store.count(reader, "events") > 0
            assert read_document(reader, "pending") is None
            seeded.raw.execute("COMMIT")
            assert read_document(reader, "pending") is not None
    finally:
        if seeded.raw.in_transaction:
            seeded.raw.execute("ROLLBACK")


def test_a_default_connection_reads_while_a_write_transaction_is_open(sqlite_seeded, store_file):
    """``connect(path)`` (what ``ensure_store`` and ``python -m geo export`` use) must not need the write lock."""
    seeded = sqlite_seeded
    result = {}

    def read():
        try:
            with closing(connect(store_file)) as reader:
                result["count"] = reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except Exception as e:  # noqa: BLE001 - reported below
            result["error"] = repr(e)

    _open_write(seeded)
    t = threading.Thread(target=read)
    t.start()
    t.join(timeout=1.0)
    blocked = t.is_alive()
    seeded.raw.execute("ROLLBACK")
    t.join()
    assert not blocked, "connect() waited for the writer's transaction to end"
    assert result == {"count": 5}


def test_a_reader_sees_nothing_of_an_article_while_it_is_being_saved(conn, extractions, monkeypatch):
    seen = {}
    real = repository._upsert_actors

    def peek(c, actors):
        with closing(connect(conn.location, readonly=True)) as reader:      # another process, reading
            seen["documents"] = reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            seen["sentences"] = reader.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
        return real(c, actors)

    monkeypatch.setattr(repository, "_upsert_actors", peek)
    assert save(conn, extractions["002"]) == "added"
    assert seen == {"documents": 0, "sentences": 0}
    assert store.count(conn, "documents") == 1


# --- one transaction per article ------------------------------------------------------------------

@pytest.mark.parametrize("helper", ["_upsert_places", "_upsert_actors"])
def test_a_failure_in_the_middle_of_save_leaves_the_store_as_before(conn, extractions, monkeypatch, helper):
    assert save(conn, extractions["000"]) == "added"
    before = dump(conn)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(repository, helper, boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save(conn, extractions["003"])
    assert not conn.in_transaction
    assert dump(conn) == before
    assert read_document(conn, "003") is None
    with closing(connect(conn.location, readonly=True)) as other:
        assert [r[0] for r in other.execute("SELECT id FROM documents")] == ["000"]

    monkeypatch.undo()
    assert save(conn, extractions["003"]) == "added"


def test_a_failed_replacement_keeps_the_old_version(conn, seeds, extractions, monkeypatch):
    assert save(conn, extractions["004"]) == "added"
    before = dump(conn)
    new = extract(short_version(seeds["004"], 2))

    def boom(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(repository, "_upsert_places", boom)
    with pytest.raises(RuntimeError):
        save(conn, new)
    assert dump(conn) == before
    assert read_document(conn, "004")["text"] == seeds["004"].text


# --- parameterized SQL ----------------------------------------------------------------------------

EVIL_ID = "x'); DROP TABLE documents; --"


def test_a_hostile_id_and_title_are_stored_as_data(conn):
    article = Article(EVIL_ID, "زار فائز السراج القاهرة أمس والتقى الرئيس عبد الفتاح السيسي.",
                      title="'; DELETE FROM events; --", outlet='"); DROP TABLE sentences; --')
    ex = extract(article)
    assert save(conn, ex) == "added"
    assert all(store.count(conn, t) >= 0 for t in ("documents", "sentences", "events"))    # no table dropped
    doc = read_document(conn, EVIL_ID)
    assert doc["id"] == EVIL_ID
    assert doc["title"] == "'; DELETE FROM events; --"
    assert doc["outlet"] == '"); DROP TABLE sentences; --'
    assert len(doc["sentences"]) == len(ex.sentences) > 0
    assert {r["doc_id"] for r in read_events(conn)} <= {EVIL_ID}
    assert store.count(conn, "events") == len(unique_events(ex))
    assert read_document(conn, "' OR '1'='1") is None
    # replacing it goes through the same parameters
    assert save(conn, extract(replace(article, text=article.text + " وقال إن الحل سياسي."))) == "replaced"
    assert store.count(conn, "documents") == 1


def test_count_refuses_a_table_name_it_does_not_know(conn):
    with pytest.raises(ValueError):
        store.count(conn, "documents; DROP TABLE documents")
    assert store.count(conn, "documents") == 0


def test_events_carry_their_sides_as_lists_in_the_extractions_order(seeded, extractions):
    stored = {r["id"]: r for r in read_events(seeded, corrected=False)}
    for ex in extractions.values():
        digest = store.identity(ex.article)
        for e in ex.events:
            row = stored[event_id(digest, e)]
            assert [a["id"] for a in row["actor_list"]] == [a.id for a in e.actors]
            assert [a["id"] for a in row["counterpart_list"]] == [a.id for a in e.counterparts]
            assert all(set(a) == {"id", "name_en", "name_ar", "affiliation"} for a in row["actor_list"])


def test_a_postgresql_store_without_its_driver_says_what_to_install(monkeypatch):
    """The default install has no psycopg (requirements-hosting.txt brings it): a PostgreSQL URL then gets a clear
    error naming the file, with the password left out, instead of a bare import error."""
    monkeypatch.setitem(sys.modules, "psycopg", None)          # as in an install without requirements-hosting.txt
    with pytest.raises(store.StoreError) as err:
        connect("postgresql://atlas:s3cret@127.0.0.1:1/atlas")
    assert "pip install -r requirements-hosting.txt" in str(err.value) and "s3cret" not in str(err.value)
