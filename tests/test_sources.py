"""geo.sources: every encoding decodes to the same text, HTML becomes plain text, each refusal says why."""
from __future__ import annotations

import random
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from geo.sources import (MAX_BYTES, ArticleError, Source, article_from_bytes, clean_text, collect, decode,
                         read_article, read_manifest)

ARABIC = "زار فائز السراج القاهرة، وقال «الحل سياسي» في ليبيا؟"

ENCODINGS = {
    "utf-8": ARABIC.encode("utf-8"),
    "utf-8 with BOM": b"\xef\xbb\xbf" + ARABIC.encode("utf-8"),
    "utf-16 LE with BOM": b"\xff\xfe" + ARABIC.encode("utf-16-le"),
    "utf-16 BE with BOM": b"\xfe\xff" + ARABIC.encode("utf-16-be"),
    "windows-1256": ARABIC.encode("cp1256"),
}


def write(folder: Path, name: str, data: bytes | str) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def refusal(data: bytes, meta: dict | None = None, is_html: bool = False) -> str:
    with pytest.raises(ArticleError) as info:
        article_from_bytes(data, "x", meta, is_html)
    return str(info.value)


# --- decoding -------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_each_encoding_decodes_to_the_original_text(encoding):
    assert decode(ENCODINGS[encoding]) == ARABIC


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_each_encoding_read_from_a_file_gives_the_same_article(tmp_path, encoding):
    art = read_article(Source(write(tmp_path, "a.txt", ENCODINGS[encoding]), {"published": "2020-09-08"}))
    assert art.text == ARABIC
    assert "\ufeff" not in art.text and "\ufffd" not in art.text
    assert art.id == "a" and art.published == date(2020, 9, 8)


def test_windows_1256_line_ends_and_outer_space_are_normalized():
    data = ("  " + ARABIC + "\r\nسطر ثان   \r\n\r\n").encode("cp1256")
    assert article_from_bytes(data, "x").text == ARABIC + "\nسطر ثان"


def test_html_entities_are_decoded_in_text():
    assert clean_text("&#1604;&#1610;&#1576;&#1610;&#1575; &amp; مصر") == "ليبيا & مصر"
    assert clean_text("&#x644;&#x64A;&#x628;&#x64A;&#x627;") == "ليبيا"
    art = article_from_bytes("زار السراج &#1604;&#1610;&#1576;&#1610;&#1575; &amp; مصر".encode(), "x")
    assert art.text == "زار السراج ليبيا & مصر"


HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<style>body { font-family: "خط مخفي"; }</style>
<script type="text/javascript">var s = "<p>نص مخفي</p>"; if (a < b) { x = 1; }</script>
</head>
<body><h1>زيارة السراج</h1><p>زار فائز السراج القاهرة أمس.</p><p>وقال &laquo;الحل سياسي&raquo; &amp; &#1604;يبيا<br>سطر بعد الفاصل</p>
<SCRIPT>alert("هجوم")</SCRIPT><!-- تعليق مخفي --></body></html>"""


@pytest.mark.parametrize("name", ["page.html", "PAGE.HTM"])
def test_html_input_has_tags_stripped_and_scripts_removed(tmp_path, name):
    art = read_article(Source(write(tmp_path, name, HTML), {}))
    text = art.text
    assert "<" not in text and ">" not in text
    for hidden in ("نص مخفي", "var s", "خط مخفي", "font-family", "alert", "هجوم", "تعليق مخفي", "DOCTYPE"):
        assert hidden not in text
    assert "زار فائز السراج القاهرة أمس." in text
    assert "وقال «الحل سياسي» & ليبيا" in text
    lines = [line for line in text.split("\n") if line.strip()]
    # block elements end lines: the heading, each paragraph and the <br> are apart
    assert lines == ["زيارة السراج", "زار فائز السراج القاهرة أمس.", "وقال «الحل سياسي» & ليبيا",
                     "سطر بعد الفاصل"]


def test_a_txt_file_is_not_treated_as_html(tmp_path):
    art = read_article(Source(write(tmp_path, "a.txt", "قال إن <b> ليست وسماً"), {}))
    assert art.text == "قال إن <b> ليست وسماً"


def test_a_windows_1256_seed_is_stored_without_mojibake(tmp_path, seeds):
    from geo.ingest import ingest
    from geo.store import connect, read_document
    original = seeds["002"].text
    folder = tmp_path / "cp1256"
    write(folder, "002.txt", original.encode("cp1256"))
    assert read_article(Source(folder / "002.txt", {})).text == original
    with closing(connect(tmp_path / "s.sqlite")) as conn:
        report = ingest([folder], conn)
        assert report.added == ["002"]
        stored = read_document(conn, "002")["text"]
    assert stored == original
    assert not set("ØÙÚÛ\ufffd") & set(stored)


# --- refusals -------------------------------------------------------------------------------------

def test_an_empty_file_is_refused_as_empty():
    assert "empty" in refusal(b"").lower()


@pytest.mark.parametrize("data", [b"   \n\t  \r\n", "\u00a0 \u3000\n".encode("utf-8")], ids=["ascii", "unicode"])
def test_a_whitespace_only_file_is_refused_as_white_space(data):
    msg = refusal(data).lower()
    assert "white space" in msg or "whitespace" in msg


def test_nul_bytes_are_refused_as_binary():
    assert "binary" in refusal("ليبيا".encode() + b"\x00\x00\x01\x02").lower()


def test_random_bytes_are_refused():
    data = random.Random(1).randbytes(4096)
    assert "binary" in refusal(data).lower()


def test_random_bytes_without_nul_are_refused_not_read_as_windows_1256():
    data = bytes(b for b in random.Random(0).randbytes(4096) if b)
    msg = refusal(data).lower()
    assert "binary" in msg or "not text" in msg


def test_a_file_over_2_mb_is_refused_and_one_at_the_limit_is_not():
    line = "زار فائز السراج القاهرة.\n".encode()
    at_limit = (line * (MAX_BYTES // len(line) + 1))[:MAX_BYTES]
    at_limit = at_limit[:at_limit.rindex(b"\n") + 1]
    at_limit += b" " * (MAX_BYTES - len(at_limit))
    assert len(at_limit) == MAX_BYTES
    assert article_from_bytes(at_limit, "x").text.startswith("زار")
    msg = refusal(at_limit + b" ")
    assert "too large" in msg and "2,097,153" in msg


def test_text_without_arabic_is_refused():
    assert "no arabic" in refusal(b"The Libyan prime minister visited Cairo.").lower()
    assert "no arabic" in refusal("<p>Hello</p><script>var s='ليبيا'</script>".encode(), is_html=True).lower()


def test_bytes_that_are_neither_utf8_nor_arabic_are_refused():
    msg = refusal("Café société à Tripoli".encode("latin-1"))
    assert "Windows-1256" in msg or "Arabic" in msg


@pytest.mark.parametrize("value", ["2019-02-30", "22/05/2019", "yesterday"])
def test_a_bad_publication_date_is_refused_with_the_value(value):
    msg = refusal(ARABIC.encode(), {"published": value})
    assert "bad publication date" in msg and repr(value) in msg


@pytest.mark.parametrize("value", ["week", "days", "2019"])
def test_a_bad_date_precision_is_refused_with_the_value(value):
    msg = refusal(ARABIC.encode(), {"published": "2019-05-22", "date_precision": value})
    assert "bad date_precision" in msg and repr(value) in msg


def test_good_manifest_metadata_is_kept(tmp_path):
    write(tmp_path, "a.txt", ARABIC)
    write(tmp_path, "manifest.csv", "id,file,published,date_precision,outlet,title,url\n"
                                    "art-1,a.txt,2019-05-22,month,الوسط,عنوان,https://example.org/1\n")
    sources, refused = collect([tmp_path])
    assert refused == []
    art = read_article(sources[0])
    assert (art.id, art.published, art.published_precision, art.outlet, art.title, art.url) == \
           ("art-1", date(2019, 5, 22), "month", "الوسط", "عنوان", "https://example.org/1")


def test_a_bad_date_in_the_manifest_refuses_that_article(tmp_path):
    write(tmp_path, "a.txt", ARABIC)
    write(tmp_path, "manifest.csv", "file,published\na.txt,2019-13-01\n")
    sources, refused = collect([tmp_path])
    assert refused == [] and len(sources) == 1
    with pytest.raises(ArticleError, match=r"bad publication date '2019-13-01'"):
        read_article(sources[0])


def test_a_manifest_with_unknown_columns_is_refused_naming_them(tmp_path):
    write(tmp_path, "a.txt", ARABIC)
    write(tmp_path, "manifest.csv", "file,author,published\na.txt,فلان,2019-05-22\n")
    with pytest.raises(ArticleError, match=r"unknown columns \['author'\]"):
        read_manifest(tmp_path)
    sources, refused = collect([tmp_path])
    assert sources == []
    assert len(refused) == 1
    name, reason = refused[0]
    assert name.endswith("manifest.csv") and "author" in reason


def test_a_manifest_without_a_file_column_is_refused(tmp_path):
    write(tmp_path, "manifest.csv", "id,published\n1,2019-05-22\n")
    with pytest.raises(ArticleError, match="no 'file' column"):
        read_manifest(tmp_path)


def test_a_manifest_naming_a_missing_file_refuses_that_name(tmp_path):
    write(tmp_path, "a.txt", ARABIC)
    write(tmp_path, "manifest.csv", "id,file\n1,a.txt\n2,gone.txt\n")
    sources, refused = collect([tmp_path])
    assert [s.path.name for s in sources] == ["a.txt"]
    assert refused == [(str(tmp_path / "gone.txt"), "listed in the manifest but missing")]


def test_a_missing_path_and_a_missing_file_are_refused(tmp_path):
    sources, refused = collect([tmp_path / "nowhere"])
    assert sources == [] and refused == [(str(tmp_path / "nowhere"), "missing file or folder")]
    with pytest.raises(ArticleError, match="missing file"):
        read_article(Source(tmp_path / "gone.txt", {}))
