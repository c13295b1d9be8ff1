"""Hostile inputs and failing stores (issue 10): each case reads as an example of what a user does and sees.

Every case ends with a clear message and loses nothing: no silent replacement, no mojibake, no hidden text,
no dropped manifest row, no traceback. The store cases use real SQLite files and real ``python -m geo``
processes; read-only files are read-only even for root (the process runs without CAP_DAC_OVERRIDE), and the
full disk is a real 1 MB tmpfs in a user namespace where the machine allows one (else SQLite's own
``max_page_count`` limit makes the same SQLITE_FULL in-process).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from geo.ingest import ingest
from geo.pipeline import extract
from geo.sources import ArticleError, Source, article_from_bytes, collect, decode, read_article
from geo.store import SCHEMA_VERSION, StoreError, connect, count, read_document
from tests.conftest import ROOT, SEEDS
from tests.test_ingest import GOOD, GOOD_2, GOOD_3, write
from tests.test_ingest_kill import make_articles


def geo(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """``python -m geo ARGS`` as a user runs it (``prefix`` runs it under another command), output as text."""
    env = {k: v for k, v in os.environ.items() if k != "ATLAS_STORE"}
    return subprocess.run([*prefix, sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=env, timeout=180)


def without_root_override() -> tuple[str, ...]:
    """A prefix under which file permissions bind this process even as root (no-op for other users)."""
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: read-only files can't be made read-only for the process")
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")


def assert_one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    """The command failed with one line on standard error, no traceback, naming each of ``words``."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def built_store(path: Path) -> Path:
    """A real store holding the seed articles, closed (its WAL checkpointed into the file)."""
    with closing(connect(path)) as conn:
        assert len(ingest([SEEDS], conn).added) == 5
    assert not Path(f"{path}-wal").exists()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_ids(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as c:
        return sorted(r[0] for r in c.execute("SELECT id FROM documents"))


@pytest.fixture
def conn(store_file):
    with closing(connect(store_file)) as c:
        yield c


# --- ids across folders ------------------------------------------------------------------------------------------

def test_report_txt_from_a_second_folder_is_refused_naming_both_files_and_replaces_only_with_replace(tmp_path):
    store = tmp_path / "atlas.sqlite"
    first, second = write(tmp_path / "a", "report.txt", GOOD), write(tmp_path / "b", "report.txt", GOOD_2)
    assert geo("ingest", str(first.parent), "--store", str(store)).returncode == 0

    refused = geo("ingest", str(second.parent), "--store", str(store))

    assert refused.returncode == 1
    assert "added 0, replaced 0, skipped 0 (already in the store), refused 1" in refused.stdout
    assert f"refused {second}: the id “report” belongs to another stored article (from {first})" in refused.stdout
    assert "--replace" in refused.stdout
    with closing(connect(store)) as c:
        assert read_document(c, "report")["text"] == GOOD

    replaced = geo("ingest", str(second.parent), "--store", str(store), "--replace")

    assert replaced.returncode == 0, replaced.stderr
    assert "added 0, replaced 1, skipped 0 (already in the store), refused 0" in replaced.stdout
    assert "\n  replaced report\n" in replaced.stdout
    with closing(connect(store)) as c:
        assert read_document(c, "report")["text"] == GOOD_2 and count(c, "documents") == 1


# --- encodings ---------------------------------------------------------------------------------------------------

FRENCH = "À Tripoli, l'État libyen a annoncé une trêve.\nÇa ne durera pas, dit-on à Paris.\n"


def test_a_latin1_french_file_is_refused_as_latin1_never_stored_as_mojibake(conn, tmp_path):
    folder = tmp_path / "fr"
    write(folder, "fr.txt", FRENCH.encode("latin-1"))
    report = ingest([folder], conn)
    assert report.added == [] and count(conn, "documents") == 0
    [(name, reason)] = report.refused
    assert name.endswith("fr.txt") and "Latin-1" in reason and "UTF-8" in reason


def test_a_file_mixing_utf8_and_windows_1256_lines_is_decoded_line_by_line():
    lines = [GOOD, GOOD_2, GOOD_3]
    data = (lines[0] + "\n").encode("utf-8") + (lines[1] + "\n").encode("cp1256") + lines[2].encode("utf-8")
    assert decode(data) == "\n".join(lines)
    assert article_from_bytes(data, "mixed").text == "\n".join(lines)


def test_a_latin1_line_in_an_arabic_utf8_file_is_refused_naming_its_line():
    data = (GOOD + "\n").encode("utf-8") + "Légende : l'ÉTAT à Tripoli\n".encode("latin-1")
    with pytest.raises(ArticleError, match=r"line 2 .*Latin-1"):
        decode(data)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_mark_is_read_as_utf16_not_called_binary(tmp_path, codec):
    path = write(tmp_path, "no-bom.txt", (GOOD + "\n" + GOOD_2).encode(codec))
    assert read_article(Source(path, {})).text == GOOD + "\n" + GOOD_2


def test_a_utf8_file_with_one_stray_nul_is_still_binary_not_utf16():
    data = (GOOD + "!").encode("utf-8") + b"\x00"
    assert len(data) % 2 == 0          # its one NUL on one parity, as UTF-16's would be
    with pytest.raises(ArticleError, match="binary"):
        decode(data)


def test_a_file_that_cannot_be_read_is_refused_with_the_reason(tmp_path):
    path = write(tmp_path, "a.txt", GOOD)
    path.chmod(0)
    try:
        proc = geo("ingest", str(path), "--store", str(tmp_path / "s.sqlite"), prefix=without_root_override())
    finally:
        path.chmod(0o644)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"refused {path}: cannot be read (Permission denied)" in proc.stdout


# --- invisible characters ----------------------------------------------------------------------------------------

def test_bidi_overrides_and_zero_width_characters_are_neutralised_and_the_bytes_stay_the_identity():
    hidden = ("زار فائز السر\u200bاج \u202eالقاهرة\u202c أمس والتقى الرئيس عبد الفتاح السي\u00adسي.\u2066\u200f"
              .encode("utf-8"))
    article = article_from_bytes(hidden, "hidden", {"title": "\u202eعنوان"})
    assert article.text == GOOD and article.title == "عنوان"
    assert article.source_hash == hashlib.sha256(hidden).hexdigest() != hashlib.sha256(GOOD.encode()).hexdigest()
    found = extract(article)
    assert [a.actor.id for a in found.actors] == ["fayez-al-sarraj", "abdel-fattah-el-sisi"]
    assert [p.place.id for p in found.places] == ["eg-cairo"]


def test_the_stored_identity_is_the_hash_of_the_bytes_so_a_hidden_character_is_another_text(conn, tmp_path):
    write(tmp_path / "plain", "a.txt", GOOD)
    write(tmp_path / "hidden", "b.txt", GOOD.replace("السراج", "السر\u200bاج"))
    report = ingest([tmp_path / "plain", tmp_path / "hidden"], conn)
    assert report.added == ["a", "b"]
    stored = dict(conn.execute("SELECT id, content_hash FROM documents").fetchall())
    assert stored["a"] == hashlib.sha256(GOOD.encode()).hexdigest() != stored["b"]
    assert conn.execute("SELECT count(DISTINCT text) FROM documents").fetchone()[0] == 1   # both read the same


def test_an_id_with_a_hidden_character_is_not_a_second_look_alike_article(conn, tmp_path):
    write(tmp_path / "ids", "report.txt", GOOD)
    write(tmp_path / "ids", "re\u200bport.txt", GOOD_2)
    report = ingest([tmp_path / "ids"], conn)
    assert report.added == ["report"] and count(conn, "documents") == 1
    [(name, reason)] = report.refused
    assert "\u200b" in name and "id 'report' is also" in reason


# --- HTML --------------------------------------------------------------------------------------------------------

PAGE = ("<html><head><title>زيارة &amp; لقاء</title></head><body>"
        "<!-- if a > b: <p>نص مخفي في تعليق</p> --><p>" + GOOD + "</p><!-- تعليق لم يغلق <p>مخفي</p>")


def test_html_comments_stay_out_of_the_text_and_the_title_is_the_title(tmp_path):
    article = read_article(Source(write(tmp_path, "page.html", PAGE), {}))
    assert article.text == GOOD
    assert article.title == "زيارة & لقاء"
    named = read_article(Source(tmp_path / "page.html", {"title": "عنوان من القائمة"}))
    assert named.title == "عنوان من القائمة" and named.text == GOOD


# --- manifests ---------------------------------------------------------------------------------------------------

def test_a_manifest_listing_a_file_twice_is_refused_naming_both_lines_and_the_other_folders_go_on(conn, tmp_path):
    twice = tmp_path / "twice"
    write(twice, "a.txt", GOOD)
    write(twice, "manifest.csv", "id,file,title\nfirst,a.txt,الأول\nsecond,a.txt,الثاني\n")
    write(tmp_path / "other", "b.txt", GOOD_2)

    report = ingest([twice, tmp_path / "other"], conn)

    assert report.added == ["b"]
    [(name, reason)] = report.refused
    assert name == str(twice / "manifest.csv")
    assert "a.txt is listed twice (lines 2 and 3)" in reason and f"nothing in {twice} was read" in reason


def test_a_manifest_with_an_unterminated_quote_is_refused_at_the_line_of_the_quote(tmp_path):
    write(tmp_path, "a.txt", GOOD)
    write(tmp_path, "b.txt", GOOD_2)
    write(tmp_path, "manifest.csv", 'id,file,title\nb,b.txt,عنوان\na,a.txt,"عنوان بلا نهاية\n')
    sources, [(name, reason)] = collect([tmp_path])
    assert sources == []
    assert name == str(tmp_path / "manifest.csv")
    assert reason.startswith("line 3: a double quote opened here is never closed")


def test_a_manifest_row_with_a_stray_comma_is_refused_not_shifted(tmp_path):
    write(tmp_path, "a.txt", GOOD)
    write(tmp_path, "manifest.csv", "id,file,title\na,a.txt,ليبيا, مصر\n")
    _, [(_, reason)] = collect([tmp_path])
    assert "line 2: 4 values but 3 columns" in reason


def test_a_file_named_alone_is_refused_when_the_manifest_beside_it_is(tmp_path):
    path = write(tmp_path, "a.txt", GOOD)
    write(tmp_path, "manifest.csv", "id,file\nx,a.txt\ny,a.txt\n")
    assert collect([path]) == ([], [(str(path), "the manifest.csv beside it is refused: "
                                                "a.txt is listed twice (lines 2 and 3); keep one row")])


# --- two ingests at once -----------------------------------------------------------------------------------------

def test_two_identical_ingests_at_once_each_report_added_or_skipped_never_replaced(tmp_path):
    folder, store = tmp_path / "articles", tmp_path / "atlas.sqlite"
    folder.mkdir()
    make_articles(folder, 16)     # enough for the later process to catch up on skips and race for one article
    connect(store).close()
    cmd = [sys.executable, "-m", "geo", "ingest", str(folder), "--store", str(store)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]

    added = 0
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode == 0, err
        summary = out.splitlines()[0]
        assert "replaced 0" in summary and summary.endswith("refused 0"), out
        n_added, n_skipped = int(summary.split()[1].rstrip(",")), int(summary.split()[5])
        assert n_added + n_skipped == 16
        added += n_added
    assert added == 16 and len(stored_ids(store)) == 16


# --- stores that can't be used -----------------------------------------------------------------------------------

@pytest.fixture
def articles(tmp_path) -> Path:
    write(tmp_path / "new", "new.txt", GOOD)
    return tmp_path / "new"


def test_a_read_only_store_is_refused_by_ingest_in_one_line_and_still_exports(tmp_path, articles, seeds):
    store = built_store(tmp_path / "atlas.sqlite")
    before = digest(store)
    store.chmod(0o444)
    prefix = without_root_override()

    assert_one_line_error(geo("ingest", str(articles), "--store", str(store), prefix=prefix), str(store), "read-only")
    exported = geo("export", "--format", "json", "--store", str(store), prefix=prefix)

    assert exported.returncode == 0, exported.stderr
    assert {e["doc_id"] for e in json.loads(exported.stdout)} == set(seeds)
    assert digest(store) == before and stored_ids(store) == sorted(seeds)


def test_a_store_in_a_read_only_folder_is_refused_by_ingest_and_exported_as_it_is(tmp_path, articles):
    folder = tmp_path / "ro"
    store = built_store(folder / "atlas.sqlite")
    before = digest(store)
    folder.chmod(0o555)
    prefix = without_root_override()
    try:
        assert_one_line_error(geo("ingest", str(articles), "--store", str(store), prefix=prefix), "read-only")
        exported = geo("export", "--format", "csv", "--store", str(store), prefix=prefix)
        written = geo("export", "--store", str(store), "-o", str(folder / "events.csv"), prefix=prefix)
    finally:
        folder.chmod(0o755)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.count("\n") > 5
    assert_one_line_error(written, f"cannot write {folder / 'events.csv'}")
    assert digest(store) == before and sorted(os.listdir(folder)) == ["atlas.sqlite"]


def test_export_brings_an_older_store_up_to_date_once_and_says_so_when_it_is_read_only(tmp_path, seeds):
    store = built_store(tmp_path / "atlas.sqlite")
    with closing(sqlite3.connect(store)) as c:       # as schema 3 left it: no history tables
        c.executescript("DROP TABLE changes; DROP TABLE document_versions; PRAGMA user_version=3;")
    store.chmod(0o444)
    refused = geo("export", "--store", str(store), prefix=without_root_override())
    assert_one_line_error(refused, "read-only", "an older Atlas made it")
    store.chmod(0o644)

    exported = geo("export", "--format", "json", "--store", str(store))

    assert exported.returncode == 0, exported.stderr
    assert {e["doc_id"] for e in json.loads(exported.stdout)} == set(seeds)
    with closing(connect(store, readonly=True)) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION and stored_ids(store) == sorted(seeds)


def test_a_store_path_that_is_a_folder_is_named_as_such(tmp_path, articles):
    assert_one_line_error(geo("ingest", str(articles), "--store", str(tmp_path)), str(tmp_path), "is a folder")
    assert_one_line_error(geo("export", "--store", str(tmp_path)), "is a folder")


def test_a_store_corrupted_mid_file_is_refused_not_reported_as_a_success(tmp_path, articles):
    store = built_store(tmp_path / "atlas.sqlite")
    size = store.stat().st_size
    with open(store, "r+b") as f:
        f.seek(size // 2)
        f.write(os.urandom(8192))
    before = digest(store)

    ingested = geo("ingest", str(articles), "--store", str(store))
    exported = geo("export", "--store", str(store))

    assert_one_line_error(ingested, str(store), "damaged")
    assert_one_line_error(exported, "damaged")
    assert "added" not in ingested.stdout
    assert digest(store) == before


@pytest.mark.parametrize("damage", ["truncated", "not a database"])
def test_a_truncated_store_or_another_file_is_refused(tmp_path, articles, damage):
    store = built_store(tmp_path / "atlas.sqlite")
    data = store.read_bytes()
    store.write_bytes(data[:len(data) // 3] if damage == "truncated" else b"these are my notes, not a store\n" * 99)
    before = digest(store)
    assert_one_line_error(geo("ingest", str(articles), "--store", str(store)), str(store), "damaged")
    assert digest(store) == before


def test_the_library_says_store_errors_with_one_class(tmp_path):
    (tmp_path / "folder.sqlite").mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        connect(tmp_path / "folder.sqlite")
    with pytest.raises(StoreError, match="there is no store at"):
        connect(tmp_path / "missing.sqlite", readonly=True)


# --- a full disk -------------------------------------------------------------------------------------------------

def test_a_full_store_stops_the_batch_and_the_report_says_what_was_saved(store_file, tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    make_articles(folder, 6)
    with closing(connect(store_file)) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + 60}")   # SQLite's own SQLITE_FULL after ~2 articles
        report = ingest([folder], conn)
    assert 0 < len(report.added) < 6 and report.refused == []
    assert "is full (database or disk is full)" in report.stopped
    assert f"{6 - len(report.added)} file(s), from" in report.stopped
    assert report.lines()[-1] == f"stopped: {report.stopped}"
    assert stored_ids(store_file) == sorted(report.added)
    with closing(sqlite3.connect(store_file)) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_ingest_on_a_full_disk_prints_what_was_saved_and_exits_nonzero(tmp_path):
    """A real 1 MB tmpfs (a user namespace's own mount): the store fills it partway through the batch."""
    folder, out = tmp_path / "articles", tmp_path / "out"
    folder.mkdir(), out.mkdir()
    make_articles(folder, 8)
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (f'mount -t tmpfs -o size=1m tmpfs "{disk}" || exit 97\n'
              f'"{sys.executable}" -m geo ingest "{folder}" --store "{disk}/atlas.sqlite" >"{out}/stdout" '
              f'2>"{out}/stderr"\necho $? >"{out}/rc"\ncp "{disk}"/atlas.sqlite* "{out}/"\n')
    try:
        ran = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script], cwd=ROOT,
                             capture_output=True, timeout=300)
    except FileNotFoundError:
        ran = None
    if ran is None or ran.returncode == 97 or not (out / "rc").exists():
        pytest.skip("no user namespace with a tmpfs here; the max_page_count test covers SQLITE_FULL")
    stdout, stderr = (out / "stdout").read_text(encoding="utf-8"), (out / "stderr").read_text(encoding="utf-8")
    assert (out / "rc").read_text().strip() == "2", (stdout, stderr)
    assert "Traceback" not in stderr
    summary, stopped = stdout.splitlines()[0], [line for line in stdout.splitlines() if line.startswith("stopped: ")]
    n_added = int(summary.split()[1].rstrip(","))
    assert 0 < n_added < 8 and summary.endswith("refused 0")
    assert len(stopped) == 1 and ("full" in stopped[0] or "could not be read or written" in stopped[0])
    assert len(stored_ids(out / "atlas.sqlite")) == n_added
