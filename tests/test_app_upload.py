"""The "Add articles" page under AppTest, on a private copy of the seed store: what a user sees after a batch."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest

from atlas_app import upload
from geo.sources import MAX_BYTES
from tests.apptest import ADD, SOURCES, frame, html, metrics, ok, run

GOOD = ("زار فائز السراج العاصمة الأميركية واشنطن والتقى دونالد ترامب في البيت الأبيض.\n"
        "واندلعت اشتباكات عنيفة في طرابلس بين قوات حفتر وقوات الوفاق.")
OTHER = "واستقبل الرئيس المصري عبد الفتاح السيسي في القاهرة المشير خليفة حفتر قائد الجيش الوطني الليبي."


def upload_files(at, files, published=date(2019, 5, 1), **fields):
    """Put ``files`` (name -> bytes) in the uploader, fill the form and press the button."""
    at.file_uploader[0].set_value([(name, data, "text/plain") for name, data in files.items()])
    return submit(at, published, **fields)


def submit(at, published=date(2019, 5, 1), replace=False, outlet="", url="", precision="day", text=None):
    at.date_input(key="up_published").set_value(published)
    at.radio(key="up_precision").set_value(precision)
    at.text_input(key="up_outlet").input(outlet)
    at.text_input(key="up_url").input(url)
    at.checkbox(key="up_replace").set_value(replace)
    if text is not None:
        at.text_area[0].input(text)
    ok(at.run())
    at.button(key="up_go").click()
    return ok(at.run())


def results(at) -> dict[str, dict]:
    table = frame(at, "Result")
    return {r["File"]: r for r in table.to_dict("records")}


def test_a_batch_reports_every_file_and_the_good_ones_reach_the_maps(store_copy):
    before = metrics(ok(run()))
    at = ok(run(ADD))
    assert at.file_uploader[0].accept_multiple_files and set(at.file_uploader[0].allowed_type) >= {".txt", ".html"}
    at = upload_files(at, {
        "Sarraj visit.txt": GOOD.encode("utf-8"),
        "cairo-1256.txt": OTHER.encode("cp1256"),
        "empty.txt": b"",
        "english.txt": b"An English text without a single Arabic letter.",
        "binary.txt": b"\x89PNG\x00\x01\x02" + "نص".encode(),
        "huge.txt": "ن".encode() * (MAX_BYTES // 2 + 1),
    }, outlet="Al-Wasat")
    rows = results(at)
    assert rows["Sarraj visit.txt"]["Result"] == "added" and rows["Sarraj visit.txt"]["Article id"] == "sarraj-visit"
    assert rows["cairo-1256.txt"]["Result"] == "added"                       # Windows-1256 decoded
    assert rows["empty.txt"]["Result"] == "refused" and rows["empty.txt"]["Reason"] == "empty file"
    assert rows["english.txt"]["Reason"] == "no Arabic text"
    assert "binary" in rows["binary.txt"]["Reason"]
    assert "too large" in rows["huge.txt"]["Reason"]
    assert rows["Sarraj visit.txt"]["Events"] >= 2 and rows["Sarraj visit.txt"]["Open"] == "Sources?doc=sarraj-visit"
    assert at.warning and "2 added" in at.warning[0].value and "4 refused" in at.warning[0].value
    links = [link.proto for link in at.get("page_link") if "in Sources" in link.proto.label]
    assert {link.query_string for link in links} == {"doc=sarraj-visit", "doc=cairo-1256"}
    batch = frame(at, "Sentence")                                            # the batch's events
    assert set(batch["Source"].str.extract(r"doc=([^&]+)")[0]) <= {"sarraj-visit", "cairo-1256"}
    assert len(batch) == rows["Sarraj visit.txt"]["Events"] + rows["cairo-1256.txt"]["Events"]
    assert not at.file_uploader[0].value                                     # ready for the next batch
    after = metrics(ok(run()))                                               # the maps see them at once
    assert int(after["Articles"]) == int(before["Articles"]) + 2
    assert int(after["Events"]) == int(before["Events"]) + len(batch)
    reader = ok(run(SOURCES, doc="sarraj-visit"))
    assert "Al-Wasat" in html(reader) and "<bdi>1 May 2019</bdi>" in html(reader) and "واشنطن" in html(reader)


def test_same_text_is_unchanged_and_a_taken_id_needs_replace(store_copy):
    at = upload_files(ok(run(ADD)), {"story.txt": GOOD.encode()})
    assert results(at)["story.txt"]["Result"] == "added"
    at = upload_files(at, {"story.txt": GOOD.encode(), "copy of story.txt": GOOD.encode()})
    rows = results(at)
    assert rows["story.txt"]["Result"] == "unchanged"
    assert rows["copy of story.txt"]["Result"] == "unchanged" and "as “story”" in rows["copy of story.txt"]["Reason"]
    at = upload_files(at, {"story.txt": OTHER.encode()})
    row = results(at)["story.txt"]
    assert row["Result"] == "refused" and "belongs to another stored article" in row["Reason"]
    assert "السيسي" not in html(ok(run(SOURCES, doc="story")))                # the stored one is kept
    at = upload_files(at, {"story.txt": OTHER.encode()}, replace=True)
    assert results(at)["story.txt"]["Result"] == "replaced"
    assert "السيسي" in html(ok(run(SOURCES, doc="story")))


def test_two_files_with_one_id_in_a_batch(store_copy):
    at = upload_files(ok(run(ADD)), {"Report.txt": GOOD.encode(), "report.html": f"<p>{OTHER}</p>".encode()})
    rows = results(at)
    assert rows["Report.txt"]["Result"] == "added"
    assert rows["report.html"]["Result"] == "refused" and "also “Report.txt” in this batch" in rows["report.html"]["Reason"]


def test_pasted_text_gets_a_hash_id_and_opens_in_sources(store_copy):
    at = submit(ok(run(ADD)), text=GOOD + "\n", precision="month")
    doc_id = "pasted-" + hashlib.sha256((GOOD + "\n").encode()).hexdigest()[:8]
    row = results(at)["pasted text"]
    assert (row["Result"], row["Article id"]) == ("added", doc_id)
    assert at.text_area[0].value == ""                                       # the box is emptied
    reader = ok(run(SOURCES, doc=doc_id))
    assert reader.selectbox(key="w_doc").value == doc_id and 'class="atlas-article"' in html(reader)


def test_an_html_file_gives_its_title_and_loses_its_tags(store_copy):
    page = (f"<html><head><title>السراج في واشنطن &amp; البيت الأبيض</title><style>p{{color:red}}</style></head>"
            f"<body><h1>عنوان</h1><p>{GOOD}</p><script>alert(1)</script></body></html>")
    at = upload_files(ok(run(ADD)), {"sarraj.html": page.encode("utf-8")})
    assert results(at)["sarraj.html"]["Result"] == "added"
    body = html(ok(run(SOURCES, doc="sarraj")))
    assert "السراج في واشنطن &amp; البيت الأبيض" in body and "alert(1)" not in body and "color:red" not in body


def test_only_http_urls_are_accepted_and_never_fetched(store_copy, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the page tried to open a connection")
    monkeypatch.setattr(socket, "create_connection", refuse)
    at = ok(run(ADD))
    at.file_uploader[0].set_value(("a.txt", GOOD.encode(), "text/plain"))
    at.text_input(key="up_url").input("javascript:alert(1)")
    at.run()
    assert at.error and "http" in at.error[0].value and at.button(key="up_go").disabled
    at.text_input(key="up_url").input("https://example.org/news/1?a=1&b=2")
    at.date_input(key="up_published").set_value(date(2019, 5, 1))
    ok(at.run())
    at.button(key="up_go").click()
    assert results(ok(at.run()))["a.txt"]["Result"] == "added"
    assert 'href="https://example.org/news/1?a=1&amp;b=2"' in html(ok(run(SOURCES, doc="a")))


def test_the_page_keeps_the_sidebar_filters(store_copy):
    at = ok(run(ADD, status="planned"))
    assert at.radio(key="w_status").value == "planned" and at.query_params["status"] == "planned"
    assert {"Add articles", "About the data"} <= {link.proto.label for link in at.get("page_link")}


# ---- the pure parts ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("Sarraj visit.txt", "sarraj-visit"), ("../../etc/passwd.txt", "passwd"), ("C:\\news\\a b.HTML", "a-b"),
    ("زيارة السراج.txt", "زيارة-السراج"), ("<script>.txt", "script"), ("...txt", "txt"), (".txt", "txt"),
    ("%%%.txt", ""), ("x" * 200 + ".txt", "x" * 80)])
def test_slug(name, expected):
    assert upload.slug(name) == expected


def test_ids_of_nameless_files_and_pasted_text():
    digest = hashlib.sha256(b"abc").hexdigest()[:8]
    assert upload.item_id(upload.Item("%%%.txt", b"abc")) == f"file-{digest}"
    assert upload.item_id(upload.Item("pasted text", b"abc", pasted=True)) == f"pasted-{digest}"


@pytest.mark.parametrize("url, ok_", [("", True), ("https://a.org/x", True), ("http://a.org", True),
                                     ("javascript:alert(1)", False), ("data:text/html,x", False),
                                     ("ftp://a.org/x", False), ("https://a.org/\"onmouseover=x", False),
                                     ("file:///etc/passwd", False), ("//a.org/x", False)])
def test_check_url(url, ok_):
    stored, error = upload.check_url(url)
    assert (error == "") is ok_ and (stored == url.strip() if ok_ else stored == "")


def test_meta_is_one_clean_line():
    assert upload.clean_meta(" Al\x00-Wasat \n\t news ") == "Al -Wasat news"
    assert len(upload.clean_meta("x" * 1000)) == upload.MAX_META
