"""The security review's checks under AppTest: markup from an uploaded article is text wherever it is shown;
link parameters never reach the file system; every value that reaches HTML or Markdown is escaped."""
from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from atlas_app import corrections_ui, tables, upload
from tests.apptest import ADD, ROOT, SOURCES, frame, html, ok, run

SCRIPT, IMG = "<script>alert(1)</script>", "<img src=x onerror=alert(1)>"
EVIL = (f"زار فائز السراج العاصمة الأميركية واشنطن {SCRIPT} والتقى دونالد ترامب {IMG}.\n"
        "واندلعت اشتباكات عنيفة في طرابلس بين قوات حفتر وقوات الوفاق.")


def upload_one(name: str, data: bytes, outlet: str = "") -> dict:
    at = ok(run(ADD))
    at.file_uploader[0].set_value((name, data, "text/plain"))
    at.date_input(key="up_published").set_value(date(2019, 5, 1))
    at.text_input(key="up_outlet").input(outlet)
    ok(at.run())
    at.button(key="up_go").click()
    ok(at.run())
    return {"at": at, "row": frame(at, "Result").iloc[0].to_dict()}


def assert_inert(body: str) -> None:
    """No tag from the article can form in the page's HTML."""
    assert "<script>alert" not in body and "<img" not in body and "onerror=alert(1)>" not in body


def test_uploaded_markup_is_text_in_the_reader_and_the_events_table(store_copy):
    done = upload_one("evil <b>.txt", EVIL.encode("utf-8"), outlet="<i>Outlet</i>")
    assert done["row"]["Result"] == "added"
    doc_id = done["row"]["Article id"]
    batch = frame(done["at"], "Sentence")                                # the upload page's own events table
    assert any(SCRIPT in s and IMG in s for s in batch["Sentence"])
    at = ok(run(SOURCES, doc=doc_id, sentence="0"))
    body = html(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;i&gt;Outlet&lt;/i&gt;" in body
    assert_inert(body)
    table = frame(at, "Corrected")                                       # the reader's events table: plain text
    assert any(SCRIPT in s and IMG in s for s in table["Sentence"])
    assert not any(SCRIPT in m.value or IMG in m.value for m in at.markdown)       # never raw in Markdown


def test_escaped_markup_in_an_html_file_stays_text(store_copy):
    page = ("<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt;</title></head><body><p>"
            + EVIL.replace("<", "&lt;").replace(">", "&gt;") + "</p></body></html>")
    done = upload_one("escaped.html", page.encode("utf-8"))
    assert done["row"]["Result"] == "added"
    body = html(ok(run(SOURCES, doc="escaped")))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert_inert(body)


@pytest.mark.parametrize("doc", ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd", "' OR 1=1 --",
                                 "<script>alert(1)</script>"])
def test_an_unknown_doc_in_the_link_gives_a_note(store, doc):
    at = ok(run(SOURCES, doc=doc, sentence="1"))
    assert at.warning and "not a valid article id" in at.warning[0].value
    assert 'class="atlas-article"' not in html(at) and "doc" not in at.query_params
    assert "<script>" not in at.warning[0].value                            # the note escapes what it quotes


def test_a_file_name_never_becomes_a_path(store_copy):
    done = upload_one("../../../../tmp/owned.txt", EVIL.encode())
    assert done["row"]["Article id"] == "owned" and not Path("/tmp/owned").exists()


# ---- static checks over the app's code ---------------------------------------------------------------------

APP_FILES = sorted([*ROOT.glob("atlas_app/*.py"), ROOT / "app.py", *ROOT.glob("pages/*.py")])


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.name)
def test_no_sql_is_built_from_values(path):
    """Every execute() in the app takes a constant statement (parameters go in ``?``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("execute", "executemany", "executescript"):
            sql = node.args[0] if node.args else None
            assert isinstance(sql, (ast.Constant, ast.Name)), f"{path.name}:{node.lineno}: SQL built from values"


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: p.name)
def test_no_raw_html_in_markdown(path):
    """No ``unsafe_allow_html``: HTML goes through st.html, built from escaped values (reader.py, ui.py)."""
    assert "unsafe_allow_html" not in path.read_text(encoding="utf-8")


def test_javascript_only_for_the_scroll_script():
    """The one place that allows scripts runs a constant script with an integer in it."""
    uses = [(p.name, m.start()) for p in APP_FILES for m in re.finditer("unsafe_allow_javascript",
                                                                        p.read_text(encoding="utf-8"))]
    assert [name for name, _ in uses] == ["article.py"]


def test_links_in_tables_are_relative_or_plain_http():
    import pandas as pd
    from atlas_app.data import prepare_events
    from tests.test_app_units import row
    df = prepare_events([row(url="javascript:alert(1)", doc_id="a&b=<c>"), row(id="e1", url="https://a.org/x")])
    shown = tables.table_frame(df, ["source", "article"])
    assert shown["Article"].isna().tolist() == [True, False] and shown["Article"][1] == "https://a.org/x"
    assert all(s.startswith("Sources?doc=") and "<" not in s and "&b=" not in s for s in shown["Source"])
    assert upload.results_frame([{"name": "x", "doc_id": "a&b", "outcome": "added", "reason": ""}],
                                pd.DataFrame({"doc_id": []}))["Open"][0] == "Sources?doc=a%26b"


def test_the_corrections_csv_defuses_formulas():
    rows = [{"id": 1, "kind": "event_status", "target": "e1", "value": {"status": "planned"},
             "note": "=cmd|' /C calc'!A0", "created_at": "2025-01-01T00:00:00+00:00", "undone_at": None},
            {"id": 2, "kind": "event_status", "target": "e1", "value": {}, "note": "-2+3", "created_at": "x",
             "undone_at": None}]
    text = corrections_ui.export(rows, "csv")
    assert "'=cmd" in text and "'-2+3" in text


def test_markdown_escape_covers_links_images_html_and_math():
    from atlas_app.links import md_escape
    assert md_escape("![x](http://a.org/t.png)") == "\\!\\[x\\]\\(http://a.org/t.png\\)"   # no outside request
    assert md_escape("<b>$\\href{javascript:x}{y}$</b>") == "\\<b\\>\\$\\\\href\\{javascript:x\\}\\{y\\}\\$\\</b\\>"
