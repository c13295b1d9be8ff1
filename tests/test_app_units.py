"""The app's parts without Streamlit running: filters, URL parsing, what pages ask a (real, tiny) store and the
layers made of it, reader, links, exports."""
from __future__ import annotations

import json
from contextlib import closing
from datetime import date

import pandas as pd
import pytest

from atlas_app import basemap, charts, data, layers, mapview, periods, reader, tables, ui
from atlas_app.data import date_label, prepare_events
from atlas_app.filters import (Filters, Options, describe, normalize, options_from, parse, parse_date, query,
                               unknown_keys)
from atlas_app.links import md_escape, safe_external, source_href, source_params
from atlas_app.style import AFFILIATION_COLORS, UNKNOWN, bilingual
from atlas_app.mapview import picked_key
from geo.store import connect, queries
from geo.store.queries import EventQuery

from tests.conftest import store_of_rows

BASE = {"id": "e0", "doc_id": "d1", "sentence": 0, "start": 0, "end": 4, "type": "visit", "subtype": "visit",
        "trigger": "زار", "status": "occurred", "confidence": 0.8, "date_start": "2019-04-04",
        "date_end": "2019-04-04", "date_precision": "day", "date_source": "text", "place_id": "us-washington",
        "place_en": "Washington, D.C.", "place_ar": "واشنطن", "lat": 38.9, "lon": -77.0, "place_kind": "city",
        "place_country": "US", "origin_id": "ly-tripoli", "origin_en": "Tripoli", "origin_ar": "طرابلس",
        "origin_lat": 32.9, "origin_lon": 13.2, "actors_en": "Fayez al-Sarraj", "actors_ar": "فائز السراج",
        "affiliation": "GNA", "counterparts_en": None, "counterparts_ar": None, "counterpart_affiliation": None,
        "sentence_text": "زار السراج واشنطن", "doc_title": "", "outlet": "", "published": "2019-04-05", "url": ""}


def sides(en, ar, affiliation) -> list[dict]:
    """A side as the store lists it, from the joined names a row shows (``"a; b"``, ``"أ؛ ب"``)."""
    names = [n for n in (en or "").split("; ") if n]
    ars, affs = (ar or "").split("؛ "), (affiliation or "").split("; ")
    return [{"id": n.casefold().replace(" ", "-"), "name_en": n, "name_ar": ars[i] if i < len(ars) else None,
             "affiliation": affs[i] if i < len(affs) else None} for i, n in enumerate(names)]


def row(**kw) -> dict:
    r = {**BASE, **kw}
    return r | {"actor_list": sides(r["actors_en"], r["actors_ar"], r["affiliation"]),
                "counterpart_list": sides(r["counterparts_en"], r["counterparts_ar"], r["counterpart_affiliation"])}


def rows() -> list[dict]:
    return [
        row(),
        row(id="e1", status="planned", date_start="2019-06-01", date_end="2019-06-30", date_precision="month",
            sentence=2),
        row(id="e2", actors_en="Khalifa Haftar", actors_ar="خليفة حفتر", affiliation="LNA", origin_id="ly-rajma",
            origin_en="Al Rajma", origin_ar="الرجمة", origin_lat=32.08, origin_lon=20.34, place_id="fr-paris",
            place_en="Paris", place_ar="باريس", lat=48.85, lon=2.35, date_start="2020-01-10", date_end="2020-01-10"),
        row(id="e3", type="front_line", subtype="fighting", place_id="ly-ain-zara", place_en="Ain Zara",
            place_ar="عين زارة", lat=32.8, lon=13.24, origin_id=None, origin_en=None, origin_ar=None,
            origin_lat=None, origin_lon=None, actors_en="Khalifa Haftar; Libyan National Army",
            actors_ar="خليفة حفتر؛ الجيش الوطني الليبي", affiliation="LNA; LNA", date_start="2019-04-10",
            date_end="2019-04-10"),
        row(id="e4", type="front_line", subtype="fighting", place_id="ly-gharyan", place_en="Gharyan",
            place_ar="غريان", lat=32.17, lon=13.02, origin_id=None, origin_en=None, origin_ar=None, origin_lat=None,
            origin_lon=None, actors_en=None, actors_ar=None, affiliation=None, date_start="2019-04-20",
            date_end="2019-04-20"),
        row(id="e5", type="front_line", subtype="fighting", place_id="ly-sirte", place_en="Sirte", place_ar="سرت",
            lat=31.2, lon=16.59, origin_id=None, origin_en=None, origin_ar=None, origin_lat=None, origin_lon=None,
            date_start="2019-04-25", date_end="2019-04-25"),
        row(id="e6", type="diplomatic_flow", subtype="call", counterparts_en="Donald Trump",
            counterparts_ar="دونالد ترامب", counterpart_affiliation="United States", date_start=None, date_end=None,
            date_precision=""),
    ]


@pytest.fixture
def frame() -> pd.DataFrame:
    return prepare_events(rows())


@pytest.fixture
def tiny(store_target) -> data.Store:
    """The rows above in a real store, on each engine."""
    return store_of_rows(store_target, rows())


def page_of(store: data.Store, kind: str | None = None, f: Filters = Filters()) -> ui.Page:
    """A page's view of ``store`` (what ``ui.start`` makes, without Streamlit running)."""
    return ui.Page("test", query(f, kind), f, options_of(store), False, store=store, kind=kind)


def options_of(store: data.Store):
    return options_from(data.ask(store, "actors"), *data.ask(store, "span", EventQuery()))


def ids(store: data.Store, f: Filters = Filters(), kind: str | None = None) -> set[str]:
    return set(page_of(store, kind, f).rows(None)["id"])


# ---- data ------------------------------------------------------------------------------------------------

def test_a_cached_answer_is_the_one_of_its_own_question(tiny):
    """Answers are cached per question (keyed by the arguments' repr): an equal question gets the same answer, any
    other one its own, the store's."""
    assert data.ask(tiny, "span", EventQuery()) is data.ask(tiny, "span", EventQuery(kinds=()))
    kinds, statuses = ("visit", "front_line"), ("planned",)
    with closing(connect(tiny[0], readonly=True)) as conn:
        for q in (EventQuery(), EventQuery(kinds=("visit",)), EventQuery(kinds=("visit",), status="planned"),
                  EventQuery(kinds=("visit", "front_line")), EventQuery(kinds=("front_line", "visit"))):
            assert data.ask(tiny, "summary", q, kinds, statuses) == queries.summary(conn, q, kinds, statuses)


def test_prepare_splits_names_and_labels(frame):
    e3 = frame.set_index("id").loc["e3"]
    assert e3["actors"] == [("Khalifa Haftar", "خليفة حفتر"), ("Libyan National Army", "الجيش الوطني الليبي")]
    assert e3["affs"] == ["LNA"]
    assert frame.set_index("id").loc["e6", "parties"] == ["Donald Trump", "Fayez al-Sarraj"]
    assert frame.set_index("id").loc["e0", "place_label"] == "Washington, D.C. · واشنطن"
    assert frame.set_index("id").loc["e0", "source"] == "Sources?doc=d1&sentence=0"
    assert pd.isna(frame.set_index("id").loc["e6", "day"])
    e4 = frame.set_index("id").loc["e4"]
    assert pd.isna(e4["origin_lat"]) and e4["lat"] == 32.17 and frame["lat"].dtype == float


def test_prepare_keeps_the_stores_values_as_they_are():
    """A NULL is None, not NaN, even in a column of numbers; an integer stays one."""
    df = prepare_events([row(), row(id="e1", confidence=None, sentence=3)]).set_index("id")
    assert df.loc["e1", "confidence"] is None and df.loc["e0", "confidence"] == 0.8
    assert df.loc["e1", "origin_id"] == "ly-tripoli" and type(df.loc["e1", "sentence"]) is int


def test_each_side_keeps_every_name_paired_as_the_store_lists_it():
    two = [{"id": "a", "name_en": "Fayez al-Sarraj", "name_ar": "فائز السراج", "affiliation": "GNA"},
           {"id": "b", "name_en": "Someone", "name_ar": None, "affiliation": None}]      # no Arabic name known
    df = prepare_events([row() | {"actor_list": two}])
    assert df["actors"][0] == [("Fayez al-Sarraj", "فائز السراج"), ("Someone", "")]
    assert df["affs"][0] == ["GNA"]


def test_date_labels_follow_precision():
    assert date_label("2019-04-04", "2019-04-04", "day") == "4 Apr 2019"
    assert date_label("2019-04-01", "2019-04-30", "month") == "Apr 2019"
    assert date_label("2019-01-01", "2019-12-31", "year") == "2019"
    assert date_label("2019-04-15", "2019-04-21", "week") == "15 – 21 Apr 2019"
    assert date_label("2017-03-25", "2017-04-28", "range") == "25 Mar – 28 Apr 2017"
    assert date_label("2018-12-30", "2019-01-02", "range") == "30 Dec 2018 – 2 Jan 2019"
    assert date_label(None, None, "") == "undated"


def test_an_event_table_starts_with_the_date_and_its_read_link(frame):
    assert tables.event_columns()[:2] == ["date_label", "source"]
    assert tables.event_columns(["actor_label", "place_label", "date_label", "status", "source"]) == [
        "date_label", "source", "actor_label", "place_label", "status"]
    shown = tables.table_frame(frame, tables.event_columns(), None)
    assert list(shown.columns[:3]) == ["Date", "Source", "Kind"] and shown["Source"][0].startswith("Sources?doc=")


def test_a_page_of_one_kind_has_no_kind_column():
    flows = tables.event_columns(kind="diplomatic_flow")
    assert "type" not in flows and "subtype" in flows                     # calls, meetings, delegations…
    assert not {"type", "subtype"} & set(tables.event_columns(kind="front_line"))    # fighting, always
    assert set(tables.event_columns()) - set(flows) == {"type"}


def test_an_article_is_listed_with_the_date_it_was_published():
    docs = [{"id": "a", "published": "2017-04-22", "date_precision": "month", "title": "Talks", "outlet": "O"},
            {"id": "b", "published": "2019-05-22", "date_precision": "day", "title": "Visit", "outlet": ""},
            {"id": "c", "published": None, "title": "Undated", "outlet": ""}]
    assert tables.document_labels(docs, tables.document_leads(docs)) == {
        "a": "Apr 2017 · Talks · O", "b": "22 May 2019 · Visit", "c": "Undated"}


def test_exports_hold_every_event_of_the_query_as_csv_and_geojson(tiny):
    assert len(data.export_file(tiny, EventQuery(), "csv").strip().splitlines()) == len(rows()) + 1
    geojson = json.loads(data.export_file(tiny, EventQuery(kinds=("visit",)), "geojson"))
    assert len(geojson["features"]) == 3 and {f["geometry"]["type"] for f in geojson["features"]} == {"Point"}


# ---- filters and the URL ---------------------------------------------------------------------------------

def test_parse_keeps_good_values_and_notes_bad_ones(tiny):
    opts = options_of(tiny)

    f, notes = parse({"actor": ["khalifa haftar", "Nobody"], "status": ["bogus"], "kind": ["front-line"],
                      "from": ["notadate"], "to": ["2019-05"], "aff": ["LNA"]}, opts)
    assert f.actors == ("Khalifa Haftar",) and f.kinds == ("front_line",) and f.affiliations == ("LNA",)
    assert f.status == "" and f.date_from is None and f.date_to == date(2019, 5, 31)
    assert len(notes) == 3 and any("Nobody" in n for n in notes) and any("bogus" in n for n in notes)


def test_a_single_valued_parameter_given_twice_gets_a_note(tiny):
    f, notes = parse({"status": ["occurred", "planned"], "from": ["2019-01-01", "2019-03-01"]}, options_of(tiny))
    assert f.status == "" and f.date_from == date(2019, 3, 1)
    assert any("more than one status" in n for n in notes)
    assert any("“from” 2 times" in n and "2019-03-01" in n for n in notes)


def test_parse_skips_blanks_and_summarises_floods(tiny):
    f, notes = parse({"actor": ["", " "], "aff": [f"x{i}" for i in range(50)]}, options_of(tiny))
    assert f == Filters() and len(notes) == 1 and "50" in notes[0]


def test_parse_accepts_arabic_actor_names_and_swaps_reversed_dates(tiny):
    f, notes = parse({"actor": ["خليفة حفتر"], "from": ["2020-01-01"], "to": ["2019-01-01"]}, options_of(tiny))
    assert f.actors == ("Khalifa Haftar",)
    assert f.date_from == date(2019, 1, 1) and f.date_to == date(2020, 1, 1) and len(notes) == 1


def test_parse_date_forms():
    assert parse_date("2019") == date(2019, 1, 1) and parse_date("2019", end=True) == date(2019, 12, 31)
    assert parse_date("2020-02", end=True) == date(2020, 2, 29)
    assert parse_date("2019-13-01") is None and parse_date("../../etc") is None


def test_params_round_trip(tiny):
    opts = options_of(tiny)

    f = Filters(("Khalifa Haftar",), ("LNA",), ("visit",), "planned", date(2019, 5, 1), date(2019, 12, 31))
    again, notes = parse(f.to_params(), opts)
    assert again == f and notes == []
    assert Filters().to_params() == {}
    assert unknown_keys({"actor": [], "foo": [], "embed": []}) == ["foo"]


def test_the_filters_caption_says_the_dates_as_a_reader_does():
    assert describe(Filters(date_from=date(2017, 3, 25), date_to=date(2017, 4, 28)), Options()) == (
        "dates: 25 Mar – 28 Apr 2017")
    assert describe(Filters(status="planned", date_from=date(2019, 4, 3)), Options()) == (
        "status: planned; dates: from 3 Apr 2019")
    assert describe(Filters(date_to=date(2019, 4, 28)), Options()) == "dates: up to 28 Apr 2019"
    assert describe(Filters(), Options()) == "no filters"


def test_normalize_drops_bounds_that_cover_everything(tiny):
    opts = options_of(tiny)

    f = normalize(Filters(date_from=opts.first, date_to=opts.last, kinds=("visit", "front_line",
                                                                          "diplomatic_flow")), opts)
    assert f == Filters()


def test_the_store_answers_each_filter(tiny):
    assert ids(tiny) == {f"e{i}" for i in range(7)}
    assert ids(tiny, Filters(status="planned")) == {"e1"}
    assert ids(tiny, Filters(actors=("Donald Trump",))) == {"e6"}                     # counterparts count
    assert ids(tiny, Filters(affiliations=("LNA",))) == {"e2", "e3"}
    assert ids(tiny, Filters(kinds=("front_line",))) == {"e3", "e4", "e5"}
    assert ids(tiny, Filters(kinds=("front_line",)), kind="visit") == {"e0", "e1", "e2"}
    assert ids(tiny, Filters(date_from=date(2019, 6, 15), date_to=date(2019, 12, 31))) == {"e1"}  # overlap; undated out
    assert page_of(tiny).summary() | {} == {"events": 7, "articles": 1, "places": 5, "visit": 3, "front_line": 3,
                                           "diplomatic_flow": 1, "occurred": 6, "planned": 1}


def test_options_come_from_the_store(tiny):
    o = options_of(tiny)
    assert o.actors["Khalifa Haftar"] == "خليفة حفتر" and "Donald Trump" in o.actors
    assert o.affiliations == ("GNA", "LNA", "United States")
    assert (o.first, o.last) == (date(2019, 4, 4), date(2020, 1, 10))


# ---- layers ----------------------------------------------------------------------------------------------

def test_objects_carry_keys_counts_and_tooltips(tiny):
    visits = page_of(tiny, "visit")
    pts = visits.objects(("place_id",))
    assert sum(p["count"] for p in pts) == 3
    top = pts[0]
    assert top["place_id"] == "us-washington" and top["count"] == 2 and top["planned"] == 1
    assert set(layers.TIP_FIELDS) <= set(top) and "واشنطن" in top["t_where"] and "2 visits" in top["t_head"]
    assert top["t_when"] == "4 Apr 2019 … 1 Jun 2019" and "Fayez al-Sarraj" in top["t_who"]
    chosen = visits.query.narrowed(match=tuple(layers.parse_key(top["key"])))
    assert set(visits.rows(None, chosen)["id"]) == {"e0", "e1"}
    arcs = page_of(tiny).objects(("type", "origin_id", "place_id"), "arc")
    assert all("olat" in a for a in arcs) and sum(a["count"] for a in arcs) == 4   # front lines have no origin


def test_malformed_selection_keys_are_refused():
    assert layers.parse_key("zzz") is None and layers.parse_key("password=1") is None
    assert layers.parse_key("type=visit&place_id=x") == [("type", "visit"), ("place_id", "x")]


def test_tooltip_values_cannot_form_tags(store_target):
    evil = store_of_rows(store_target, [row(sentence_text="<script>alert(1)</script>", place_en="<b>x</b>")])
    for obj in page_of(evil).objects(("place_id",)):
        assert not any(c in obj[f] for f in layers.TIP_FIELDS for c in "<>")


def test_layers_have_ids_and_are_pickable(tiny):
    visits = page_of(tiny, "visit")
    fronts = page_of(tiny, "front_line")
    upto, current, end = periods.window(fronts.query, "2019-04", None)
    maps = [layers.overview_layers(page_of(tiny)), layers.visit_layers(visits, "aff_key"),
            layers.flow_layers(page_of(tiny, "diplomatic_flow")),
            layers.front_layers(fronts, current, periods.previous(fronts.query, "2019-04"))]
    for built in maps:                                                   # the names are no objects to pick
        assert all(lyr.id and lyr.pickable for lyr in built if lyr.id not in layers.LABEL_IDS)
        assert len({lyr.id for lyr in built}) == len(built) and layers.LABEL_IDS[0] in {lyr.id for lyr in built}


def test_planned_visits_are_dimmer_and_thinner(tiny):
    visits = page_of(tiny, "visit")
    arcs = layers.visit_layers(visits, "actor_key")[0].data
    planned = next(a for a in arcs if a["status"] == "planned")
    done = next(a for a in arcs if a["status"] == "occurred" and a["count"] == planned["count"])
    assert planned["color"][3] < done["color"][3] and planned["width"] < done["width"]


def front(**kw) -> dict:
    """A front-line report at a Libyan place (``row`` with a front line's fields)."""
    return row(**{"type": "front_line", "subtype": "fighting", "origin_id": None, "origin_en": None, "origin_ar": None,
                  "origin_lat": None, "origin_lon": None, "actors_en": None, "actors_ar": None, "affiliation": None,
                  **kw})


@pytest.fixture
def two_months(store_target) -> data.Store:
    """The tiny rows (fighting at Ain Zara, Gharyan and Sirte in April 2019) and May's: twice at Gharyan, once at
    Tarhuna (new), none at Ain Zara or Sirte."""
    may = [front(id="m1", sentence=11, place_id="ly-gharyan", place_en="Gharyan", place_ar="غريان", lat=32.17,
                 lon=13.02, date_start="2019-05-02", date_end="2019-05-02"),
           front(id="m2", sentence=12, place_id="ly-gharyan", place_en="Gharyan", place_ar="غريان", lat=32.17,
                 lon=13.02, date_start="2019-05-09", date_end="2019-05-09"),
           front(id="m3", sentence=13, place_id="ly-tarhuna", place_en="Tarhuna", place_ar="ترهونة", lat=32.43,
                 lon=13.63, date_start="2019-05-20", date_end="2019-05-20")]
    return store_of_rows(store_target, rows() + may)


def test_front_layers_show_the_period_places_and_mark_the_new(two_months):
    fronts = page_of(two_months, "front_line")
    _, may, _ = periods.window(fronts.query, "2019-05", None)
    built = layers.front_layers(fronts, may, periods.previous(fronts.query, "2019-05"))
    ids = [lyr.id for lyr in built]
    assert not {"front-area", "front-line"} & set(ids) and ids[:2] == ["contested", "contested-new"]
    dots = {d["place_id"]: d for d in built[0].data}
    assert set(dots) == {"ly-gharyan", "ly-tarhuna"}                     # May's places only, not April's
    assert dots["ly-gharyan"]["count"] == 2 and dots["ly-tarhuna"]["count"] == 1
    assert dots["ly-gharyan"]["radius"] > dots["ly-tarhuna"]["radius"]     # sized by reports
    assert dots["ly-tarhuna"]["new"] and not dots["ly-gharyan"]["new"]
    assert dots["ly-tarhuna"]["color"][:3] == list(layers.FRONT_NEW) and dots["ly-gharyan"]["color"][:3] == list(
        layers.FRONT_SEEN)
    assert "new this period" in dots["ly-tarhuna"]["t_head"] and "new" not in dots["ly-gharyan"]["t_head"]
    assert [r["place_id"] for r in built[1].data] == ["ly-tarhuna"]       # the ring
    assert {r["name"] for r in built[2].data} == {"Gharyan", "Tarhuna"}   # labelled
    groups = lambda q: fronts.ask("groups", q, ("place_id",), "place", None)[0]  # noqa: E731
    assert periods.changes(groups(may), groups(periods.previous(fronts.query, "2019-05"))) == (
        ["Tarhuna"], ["Ain Zara", "Sirte"])
    every = layers.front_layers(fronts, fronts.query, None)                # all periods: nothing is "new"
    assert "contested-new" not in [lyr.id for lyr in every] and not any(d["new"] for d in every[0].data)
    assert periods.changes(groups(fronts.query), None) == ([], [])


def test_playing_steps_through_the_months():
    options = {"all": "All periods", "2019-04": "Apr 2019", "2019-05": "May 2019", "2019-06": "Jun 2019"}
    assert periods.step(options, "all") == "2019-04" and periods.step(options, "2019-04") == "2019-05"
    assert periods.step(options, "2019-06") is None and periods.step({"all": "All periods"}, "all") is None
    assert periods.play_from(options, "all") == "2019-04" and periods.play_from(options, "2019-05") == "2019-05"
    assert periods.play_from(options, "2019-06") == "2019-04"             # from the last: over again
    q = EventQuery()
    assert periods.previous(q, "all") is None and periods.previous(q, "2019-01").match == (("month", "2018-12"),)


def test_deck_fits_the_budget_by_dropping_small_objects(store_target):
    big = store_of_rows(store_target, [row(id=f"x{i}", place_id=f"p{i}", lat=30 + i / 1000, lon=10 + i / 1000,
                                           sentence=i, sentence_text="ن" * 400) for i in range(1500)])
    deck, dropped = layers.make_deck(layers.overview_layers(page_of(big)), layers.VIEW_WIDE)
    size = len(deck.to_json().encode("utf-8"))
    assert size <= layers.MAX_DECK_BYTES
    kept = layers.deck_data_count(deck.to_json(), "places")
    assert 0 < kept < 1500 and dropped == 1500 - kept + 1500 - layers.deck_data_count(deck.to_json(), "arcs")


def test_basemap_is_offline_by_default(monkeypatch):
    monkeypatch.delenv("ATLAS_BASEMAP", raising=False)
    assert basemap.mode() == "offline" and basemap.map_style().startswith("/app/static/")
    monkeypatch.setattr(basemap.st, "get_option", lambda name: "/atlas/" if name == "server.baseUrlPath" else None)
    assert basemap.map_style() == "/atlas/app/static/atlas-offline-style.json"
    monkeypatch.setenv("ATLAS_BASEMAP", "online")
    assert basemap.mode() == "online" and basemap.map_style().startswith("https://")
    assert basemap.layers() == []          # the offline map's files and layers: tests/test_basemap.py


def test_fit_view_frames_the_places(tiny):
    extent = data.ask(tiny, "extent", EventQuery(kinds=("front_line",)))
    view = layers.fit_view(extent, layers.VIEW_LIBYA)
    assert 31.2 <= view["latitude"] <= 32.8 and 13.0 <= view["longitude"] <= 16.6 and 4 <= view["zoom"] <= 7
    assert layers.fit_view(None, layers.VIEW_LIBYA) == layers.VIEW_LIBYA


def test_the_map_says_how_many_objects_it_left_out():
    assert mapview.dropped_caption(1).startswith("The map leaves out the 1 smallest object to stay light;")
    assert mapview.dropped_caption(1500).startswith("The map leaves out the 1,500 smallest objects to stay light;")


def test_picked_key_reads_deck_selection_state():
    state = {"selection": {"indices": {"places": [0]}, "objects": {"places": [{"key": "place_id=x", "count": 1}]}}}
    assert picked_key(state) == "place_id=x"
    assert picked_key({"selection": {"indices": {}, "objects": {}}}) is None and picked_key(None) is None


# ---- periods, charts, style, links -------------------------------------------------------------------------

def test_months_and_parties(tiny):
    fronts = page_of(tiny, "front_line")
    assert periods.months(*fronts.ask("span", fronts.query)) == ["2019-04"]
    assert periods.choices(*fronts.ask("span", fronts.query)) == {"all": "All periods", "2019-04": "Apr 2019"}
    every = periods.months(*data.ask(tiny, "span", EventQuery()))
    assert every[0] == "2019-04" and every[-1] == "2020-01" and len(every) == 10
    upto, current, end = periods.window(fronts.query, "2019-04", None)
    assert fronts.count(current) == 3 and end == pd.Timestamp("2019-04-30")
    party = periods.parties(fronts.ask("parties", current))
    assert set(party["party"]) == {"Khalifa Haftar · خليفة حفتر", "Libyan National Army · الجيش الوطني الليبي",
                                   "Fayez al-Sarraj · فائز السراج"} and set(party["reports"]) == {1}


def test_chart_data(tiny):
    page = page_of(tiny)
    counts = charts.per_period(page.days("type"), "month", "type")
    assert counts["events"].sum() == 6                                   # the undated call is not on a timeline
    p = charts.pairs_frame(page.ask("pairs", page.query))
    assert p.iloc[0][["actor", "counterpart", "events"]].tolist() == ["Fayez al-Sarraj", "Donald Trump", 1]
    timeline = charts.timeline(page.days("type"), "week")
    assert timeline["data"]["values"]["events"].sum() == 6 and timeline["encoding"]["x"]["timeUnit"] == "yearweek"
    for spec in (timeline, charts.matrix(charts.matrix_data(p)), charts.flows_over_time(page.days("subtype"))):
        assert not vega_lite_errors(spec)
    assert vega_lite_errors(timeline | {"mark": {"type": "bars"}})


def vega_lite_errors(spec: dict) -> list[str]:
    """What the Vega-Lite schema (the one Altair ships) finds wrong with a chart's spec, its frame as records."""
    from importlib.resources import files

    import jsonschema
    schema = json.loads(files("altair.vegalite.v6.schema").joinpath("vega-lite-schema.json").read_text())
    records = json.loads(spec["data"]["values"].to_json(orient="records", date_format="iso"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [e.message for e in validator.iter_errors(spec | {"data": {"values": records}})]


def test_an_actor_keeps_its_colour_whatever_else_is_on_the_map(tiny):
    visits = page_of(tiny, "visit")
    alone = visits.query.narrowed(actors=("Khalifa Haftar",))
    colors = lambda q, column: layers.visit_colors(visits.ask("groups", q, (column,), None, None)[0], column)  # noqa: E731
    assert colors(alone, "actor_key")["Khalifa Haftar"] == colors(visits.query, "actor_key")["Khalifa Haftar"] != UNKNOWN
    assert colors(visits.query, "aff_key")["LNA"] == AFFILIATION_COLORS["LNA"]


def test_labels():
    assert bilingual("Tripoli", "طرابلس") == "Tripoli · طرابلس" and bilingual(None, float("nan")) == "—"


def test_links():
    assert source_href("d 1", 3) == "Sources?doc=d+1&sentence=3"
    assert source_params("d1", None) == {"doc": "d1"}
    assert safe_external("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", "http://x\" onmouseover=\"y", None):
        assert safe_external(bad) is None
    assert md_escape("[x](javascript:y)") == "\\[x\\]\\(javascript:y\\)"


# ---- the reader ------------------------------------------------------------------------------------------

DOC = {"id": "d<1>", "title": "<b>t</b>", "outlet": "O&O", "url": "javascript:alert(1)", "published": "2019-04-05",
       "text": "زار السراج واشنطن. <script>alert(1)</script> قال حفتر.",
       "sentences": [{"idx": 0, "start": 0, "end": 18, "text": "زار السراج واشنطن."},
                     {"idx": 1, "start": 19, "end": 55, "text": "<script>alert(1)</script> قال حفتر."}],
       "places": [{"start": 11, "end": 17, "text": "واشنطن", "demonym": 0, "name_en": "Washington",
                   "name_ar": "واشنطن", "kind": "city"}],
       "actors": [{"start": 4, "end": 10, "text": "السراج", "name_en": "Fayez \"al\"-Sarraj", "name_ar": "فائز السراج",
                   "affiliation": "GNA"},
                  {"start": 6, "end": 12, "text": "overlap", "name_en": "X", "name_ar": "", "affiliation": ""}],
       "times": []}


def test_article_html_escapes_and_marks():
    html = reader.article_html(DOC, marked=1)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'id="s-1" data-sentence="1" aria-current="true"' in html and 'class="sent marked" id="s-1"' in html
    assert 'class="sent" id="s-0"' in html and 'dir="rtl"' in html
    assert 'title="Fayez &quot;al&quot;-Sarraj · فائز السراج — GNA"' in html
    assert html.count('class="hl hl-') == 2                      # the overlapping mention is dropped
    assert "?doc=d%3C1%3E&amp;sentence=1" in html


def test_meta_html_escapes_and_drops_unsafe_urls():
    meta = reader.meta_html(DOC)
    assert "&lt;b&gt;t&lt;/b&gt;" in meta and "O&amp;O" in meta and "javascript" not in meta


def test_the_reader_says_when_an_article_was_published_as_far_as_it_is_known():
    assert "<bdi>5 Apr 2019</bdi>" in reader.meta_html(DOC | {"date_precision": "day"})
    month = reader.meta_html(DOC | {"date_precision": "month"})
    assert "<bdi>Apr 2019</bdi>" in month and "2019-04-05" not in month
    assert reader.meta_html(DOC | {"published": None, "outlet": None}).count("<bdi>") == 1        # the id alone


def test_a_date_mention_says_the_days_it_means():
    week = {"start": 0, "end": 3, "text": "زار", "date_start": "2019-04-15", "date_end": "2019-04-21",
            "precision": "week"}
    html = reader.article_html(DOC | {"times": [week]})
    assert 'class="hl hl-time" title="15 – 21 Apr 2019"' in html and "2019-04-15" not in html


def test_scroll_script_has_no_markup_inside():
    script = reader.scroll_script(7)
    body = script[len("<script>"):-len("</script>")]
    assert "s-7" in body and "<" not in body


def test_counts_read_as_english():
    from atlas_app.style import plural
    assert [plural(1, "visit"), plural(2, "visit"), plural(12345, "event")] == ["1 visit", "2 visits", "12,345 events"]


def test_an_actor_keeps_its_colour_after_an_upload_changes_the_ranks(store_target):
    colors = lambda p: layers.visit_colors(p.ask("groups", p.query, ("actor_key",), None, None)[0], "actor_key")  # noqa: E731
    old = colors(page_of(store_of_rows(store_target, [row(), row(id="e1", sentence=1), row(id="e2", **HAFTAR)]),
                         "visit"))
    newcomers = [row(id=f"n{i}", doc_id="d2", actors_en="Ghassan Salame", actors_ar="غسان سلامة", affiliation="UN")
                 for i in range(4)] + [row(id=f"h{i}", doc_id="d2", **HAFTAR) for i in range(3)]
    new = colors(page_of(store_of_rows(store_target, newcomers), "visit"))    # an upload: new actors, new ranks
    assert list(old)[:2] == ["Fayez al-Sarraj", "Khalifa Haftar"] and list(new)[:2] == ["Ghassan Salame", "Khalifa Haftar"]
    for name in old:
        assert old[name] == new[name] == layers.key_color(name, "actor_key") != UNKNOWN
    assert layers.key_color(None, "actor_key") == layers.key_color("None", "actor_key") == UNKNOWN


HAFTAR = {"actors_en": "Khalifa Haftar", "actors_ar": "خليفة حفتر", "affiliation": "LNA"}


def test_the_actor_palette_is_large_distinct_and_has_no_greys():
    from atlas_app.style import _PALETTE, palette_color
    assert len(set(_PALETTE)) == len(_PALETTE) >= 20
    assert all(max(c) - min(c) >= 60 for c in _PALETTE)                     # no grey: it would read as UNKNOWN
    assert min(sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5
               for i, a in enumerate(_PALETTE) for b in _PALETTE[i + 1:]) >= 40
    assert palette_color("Khalifa Haftar") == palette_color("Khalifa Haftar") in _PALETTE


def test_the_presenters_view_holds_the_arcs_origins(tiny):
    visits = page_of(tiny, "visit")
    built = layers.visit_layers(visits, "actor_key")
    south, north, west, east = layers.layers_extent(built)
    assert (south, west) <= (32.08, -77.0) and north >= 48.85 and east >= 20.34    # Al Rajma: an origin only
    assert layers.union_extent(None, (1, 2, 3, 4), (0, 1, 5, 6)) == (0, 2, 3, 6) and layers.union_extent(None) is None
    view = mapview.present_view(visits, built, layers.VIEW_WIDE, visits.query)
    assert view != layers.VIEW_WIDE and west <= view["longitude"] <= east


def test_an_event_tables_columns_share_the_main_columns_width():
    """The columns of the widest table fit the main column of a 1400-pixel window; Date, Read and the Sentence keep
    their widths and no column is squeezed to nothing; a narrow table keeps every preferred width."""
    every = [tables.TABLE_COLUMNS[c] for c in tables.event_columns()]
    widths = tables.column_widths(every)
    assert sum(widths.values()) <= tables.TABLE_WIDTH and min(widths.values()) >= tables.MIN_WIDTH
    assert all(widths[c] == tables.WIDTHS[c] for c in tables.FIXED if c in widths)
    few = ["Date", "Source", "Place"]
    assert tables.column_widths(few) == {c: tables.WIDTHS[c] for c in few}
