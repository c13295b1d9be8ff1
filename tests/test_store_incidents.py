"""Examples of the incidents the store keeps (``geo.store.incidents``): reports of one happening across articles
grouped on every save, correction and undo, with ids that survive recomputation and re-ingest, in the export too.
Each test runs on both engines (``store_target``)."""
from __future__ import annotations

import csv
import io
import json
import random
from contextlib import closing

import pytest

from geo.export import export_events
from geo.incidents import group
from geo.model import Place
from geo.pipeline import extract
from geo.store import connect, corrections, history, read_events, save
from geo.store import incidents as store_incidents
from geo.store.queries import EventQuery, Named, groups, incident, incident_facts, incident_objects, incident_of, rows
from geo.store.schema import INCIDENT_FACTS
from tests.conftest import mark_schema
from tests.extractions import BENGHAZI, DERNA, HAFTAR, LNA, MACRON, MAGHAR, PARIS, TRIPOLI, article



def clash(day: str, place: Place = DERNA, actors=(LNA,), **more) -> dict:
    return {"kind": "front_line", "place": place, "day": day, "actors": actors, **more}


def visit(day: str, status: str = "occurred", place: Place = PARIS) -> dict:
    return {"kind": "visit", "place": place, "day": day, "actors": (HAFTAR,), "counterparts": (MACRON,),
            "status": status}


def incidents_of(conn) -> list[dict]:
    """Every incident with its reports' articles, earliest first."""
    ids = [r[0] for r in conn.execute("SELECT id FROM incidents ORDER BY first_reported, id")]
    return [incident(conn, i) for i in ids]


def memberships(conn) -> dict[str, str]:
    """Each event's incident."""
    return {r[0]: r[1] for r in conn.execute("SELECT event_id, incident_id FROM incident_events")}


def event_of(conn, doc_id: str) -> str:
    return conn.execute("SELECT id FROM events WHERE doc_id = ?", (doc_id,)).fetchone()[0]


def everything_grouped_at_once(conn) -> dict[str, str]:
    """What ``geo.incidents.group`` makes of every event of the store in one go, with the editors' splits and merges:
    each event's incident."""
    docs = [r[0] for r in conn.execute("SELECT id FROM documents")]
    editors = store_incidents.decisions(conn)
    return {r.id: i.id for i in group(store_incidents.reports(conn, "doc_id", docs), separate=editors.separate,
                                      joined=editors.joined) for r in i.reports}


def parties_follow_the_view(conn) -> bool:
    """Whether each event's rows of ``view_parties`` carry the incident and outlets its row of the view carries, and
    whether that incident is on a map as its row of ``incidents`` says."""
    view = {r[0]: tuple(r[1:]) for r in conn.execute("SELECT v.id, v.incident, v.incident_outlets, i.mapped FROM "
                                                     "event_view v LEFT JOIN incidents i ON i.id = v.incident")}
    parties = {r[0]: tuple(r[1:]) for r in conn.execute("SELECT id, incident, incident_outlets, mapped FROM view_parties")}
    return bool(parties) and parties == {e: view.get(e) for e in parties}      # none of an event not in the view


@pytest.fixture
def conn(store_target):
    with closing(connect(store_target)) as c:
        yield c


@pytest.fixture
def regrouped(monkeypatch) -> list:
    """The articles of each call of ``store_incidents.regrouped`` (grouping whole incidents again), as it runs."""
    calls: list = []
    inner = store_incidents.regrouped
    monkeypatch.setattr(store_incidents, "regrouped", lambda *a, **k: calls.append(a[1]) or inner(*a, **k))
    return calls


def test_two_outlets_reporting_one_clash_are_one_incident_of_two_outlets(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04", actors=(HAFTAR,))))
    [one] = incidents_of(conn)
    assert (one["kind"], one["outlets"], one["sources"], one["reports"]) == ("front_line", 2, 2, 2)
    assert one["outlet_names"] == "Al Wasat; Sky News Arabia"
    assert [r["doc_id"] for r in one["report_list"]] == sorted(["a", "b"], key=lambda d: event_of(conn, d))
    assert "affiliated actors" in one["report_list"][1]["reason"]       # Haftar and the LNA are one side


def test_a_planned_visit_then_its_report_that_it_happened_are_one_incident_that_occurred(conn):
    save(conn, article("invited", "Al Wasat", "2019-05-20", visit("2019-05-22", status="planned")))
    [planned] = incidents_of(conn)
    assert planned["status"] == "planned"
    save(conn, article("arrived", "Libya Observer", "2019-05-22", visit("2019-05-22")))
    [both] = incidents_of(conn)
    assert (both["id"], both["status"], both["first_reported"]) == (planned["id"], "occurred", "2019-05-20")
    assert [r["doc_id"] for r in both["report_list"]] == ["invited", "arrived"]


def test_two_visits_of_one_person_to_one_city_a_month_apart_stay_two(conn):
    save(conn, article("may", "Al Wasat", "2019-05-22", visit("2019-05-22")))
    save(conn, article("june", "Al Wasat", "2019-06-24", visit("2019-06-24")))
    assert [i["first_day"] for i in incidents_of(conn)] == ["2019-05-22", "2019-06-24"]


def test_dropping_an_event_takes_it_out_of_its_incident_and_undo_puts_it_back(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-05", clash("2018-06-05")))
    [before] = incidents_of(conn)
    cid = corrections.add(conn, "drop_event", event_of(conn, "b"))
    [after] = incidents_of(conn)
    assert (after["id"], after["outlets"]) == (before["id"], 1) and incident_of(conn, event_of(conn, "b")) is None
    corrections.undo(conn, cid)
    assert incidents_of(conn) == [before] and memberships(conn) == everything_grouped_at_once(conn)


def test_moving_an_event_to_another_city_splits_it_off_into_an_incident_of_its_own(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-05", clash("2018-06-05")))
    corrections.add(conn, "event_place", event_of(conn, "b"), {"place_id": TRIPOLI.id})
    derna, tripoli = incidents_of(conn)
    assert (derna["place_en"], derna["outlets"], tripoli["place_en"]) == ("Derna", 1, "Tripoli")
    assert tripoli["id"] == f"incident:{event_of(conn, 'b')}"
    assert memberships(conn) == everything_grouped_at_once(conn)


def reasons(conn) -> dict[str, str]:
    """Each event's reason for being in its incident, by article."""
    return {r[0]: r[1] for r in conn.execute("SELECT doc_id, reason FROM incident_events")}


def test_an_editor_splits_an_event_from_its_incident_and_undo_puts_it_back(conn):
    for doc, outlet in (("a", "Sky News Arabia"), ("b", "Al Wasat"), ("c", "Al Marsad")):
        save(conn, article(doc, outlet, "2018-06-04", clash("2018-06-04")))
    [before] = incidents_of(conn)
    b = event_of(conn, "b")
    cid = corrections.add(conn, "incident_split", b, note="another clash", who="ana@example.org")
    assert sorted(len(i["report_list"]) for i in incidents_of(conn)) == [1, 2]
    assert incident_of(conn, b) == f"incident:{b}"
    assert incident(conn, f"incident:{b}")["outlets"] == 1 and incident_of(conn, event_of(conn, "a")) != incident_of(conn, b)
    assert reasons(conn)["b"] == "split from its incident by an editor"
    assert memberships(conn) == everything_grouped_at_once(conn)
    assert [e["corrected"] for e in read_events(conn) if e["doc_id"] == "b"] == [False]     # the event is unchanged
    corrections.undo(conn, cid, who="omar@example.org")
    assert incidents_of(conn) == [before]
    assert [(c["action"], c["who"], c["detail"]["kind"]) for c in reversed(history.changes(conn, target=str(cid)))] == \
        [("correction", "ana@example.org", "incident_split"), ("undo", "omar@example.org", "incident_split")]


def test_an_editor_merges_one_persons_two_visits_a_month_apart_and_undo_parts_them(conn):
    save(conn, article("may", "Al Wasat", "2019-05-22", visit("2019-05-22")))
    save(conn, article("june", "Libya Observer", "2019-06-24", visit("2019-06-24")))
    may, june = incidents_of(conn)
    cid = corrections.add(conn, "incident_merge", event_of(conn, "june"), {"with": event_of(conn, "may")})
    [merged] = incidents_of(conn)
    assert (merged["id"], merged["reports"], merged["outlets"]) == (may["id"], 2, 2)        # the earliest names it
    assert (merged["first_day"], merged["last_day"]) == ("2019-05-22", "2019-06-24")
    assert reasons(conn)["june"] == "merged by an editor"
    assert memberships(conn) == everything_grouped_at_once(conn)
    corrections.undo(conn, cid)
    assert incidents_of(conn) == [may, june]


def test_a_merge_regroups_the_other_events_incident_even_from_its_own_article(conn):
    save(conn, article("may", "Al Wasat", "2019-05-22", visit("2019-05-22")))
    save(conn, article("may2", "Al Marsad", "2019-05-22", visit("2019-05-22")))
    save(conn, article("june", "Libya Observer", "2019-06-24", visit("2019-06-24")))
    corrections.add(conn, "incident_merge", event_of(conn, "may"), {"with": event_of(conn, "june")})
    [merged] = incidents_of(conn)
    assert sorted(r["doc_id"] for r in merged["report_list"]) == ["june", "may", "may2"]


def test_a_split_survives_a_later_article_that_touches_the_incident(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04")))
    corrections.add(conn, "incident_split", event_of(conn, "b"))
    save(conn, article("c", "Al Marsad", "2018-06-05", clash("2018-06-05")))
    kept, alone = sorted(incidents_of(conn), key=lambda i: -i["reports"])
    assert sorted(r["doc_id"] for r in kept["report_list"]) == ["a", "c"]
    assert [r["doc_id"] for r in alone["report_list"]] == ["b"]
    assert memberships(conn) == everything_grouped_at_once(conn)


def test_a_merge_survives_a_later_report_of_one_of_the_visits(conn):
    save(conn, article("may", "Al Wasat", "2019-05-22", visit("2019-05-22")))
    save(conn, article("june", "Libya Observer", "2019-06-24", visit("2019-06-24")))
    corrections.add(conn, "incident_merge", event_of(conn, "june"), {"with": event_of(conn, "may")})
    save(conn, article("june2", "Al Marsad", "2019-06-25", visit("2019-06-24")))
    [merged] = incidents_of(conn)
    assert [r["doc_id"] for r in merged["report_list"]] == ["may", "june", "june2"]


def test_a_split_after_a_merge_wins_and_undoing_it_merges_again(conn):
    save(conn, article("may", "Al Wasat", "2019-05-22", visit("2019-05-22")))
    save(conn, article("june", "Libya Observer", "2019-06-24", visit("2019-06-24")))
    corrections.add(conn, "incident_merge", event_of(conn, "june"), {"with": event_of(conn, "may")})
    split = corrections.add(conn, "incident_split", event_of(conn, "june"))
    assert len(incidents_of(conn)) == 2
    corrections.undo(conn, split)
    assert len(incidents_of(conn)) == 1 and memberships(conn) == everything_grouped_at_once(conn)


def test_replacing_an_article_moves_its_reports_to_the_incidents_of_its_new_text(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04", place=TRIPOLI, text="other text")))
    derna, tripoli = sorted(incidents_of(conn), key=lambda i: i["place_en"])
    assert [r["doc_id"] for r in derna["report_list"]] == ["a"] and [r["doc_id"] for r in tripoli["report_list"]] == ["b"]
    assert memberships(conn) == everything_grouped_at_once(conn)
    assert parties_follow_the_view(conn)                    # the replaced text's events left no parties' rows


def test_the_export_carries_each_events_incident(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04")))
    rows = list(csv.DictReader(io.StringIO(export_events(read_events(conn), "csv").lstrip("\ufeff"))))
    [one] = incidents_of(conn)
    assert [r["incident_id"] for r in rows] == [one["id"], one["id"]]
    features = json.loads(export_events(read_events(conn), "geojson"))["features"]
    assert {f["properties"]["incident_id"] for f in features} == {one["id"]}


def test_the_seeds_ingested_in_any_order_give_the_same_incidents_and_ids_as_grouping_everything(seeds, tmp_path,
                                                                                                 store_target):
    extractions = [extract(a) for a in seeds.values()]
    with closing(connect(store_target)) as forward, closing(connect(tmp_path / "backward.sqlite")) as backward:
        for ex in extractions:
            save(forward, ex)
        for ex in reversed(extractions):
            save(backward, ex)
        assert memberships(forward) == memberships(backward) == everything_grouped_at_once(forward)
        assert len(set(memberships(forward).values())) < len(memberships(forward))     # some reports merged


def test_recomputing_every_incident_changes_no_id(seed_conn):
    before = memberships(seed_conn), stored_incidents(seed_conn)
    seed_conn.execute("DELETE FROM meta WHERE key = 'incidents'")
    store_incidents.ensure_built(seed_conn)
    assert (memberships(seed_conn), stored_incidents(seed_conn)) == before   # a report's link may be another one


def test_an_article_ingested_later_joins_the_incident_without_renaming_it(conn):
    save(conn, article("first", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    [alone] = incidents_of(conn)
    save(conn, article("later", "Al Wasat", "2018-06-06", clash("2018-06-05")))
    [joined] = incidents_of(conn)
    assert joined["id"] == alone["id"] and joined["reports"] == 2


def as_schema_8(conn) -> None:
    """The store as schema 8 left it: no incidents (nothing else differs)."""
    with conn.transaction():
        conn.execute("DROP TABLE incident_events")
        conn.execute("DROP TABLE incidents")
        conn.execute("DELETE FROM meta WHERE key = 'incidents'")
        mark_schema(conn, 8)


def test_an_older_store_gets_its_incidents_when_opened_for_writing(store_target):
    with closing(connect(store_target)) as conn:
        save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
        save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04")))
        before = incidents_of(conn)
        as_schema_8(conn)
    with closing(connect(store_target)) as migrated:
        assert incidents_of(migrated) == before and before[0]["outlets"] == 2


def test_the_view_carries_each_events_incident_and_its_outlets_for_maps_and_the_outlets_filter(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04"), visit("2018-06-04")))
    view = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, incident, incident_outlets FROM event_view")}
    assert {e: i for e, (i, _) in view.items()} == memberships(conn)
    assert sorted(n for _, n in view.values()) == [1, 2, 2]
    corroborated = rows(conn, EventQuery(outlets=2))
    assert sorted(e["type"] for e in corroborated) == ["front_line", "front_line"]
    assert parties_follow_the_view(conn) and rows(conn, EventQuery(outlets=2, affiliations=(LNA.affiliation,))) == \
        corroborated                                                  # the parties' rows filter by outlets too
    [(clash_incident, _)] = {(i, n) for i, n in view.values() if n == 2}
    assert len(groups(conn, EventQuery(), ("incident",))[0]) == 2           # the map: one object per incident
    facts = incident_facts(conn, [clash_incident])[clash_incident]
    assert (facts["reports"], facts["outlets"], facts["outlet_names"]) == (2, 2, "Al Wasat; Sky News Arabia")


def test_a_correction_moves_the_event_to_its_new_incident_in_the_view_too(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04")))
    moved = event_of(conn, "b")
    corrections.add(conn, "event_place", moved, {"place_id": TRIPOLI.id})
    view = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, incident, incident_outlets FROM event_view")}
    assert view[moved] == (f"incident:{moved}", 1)
    assert rows(conn, EventQuery(outlets=2)) == [] and parties_follow_the_view(conn)


def test_a_map_draws_only_the_incidents_with_the_most_reports(conn):
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04"), visit("2018-06-04")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04")))
    save(conn, article("c", "Al Marsad", "2018-06-05", clash("2018-06-05", actors=(HAFTAR,))))
    [(derna, _)] = {(r[0], r[1]) for r in conn.execute("SELECT id, reports FROM incidents WHERE kind = 'front_line'")}
    found, total = incident_objects(conn, EventQuery(), "place", 1)
    assert [(g["incident"], g["n"], g["place_id"]) for g in found] == [(derna, 3, DERNA.id)] and total == 2
    assert found[0]["named"]["actor"] == Named([(LNA.name_en, 2), (HAFTAR.name_en, 1)])    # most named first
    assert incident_objects(conn, EventQuery(date_from="2018-06-05"), "place", 5) == (
        [found[0] | {"n": 1}], 1)                                   # the view counts its reports under the filter
    assert incident_objects(conn, EventQuery(kinds=("visit",)), "place", 5)[1] == 1
    assert incident_objects(conn, EventQuery(), "arc", 5) == ([], 0)       # no report names an origin: no arc


def stored_incidents(conn, columns: str = "*") -> set[tuple]:
    """The ``incidents`` rows (their first ``columns`` are what ``store_incidents.incident_row`` writes)."""
    return {tuple(r) for r in conn.execute(f"SELECT {columns} FROM incidents")}


def test_articles_ingested_one_by_one_join_their_neighbours_incidents_without_regrouping_them(conn, regrouped):
    rng = random.Random(3)
    arts = [article(f"n{k}", rng.choice(["Al Wasat", "Sky News Arabia", "Al Marsad"]),
                    f"2018-{rng.randint(5, 7):02d}-{rng.randint(1, 28):02d}",
                    *[clash(f"2018-{rng.randint(5, 7):02d}-{rng.randint(1, 28):02d}",
                            place=rng.choice([DERNA, TRIPOLI, BENGHAZI]), actors=rng.choice([(LNA,), (HAFTAR,)]))
                      for _ in range(rng.randint(1, 3))])
            for k in range(40)]
    for ex in arts:
        save(conn, ex)
    assert regrouped == []                                  # every article joined its neighbours' incidents
    assert memberships(conn) == everything_grouped_at_once(conn)
    everything = group(store_incidents.reports(conn, "doc_id", [a.article.id for a in arts]))
    written = ", ".join(c for c in conn.execute("SELECT * FROM incidents LIMIT 1").fetchone().keys()
                        if c not in INCIDENT_FACTS)
    assert stored_incidents(conn, written) == {store_incidents.incident_row(i) for i in everything}
    view = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, incident, incident_outlets FROM event_view")}
    assert view == {r.id: (i.id, len(i.outlets)) for i in everything for r in i.reports}
    assert parties_follow_the_view(conn)
    assert max(len(i.reports) for i in everything) > 5       # incidents were joined, not only made
    joined = stored_incidents(conn)
    conn.execute("DELETE FROM meta WHERE key = 'incidents'")
    store_incidents.ensure_built(conn)                       # everything grouped again, in one batch
    assert stored_incidents(conn) == joined                  # what a map draws of each incident too


def test_an_earlier_report_joining_later_renames_the_incident_and_every_report_gives_its_reason(conn):
    save(conn, article("june-1", "Al Wasat", "2018-06-01", clash("2018-06-01")))
    save(conn, article("june-30", "Al Marsad", "2018-06-30", clash("2018-06-30")))
    assert len(incidents_of(conn)) == 2                    # 29 days apart
    save(conn, article("bridge", "Sky News Arabia", "2018-05-31", clash("2018-06-15", end="2018-06-16")))
    [one] = incidents_of(conn)
    assert one["id"] == f"incident:{event_of(conn, 'bridge')}" and one["reports"] == 3 and one["outlets"] == 3
    why = {r["doc_id"]: r["reason"] for r in one["report_list"]}
    assert why["bridge"] == "" and why["june-1"] and why["june-30"]      # the earliest is the incident's name
    assert {r[0] for r in conn.execute("SELECT DISTINCT incident FROM event_view")} == {one["id"]}


def test_an_article_near_a_placeless_report_is_grouped_with_everything_it_touches(conn, regrouped):
    save(conn, article("a", "Al Wasat", "2018-06-01", clash("2018-06-01"), clash("2018-06-01", place=None)))
    regrouped.clear()
    save(conn, article("b", "Al Marsad", "2018-06-02", clash("2018-06-02", place=TRIPOLI)))
    assert regrouped == [["b"]]                             # the placeless report might fit the new one better
    assert memberships(conn) == everything_grouped_at_once(conn)


def test_a_bombing_told_at_a_quarter_and_at_its_city_is_one_incident_until_the_city_sees_a_campaign(conn, regrouped):
    save(conn, article("bombing", "Al Wasat", "2018-06-02", clash("2018-06-02", place=MAGHAR), clash("2018-06-02")))
    assert len(incidents_of(conn)) == 1 and regrouped == []            # the quarter is the bombing's spot
    save(conn, article("campaign", "Al Marsad", "2018-06-10", clash("2018-05-20", end="2018-06-09")))
    assert regrouped == [["campaign"]]                   # the site may no longer be the spot: grouped again
    assert len(incidents_of(conn)) == 2 and memberships(conn) == everything_grouped_at_once(conn)


def test_in_one_batch_the_articles_that_cannot_join_are_regrouped_after_the_others_joined(conn, regrouped):
    for ex in [article("bombing", "Al Wasat", "2018-06-02", clash("2018-06-02", place=MAGHAR), clash("2018-06-02")),
               article("campaign", "Al Marsad", "2018-06-10", clash("2018-05-20", end="2018-06-09")),
               article("unplaced", "Al Wasat", "2018-06-11", clash("2018-06-11", place=None)),
               article("tripoli", "Al Marsad", "2018-06-10", clash("2018-06-10", place=TRIPOLI)),
               article("next-day", "Libya Observer", "2018-06-11", clash("2018-06-11", place=TRIPOLI))]:
        save(conn, ex)
    before = memberships(conn)
    regrouped.clear()
    conn.execute("DELETE FROM meta WHERE key = 'incidents'")
    store_incidents.ensure_built(conn)                      # every article again, in one batch
    assert regrouped == [["unplaced"]]                      # the others joined first
    assert memberships(conn) == before == everything_grouped_at_once(conn)


def ranked_from_the_view(conn, q: EventQuery) -> list[tuple[str, int]]:
    """Each incident with a report under ``q`` and its reports there, most first: counted from the events a user
    sees (``rows``), the way a map's ranking must come out."""
    counts: dict[str, int] = {}
    for e in rows(conn, q):
        counts[e["incident"]] = counts.get(e["incident"], 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def busy_store(conn) -> None:
    """A clash told by three outlets, a visit planned then made, and a planned visit elsewhere."""
    save(conn, article("a", "Sky News Arabia", "2018-06-04", clash("2018-06-04"), visit("2018-06-06", "planned")))
    save(conn, article("b", "Al Wasat", "2018-06-04", clash("2018-06-04"), visit("2018-06-06", "planned")))
    save(conn, article("c", "Al Marsad", "2018-06-05", clash("2018-06-05", actors=(HAFTAR,)), visit("2018-06-06")))
    save(conn, article("d", "Al Marsad", "2018-07-01", visit("2018-07-01", "planned", place=TRIPOLI)))


@pytest.mark.parametrize("q", [EventQuery(), EventQuery(status="planned"), EventQuery(status="occurred"),
                               EventQuery(kinds=("visit",), status="planned"), EventQuery(outlets=2),
                               EventQuery(kinds=("visit", "front_line"), status="occurred", outlets=3),
                               EventQuery(actors=("Khalifa Haftar",)), EventQuery(date_to="2018-06-30")],
                         ids=repr)
def test_a_filtered_map_ranks_incidents_by_their_reports_under_the_filter(conn, q):
    busy_store(conn)
    expected = ranked_from_the_view(conn, q)
    planned = {i: sum(e["status"] == "planned" for e in rows(conn, q.narrowed(match=(("incident", i),))))
               for i, _ in expected}
    for limit in (1, 2, 10):
        found, total = incident_objects(conn, q, "place", limit)
        assert [(g["incident"], g["n"], g["planned"]) for g in found] == \
            [(i, n, planned[i]) for i, n in expected[:limit]] and total == len(expected)


def test_an_older_store_counts_its_incidents_reports_of_each_status_when_opened_for_writing(store_target):
    with closing(connect(store_target)) as conn:
        busy_store(conn)
        before = {r[0]: tuple(r[1:]) for r in conn.execute("SELECT id, planned, occurred FROM incidents")}
        with conn.transaction():                            # schema 10: no counts of reports by status
            for status in ("planned", "occurred"):
                conn.execute(f"DROP INDEX ix_incidents_rank_{status}")
                conn.execute(f"ALTER TABLE incidents DROP COLUMN {status}")
            mark_schema(conn, 10)
    with closing(connect(store_target)) as migrated:
        after = {r[0]: tuple(r[1:]) for r in migrated.execute("SELECT id, planned, occurred FROM incidents")}
        assert after == before and sorted(before.values()) == [(0, 3), (1, 0), (2, 1)]
        assert incident_objects(migrated, EventQuery(status="planned"), "place", 5)[1] == 2


def test_an_older_store_gets_what_a_map_draws_of_each_incident_when_opened_for_writing(store_target):
    facts = ", ".join(INCIDENT_FACTS)
    with closing(connect(store_target)) as conn:
        busy_store(conn)
        before = sorted(tuple(r) for r in conn.execute(f"SELECT id, {facts} FROM incidents"))
        with conn.transaction():                            # schema 11: no facts
            for ranked in ("reports", "planned", "occurred"):
                conn.execute(f"DROP INDEX ix_incidents_rank_{ranked}")
            for column in INCIDENT_FACTS:
                conn.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
            conn.execute("DELETE FROM meta WHERE key = 'incident_map'")
            mark_schema(conn, 11)
    with closing(connect(store_target)) as migrated:
        assert sorted(tuple(r) for r in migrated.execute(f"SELECT id, {facts} FROM incidents")) == before
        assert before and all(r[-2] and r[-1] for r in before)     # every one has its latest report and its names
