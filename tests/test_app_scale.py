"""What keeps the app light on a big store, checked on small data with the bounds made small: tables and the
article picker send a bounded number of rows (saying so), downloads are built only when clicked, the maps keep
their biggest objects (counting the rest), cached maps follow every choice, and no page changes the store's shared
answers."""
from __future__ import annotations

import json
from contextlib import closing
from urllib.parse import urlencode

import pandas as pd
import pytest

from atlas_app import about, articles, data, layers, tables
from atlas_app.data import prepare_events
from atlas_app.site import FLOWS, FRONT_LINES, OVERVIEW, VISITS
from tests.apptest import ABOUT, ADD, SOURCES, html, ok, run, table_rows
from geo.store.queries import EventQuery
from tests.conftest import store_of_rows
from tests.test_app_units import page_of, row

MORE = "narrow the filters or download the CSV for all"


def dated_rows(n: int, undated: int = 0) -> list[dict]:
    """``n`` events on consecutive days (e0 the oldest) and ``undated`` ones without a date."""
    days = [(pd.Timestamp("2019-01-01") + pd.Timedelta(days=i)).date().isoformat() for i in range(n)]
    return ([row(id=f"e{i}", doc_id=f"d{i}", date_start=d, date_end=d) for i, d in enumerate(days)]
            + [row(id=f"u{i}", doc_id=f"u{i}", date_start=None, date_end=None) for i in range(undated)])


def dated(n: int, undated: int = 0) -> pd.DataFrame:
    return prepare_events(dated_rows(n, undated))


# ---- pure ----------------------------------------------------------------------------------------------------

def test_a_bounded_table_keeps_the_most_recent_in_date_order():
    df = dated(10, undated=3)
    assert list(tables.most_recent(df, 4)["id"]) == ["e6", "e7", "e8", "e9"]
    assert list(tables.most_recent(df, 12)["id"]) == [f"e{i}" for i in range(10)] + ["u0", "u1"]
    assert list(tables.most_recent(df, None)["id"]) == [f"e{i}" for i in range(10)] + ["u0", "u1", "u2"]
    shown = tables.table_frame(df, ["date_label", "source"], 3)
    assert list(shown["Date"]) == ["8 Jan 2019", "9 Jan 2019", "10 Jan 2019"]
    assert all(s.startswith("Sources?doc=") for s in shown["Source"])


def test_the_caption_says_how_many_rows_are_left_out():
    assert tables.shown_caption(500, 90900) == f"Showing the 500 most recent of 90,900 events — {MORE}."
    assert tables.shown_caption(7, 7) is None


def test_downloads_hold_every_filtered_event(store_target):
    store = store_of_rows(store_target, dated_rows(30, undated=2))
    assert len(data.export_file(store, EventQuery(), "csv").strip().splitlines()) == 32 + 1
    assert len(json.loads(data.export_file(store, EventQuery(date_from="2019-01-21"), "geojson"))["features"]) == 10
    newest = page_of(store).rows(4)
    assert list(newest["id"]) == ["e29", "e28", "e27", "e26"]              # a table's rows: the newest, from the store


def test_selection_keys_are_urlencoded():
    pairs = [("type", "visit"), ("place_id", "a&b=c d/é+؟"), ("origin_id", None), ("month", 2019)]
    assert layers.selection_key(pairs) == urlencode([(c, "" if v is None else str(v)) for c, v in pairs])


def test_the_map_keeps_the_biggest_objects_and_the_deck_counts_the_rest(store_target):
    page = page_of(store_of_rows(store_target, [row(id=f"e{p}{i}", place_id=f"p{p}", lat=30 + p, lon=10 + p,
                                                    sentence=10 * p + i) for p in range(5) for i in range(5 - p)]))
    full = page.objects(("place_id",))                                                # p0: 5 events … p4: 1
    top = page.objects(("place_id",), limit=2)
    assert list(top) == full[:2] and [o["count"] for o in top] == [5, 4] and layers.total_objects(top) == 5
    [lyr] = layers.points_layer("places", top, lambda r: [0, 0, 0, 255])     # no country: dots alone
    deck, dropped = layers.make_deck([lyr], layers.VIEW_WIDE)
    assert dropped == 3 and layers.deck_data_count(deck.to_json(), "places") == 2
    layers.fit(deck, cap=1)                                               # the deck trims its own copy …
    assert len(lyr.data) == 2 and layers.make_deck([lyr], layers.VIEW_WIDE)[1] == 3   # … so layers can be shared


def test_a_frozen_deck_keeps_its_json(store_target):
    deck, _ = layers.make_deck(layers.overview_layers(page_of(store_of_rows(store_target, dated_rows(3)))),
                               layers.VIEW_WIDE)
    text = deck.to_json()
    assert deck.freeze().to_json() == text and json.loads(text)["layers"]


def test_the_store_counts_both_sides_by_the_rowwise_rule(store, events):
    both = [len(r["all_affs"]) >= 2 if r["type"] == "front_line" else bool(r["actors"]) and bool(r["counterparts"])
            for _, r in events.iterrows()]
    figures = data.ask(data.current(), "figures")
    assert sum(f["both_sides"] for f in figures.values()) == sum(both) > 0
    table = about.store_table(figures).set_index("Events")
    assert table.loc["All events", "Count"] == len(events)


def test_article_search_folds_case_and_arabic_variants_newest_first(store_target):
    from geo.store import connect, current, queries
    docs = [("a1", "أحمد في طرابلس", "Al-Wasat", "2019-01-02"), ("a2", "Tripoli talks", "Libya Observer", "2019-03-01"),
            ("a3", "احمد يلتقي", "", None), ("a4", "", "", "2018-05-05")]
    with closing(connect(store_target)) as conn:
        with conn.transaction():
            conn.executemany("INSERT INTO documents (id, content_hash, title, outlet, published, text, ingested_at) "
                             "VALUES (?,?,?,?,?,?,?)", [(*d[:1], f"h{d[0]}", *d[1:], "100% حفتر_في بنغازي", "2026-01-01")
                                                        for d in docs])
            current.refresh(conn, [d[0] for d in docs])

        def found(text, **kw):
            return [d["id"] for d in queries.find_documents(conn, text, **kw)[0]]
        assert found("") == ["a2", "a1", "a4", "a3"]                       # newest first, undated last
        assert found("احمد") == ["a1", "a3"]                                 # أ and ا alike
        assert found("TRIPOLI observer") == ["a2"] and found("a3") == ["a3"] and found("nothing") == []
        assert found("حفتر_في") == ["a4"] and found("%") == ["a4"] and found("_") == ["a4"]   # the first words, literally
        assert found("", limit=1) == ["a2"] and queries.find_documents(conn, "", 1)[1] == 4
        assert found("", ids=("a3", "zz")) == ["a3"]
    assert articles.choices([{"id": "a2", "title": "Tripoli talks", "outlet": "", "published": None}]) == {
        "": articles.NO_ARTICLE, "a2": "Tripoli talks"}


# ---- the pages (AppTest) ----------------------------------------------------------------------------------------

def test_tables_show_the_most_recent_with_a_caption(store, events, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    at = ok(run())
    assert table_rows(at) == 5
    assert f"Showing the 5 most recent of {len(events)} events — {MORE}." in [c.value for c in at.caption]
    assert list(at.dataframe[-1].value["Source"]) == list(tables.most_recent(events, 5)["source"])
    assert f"**Export** ({len(events):,} events)" in [m.value for m in at.sidebar.markdown]   # downloads: all of them
    visits = ok(run(VISITS.path))
    assert table_rows(visits) == min(5, int((events["type"] == "visit").sum()))


def test_a_short_table_has_no_caption(store, events):
    at = ok(run())
    assert table_rows(at) == len(events) and not any("most recent" in c.value for c in at.caption)


def test_downloads_are_built_only_when_clicked(store, monkeypatch):
    built = []
    monkeypatch.setattr(data, "export_events", lambda rows, fmt: built.append(fmt) or "")
    at = ok(run())
    buttons = at.sidebar.get("download_button")
    assert [b.proto.label for b in buttons] == ["CSV", "GeoJSON"]
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons) and built == []


@pytest.fixture
def docs(store) -> list[dict]:
    """The store's articles, newest first, as the picker lists them."""
    from geo.store import connect, queries
    with closing(connect(store, readonly=True)) as conn:
        return queries.find_documents(conn)[0]


def test_the_article_picker_lists_a_few_and_the_open_one(store, events, docs, monkeypatch):
    monkeypatch.setattr(articles, "MAX_PICKED", 2)
    labels, ids = articles.choices(docs), [d["id"] for d in docs]
    at = ok(run(SOURCES))
    assert at.selectbox(key="w_doc").options == [labels[i] for i in ("", *ids[:2])]
    assert any(f"lists the 2 newest of {len(docs)} articles" in c.value for c in at.caption)
    oldest = ids[-1]                                                      # not among the two listed
    at = ok(run(SOURCES, doc=oldest))
    assert at.selectbox(key="w_doc").value == oldest and 'class="atlas-article"' in html(at) and not at.warning
    assert at.selectbox(key="w_doc").options == [labels[i] for i in ("", oldest, *ids[:2])]


def test_the_article_search_narrows_the_picker_and_the_table(store, events, docs):
    labels, wanted = articles.choices(docs), docs[-1]["id"]
    at = ok(run(SOURCES))
    at.text_input(key=articles.SEARCH_KEY).input(wanted).run()
    ok(at)
    assert at.selectbox(key="w_doc").options == [labels[""], labels[wanted]]
    assert list(at.dataframe[-1].value["Read"]) == [f"Sources?doc={wanted}"]
    at.selectbox(key="w_doc").set_value(wanted).run()
    assert ok(at).query_params["doc"] == wanted and 'class="atlas-article"' in html(at)


def test_the_article_table_is_bounded(store, docs, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    at = ok(run(SOURCES))
    assert table_rows(at) == 2
    assert (f"Showing the 2 most recent of {len(docs)} articles — search above to find the others."
            in [c.value for c in at.caption])


def test_cached_maps_follow_every_choice(store, events):
    def spec(page, **params):
        return json.loads(ok(run(page, **params)).get("deck_gl_json_chart")[0].proto.json)
    assert spec(VISITS.path) != spec(VISITS.path, color="affiliation")
    month = events[events["type"] == "front_line"]["month"].value_counts().index[0]
    assert spec(FRONT_LINES.path) != spec(FRONT_LINES.path, period=month)
    assert spec(OVERVIEW.path) != spec(OVERVIEW.path, status="planned")
    key = next(lyr["data"] for lyr in spec(OVERVIEW.path)["layers"] if lyr["id"] == "places")[0]["key"]
    assert "selection" in [lyr["id"] for lyr in spec(OVERVIEW.path, sel=key)["layers"]]


def test_pages_leave_the_shared_answers_as_they_were(store, events, docs):
    shared = data.rows(data.current(), EventQuery(), None)
    copy = shared.copy(deep=True)
    for page, params in [(OVERVIEW.path, {}), (OVERVIEW.path, {"status": "planned", "per": "week"}),
                         (VISITS.path, {"color": "affiliation"}), (FRONT_LINES.path, {}),
                         (FLOWS.path, {}), (SOURCES, {}), (SOURCES, {"doc": docs[0]["id"]}),
                         (ABOUT, {}), (ADD, {})]:
        ok(run(page, **params))
    assert data.rows(data.current(), EventQuery(), None) is shared     # the same object, not a copy …
    pd.testing.assert_frame_equal(shared, copy)                          # … and unchanged
    assert len(shared) == len(events)
