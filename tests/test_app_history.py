"""The history in the Sources page under AppTest, on a private copy of the seed store: a replaced article's earlier
version can be read, a correction of the replaced text is listed as no longer matching, an undo shows who undid it
and when, and the History view lists every change with its author — to viewers too."""
from __future__ import annotations

import json
from contextlib import closing
from datetime import date

import pytest

from atlas_app import article, auth, data, history_ui, reader
from atlas_app.tables import CORRECTED_BADGE
from geo.store import corrections, history
from geo.model import Article
from geo.pipeline import extract
from geo.store import connect, read_document, read_events, save
from tests.apptest import EVIL_TEXT, SOURCES, frame, html, ok, open_event, run, undo_buttons

ANA, OMAR = "ana@example.org", "omar@example.org"
ADDED = " وقال المتحدث إن الحل سياسي."      # a sentence added to a text: a new version of the article


def new_version(path, doc_id: str, who: str = ANA) -> str:
    """The stored article's text with a sentence added, saved under the same id by ``who``; returns the old text."""
    with closing(connect(path)) as conn:
        doc = read_document(conn, doc_id, corrected=False)
        text = Article(doc_id, doc["text"] + ADDED, date.fromisoformat(doc["published"]), doc["date_precision"],
                       doc["outlet"] or "", doc["title"] or "")
        assert save(conn, extract(text), source="upload: fix.txt", who=who) == "replaced"
    return doc["text"]


def opened(at, key: str):
    """The page again with the expander kept under ``key`` open."""
    at.session_state[key] = True
    return ok(at.run())


def labels(at) -> list[str]:
    return [e.label for e in at.expander]


def history_table(at):
    return frame(at, "Who")


def test_replacing_an_article_keeps_version_1_and_the_reader_shows_it(store_copy, call):
    old_text = new_version(store_copy, call["doc_id"])
    at = ok(run(SOURCES, doc=call["doc_id"]))
    assert "Earlier versions (1)" in labels(at)
    assert "الحل سياسي" in html(at) and reader.text_html(old_text) not in html(at)      # closed: nothing inside runs
    at = opened(at, article.VERSIONS_KEY)
    assert reader.text_html(old_text) in html(at)
    assert at.selectbox(key="doc_version").value == 1
    version_events = next(d.value for d in at.dataframe if "Sentence" in d.value and "Corrected" not in d.value)
    assert call["sentence_text"] in set(version_events["Sentence"])
    assert any("Version 1 of 2" in c.value for c in at.caption)
    assert "History of this article (2 changes)" in labels(at)


def test_a_correction_of_the_replaced_text_is_listed_as_no_longer_matching(store_copy, call):
    with closing(connect(store_copy)) as conn:
        corrections.add(conn, "event_status", call["id"], {"status": "planned"}, note="only announced", who=OMAR)
    new_version(store_copy, call["doc_id"])
    at = ok(run(SOURCES, doc=call["doc_id"]))
    assert "Corrections (0 active, 1 no longer matching)" in labels(at)
    [listed] = [m.value for m in at.markdown if "no longer matches an event" in m.value]
    assert "made on version 1" in listed and f"by {OMAR}" in listed and "only announced" in listed
    assert f"in sentence {call['sentence']}" in listed                   # what it corrected, from version 1
    assert not (frame(at, "Corrected")["Corrected"] == CORRECTED_BADGE).any()      # it applies to nothing


def test_an_undo_is_recorded_with_who_and_when_and_the_history_shows_both(store_copy, call, monkeypatch):
    monkeypatch.setattr(auth, "editor", lambda: ANA)                     # a signed-in editor
    at = open_event(call)
    at.radio(key=f"fix_{call['id']}_status").set_value("planned")
    at.button(key=f"fix_{call['id']}_status_go").click()
    ok(at.run())
    undo_buttons(at)[0].click()
    ok(at.run())
    [listed] = [m.value for m in at.markdown if "changed the status" in m.value]
    assert listed.count(f"by {ANA}") == 2 and "undone 20" in listed and " UTC by " in listed
    at = opened(at, "history_doc")
    table = history_table(at)
    assert list(table["Who"][:2]) == [ANA, ANA]
    assert table["What"][0].startswith("undid correction #") and "changed the status" in table["What"][1]
    with closing(connect(store_copy)) as conn:
        cid = corrections.listing(conn)[0]["id"]
        assert [c["action"] for c in history.changes(conn, target=str(cid))] == ["undo", "correction"]


@pytest.fixture
def evil_article(store_copy) -> str:
    """An article with markup in its text and title, added by Ana, and a correction of it by Omar."""
    with closing(connect(store_copy)) as conn:
        save(conn, extract(Article("evil", EVIL_TEXT, date(2019, 5, 1), "day", "<i>outlet</i>", "<b>title</b>")),
             source="upload: evil.txt", who=ANA)
        event = next(e for e in read_events(conn) if e["doc_id"] == "evil")
        corrections.add(conn, "event_status", event["id"], {"status": "planned"}, note="<img src=x onerror=alert(1)>",
                        who=OMAR)
    return "evil"


def test_the_history_view_lists_an_added_article_and_a_correction_with_their_authors(evil_article, seeds,
                                                                                     monkeypatch):
    monkeypatch.setenv("ATLAS_READ_ONLY", "1")                            # a viewer reads it too
    at = ok(run(SOURCES))
    assert f"History of the store ({len(seeds) + 2} changes)" in labels(at)
    at = opened(at, "history_all")
    table = history_table(at)
    assert list(table["Who"]) == [OMAR, ANA] + ["local"] * len(seeds)    # newest first; the seeds as ingested
    assert table["What"][0].startswith("correction #") and "<img src=x onerror=alert(1)>" in table["What"][0]
    assert table["What"][1].startswith("added") and "<b>title</b>" in table["What"][1]   # text, in a grid cell
    assert list(table["Article"][:2]) == ["Sources?doc=evil"] * 2
    assert [b.proto.label for b in at.get("download_button")][-2:] == ["History (JSON)", "History (CSV)"]
    assert "<img" not in html(at) and "<b>title" not in html(at)


def test_a_viewer_sees_the_article_s_corrections_and_who_made_them_without_undo(evil_article, monkeypatch):
    monkeypatch.setenv("ATLAS_READ_ONLY", "1")
    at = ok(run(SOURCES, doc=evil_article))
    assert "Corrections (1 active)" in labels(at) and not undo_buttons(at)
    [listed] = [m.value for m in at.markdown if "changed the status" in m.value]
    assert f"by {OMAR}" in listed and "\\<img" in listed                  # escaped: shown, never run


def test_an_earlier_version_s_text_is_escaped_paragraphs():
    shown = reader.text_html(EVIL_TEXT)
    assert "<script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert shown.startswith('<div class="atlas-article" dir="rtl" lang="ar">') and "</p><p>" in shown


def test_a_long_history_shows_its_newest_changes_and_exports_them_all(evil_article, seeds, monkeypatch):
    """A large store's history is as long as its articles: the view shows the newest ``MAX_CHANGES`` and says how
    many there are; its export, read when clicked, has every one."""
    monkeypatch.setattr(data, "MAX_CHANGES", 3)
    at = opened(ok(run(SOURCES)), "history_all")
    total = len(seeds) + 2
    assert f"History of the store ({total} changes)" in labels(at)
    assert list(history_table(at)["Who"]) == [OMAR, ANA, "local"]                    # the newest three
    assert f"Showing the 3 most recent of {total} changes" in " ".join(c.value for c in at.caption)
    exported = json.loads(history_ui._export(None, "json"))
    assert len(exported) == total and exported[0]["who"] == OMAR
