"""Helpers for the app's AppTest tests (the fixtures they use are in conftest.py: ``seed_store``, ``store``,
``store_copy``): running a page, checking it ran cleanly, reading what it shows."""
from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from atlas_app import corrections_ui, site

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")           # the entry point: st.navigation over atlas_app.site.PAGES
SOURCES, ADD, ABOUT = site.SOURCES.path, site.ADD.path, site.ABOUT.path
EVIL_TEXT = ("زار فائز السراج العاصمة الأميركية واشنطن والتقى دونالد ترامب. <script>alert(1)</script>\n"
             "واندلعت اشتباكات عنيفة في طرابلس بين قوات حفتر وقوات الوفاق <img src=x onerror=alert(2)>.")


def run(page: str = site.OVERVIEW.path, **params) -> AppTest:
    """``page`` (its script, as in ``atlas_app.site``) opened with ``params`` in its URL, run once."""
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.switch_page(page).run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def table_rows(at: AppTest) -> int:
    return len(at.dataframe[-1].value)


def located_rows(at: AppTest) -> int:
    """Rows of the page's event table that have a place (those are on the map)."""
    return int((at.dataframe[-1].value["Place"] != "—").sum())


def html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frame(at: AppTest, column: str):
    """The last table on the page that has ``column``."""
    return next(d.value for d in reversed(at.dataframe) if column in d.value.columns)


def add_article(path: Path, doc_id: str, text: str = EVIL_TEXT) -> str:
    """An article with markup in its text, title, outlet and URL, extracted and saved into the store."""
    from geo.model import Article
    from geo.pipeline import extract
    from geo.store import connect, save
    article = Article(doc_id, text, date(2019, 5, 1), "day", "<i>outlet</i>", "<b>title</b>", "javascript:alert(3)")
    with closing(connect(path)) as conn:
        save(conn, extract(article))
    return doc_id


def open_event(call, tab: str = "Status") -> object:
    """The reader on the call's article, with the call picked and one tab of the corrections open."""
    at = ok(run(SOURCES, doc=call["doc_id"]))
    picker(at, "Event").set_value(call["id"])
    at.session_state[corrections_ui.TAB_KEY] = tab
    return ok(at.run())


def picker(at, label: str):
    """The corrections' event or mention picker (its key changes with its labels: found by its label)."""
    return next(s for s in at.selectbox if s.label == label)


def undo_buttons(at):
    return [b for b in at.button if b.label == "Undo"]
