"""Killing a real ingest process never leaves half an article in the store."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

from geo.pipeline import extract
from geo.sources import Source, read_article
from geo.text import split_sentences
from tests.conftest import ROOT, SEEDS


def make_articles(folder, n):
    """n distinct articles built from the seeds' paragraphs (each a few seeds long, so saves take a while)."""
    paragraphs = [p for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
    for i in range(n):
        body = "\n".join(paragraphs[(i + k) % len(paragraphs)] for k in range(60))
        (folder / f"art{i:03d}.txt").write_text(f"مقال رقم {i}\n{body}", encoding="utf-8")


def start_ingest(folder, store):
    return subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(folder), "--store", str(store)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def documents(store):
    try:
        with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as c:
            return c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def assert_every_article_whole(store, folder):
    with closing(sqlite3.connect(store)) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for doc_id, text in c.execute("SELECT id, text FROM documents").fetchall():
            expected = extract(read_article(Source(folder / f"{doc_id}.txt", {})))
            counts = [c.execute(f"SELECT COUNT(*) FROM {t} WHERE doc_id = ?", (doc_id,)).fetchone()[0]
                      for t in ("sentences", "place_mentions", "actor_mentions")]
            assert counts == [len(split_sentences(text)), len(expected.places), len(expected.actors)], doc_id
        for table in ("sentences", "place_mentions", "actor_mentions", "events"):
            orphans = c.execute(f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)")
            assert orphans.fetchone()[0] == 0


def test_killed_ingests_leave_only_whole_articles_and_resume(tmp_path):
    folder, store = tmp_path / "articles", tmp_path / "atlas.sqlite"
    folder.mkdir()
    make_articles(folder, 12)
    for round_ in range(3):
        before = documents(store)
        proc = start_ingest(folder, store)
        deadline = time.time() + 60
        while documents(store) <= before and time.time() < deadline and proc.poll() is None:
            time.sleep(0.05)
        time.sleep(0.15 * round_)          # land the kill at different points of the next article
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert_every_article_whole(store, folder)
    finish = start_ingest(folder, store)
    assert finish.wait(timeout=120) == 0
    assert documents(store) == 12
    assert_every_article_whole(store, folder)
