"""The app's pure parts, without Streamlit running: filters, URL parsing, layers, hull, reader, links, exports."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from atlas_app import basemap, charts, layers, periods, reader
from atlas_app.data import date_label, export_rows, prepare_events
from atlas_app.filters import Filters, apply, normalize, options_from, parse, parse_date, unknown_keys
from atlas_app.hull import convex_hull
from atlas_app.links import md_escape, safe_external, source_href, source_params
from atlas_app.style import AFFILIATION_COLORS, UNKNOWN, bilingual
from atlas_app.mapview import picked_key
from geo.export import export_events

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


@pytest.fixture
def frame() -> pd.DataFrame:
    return prepare_events([
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
    ])


# ---- data ------------------------------------------------------------------------------------------------

def test_prepare_splits_names_and_labels(frame):
    e3 = frame.set_index("id").loc["e3"]
    assert e3["actors"] == [("Khalifa Haftar", "خليفة حفتر"), ("Libyan National Army", "الجيش الوطني الليبي")]
    assert e3["affs"] == ["LNA"]
    assert frame.set_index("id").loc["e6", "parties"] == ["Donald Trump", "Fayez al-Sarraj"]
    assert frame.set_index("id").loc["e0", "place_label"] == "Washington, D.C. · واشنطن"
    assert frame.set_index("id").loc["e0", "source"] == "Sources?doc=d1&sentence=0"
    assert pd.isna(frame.set_index("id").loc["e6", "day"])


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


def test_export_rows_have_no_nan_and_export_as_csv_and_geojson(frame):
    rows = export_rows(frame)
    assert all(v is None or v == v for r in rows for v in r.values())
    assert len(export_events(rows, "csv").strip().splitlines()) == len(frame) + 1
    assert len(json.loads(export_events(rows, "geojson"))["features"]) == len(frame)


# ---- filters and the URL ---------------------------------------------------------------------------------

def test_parse_keeps_good_values_and_notes_bad_ones(frame):
    opts = options_from(frame)
    f, notes = parse({"actor": ["khalifa haftar", "Nobody"], "status": ["bogus"], "kind": ["front-line"],
                      "from": ["notadate"], "to": ["2019-05"], "aff": ["LNA"]}, opts)
    assert f.actors == ("Khalifa Haftar",) and f.kinds == ("front_line",) and f.affiliations == ("LNA",)
    assert f.status == "" and f.date_from is None and f.date_to == date(2019, 5, 31)
    assert len(notes) == 3 and any("Nobody" in n for n in notes) and any("bogus" in n for n in notes)


def test_a_single_valued_parameter_given_twice_gets_a_note(frame):
    f, notes = parse({"status": ["occurred", "planned"], "from": ["2019-01-01", "2019-03-01"]}, options_from(frame))
    assert f.status == "" and f.date_from == date(2019, 3, 1)
    assert any("more than one status" in n for n in notes)
    assert any("“from” 2 times" in n and "2019-03-01" in n for n in notes)


def test_parse_skips_blanks_and_summarises_floods(frame):
    f, notes = parse({"actor": ["", " "], "aff": [f"x{i}" for i in range(50)]}, options_from(frame))
    assert f == Filters() and len(notes) == 1 and "50" in notes[0]


def test_parse_accepts_arabic_actor_names_and_swaps_reversed_dates(frame):
    f, notes = parse({"actor": ["خليفة حفتر"], "from": ["2020-01-01"], "to": ["2019-01-01"]}, options_from(frame))
    assert f.actors == ("Khalifa Haftar",)
    assert f.date_from == date(2019, 1, 1) and f.date_to == date(2020, 1, 1) and len(notes) == 1


def test_parse_date_forms():
    assert parse_date("2019") == date(2019, 1, 1) and parse_date("2019", end=True) == date(2019, 12, 31)
    assert parse_date("2020-02", end=True) == date(2020, 2, 29)
    assert parse_date("2019-13-01") is None and parse_date("../../etc") is None


def test_params_round_trip(frame):
    opts = options_from(frame)
    f = Filters(("Khalifa Haftar",), ("LNA",), ("visit",), "planned", date(2019, 5, 1), date(2019, 12, 31))
    again, notes = parse(f.to_params(), opts)
    assert again == f and notes == []
    assert Filters().to_params() == {}
    assert unknown_keys({"actor": [], "foo": [], "embed": []}) == ["foo"]


def test_normalize_drops_bounds_that_cover_everything(frame):
    opts = options_from(frame)
    f = normalize(Filters(date_from=opts.first, date_to=opts.last, kinds=("visit", "front_line",
                                                                          "diplomatic_flow")), opts)
    assert f == Filters()


def test_apply_each_filter_narrows(frame):
    assert len(apply(frame, Filters())) == len(frame)
    assert set(apply(frame, Filters(status="planned"))["id"]) == {"e1"}
    assert set(apply(frame, Filters(actors=("Donald Trump",)))["id"]) == {"e6"}        # counterparts count
    assert set(apply(frame, Filters(affiliations=("LNA",)))["id"]) == {"e2", "e3"}
    assert set(apply(frame, Filters(kinds=("front_line",)))["id"]) == {"e3", "e4", "e5"}
    assert set(apply(frame, Filters(kinds=("front_line",)), kind="visit")["id"]) == {"e0", "e1", "e2"}
    dated = apply(frame, Filters(date_from=date(2019, 6, 15), date_to=date(2019, 12, 31)))
    assert set(dated["id"]) == {"e1"}                                                  # overlap; undated out


# ---- layers ----------------------------------------------------------------------------------------------

def test_aggregate_points_and_arcs_carry_keys_counts_and_tooltips(frame):
    visits = frame[frame["type"] == "visit"]
    pts = layers.aggregate(visits, ["place_id"])
    assert sum(p["count"] for p in pts) == len(visits)
    top = pts[0]
    assert top["place_id"] == "us-washington" and top["count"] == 2 and top["planned"] == 1
    assert set(layers.TIP_FIELDS) <= set(top) and "واشنطن" in top["t_where"] and "2 visits" in top["t_head"]
    assert set(layers.select(visits, top["key"])["id"]) == {"e0", "e1"}
    arcs = layers.aggregate(frame, ["type", "origin_id", "place_id"], arcs=True)
    assert all("olat" in a for a in arcs) and sum(a["count"] for a in arcs) == 4   # front lines have no origin


def test_select_refuses_malformed_keys(frame):
    assert layers.select(frame, "zzz") is None
    assert layers.select(frame, "password=1") is None
    assert layers.parse_key("type=visit&place_id=x") == [("type", "visit"), ("place_id", "x")]


def test_tooltip_values_cannot_form_tags(frame):
    evil = frame.assign(sentence_text="<script>alert(1)</script>")
    for obj in layers.aggregate(evil, ["place_id"]):
        assert "<" not in obj["t_text"] and ">" not in obj["t_text"]


def test_layers_have_ids_and_are_pickable(frame):
    visits = layers.with_color_key(frame[frame["type"] == "visit"], "affiliation")
    colors = layers.visit_colors(visits, "affiliation")
    upto, current, end = periods.window(frame[frame["type"] == "front_line"], "2019-04")
    built = (layers.overview_layers(frame) + layers.visit_layers(visits, colors) + layers.flow_layers(frame)
             + layers.front_layers(upto, current, end, "month=2019-04", "2019-04"))
    assert all(lyr.id and lyr.pickable for lyr in built)
    assert len({lyr.id for lyr in built}) == len(built)


def test_planned_visits_are_dimmer_and_thinner(frame):
    visits = layers.with_color_key(frame[frame["type"] == "visit"], "actor")
    arcs = layers.visit_layers(visits, layers.visit_colors(visits, "actor"))[0].data
    planned = next(a for a in arcs if a["status"] == "planned")
    done = next(a for a in arcs if a["status"] == "occurred" and a["count"] == planned["count"])
    assert planned["color"][3] < done["color"][3] and planned["width"] < done["width"]


def test_front_layers_trace_the_period_hull(frame):
    fl = frame[frame["type"] == "front_line"]
    upto, current, end = periods.window(fl, "2019-04")
    built = layers.front_layers(upto, current, end, "month=2019-04", "2019-04")
    area = next(lyr for lyr in built if lyr.id == "front-area")
    assert len(area.data[0]["polygon"]) == 3
    contested = next(lyr for lyr in built if lyr.id == "contested")
    assert all(len(p["color"]) == 4 for p in contested.data)
    assert layers.recency_color(0)[0] > layers.recency_color(0)[1]        # red for the period
    assert layers.recency_color(400)[1] > layers.recency_color(0)[1]      # fades to yellow


def test_deck_fits_the_budget_by_dropping_small_objects(frame):
    big = prepare_events([row(id=f"x{i}", place_id=f"p{i}", lat=30 + i / 1000, lon=10 + i / 1000,
                              sentence_text="ن" * 400) for i in range(1500)])
    deck, dropped = layers.make_deck(layers.overview_layers(big), layers.VIEW_WIDE)
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
    assert basemap.layers() == []
    fc = basemap.build_countries()
    libya = [f for f in fc["features"] if f["properties"]["name"] == "Libya"]
    assert len(fc["features"]) > 150 and libya and libya[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert basemap.simplify_ring([[0, 0], [0.001, 0], [1, 0], [1, 1], [0, 0]]) == [[0, 0], [1, 0], [1, 1], [0, 0]]


def test_fit_view_frames_the_places(frame):
    view = layers.fit_view(frame[frame["type"] == "front_line"], layers.VIEW_LIBYA)
    assert 31.2 <= view["latitude"] <= 32.8 and 13.0 <= view["longitude"] <= 16.6 and 4 <= view["zoom"] <= 7
    assert layers.fit_view(frame.iloc[0:0], layers.VIEW_LIBYA) == layers.VIEW_LIBYA


def test_convex_hull():
    assert convex_hull([(0, 0), (2, 0), (2, 2), (0, 2), (1, 1), (1, 0)]) == [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert convex_hull([(0, 0), (1, 1), (2, 2)]) == [(0, 0), (2, 2)]
    assert convex_hull([(5, 5), (5, 5)]) == [(5, 5)] and convex_hull([]) == []


def test_picked_key_reads_deck_selection_state():
    state = {"selection": {"indices": {"places": [0]}, "objects": {"places": [{"key": "place_id=x", "count": 1}]}}}
    assert picked_key(state) == "place_id=x"
    assert picked_key({"selection": {"indices": {}, "objects": {}}}) is None and picked_key(None) is None


# ---- periods, charts, style, links -------------------------------------------------------------------------

def test_months_and_parties(frame):
    fl = frame[frame["type"] == "front_line"]
    assert periods.months(fl) == ["2019-04"]
    assert periods.months(frame)[0] == "2019-04" and periods.months(frame)[-1] == "2020-01"
    upto, current, end = periods.window(fl, "2019-04")
    assert len(current) == 3 and end == pd.Timestamp("2019-04-30")
    party = periods.parties(current)
    assert set(party["party"]) == {"Khalifa Haftar · خليفة حفتر", "Libyan National Army · الجيش الوطني الليبي",
                                   "Fayez al-Sarraj · فائز السراج"} and set(party["reports"]) == {1}


def test_chart_data(frame):
    counts = charts.per_period(frame, "month", "type")
    assert counts["events"].sum() == frame["day"].notna().sum()
    p = charts.pairs(frame)
    assert p.iloc[0][["actor", "counterpart", "events"]].tolist() == ["Fayez al-Sarraj", "Donald Trump", 1]
    for chart in (charts.timeline(frame, "week"), charts.matrix(frame), charts.flows_over_time(frame)):
        assert chart.to_dict()


def test_an_actor_keeps_its_colour_whatever_else_is_on_the_map(frame):
    alone = layers.visit_colors(layers.with_color_key(frame[frame["id"] == "e2"], "actor"), "actor")
    together = layers.visit_colors(layers.with_color_key(frame, "actor"), "actor")
    assert alone["Khalifa Haftar"] == together["Khalifa Haftar"] != UNKNOWN
    by_side = layers.visit_colors(layers.with_color_key(frame, "affiliation"), "affiliation")
    assert by_side["LNA"] == AFFILIATION_COLORS["LNA"]


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


def test_scroll_script_has_no_markup_inside():
    script = reader.scroll_script(7)
    body = script[len("<script>"):-len("</script>")]
    assert "s-7" in body and "<" not in body


def test_counts_read_as_english():
    from atlas_app.style import plural
    assert [plural(1, "visit"), plural(2, "visit"), plural(12345, "event")] == ["1 visit", "2 visits", "12,345 events"]
