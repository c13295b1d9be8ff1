"""Every page under Streamlit's AppTest, on a store built once from the seeds (counts are never hard-coded:
only relations between what the filters, the table and the map show)."""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from atlas_app import layers, site
from atlas_app.site import FLOWS, FRONT_LINES, OVERVIEW, SOURCES, VISITS
from atlas_app.style import date_label
from tests.apptest import ROOT, add_article, html, located_rows, ok, run, table_rows

MAP_PAGES = {OVERVIEW.path: "places", VISITS.path: "destinations", FRONT_LINES.path: "contested",
             FLOWS.path: "flow-places"}
PAGES = [*MAP_PAGES, SOURCES.path]
MALFORMED = {"status": "bogus", "from": "notadate", "doc": "../../etc/passwd", "sentence": "x", "sel": "<b>",
             "present": "maybe", "color": "plaid", "period": "1999-99", "per": "decade", "actor": "Nobody",
             "utm_source": "mail"}


def deck(at) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def layer(spec: dict, layer_id: str) -> list[dict]:
    return next((lyr["data"] for lyr in spec["layers"] if lyr["id"] == layer_id), [])


def placed(spec: dict, layer_id: str) -> list[dict]:
    """The objects of a points layer: its dots and its countries (drawn as outlines, a row per polygon)."""
    return list({o["key"]: o for o in layer(spec, f"{layer_id}-outlines") + layer(spec, layer_id)}.values())


# ---- every page --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_page_runs_offline(store, page):
    at = ok(run(page))
    assert not at.warning
    if page in MAP_PAGES:
        raw = at.get("deck_gl_json_chart")[0].proto.json
        assert len(raw.encode("utf-8")) < 2_000_000
        spec = json.loads(raw)
        assert spec["mapStyle"] == "/app/static/atlas-offline-style.json"
        under = [lyr for lyr in spec["layers"] if not lyr.get("pickable")]
        assert under and all(lyr["@@type"] == "GeoJsonLayer" for lyr in under
                             if lyr["id"] not in ("selection", *layers.LABEL_IDS))   # the basemap
        assert [lyr["@@type"] for lyr in under if lyr["id"] in layers.LABEL_IDS] == ["TextLayer", "TextLayer"]
        events_layers = [lyr for lyr in spec["layers"] if lyr.get("pickable")]
        assert events_layers and all(lyr["id"] and lyr["pickable"] for lyr in events_layers)
        assert "{t_head}" in at.get("deck_gl_json_chart")[0].proto.tooltip
        assert sum(o["count"] for o in placed(spec, MAP_PAGES[page])) == located_rows(at) > 0
    labels = [link.proto.label for link in at.sidebar.get("page_link")]
    assert labels == [p.title for p in site.PAGES]               # every page, in the order declared, from any page
    if page in MAP_PAGES:
        assert [b.proto.label for b in at.sidebar.get("download_button")] == ["CSV", "GeoJSON"]
    if page in (OVERVIEW.path, FLOWS.path):
        assert at.get("vega_lite_chart")


def test_static_style_is_a_one_layer_background():
    style = json.loads((ROOT / "static" / "atlas-offline-style.json").read_text())
    assert style["version"] == 8 and style["sources"] == {} and style["layers"][0]["type"] == "background"
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "enableStaticServing = true" in config
    assert "static/basemap/" in config and (ROOT / "static" / "basemap").is_dir()    # where its outlines come from


def test_the_favicon_is_a_local_png(store, monkeypatch):
    """Every page sets the tab's icon to a PNG file of the repo (served by the app's own server), not a URL."""
    import streamlit as st
    from PIL import Image

    icons = []
    config = st.set_page_config
    monkeypatch.setattr(st, "set_page_config", lambda **kw: (icons.append(kw.get("page_icon")), config(**kw))[1])
    ok(run(VISITS.path, present="1"))
    ok(run(SOURCES.path))
    assert len(icons) == 2 and len(set(icons)) == 1
    icon = Path(icons[0])
    assert icon.is_file() and ROOT in icon.parents
    with Image.open(icon) as img:
        assert img.format == "PNG" and img.size[0] == img.size[1] >= 32


def test_the_pages_modules_leave_out_what_a_page_never_uses():
    """What the pages import (a server's first page pays for it) holds neither the event rules, nor geopy (only
    evaluating distances needs it), nor Altair (the charts are Vega-Lite specs)."""
    code = ("import sys\nimport atlas_app.ui, atlas_app.mapview, atlas_app.tables, atlas_app.charts, "
            "atlas_app.trends_ui, atlas_app.article, atlas_app.about\n"
            "print(sorted(m for m in ('geo.events.extract', 'geo.actors', 'geopy', 'altair') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["[]"]


def test_online_basemap_only_when_asked(store, monkeypatch):
    monkeypatch.setenv("ATLAS_BASEMAP", "online")
    spec = deck(ok(run()))
    assert spec["mapStyle"].startswith("https://") and "countries" not in [lyr["id"] for lyr in spec["layers"]]


# ---- filters change counts, table and map ------------------------------------------------------------------

@pytest.mark.parametrize("page", list(MAP_PAGES))
def test_status_filter_changes_table_and_deck(store, page):
    at = ok(run(page))
    before_rows, before_map = table_rows(at), sum(o["count"] for o in placed(deck(at), MAP_PAGES[page]))
    at.radio(key="w_status").set_value("occurred")
    ok(at.run())
    after_rows, after_map = table_rows(at), sum(o["count"] for o in placed(deck(at), MAP_PAGES[page]))
    assert at.query_params["status"] == "occurred" and "kind" not in at.query_params
    assert after_rows <= before_rows and after_map <= before_map
    assert after_map == located_rows(at)
    assert set(at.dataframe[-1].value["Status"]) <= {"occurred"}


def test_overview_counts_follow_the_actor_filter(store, events):
    at = ok(run())
    top = events["parties"].explode().value_counts().index[0]
    total = {m.label: m.value for m in at.metric}
    at.multiselect(key="w_actor").set_value([top])
    ok(at.run())
    counts = {m.label: m.value for m in at.metric}
    assert at.query_params["actor"] == top
    assert 0 < int(counts["Events"]) < int(total["Events"]) and int(counts["Events"]) == table_rows(at)
    assert int(counts["Visits"]) + int(counts["Front lines"]) + int(counts["Diplomatic flows"]) == table_rows(at)
    assert int(counts["Occurred"]) + int(counts["Planned"]) == table_rows(at)
    assert all(top in a or top in c for a, c in zip(at.dataframe[-1].value["Actor"],
                                                    at.dataframe[-1].value["Counterpart"]))


def test_date_filter_narrows_and_lands_in_the_url(store, events):
    at = ok(run())
    total = table_rows(at)
    middle = events["day"].dropna().sort_values().iloc[len(events) // 2].date()
    at.date_input(key="w_from").set_value(middle)
    ok(at.run())
    assert at.query_params["from"] == middle.isoformat()
    assert 0 < table_rows(at) < total


def test_the_presenters_caption_says_the_dates_as_read(store, events):
    start = events["day"].dropna().sort_values().iloc[len(events) // 2].date()
    at = ok(run(present="1", **{"from": start.isoformat()}))
    caption = next(c.value for c in at.caption if c.value.startswith("Filters: "))
    assert caption.startswith(f"Filters: dates: from {date_label(start, None, 'day')} · ")
    assert start.isoformat() not in caption and at.query_params["from"] == start.isoformat()


# ---- tables ---------------------------------------------------------------------------------------------------

def columns(at) -> list[str]:
    return list(at.dataframe[-1].value.columns)


def column_config(at) -> dict:
    return json.loads(at.dataframe[-1].proto.columns)


@pytest.mark.parametrize("page", [OVERVIEW.path, VISITS.path, FRONT_LINES.path,
                                  FLOWS.path])
def test_event_tables_start_with_the_date_and_a_pinned_read_link(store, page):
    at = ok(run(page))
    assert columns(at)[:2] == ["Date", "Source"] and columns(at)[-1] == "Article"
    config = column_config(at)
    assert config["Date"]["pinned"] and config["Source"]["pinned"] and not config["Article"].get("pinned")
    assert config["Sentence"]["width"] == "medium"


def test_pages_of_one_kind_leave_out_the_kind_column(store):
    assert "Kind" in columns(ok(run()))
    flows = columns(ok(run(FLOWS.path)))
    assert "Kind" not in flows and "Subtype" in flows
    for page in (VISITS.path, FRONT_LINES.path):
        assert "Kind" not in columns(ok(run(page)))


def test_a_missing_link_shows_an_empty_cell_not_none(store):
    articles = ok(run(SOURCES.path))
    table = articles.dataframe[-1]
    assert table.value["Original"].isna().any()          # the seed articles have no URL
    assert table.proto.HasField("placeholder") and table.proto.placeholder == ""
    events = ok(run()).dataframe[-1]
    assert events.value["Article"].isna().any()
    assert events.proto.HasField("placeholder") and events.proto.placeholder == ""


def test_articles_are_listed_with_the_date_they_mean(store):
    from contextlib import closing
    from geo.store import connect, queries
    with closing(connect(store, readonly=True)) as conn:
        docs = {f"Sources?doc={d['id']}": d for d in queries.find_documents(conn)[0]}
    table = ok(run(SOURCES.path)).dataframe[-1].value
    for read, published in zip(table["Read"], table["Published"]):
        d = docs[read]
        assert published == date_label(d["published"], None, d["date_precision"]) and "-" not in published
    assert any(docs[r]["date_precision"] == "month" and p.count(" ") == 1 for r, p in zip(table["Read"],
                                                                                         table["Published"]))


# ---- the URL restores the view --------------------------------------------------------------------------------

def test_query_params_restore_filters_and_widgets(store, events):
    top = events["parties"].explode().value_counts().index[0]
    start = events["day"].dropna().sort_values().iloc[len(events) // 3].date()
    at = ok(run(VISITS.path, actor=top, status="occurred", **{"from": start.isoformat()},
                color="affiliation"))
    assert at.multiselect(key="w_actor").value == [top]
    assert at.radio(key="w_status").value == "occurred"
    assert at.date_input(key="w_from").value == start and at.query_params["from"] == start.isoformat()
    assert at.radio(key="w_color").value == "affiliation"
    expected = events[(events["type"] == "visit") & (events["status"] == "occurred")
                      & events["parties"].map(lambda names: top in names) & (events["day_end"] >= pd.Timestamp(start))]
    assert table_rows(at) == len(expected) > 0
    assert not at.warning


def test_filters_follow_the_user_to_another_page(store):
    at = ok(run())
    at.radio(key="w_status").set_value("planned")
    ok(at.run())
    at.query_params.clear()                  # a page switch without the query string: the session remembers
    at.switch_page(FLOWS.path)
    ok(at.run())
    assert at.radio(key="w_status").value == "planned" and at.query_params.get("status") == "planned"
    assert set(at.dataframe[-1].value["Status"]) <= {"planned"}
    nav = [link.proto for link in at.get("page_link") if link.proto.label == "Visits"]
    assert nav and "status=planned" in nav[0].query_string          # the page links carry the filters


def test_a_pages_own_kind_does_not_leak_into_the_kind_filter(store):
    at = ok(run())
    at.multiselect(key="w_kind").set_value(["front_line"])
    ok(at.run())
    at.switch_page(VISITS.path)
    ok(at.run())
    assert at.multiselect(key="w_kind").value == ["visit"] and at.multiselect(key="w_kind").disabled
    at.radio(key="w_status").set_value("occurred")
    ok(at.run())
    assert at.query_params["kind"] == "front_line" and at.query_params["status"] == "occurred"
    at.switch_page(OVERVIEW.path)
    ok(at.run())
    assert at.multiselect(key="w_kind").value == ["front_line"]
    assert set(at.dataframe[-1].value["Kind"]) <= {"Front line"}


def test_map_selection_in_the_url_lists_events_with_source_links(store):
    first = ok(run(VISITS.path))
    obj = layer(deck(first), "destinations")[0]
    at = ok(run(VISITS.path, sel=obj["key"]))
    assert any("Selected on the map" in m.value for m in at.markdown)
    links = [link for link in at.get("page_link") if "Read it in the source" in link.proto.label]
    assert len(links) == min(obj["count"], 30) and all("sentence=" in link.proto.query_string for link in links)
    assert layer(deck(at), "selection")                    # rings around the selected place


def test_arc_selection_and_table_rows_lead_to_sources(store):
    first = ok(run())
    arc = layer(deck(first), "arcs")[0]
    at = ok(run(sel=arc["key"], per="week"))
    links = [link for link in at.get("page_link") if "Read it in the source" in link.proto.label]
    assert len(links) == min(arc["count"], 30)
    assert all(src.startswith("Sources?doc=") and "&sentence=" in src for src in at.dataframe[-1].value["Source"])
    assert at.radio(key="w_per").value == "week" and at.get("vega_lite_chart")
    at.radio(key="w_per").set_value("month")
    ok(at.run())
    assert "per" not in at.query_params and at.query_params["sel"] == arc["key"]


def test_front_lines_period_param(store, events):
    fl = events[(events["type"] == "front_line") & events["day"].notna()]
    month = fl["month"].value_counts().index[0]
    at = ok(run(FRONT_LINES.path, period=month))
    assert at.select_slider(key="w_period").value == month and at.query_params["period"] == month
    assert table_rows(at) == int((fl["month"] == month).sum())
    shown_month = pd.Timestamp(f"{month}-01").strftime("%b %Y")
    assert all(d.endswith(shown_month) or d == shown_month for d in at.dataframe[-1].value["Date"])
    assert shown_month in at.select_slider(key="w_period").options and month not in at.select_slider(key="w_period").options
    assert at.subheader[0].value.startswith(f"{shown_month}: ")


def front_months(events) -> pd.DataFrame:
    return events[(events["type"] == "front_line") & events["day"].notna() & events["lat"].notna()]


def test_front_lines_map_the_period_places_and_what_is_new(store, events):
    fl = front_months(events)
    month = fl["month"].value_counts().index[0]
    before = str(pd.Period(month, freq="M") - 1)
    at = ok(run(FRONT_LINES.path, period=month))
    spec = deck(at)
    assert not {"front-area", "front-line"} & {lyr["id"] for lyr in spec["layers"]}            # no hull
    dots = {d["place_id"]: d for d in placed(spec, "contested")}
    now = fl[fl["month"] == month].groupby("place_id").size()
    assert {k: d["count"] for k, d in dots.items()} == now.to_dict()      # the period's places, by reports
    by_count = sorted(dots.values(), key=lambda d: d["count"])
    assert all(a["radius"] <= b["radius"] for a, b in zip(by_count, by_count[1:]))
    assert by_count[0]["count"] == by_count[-1]["count"] or by_count[0]["radius"] < by_count[-1]["radius"]
    earlier = set(fl.loc[fl["month"] == before, "place_id"])
    new = {k for k in dots if k not in earlier}
    assert {k for k, d in dots.items() if d["new"]} == new and {r["place_id"] for r in layer(spec, "contested-new")} == new
    names = {d["place_id"]: d["name"] for d in dots.values()}
    assert {r["name"] for r in layer(spec, layers.LABEL_IDS[0])} == set(names.values())       # labelled
    said = next(m.value for m in at.markdown if m.value.startswith("**New this period**"))
    assert all(names[k] in said.split("No longer reported")[0] for k in new)
    assert "new this period (ringed)" in html(at)


def test_front_lines_say_what_is_no_longer_reported(store, events):
    fl = front_months(events)
    months = sorted(fl["month"].unique())
    month = next(m for m in months if set(fl.loc[fl["month"] == str(pd.Period(m, freq="M") - 1), "place_id"])
                 - set(fl.loc[fl["month"] == m, "place_id"]))
    before = fl[fl["month"] == str(pd.Period(month, freq="M") - 1)]
    gone = set(before["place_en"]) - set(fl.loc[fl["month"] == month, "place_en"])
    at = ok(run(FRONT_LINES.path, period=month))
    said = next(m.value for m in at.markdown if m.value.startswith("**New this period**"))
    tail = said.split("**No longer reported**")[1]
    assert tail.startswith(f" ({len(gone)} place") and all(n in tail for n in gone)


def test_front_lines_play_steps_through_the_periods(store, events):
    at = ok(run(FRONT_LINES.path))
    all_months = [pd.Timestamp(label).strftime("%Y-%m") for label in at.select_slider(key="w_period").options[1:]]
    assert len(all_months) > 2 and at.button(key="front_play") and "front_playing" not in at.session_state
    at.query_params["period"] = all_months[-2]
    ok(at.run())
    at.button(key="front_play").click()
    ok(at.run())
    assert at.session_state["front_playing"] and at.button(key="front_pause")
    assert at.query_params["period"] == all_months[-2]                    # a tick that comes early does nothing
    at.session_state["front_moved"] = 0.0                                 # the period's time is up: the next tick
    ok(at.run())
    assert at.query_params["period"] == all_months[-1] and at.select_slider(key="w_period").value == all_months[-1]
    assert at.session_state["front_playing"]
    at.session_state["front_moved"] = 0.0
    ok(at.run())                                                          # after the last: the play stops there
    assert not at.session_state["front_playing"] and at.query_params["period"] == all_months[-1]
    assert at.button(key="front_play")
    at.button(key="front_play").click()                                   # from the last: over again, from the first
    ok(at.run())
    assert at.query_params["period"] == all_months[0]
    at.button(key="front_pause").click()
    ok(at.run())
    assert not at.session_state["front_playing"] and at.query_params["period"] == all_months[0]


def test_presenter_mode_hides_chrome_but_keeps_filters(store):
    normal = ok(run(status="planned"))
    assert 'href="?status=planned&amp;present=1"' in html(normal)          # the sidebar's presenter link
    full = sum(o["count"] for o in placed(deck(ok(run())), "places"))
    at = ok(run(present="1", status="planned"))
    assert 'href="?status=planned"' in html(at) and "Leave presenter view" in html(at)
    assert any(c.value.startswith("Filters: status: planned · ") for c in at.caption)
    assert not at.sidebar.children
    assert 'data-testid="stSidebar"' in html(at) and "display:none" in html(at)
    assert not at.dataframe and not at.get("vega_lite_chart")
    assert 0 < sum(o["count"] for o in placed(deck(at), "places")) < full
    assert at.query_params["present"] == "1" and at.query_params["status"] == "planned"


# ---- malformed links -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_malformed_params_are_ignored_with_a_note(store, page):
    at = ok(run(page, **MALFORMED))
    assert at.warning and "ignored" in at.warning[0].value
    note = at.warning[0].value
    assert "bogus" in note and "notadate" in note and "Nobody" in note and "utm" in note
    if page == SOURCES.path:
        assert "passwd" in note and not html(at).count('class="atlas-article"')
    for key in ("status", "from", "doc", "sentence", "sel", "utm_source", "actor"):
        assert key not in at.query_params


# ---- the reader -------------------------------------------------------------------------------------------------

def test_sources_opens_the_sentence_marked(store, events):
    ev = events.iloc[len(events) // 2]
    doc_id, n = ev["doc_id"], int(ev["sentence"])
    at = ok(run(SOURCES.path, doc=doc_id, sentence=str(n)))
    body = html(at)
    assert f'class="sent marked" id="s-{n}"' in body and body.count('class="sent marked" id=') == 1
    assert 'dir="rtl"' in body and 'class="hl hl-place"' in body and 'class="hl hl-actor"' in body
    assert f"getElementById('s-{n}')" in body
    assert at.selectbox(key="w_doc").value == doc_id
    assert table_rows(at) == int((events["doc_id"] == doc_id).sum())
    assert not at.warning


def test_sources_sentence_out_of_range_is_noted(store, events):
    doc_id = events.iloc[0]["doc_id"]
    at = ok(run(SOURCES.path, doc=doc_id, sentence="99999"))
    assert at.warning and "99999" in at.warning[0].value and 'class="sent marked" id=' not in html(at)
    assert 'class="atlas-article"' in html(at)


def test_a_sentence_given_twice_in_the_link_is_noted_and_the_last_one_opens(store, events):
    doc_id = events.iloc[0]["doc_id"]
    at = ok(run(SOURCES.path, doc=doc_id, sentence=["0", "1"]))
    assert at.warning and "“sentence” 2 times" in at.warning[0].value
    assert 'class="sent marked" id="s-1"' in html(at) and at.query_params["sentence"] == "1"


def test_sources_without_doc_lists_articles_with_links(store, events):
    at = ok(run(SOURCES.path))
    table = at.dataframe[-1].value
    assert len(table) >= events["doc_id"].nunique() and all(r.startswith("Sources?doc=") for r in table["Read"])


@pytest.fixture
def evil_store(store_copy) -> str:
    return add_article(store_copy, "evil-1")


def test_new_articles_show_without_a_restart(store_copy):
    before = {m.label: int(m.value) for m in ok(run()).metric}
    add_article(store_copy, "later-1")
    after = {m.label: int(m.value) for m in ok(run()).metric}
    assert after["Articles"] == before["Articles"] + 1 and after["Events"] > before["Events"]


def test_sources_shows_markup_as_text(evil_store):
    at = ok(run(SOURCES.path, doc=evil_store, sentence="1"))
    body = html(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body and "<img" not in body
    assert "&lt;b&gt;title&lt;/b&gt;" in body and "javascript:alert(3)" not in body
    assert 'class="sent marked" id="s-1"' in body
    for page in MAP_PAGES:                                  # the maps' tooltips: no tag can form
        spec = deck(ok(run(page)))
        for lyr in spec["layers"][1:]:
            for obj in lyr["data"] if isinstance(lyr["data"], list) else []:
                assert not any("<" in str(obj.get(f, "")) for f in layers.TIP_FIELDS)


def test_streamlit_still_escapes_tooltip_values():
    """The tooltip values are plain text because Streamlit's deck component escapes them; if an upgrade stops
    doing so, this fails and the values must be escaped here instead (see atlas_app/layers.py)."""
    import streamlit
    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    code = "".join(p.read_text(errors="ignore") for p in bundle.glob("DeckGlJsonChart*.js"))
    assert "&lt;" in code and "&quot;" in code and "tooltip" in code


# ---- presenter mode and colours -------------------------------------------------------------------------------

def in_order(node) -> list:
    """The page's elements in the order they are drawn."""
    out = [node]
    for child in getattr(node, "children", {}).values():
        out += in_order(child)
    return out


def on_screen(view: dict, lon: float, lat: float, width: int, height: int) -> bool:
    """Whether (lon, lat) lies on a ``width`` × ``height`` Web Mercator map centred on ``view``."""
    world = 512 * 2 ** view["zoom"]
    x = lambda lo: (lo + 180) / 360 * world  # noqa: E731
    y = lambda la: (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * world  # noqa: E731
    return (abs(x(lon) - x(view["longitude"])) <= width / 2 + 1
            and abs(y(lat) - y(view["latitude"])) <= height / 2 + 1)


@pytest.mark.parametrize("page", [OVERVIEW.path, VISITS.path, FLOWS.path])
def test_presenter_mode_fits_the_filtered_data_under_its_caption(store, page):
    from atlas_app.mapview import PRESENT_HEIGHT, PRESENT_WIDTH
    at = ok(run(page, present="1", status="planned"))
    spec = deck(at)
    view = spec["initialViewState"]
    assert {k: view[k] for k in layers.VIEW_WIDE} != layers.VIEW_WIDE
    ends = [(o[lo], o[la]) for lyr in spec["layers"] if lyr["id"] not in ("countries", *layers.LABEL_IDS)
            and isinstance(lyr.get("data"), list) for o in lyr["data"] for lo, la in (("lon", "lat"), ("olon", "olat"))
            if lo in o]
    assert ends and all(on_screen(view, lo, la, PRESENT_WIDTH, PRESENT_HEIGHT) for lo, la in ends)
    assert any(lo != ends[0][0] for lo, _ in ends)             # more than one place: the fit is no accident
    kinds = [(getattr(e, "type", ""), getattr(e, "value", "")) for e in in_order(at.main)]
    caption = next(i for i, (t, v) in enumerate(kinds) if t == "caption" and str(v).startswith("Filters: "))
    assert caption < next(i for i, (t, _) in enumerate(kinds) if t == "deck_gl_json_chart")
    normal = deck(ok(run(page, status="planned")))["initialViewState"]
    assert {k: normal[k] for k in layers.VIEW_WIDE} == layers.VIEW_WIDE      # out of presenter mode: the wide view


def test_the_visits_legend_shows_the_colours_of_the_arcs_and_dots(store):
    at = ok(run(VISITS.path))
    legend = {unescape(label): colour for colour, label in
              re.findall(r'background:(#[0-9a-f]{6});margin-right:4px;vertical-align:middle"></span>([^<]*)</span>',
                         html(at))}
    assert len(legend) >= 2
    spec = deck(at)
    hexed = lambda o: "#{:02x}{:02x}{:02x}".format(*o["color"][:3])  # noqa: E731
    by_actor = {}
    for arc in layer(spec, "visit-arcs"):
        by_actor.setdefault(arc["actor_key"], set()).add(hexed(arc))
    shown = {en: next(c for label, c in legend.items() if label == en or label.startswith(en + " · "))
             for en in by_actor if any(label == en or label.startswith(en + " · ") for label in legend)}
    assert len(shown) >= 2 and len(set(shown.values())) >= 2
    assert all(by_actor[en] == {c} for en, c in shown.items())                  # arcs: the legend's colour
    dots = {hexed(o) for o in placed(spec, "destinations")}
    arcs = set().union(*by_actor.values())
    assert dots & set(shown.values()) and dots <= arcs | {"#969696"}            # dots: their place's main actor's
