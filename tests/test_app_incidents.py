"""The app's incidents: maps draw one object per incident by default (``show``), the sidebar's and the link's
``outlets`` keep only corroborated ones, and the reader shows each incident's reports as a timeline
(``atlas_app.incident_ui``). On the seed store, through AppTest."""
from __future__ import annotations

from contextlib import closing

import pytest

from atlas_app.site import FRONT_LINES, OVERVIEW, SOURCES
from atlas_app.style import date_label
from geo.store import connect
from tests.apptest import ok, run, table_rows
from tests.test_app_pages import MAP_PAGES as LAYER, deck, layer, placed

MAP_PAGES = list(LAYER)


def store_incidents(store) -> dict[str, dict]:
    """Every incident of the store, by id: its reports and outlets as the store counts them."""
    with closing(connect(store, readonly=True)) as conn:
        return {r["id"]: dict(r) for r in conn.execute("SELECT id, kind, reports, outlets, outlet_names FROM incidents")}


def incident_of(obj: dict) -> str:
    """The incident a map object stands for, from its selection key."""
    return dict(part.split("=", 1) for part in obj["key"].split("&"))["incident"].replace("%3A", ":")


@pytest.mark.parametrize("page", MAP_PAGES)
def test_maps_draw_one_object_per_incident_sized_by_its_reports_naming_its_outlets(store, page):
    known = store_incidents(store)
    objs = placed(deck(ok(run(page))), LAYER[page])
    assert objs and all(incident_of(o) in known for o in objs)
    busiest = max(objs, key=lambda o: o["count"])
    facts = known[incident_of(busiest)]
    assert busiest["count"] <= facts["reports"]
    assert f"{facts['outlets']} outlet" in busiest["t_head"]
    assert busiest["t_more"].startswith("Reported by ")


def test_an_incident_told_by_three_outlets_lists_them_and_is_surer(store):
    objs = placed(deck(ok(run(FRONT_LINES.path))), LAYER[FRONT_LINES.path])
    told = [o for o in objs if "3 outlets" in o["t_head"]]
    assert told, [o["t_head"] for o in objs]
    assert "3 independent sources, confidence 88%" in told[0]["t_more"]


def test_reports_instead_of_incidents_when_the_link_says_so(store):
    at = ok(run(OVERVIEW.path, show="reports"))
    objs = placed(deck(at), LAYER[OVERVIEW.path])
    assert objs and not any("incident=" in o["key"] for o in objs)
    assert at.query_params["show"] == "reports"
    assert any("not merged into incidents" in h.proto.body for h in at.get("html"))


def test_at_least_two_outlets_keeps_only_corroborated_incidents_on_map_and_table(store):
    known = store_incidents(store)
    at = ok(run(OVERVIEW.path, outlets="2"))
    objs = placed(deck(at), LAYER[OVERVIEW.path])
    assert objs and all(known[incident_of(o)]["outlets"] >= 2 for o in objs)
    corroborated = sum(i["reports"] for i in known.values() if i["outlets"] >= 2)
    assert table_rows(at) == corroborated < sum(i["reports"] for i in known.values())
    assert at.number_input(key="w_outlets").value == 2
    at.number_input(key="w_outlets").set_value(1).run()
    assert "outlets" not in at.query_params and table_rows(at) > corroborated


def test_a_bad_outlets_value_in_the_link_is_noted_and_ignored(store):
    at = ok(run(OVERVIEW.path, outlets="many"))
    assert any("outlets=“many”" in w.value for w in at.warning)
    assert "outlets" not in at.query_params


def test_the_reader_shows_the_marked_sentences_incident_as_a_timeline_of_its_reports(store):
    known = store_incidents(store)
    shared = max(known.values(), key=lambda i: (i["outlets"], i["reports"]))
    with closing(connect(store, readonly=True)) as conn:
        doc, sentence = conn.execute("SELECT doc_id, sentence FROM event_view WHERE incident = ? ORDER BY doc_id",
                                     (shared["id"],)).fetchone()
        published = sorted(r[0] for r in conn.execute(
            "SELECT d.published FROM event_view v JOIN documents d ON d.id = v.doc_id WHERE v.incident = ?",
            (shared["id"],)))
    at = ok(run(SOURCES.path, doc=doc, sentence=str(sentence)))
    assert any(s.value.startswith("Incidents in this article") for s in at.subheader)
    [box] = [e for e in at.expander if f"{shared['reports']} reports, {shared['outlets']} outlets" in e.label]
    assert box.proto.expanded                              # the marked sentence's incident is open
    [timeline] = [d.value for d in box.dataframe]
    assert len(timeline) == shared["reports"]
    named = {n for n in shared["outlet_names"].split("; ") if not n.startswith("doc:")}   # "doc:": no outlet given
    assert {o for o in timeline["Outlet"] if o} == named
    assert list(timeline["Reported"]) == [date_label(p, None, "day") for p in published]   # first reported first
    assert timeline["Source"].str.contains("sentence=").all()
    assert any("Joined because:" in c.value for c in box.caption)


def test_a_country_with_several_incidents_is_one_outline_counting_all_their_reports(store):
    outlines = layer(deck(ok(run(OVERVIEW.path))), "places-outlines")
    keys: dict[str, set] = {}
    for o in outlines:
        keys.setdefault(o["iso"], set()).add(o["key"])
    assert keys and all(len(k) == 1 for k in keys.values())             # a fill stacked on itself would go opaque
    several = [o for o in outlines if " incidents: " in o["t_head"]]
    assert several, {o["iso"]: o["t_head"] for o in outlines}
    assert several[0]["t_head"].endswith(f"{several[0]['count']} reports")
