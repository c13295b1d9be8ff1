"""geo.ingest: folders of articles into the store, each bad file refused with its reason, never fatal."""
from __future__ import annotations

import csv
from contextlib import closing
from pathlib import Path

import pytest

from geo.ingest import ensure_store, ingest
from geo.store import connect, count, read_document
from tests.conftest import dump_store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOOD = "زار فائز السراج القاهرة أمس والتقى الرئيس عبد الفتاح السيسي."
GOOD_2 = "اندلعت اشتباكات عنيفة في محيط طرابلس بين قوات الوفاق وقوات حفتر."
GOOD_3 = "استقبل وزير الخارجية الروسي في موسكو وفداً من حكومة الوفاق الليبية."


def seed_ids() -> list[str]:
    with open(SEEDS / "manifest.csv", encoding="utf-8", newline="") as f:
        return [r["id"] for r in csv.DictReader(f)]


def write(folder: Path, name: str, data: bytes | str) -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


@pytest.fixture
def conn(store_target):
    with closing(connect(store_target)) as c:
        yield c


def test_ingesting_the_seeds_adds_five_and_reports_them(conn, seeds):
    report = ingest([SEEDS], conn)
    assert sorted(report.added) == sorted(seed_ids()) == sorted(seeds)
    assert report.replaced == report.unchanged == report.refused == []
    assert report.lines()[0].startswith("added 5, replaced 0, skipped 0")
    assert count(conn, "documents") == 5
    for doc_id, art in seeds.items():
        doc = read_document(conn, doc_id)
        assert doc["text"] == art.text
        assert doc["published"] == art.published.isoformat()
        assert doc["date_precision"] == art.published_precision
        assert doc["title"] == art.title and doc["outlet"] == art.outlet
        assert Path(doc["source"]).parent == SEEDS
    assert count(conn, "events") > 0


def test_a_second_ingest_skips_all_five(conn):
    ingest([SEEDS], conn)
    before = dump_store(conn)
    report = ingest([SEEDS], conn)
    assert sorted(report.unchanged) == sorted(seed_ids())
    assert report.added == report.replaced == report.refused == []
    assert report.lines()[0] == "added 0, replaced 0, skipped 5 (already in the store), refused 0"
    assert dump_store(conn) == before


def test_a_bad_batch_adds_the_good_ones_and_refuses_each_bad_one_with_its_reason(conn, tmp_path):
    batch = tmp_path / "batch"
    write(batch, "good.txt", GOOD)
    write(batch, "page.html", f"<html><body><p>{GOOD_2}</p><script>x()</script></body></html>")
    write(batch, "empty.txt", b"")
    write(batch, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(batch, "english.txt", "Fayez al-Sarraj visited Cairo yesterday.")
    write(batch, "baddate.txt", GOOD_3 + " وأضاف المصدر أن الزيارة ناجحة.")
    write(batch, "manifest.csv", "id,file,published\n"
                                 "g1,good.txt,2019-05-22\n"
                                 "g2,page.html,2019-05-23\n"
                                 "b1,baddate.txt,2019-02-30\n"
                                 "m1,missing.txt,2019-05-22\n")
    single = write(tmp_path / "loose", "single.txt", GOOD_3)

    report = ingest([batch, tmp_path / "no-such-folder", single], conn)

    assert sorted(report.added) == ["g1", "g2", "single"]
    assert report.replaced == report.unchanged == []
    reasons = {Path(name).name: reason for name, reason in report.refused}
    assert len(report.refused) == len(reasons) == 6
    assert set(reasons) == {"empty.txt", "binary.txt", "english.txt", "baddate.txt", "missing.txt",
                            "no-such-folder"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "no Arabic" in reasons["english.txt"]
    assert "bad publication date '2019-02-30'" in reasons["baddate.txt"]
    assert "missing" in reasons["missing.txt"]
    assert "missing" in reasons["no-such-folder"]
    assert count(conn, "documents") == 3
    assert read_document(conn, "g1")["published"] == "2019-05-22"
    assert "x()" not in read_document(conn, "g2")["text"]
    lines = report.lines()
    assert lines[0] == "added 3, replaced 0, skipped 0 (already in the store), refused 6"
    assert len(lines) == 7 and all(line.startswith("  refused ") for line in lines[1:])


def test_a_manifest_that_is_not_utf8_does_not_stop_the_batch(conn, tmp_path):
    bad = tmp_path / "cp1256"
    write(bad, "a.txt", GOOD)
    write(bad, "manifest.csv", "id,file,title\na,a.txt,عنوان الخبر\n".encode("cp1256"))
    good = tmp_path / "good"
    write(good, "b.txt", GOOD_2)

    report = ingest([bad, good], conn)          # must not raise

    assert "b" in report.added
    stored_a = read_document(conn, "a")
    refused_manifest = [r for n, r in report.refused if n.endswith("manifest.csv")]
    assert (stored_a is not None and stored_a["title"] == "عنوان الخبر") or refused_manifest


def test_a_manifest_row_without_a_file_does_not_stop_the_batch(conn, tmp_path):
    folder = tmp_path / "short-row"
    write(folder, "a.txt", GOOD)
    write(folder, "manifest.csv", "id,file,published\na,a.txt,2019-05-22\nb\n")
    good = tmp_path / "good"
    write(good, "c.txt", GOOD_2)

    report = ingest([folder, good], conn)       # must not raise

    assert "c" in report.added
    assert "a" in report.added or report.refused


def test_two_files_of_one_batch_with_the_same_name_do_not_silently_replace_each_other(conn, tmp_path):
    folder = tmp_path / "nested"
    write(folder, "x.txt", GOOD)
    write(folder, "sub/x.txt", GOOD_2)

    report = ingest([folder], conn)

    assert report.replaced == []
    kept = {read_document(conn, d)["text"] for d in (r[0] for r in conn.execute("SELECT id FROM documents"))}
    assert kept == {GOOD, GOOD_2} or len(report.refused) == 1


def test_ingest_goes_on_after_each_refusal(conn, tmp_path):
    """Bad and good files interleaved (sorted names): every good one after a bad one still gets in."""
    folder = tmp_path / "mixed"
    write(folder, "a_bad.txt", b"")
    write(folder, "b_good.txt", GOOD)
    write(folder, "c_bad.txt", b"\x00\x01")
    write(folder, "d_good.txt", GOOD_2)
    write(folder, "e_bad.txt", "only latin")
    report = ingest([folder], conn)
    assert sorted(report.added) == ["b_good", "d_good"]
    assert sorted(Path(n).name for n, _ in report.refused) == ["a_bad.txt", "c_bad.txt", "e_bad.txt"]


def test_a_corrected_file_replaces_the_stored_article_only_when_asked(conn, tmp_path):
    folder = tmp_path / "v"
    write(folder, "art.txt", GOOD)
    assert ingest([folder], conn).added == ["art"]
    write(folder, "art.txt", GOOD + " وأكد أن الحل سياسي.")

    refused = ingest([folder], conn)
    assert refused.replaced == [] and len(refused.refused) == 1
    assert "--replace" in refused.refused[0][1] and str(folder / "art.txt") in refused.refused[0][1]
    assert read_document(conn, "art")["text"] == GOOD

    report = ingest([folder], conn, replace=True)
    assert report.replaced == ["art"] and report.added == []
    assert "  replaced art" in report.lines()
    assert read_document(conn, "art")["text"].endswith("الحل سياسي.")
    assert count(conn, "documents") == 1


# --- ensure_store ---------------------------------------------------------------------------------

def test_ensure_store_builds_an_empty_store_from_the_seeds(store_target):
    assert ensure_store(store_target) == str(store_target)
    with closing(connect(store_target)) as c:
        assert sorted(r[0] for r in c.execute("SELECT id FROM documents")) == sorted(seed_ids())
        assert count(c, "events") > 0


def test_ensure_store_leaves_a_built_store_alone(store_target, tmp_path):
    folder = tmp_path / "mine"
    write(folder, "mine.txt", GOOD)
    with closing(connect(store_target)) as c:
        ingest([folder], c)
        before = dump_store(c)
    assert ensure_store(store_target) == str(store_target)
    with closing(connect(store_target)) as c:
        assert dump_store(c) == before
        assert [r[0] for r in c.execute("SELECT id FROM documents")] == ["mine"]


def test_ensure_store_twice_builds_once(store_target):
    ensure_store(store_target)
    with closing(connect(store_target)) as c:
        before = dump_store(c)
    ensure_store(store_target)
    with closing(connect(store_target)) as c:
        assert dump_store(c) == before


def test_ensure_store_takes_the_path_from_atlas_store(tmp_path, monkeypatch):
    target = tmp_path / "env" / "atlas.sqlite"
    monkeypatch.setenv("ATLAS_STORE", str(target))
    assert ensure_store() == str(target)
    with closing(connect(target)) as c:
        assert count(c, "documents") == 5
