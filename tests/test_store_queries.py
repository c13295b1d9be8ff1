"""The corrected events the pages query (``geo.store.current``) and the questions they ask (``geo.store.queries``),
on both engines: the view always equals the corrections applied afresh, an older store gets it once, and the
answers agree with counting the rows by hand."""
from collections import Counter
from contextlib import closing

import pytest

from geo.store import connect, corrections, current, day_counts, queries, read_events, trends, view_parties
from geo.store.queries import EventQuery
from tests.conftest import mark_schema


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
    assert dict(named["actor"].top) == dict(first_named) and named["actor"].top[0][1] == max(first_named.values())
    drawn = ((actor["place_id"],),)                         # only the groups a map draws: the same names, no others
    assert queries.names(conn, EventQuery(), ("place_id",), "place", drawn) == {drawn[0]: named}
    at = EventQuery(places=tuple(g["place_id"] for g in found[1:]))        # the store groups these places only
    assert queries.groups(conn, at, ("place_id",), "place") == (found[1:], 2)
    assert set(queries.names(conn, at, ("place_id",), "place")) == {(g["place_id"],) for g in found[1:]}
    one = queries.names(conn, EventQuery(), ("place_id",), "place", drawn, top=1)[drawn[0]]["actor"]
    assert one == (named["actor"].top[:1], len(first_named) - 1)      # the most named, and how many others
    kinds_at = Counter((e["place_id"], e["type"]) for e in every if e["lat"] is not None)
    most: dict[str, str] = {}
    for (place, kind), _ in sorted(kinds_at.items(), key=lambda kv: (-kv[1], kv[0][1])):   # most events, then by name
        most.setdefault(place, kind)
    assert queries.dominant(conn, EventQuery(), "type") == most      # each place's most frequent kind
    every_pair = queries.pairs(conn, EventQuery())
    busiest = queries.pairs(conn, EventQuery(), top=2)                # a matrix's: the two busiest on each side
    sides = [Counter(), Counter()]
    for a, _, c, _, n in every_pair:
        sides[0][a] += n
        sides[1][c] += n
    top = [{k for k, _ in sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))[:2]} for s in sides]
    assert busiest == [p for p in every_pair if p[0] in top[0] and p[2] in top[1]] and 0 < len(busiest) < len(every_pair)
    haftar = EventQuery(actors=("Khalifa Haftar",))
    assert {e["id"] for e in queries.rows(conn, haftar)} == {
        e["id"] for e in every if "Khalifa Haftar" in {a["name_en"] for a in e["actor_list"] + e["counterpart_list"]}}
    days = queries.per_day(conn, EventQuery(), "type")
    assert sum(n for _, _, n in days) == sum(1 for e in every if e["date_start"])


def most(values) -> str | None:
    """The most frequent of the values (None left out; a tie to the first in order)."""
    counts = Counter(v for v in values if v is not None)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


@pytest.mark.parametrize("q", [EventQuery(), EventQuery(status="occurred"), EventQuery(date_from="2019-01-01")],
                         ids=repr)
def test_an_incidents_map_draws_its_biggest_incidents_each_as_its_reports_tell_it(conn, q):
    every = queries.rows(conn, EventQuery())
    shown = {e["id"] for e in queries.rows(conn, q)}
    reports: dict[str, list[dict]] = {}
    for e in every:
        reports.setdefault(e["incident"], []).append(e)
    places = {r["id"]: r["place_id"] for r in conn.execute("SELECT id, place_id FROM incidents")}
    counted = sorted(((i, sum(e["id"] in shown for e in rs)) for i, rs in reports.items()
                      if any(e["id"] in shown for e in rs) and places[i] is not None), key=lambda kv: (-kv[1], kv[0]))
    found, total = queries.incident_objects(conn, q, "place", 6)
    assert [(g["incident"], g["n"]) for g in found] == counted[:6] and total == len(counted) > 6
    for g in found:
        mine = reports[g["incident"]]
        named_at = Counter(e["place_id"] for e in mine if e["place_id"])
        assert g["place_id"] == places[g["incident"]] and named_at[g["place_id"]] == max(named_at.values())
        assert g["origin_id"] == most(e["origin_id"] for e in mine if e["origin_lat"] is not None)
        assert (g["actor_key"], g["subtype"]) == (most(e["actor_key"] for e in mine), most(e["subtype"] for e in mine))
        assert g["last_id"] == max(mine, key=lambda e: (e["day"] or "", e["id"]))["id"]
        actors = Counter(e["actor_key"] for e in mine if e["actor_key"])
        top = sorted(actors.items(), key=lambda kv: (-kv[1], kv[0]))
        assert g.get("named", {}).get("actor", queries.Named([])) == queries.Named(top[:3], len(top[3:]))
    arcs, _ = queries.incident_objects(conn, q, "arc", 6)
    assert arcs and all(g["origin_id"] and g["olat"] is not None for g in arcs)


def test_a_selection_matches_missing_values_and_pages_come_newest_first(conn):
    every = queries.rows(conn, EventQuery())
    no_origin = EventQuery(kinds=("front_line",), match=(("origin_id", ""),))
    assert {e["id"] for e in queries.rows(conn, no_origin)} == {
        e["id"] for e in every if e["type"] == "front_line" and e["origin_id"] is None}
    newest = [e["day"] for e in queries.rows(conn, EventQuery(), 5) if e["day"]]
    assert newest == sorted((e["day"] for e in every if e["day"]), reverse=True)[:len(newest)]


def rollups(conn) -> dict[str, list]:
    return {t: sorted(tuple(str(v) for v in r) for r in conn.execute(f"SELECT * FROM {t}"))
            for t in (*current.ROLLUPS, "day_counts", "view_parties")}


def test_the_cells_stay_equal_to_a_recount_after_corrections_and_a_new_article(conn, seeds):
    from dataclasses import replace
    from geo.pipeline import extract
    from geo.store import save
    events = queries.rows(conn, EventQuery(kinds=("visit",)), order="oldest")
    corrections.add(conn, "event_status", events[0]["id"], {"status": "planned"})
    dropped = corrections.add(conn, "drop_event", events[1]["id"])
    corrections.add(conn, "event_date", events[2]["id"], {"date_start": "2001-02-03", "date_end": "2001-02-03"})
    corrections.undo(conn, dropped)
    article = next(iter(seeds.values()))
    save(conn, extract(replace(article, id="again", text=article.text + " .", source_hash="")))
    kept = rollups(conn)
    with conn.transaction():
        current.recount(conn)
        conn.execute("DELETE FROM meta WHERE key IN ('day_counts', 'view_parties')")
    day_counts.ensure_built(conn)                             # every day counted again
    view_parties.ensure_built(conn)                           # every event's parties written again
    assert rollups(conn) == kept and len(kept["event_cells"]) > 10 and kept["cell_pairs"] and kept["cell_parties"]
    assert all(r[-4] not in ("None", "") for r in kept["view_parties"])     # each event's incident, kept up to date
    assert ("2001-02-03", "visit") in {(r[0], r[1]) for r in kept["day_counts"]}      # the corrected day is counted
    assert sum(n for (n,) in conn.execute("SELECT events FROM event_cells")) == len(queries.rows(conn, EventQuery()))


def unordered(what: str, answer):
    """An answer as compared: pairs and parties in any order (ties among equal counts have none)."""
    return sorted(answer) if what in ("pairs", "parties") else answer


QUESTIONS = [EventQuery(), EventQuery(kinds=("visit",)), EventQuery(status="planned"),
             EventQuery(kinds=("front_line", "visit"), match=(("origin_id", ""),))]


@pytest.mark.parametrize("q", QUESTIONS, ids=["all", "visits", "planned", "no-origin"])
def test_the_cells_answer_as_the_events_do(conn, q, monkeypatch):
    """Every question the cells answer gets the same answer from the events one by one."""
    kinds, statuses = ("visit", "front_line", "diplomatic_flow"), ("occurred", "planned")
    asked = [("summary", (q, kinds, statuses)), ("groups", (q, ("type", "place_id"), "place")),
             ("groups", (q, ("origin_id", "place_id", "status"), "arc", 5)), ("groups", (q, ("actor_key",))),
             ("names", (q, ("place_id",), "place")), ("dominant", (q, "actor_key")), ("pairs", (q,)), ("parties", (q,)), ("span", (q,)),
             ("extent", (q,)), ("per_day", (q, "type")), ("per_day", (q, "status"))]
    assert q.source() is queries.CELLS and q.narrowed(date_from="2000-01-01").source() is queries.VIEW
    from_cells = [getattr(queries, what)(conn, *args) for what, args in asked]
    monkeypatch.setattr(EventQuery, "source", lambda self, by=(): queries.VIEW)
    from_events = [getattr(queries, what)(conn, *args) for what, args in asked]
    for (what, _), a, b in zip(asked, from_cells, from_events):
        assert unordered(what, a) == unordered(what, b), what
    assert from_cells[0]["events"] > 0


PARTY_QUESTIONS = [EventQuery(actors=("Khalifa Haftar",)), EventQuery(affiliations=("GNA",)),
                   EventQuery(actors=("Khalifa Haftar", "Fayez al-Sarraj")),
                   EventQuery(affiliations=("GNA", "LNA"), kinds=("front_line", "visit")),
                   EventQuery(actors=("Fayez al-Sarraj", "Donald Trump"), affiliations=("United States", "GNA")),
                   EventQuery(affiliations=("LNA",), date_from="2019-04-01", status="occurred")]


def names_any(e, q) -> bool:
    """Whether an event names one of ``q``'s actors and one of its affiliations (where it asks for them)."""
    sides = e["actor_list"] + e["counterpart_list"]
    return all(not wanted or {a[field] for a in sides} & set(wanted)
               for field, wanted in (("name_en", q.actors), ("affiliation", q.affiliations)))


@pytest.mark.parametrize("q", PARTY_QUESTIONS, ids=["actor", "affiliation", "two-actors", "two-affiliations",
                                                    "actors-and-affiliations", "affiliation-dated"])
def test_a_party_filter_reads_its_parties_rows_and_answers_as_the_events_do(conn, q, monkeypatch):
    """Filtered by actor or affiliation, the store reads the rows of those parties (``party_view``): every question
    gets the answer the view's events give one by one, and an event that names two of them counts once."""
    kinds, statuses = ("visit", "front_line", "diplomatic_flow"), ("occurred", "planned")
    week = trends.latest_week(conn, q)
    asked = [("summary", (q, kinds, statuses)), ("groups", (q, ("type", "place_id"), "place")),
             ("groups", (q, ("origin_id", "place_id", "status"), "arc", 5)), ("groups", (q, ("actor_key",))),
             ("names", (q, ("place_id",), "place")), ("dominant", (q, "actor_key")), ("pairs", (q,)),
             ("parties", (q,)), ("span", (q,)), ("extent", (q,)), ("per_day", (q, "type")),
             ("per_day", (q, "month")), ("rows", (q, 3)), ("rows", (q, None, "oldest")), ("per_document", (q,)),
             ("incident_objects", (q,)), ("incident_objects", (q, "arc", 4)), ("find_documents", ("", None, q))]
    oldest = asked.index(("rows", (q, None, "oldest")))
    assert q.source() is queries.PARTIES and week is not None
    from_parties = [getattr(queries, what)(conn, *args) for what, args in asked] + [trends.what_changed(conn, q, week)]
    monkeypatch.setattr(EventQuery, "events", lambda self: queries.VIEW)
    from_events = [getattr(queries, what)(conn, *args) for what, args in asked] + [trends.what_changed(conn, q, week)]
    for what, a, b in zip([w for w, _ in asked] + ["what_changed"], from_parties, from_events):
        assert unordered(what, a) == unordered(what, b), what
    every = queries.rows(conn, EventQuery(date_from=q.date_from, status=q.status, kinds=q.kinds))
    named = [e for e in every if names_any(e, q)]
    assert from_parties[0]["events"] == len(named) > 0                  # each event once
    assert sorted(e["id"] for e in from_parties[oldest]) == sorted(e["id"] for e in named)


def test_an_event_that_names_two_of_the_parties_asked_for_counts_once(conn):
    both = EventQuery(actors=("Khalifa Haftar", "Fayez al-Sarraj"))
    each = [queries.summary(conn, EventQuery(actors=(a,)), (), ())["events"] for a in both.actors]
    together = queries.summary(conn, both, (), ())["events"]
    assert max(each) < together < sum(each)                    # some events name both, and count once
    assert len(queries.rows(conn, both)) == together


def drop_parties(conn) -> None:
    """Make the store one from before ``view_parties``: no table, no view of it, not written."""
    conn.execute("DROP VIEW party_view")
    conn.execute("DROP TABLE view_parties")
    conn.execute("DELETE FROM meta WHERE key = 'view_parties'")


def test_a_store_of_schema_6_gets_its_cells_when_opened_for_writing(store_target, conn):
    expected = rollups(conn)
    with conn.transaction():                                  # as a store of schema 6 is: no cells, no cell column
        drop_parties(conn)                                    # nor what came later and reads them
        for table in current.ROLLUPS:
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP INDEX ix_view_cell")
        conn.execute("ALTER TABLE event_view DROP COLUMN cell")
        mark_schema(conn, 6)
        conn.execute("UPDATE meta SET value = 1 WHERE key = 'event_view'")
    with closing(connect(store_target)) as writer:
        assert current.is_built(writer) and rollups(writer) == expected
        assert queries.figures(writer)["visit"]["events"] == queries.summary(writer, EventQuery(), ("visit",), ())["visit"]


def test_a_store_of_schema_11_gets_its_days_counted_when_opened_for_writing(store_target, conn):
    expected = rollups(conn)["day_counts"]
    with conn.transaction():                                  # as a store of schema 11 is: no day_counts
        conn.execute("DROP TABLE day_counts")
        conn.execute("DELETE FROM meta WHERE key = 'day_counts'")
        mark_schema(conn, 11)
    with closing(connect(store_target)) as writer:
        assert rollups(writer)["day_counts"] == expected and expected
        assert sum(n for _, _, n in queries.per_day(writer, EventQuery(), "type")) == \
            sum(1 for e in queries.rows(writer, EventQuery()) if e["day"])


def test_a_store_of_schema_12_gets_its_parties_written_when_opened_for_writing(store_target, conn):
    expected = rollups(conn)["view_parties"]
    with conn.transaction():                                  # as a store of schema 12 is: no view_parties
        drop_parties(conn)
        mark_schema(conn, 12)
    with closing(connect(store_target)) as writer:
        assert rollups(writer)["view_parties"] == expected and expected
        assert queries.summary(writer, EventQuery(affiliations=("GNA",)), (), ())["events"] > 0


def test_a_date_filter_keeps_a_long_event_that_began_before_it(conn):
    """The filter reads only days an overlapping event can start on (the store's longest window before it), and a
    correction that widens an event's window widens that bound with it."""
    event = queries.rows(conn, EventQuery(kinds=("visit",)), 1)[0]
    corrections.add(conn, "event_date", event["id"], {"date_start": "2001-01-01", "date_end": "2001-12-31"})
    assert current.longest_window(conn) >= 364
    in_december = EventQuery(date_from="2001-12-01", date_to="2001-12-05")
    assert [e["id"] for e in queries.rows(conn, in_december)] == [event["id"]]
    assert queries.summary(conn, in_december, ("visit",), ())["visit"] == 1
    assert queries.rows(conn, EventQuery(date_from="2002-01-01", date_to="2002-01-05")) == []


def test_a_store_that_never_kept_its_longest_window_gets_it_when_opened_for_writing(store_target, conn):
    longest = current.longest_window(conn)
    with conn.transaction():
        conn.execute("DELETE FROM meta WHERE key = 'longest_window'")
    with closing(connect(store_target, readonly=True)) as reader:      # unknown: the filter reads every day
        assert current.longest_window(reader) is None
        dated = [e["id"] for e in queries.rows(reader, EventQuery()) if e["day"]]
        assert [e["id"] for e in queries.rows(reader, EventQuery(date_from="1900-01-01"))] == dated
    with closing(connect(store_target)) as writer:
        assert current.longest_window(writer) == longest
