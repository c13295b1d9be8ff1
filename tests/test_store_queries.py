"""The corrected events the pages query (``geo.store.current``) and the questions they ask (``geo.store.queries``),
on both engines: the view always equals the corrections applied afresh, an older store gets it once, and the
answers agree with counting the rows by hand."""
from collections import Counter
from contextlib import closing

import pytest

from geo.store import connect, corrections, current, queries, read_events
from geo.store.queries import EventQuery


@pytest.fixture
def conn(seed_conn):
    return seed_conn


def corrected_afresh(conn) -> dict[str, tuple]:
    """Every event with every active correction applied to what was extracted, the slow way."""
    fixes = corrections.active(conn)
    mentions = corrections.mention_rows(conn, [c["target"] for c in fixes if c["kind"] == "mention_place"])
    rows = corrections.apply(read_events(conn, corrected=False), fixes, mentions)
    return {e["id"]: (e["status"], e["date_start"], e["place_id"], e["corrected"]) for e in rows}


def in_view(conn) -> dict[str, tuple]:
    return {e["id"]: (e["status"], e["date_start"], e["place_id"], e["corrected"])
            for e in queries.rows(conn, EventQuery(), order="oldest")}


def test_the_view_follows_every_correction_and_undo(conn):
    assert in_view(conn) == corrected_afresh(conn) and len(in_view(conn)) > 20
    events = queries.rows(conn, EventQuery(kinds=("visit",)), order="oldest")
    first, second = events[0], events[1]
    corrections.add(conn, "event_status", first["id"], {"status": "planned"})
    dropped = corrections.add(conn, "drop_event", second["id"])
    corrections.add(conn, "event_date", first["id"], {"date_start": "2001-02-03", "date_end": "2001-02-04"})
    assert in_view(conn) == corrected_afresh(conn)
    assert in_view(conn)[first["id"]][:2] == ("planned", "2001-02-03") and second["id"] not in in_view(conn)
    corrections.undo(conn, dropped)
    assert in_view(conn) == corrected_afresh(conn) and second["id"] in in_view(conn)


def test_a_store_made_before_the_view_gets_it_once_when_opened_for_writing(store_target, conn):
    corrections.add(conn, "event_status", queries.rows(conn, EventQuery(), 1)[0]["id"], {"status": "planned"})
    expected = in_view(conn)
    with conn.transaction():                                  # as a store of schema 5 is: no view yet
        conn.execute("DELETE FROM event_view")
        conn.execute("DELETE FROM meta WHERE key = 'event_view'")
    with closing(connect(store_target, readonly=True)) as reader:
        assert not current.is_built(reader) and in_view(reader) == {}     # a reader never builds it
    with closing(connect(store_target)) as writer:
        assert current.is_built(writer) and in_view(writer) == expected


def test_the_answers_agree_with_counting_rows(conn):
    every = queries.rows(conn, EventQuery())
    kinds, statuses = ("visit", "front_line", "diplomatic_flow"), ("occurred", "planned")
    s = queries.summary(conn, EventQuery(), kinds, statuses)
    assert s["events"] == len(every) and s["articles"] == len({e["doc_id"] for e in every})
    assert {k: s[k] for k in kinds} == {k: sum(e["type"] == k for e in every) for k in kinds}
    found, total = queries.groups(conn, EventQuery(), ("place_id",), "place", limit=3)
    located = Counter(e["place_id"] for e in every if e["lat"] is not None)
    assert total == len(located) and [g["n"] for g in found] == sorted(located.values(), reverse=True)[:3]
    actor = found[0]
    named = queries.names(conn, EventQuery(), ("place_id",), "place")[(actor["place_id"],)]
    first_named = Counter(e["actor_list"][0]["name_en"] for e in every
                          if e["place_id"] == actor["place_id"] and e["actor_list"])
    assert dict(named["actor"]) == dict(first_named) and named["actor"][0][1] == max(first_named.values())
    haftar = EventQuery(actors=("Khalifa Haftar",))
    assert {e["id"] for e in queries.rows(conn, haftar)} == {
        e["id"] for e in every if "Khalifa Haftar" in {a["name_en"] for a in e["actor_list"] + e["counterpart_list"]}}
    days = queries.per_day(conn, EventQuery(), "type")
    assert sum(n for _, _, n in days) == sum(1 for e in every if e["date_start"])


def test_a_selection_matches_missing_values_and_pages_come_newest_first(conn):
    every = queries.rows(conn, EventQuery())
    no_origin = EventQuery(kinds=("front_line",), match=(("origin_id", ""),))
    assert {e["id"] for e in queries.rows(conn, no_origin)} == {
        e["id"] for e in every if e["type"] == "front_line" and e["origin_id"] is None}
    newest = [e["day"] for e in queries.rows(conn, EventQuery(), 5) if e["day"]]
    assert newest == sorted((e["day"] for e in every if e["day"]), reverse=True)[:len(newest)]
