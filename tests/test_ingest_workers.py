"""Parallel ingest: ``--workers N`` stores what one process does, and several ingests (some killed midway) on one
PostgreSQL store add every article exactly once, whole."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import closing

import pytest

from geo.ingest import WorkersError, ingest
from geo.pipeline import Resources, extract, load_resources
from geo.sources import collect, read_article
from geo.store import connect
from geo.text import split_sentences
from tests.conftest import POSTGRES, ROOT, SEEDS, dump_store, fresh_database
from tests.test_ingest_kill import make_articles

N_ARTICLES = 20
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
ADDED = re.compile(r"^added (\d+), replaced (\d+), skipped (\d+) \(already in the store\), refused (\d+)$", re.M)


class FailsOn:
    """Stands in for the NER (picklable, so it goes to the pool): raises on a text holding ``marker``, finds
    nothing elsewhere."""

    def __init__(self, marker: str):
        self.marker = marker

    def find_entities(self, text, sentences, tokens):
        if self.marker in text:
            raise RuntimeError("the extractor broke")
        return []


class DiesOn(FailsOn):
    """Stands in for the NER: its whole process dies on a text holding ``marker``."""

    def find_entities(self, text, sentences, tokens):
        if self.marker in text:
            os._exit(3)
        return []


@pytest.fixture
def other_target(store_target, tmp_path):
    """A second empty store on the engine of ``store_target``."""
    if not store_target.startswith("postgresql://"):
        yield str(tmp_path / "other.sqlite")
        return
    with fresh_database(POSTGRES) as url:
        yield url


def mixed_batch(folder):
    """Long articles, the seeds, files to refuse (empty, not text, an id twice) and one text twice (another
    id's bytes: stored once, under the first id, the second skipped)."""
    folder.mkdir()
    make_articles(folder, 6)
    shutil.copytree(SEEDS, folder / "seeds")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    (folder / "again").mkdir()
    shutil.copy(folder / "art001.txt", folder / "again" / "art002.txt")   # art002 twice, art001's text twice
    return folder


def timeless(dump: dict) -> dict:
    """A store's dump with its times (of saves and changes) blanked: two runs differ in nothing else."""
    return {t: [tuple(TIME.sub("<time>", v) for v in row) for row in rows] for t, rows in dump.items()}


def ingested(target, folder, **options):
    """Ingest ``folder`` into ``target``: the report's lines and the store's dump (times blanked)."""
    with closing(connect(target)) as conn:
        report = ingest([folder], conn, **options)
        return report.lines(), timeless(dump_store(conn))


def test_two_workers_store_what_one_does(store_target, other_target, tmp_path):
    folder = mixed_batch(tmp_path / "batch")
    one, two = ingested(store_target, folder), ingested(other_target, folder, workers=2)
    assert two == one
    assert one[0][0] == "added 10, replaced 0, skipped 1 (already in the store), refused 3"
    lines, dump = ingested(other_target, folder, workers=2)          # again: every one already stored
    assert lines[0] == "added 0, replaced 0, skipped 11 (already in the store), refused 3"
    assert dump == two[1]


def test_an_extractor_failing_in_a_worker_refuses_only_its_article(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    make_articles(folder, 5)
    (folder / "odd.txt").write_text("زار فائز السراج القاهرة أمس. كلمة_غريبة", encoding="utf-8")
    base = load_resources()
    resources = Resources(base.gazetteer, base.actors, base.triggers, ner=FailsOn("كلمة_غريبة"))
    with closing(connect(tmp_path / "atlas.sqlite")) as conn:
        report = ingest([folder], conn, resources=resources, workers=2)
    assert sorted(report.added) == [f"art{i:03d}" for i in range(5)]
    assert report.refused == [(str(folder / "odd.txt"), "could not be processed (RuntimeError: the extractor broke)")]


def test_a_worker_process_dying_stops_the_batch_with_whole_articles_and_says_so(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    make_articles(folder, 12)
    with open(folder / "art009.txt", "a", encoding="utf-8") as f:
        f.write("\nكلمة_قاتلة")
    base = load_resources()
    resources = Resources(base.gazetteer, base.actors, base.triggers, ner=DiesOn("كلمة_قاتلة"))
    with closing(connect(tmp_path / "atlas.sqlite")) as conn:
        report = ingest([folder], conn, resources=resources, workers=2)
        stored = sorted(r[0] for r in conn.execute("SELECT id FROM documents"))
    assert re.fullmatch(r"A process in the process pool was terminated abruptly.*; \d+ file\(s\), from .*/art0\d\d.txt "
                        r"on, were not stored", report.stopped)
    assert stored == report.added == [f"art{i:03d}" for i in range(len(stored))] and len(stored) <= 9


def test_resources_that_cannot_go_to_workers_are_refused_before_anything_is_read(tmp_path):
    base = load_resources()
    online = Resources(base.gazetteer, base.actors, base.triggers, online=object())
    unpicklable = Resources(base.gazetteer, base.actors, base.triggers, ner=lambda: None)
    with closing(connect(tmp_path / "atlas.sqlite")) as conn:
        with pytest.raises(WorkersError, match="online geocoding runs in one process only"):
            ingest([SEEDS], conn, resources=online, workers=2)
        with pytest.raises(WorkersError, match="can't be sent to worker processes .*--workers 1"):
            ingest([SEEDS], conn, resources=unpicklable, workers=2)
        with pytest.raises(ValueError, match="workers must be 1 or more"):
            ingest([SEEDS], conn, workers=0)
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0


def test_the_command_line_takes_workers_and_refuses_fewer_than_one(tmp_path, capsys):
    from geo.cli import main
    store = tmp_path / "atlas.sqlite"
    assert main(["ingest", str(SEEDS), "--store", str(store), "--workers", "2"]) == 0
    assert capsys.readouterr().out.startswith("added 5, replaced 0")
    for bad in ("0", "-1", "two"):
        with pytest.raises(SystemExit) as e:
            main(["ingest", str(SEEDS), "--store", str(store), "--workers", bad])
        assert e.value.code == 2
        assert "argument --workers: a whole number of processes, 1 or more" in capsys.readouterr().err


# --- several real ingest processes on one PostgreSQL store -------------------------------------------------

def start_ingest(folder, url, workers):
    """A ``python -m geo ingest`` process in a session of its own, so killing it kills its pool too."""
    return subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(folder), "--store", url,
                             "--workers", str(workers)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, start_new_session=True)


def added_by(procs) -> int:
    """The articles the finished processes report added (each must have run to the end, none replacing)."""
    total = 0
    for p in procs:
        out = p.communicate(timeout=120)[0]
        assert p.returncode == 0, out
        added, replaced, _, refused = map(int, ADDED.search(out).groups())
        assert replaced == refused == 0, out
        total += added
    return total


def documents(url) -> int:
    import psycopg
    try:
        with psycopg.connect(url) as c:
            return c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except psycopg.errors.UndefinedTable:       # no process has made the schema yet
        return 0


def extractions(folder) -> dict:
    """What the pipeline makes of each article of ``folder``, by id."""
    return {a.id: extract(a) for a in map(read_article, collect([folder])[0])}


def assert_every_article_whole_and_once(url, expected: dict):
    """Each stored article has all its sentences and mentions (as ``expected``) and one 'article_added' change;
    nothing points at a missing document or event; no article was replaced."""
    with closing(connect(url)) as c:
        for doc_id, text in c.execute("SELECT id, text FROM documents"):
            counts = [c.execute(f"SELECT COUNT(*) FROM {t} WHERE doc_id = ?", (doc_id,)).fetchone()[0]
                      for t in ("sentences", "place_mentions", "actor_mentions")]
            assert counts == [len(split_sentences(text)), len(expected[doc_id].places),
                              len(expected[doc_id].actors)], doc_id
            added = c.execute("SELECT COUNT(*) FROM changes WHERE action = 'article_added' AND doc_id = ?",
                              (doc_id,)).fetchone()[0]
            assert added == 1, doc_id
        for table in ("sentences", "place_mentions", "actor_mentions", "time_mentions", "events"):
            orphans = c.execute(f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)")
            assert orphans.fetchone()[0] == 0, table
        for table in ("event_actors", "event_reports"):
            orphans = c.execute(f"SELECT COUNT(*) FROM {table} WHERE event_id NOT IN (SELECT id FROM events)")
            assert orphans.fetchone()[0] == 0, table
        assert c.execute("SELECT COUNT(*) FROM changes WHERE action <> 'article_added'").fetchone()[0] == 0


@pytest.fixture
def articles(tmp_path):
    """Long articles (saves take a while, so a kill lands midway)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    make_articles(folder, N_ARTICLES)
    return folder


@pytest.fixture
def short_articles(tmp_path):
    """benchmarks/synthetic.py's articles, with their manifest: a few sentences each, quick to extract."""
    folder = tmp_path / "synthetic"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), str(folder), "--articles",
                    str(N_ARTICLES)], cwd=ROOT, check=True, capture_output=True)
    return folder


def test_several_ingests_at_once_add_every_article_exactly_once(postgres_database, short_articles):
    procs = [start_ingest(short_articles, postgres_database, workers) for workers in (2, 1, 1)]
    assert added_by(procs) == N_ARTICLES
    assert documents(postgres_database) == N_ARTICLES
    assert_every_article_whole_and_once(postgres_database, extractions(short_articles))


def test_killed_ingests_leave_only_whole_articles_and_a_rerun_completes_the_batch(postgres_database, articles):
    procs = [start_ingest(articles, postgres_database, workers) for workers in (2, 1, 1)]
    deadline = time.time() + 60
    while documents(postgres_database) == 0 and time.time() < deadline and all(p.poll() is None for p in procs):
        time.sleep(0.05)
    for p in procs:                         # each killed, pool and all, at a later point of the batch
        time.sleep(0.1)
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
    expected = extractions(articles)
    assert_every_article_whole_and_once(postgres_database, expected)
    before = documents(postgres_database)
    rerun = [start_ingest(articles, postgres_database, workers) for workers in (2, 1)]
    assert added_by(rerun) == N_ARTICLES - before
    assert documents(postgres_database) == N_ARTICLES
    assert_every_article_whole_and_once(postgres_database, expected)
