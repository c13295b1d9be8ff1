"""Reading the store: built from the seeds on first start; every question a page asks (``ask``: a function of
``geo.store.queries``) answered by the store and cached per store version and question; and the one way the app
writes to it (``writing``), which drops the caches afterwards.

No page holds every event: the store filters, counts and groups, and whole rows come at most a page at a time.
Cached answers are shared, not copied, between reruns and sessions (``st.cache_resource``): never change them."""
from __future__ import annotations

from contextlib import closing, contextmanager
from typing import Callable, Iterator, TypeVar

import pandas as pd
import streamlit as st

from geo.store import corrections as geo_corrections
from geo.store import queries
from geo.store import history as geo_history
from geo.store.postgres import redacted
from geo import store as geo_store
from geo.export import export_events

from . import auth
from .links import source_href
from .style import bilingual, date_label
from .tables import MAX_ROWS

MAX_CHANGES = MAX_ROWS       # changes the History table shows, the newest

T = TypeVar("T")
Store = tuple[str, int]      # where the store is (a path or a URL) and its version: what every cache is keyed on


def store_target() -> str:
    """The store the app reads: $ATLAS_STORE (a path or a postgresql:// URL), else data/atlas.sqlite."""
    return geo_store.store_target()


def store_path() -> str:
    """Where the store is, for messages (a URL without its password)."""
    return redacted(store_target())


def store_version(target: str) -> int:
    """The store's write counter (-1 when there is no store yet): it grows with every write by any process or
    replica, so the caches keyed on it follow the store, not a file's time."""
    try:
        with closing(geo_store.connect(target, readonly=True)) as conn:
            return conn.version() if conn.schema_version() == geo_store.SCHEMA_VERSION else -1
    except geo_store.StoreError:
        return -1


def _has_documents(target: str) -> bool:
    """Whether the store holds an article and has the current schema (read-only: never takes a write lock); an
    older store is opened for writing once by ``ensure_store``, which migrates it."""
    try:
        with closing(geo_store.connect(target, readonly=True)) as conn:
            return conn.schema_version() == geo_store.SCHEMA_VERSION and geo_store.count(conn, "documents") > 0
    except geo_store.StoreError:    # no store or no schema yet: let ensure_store decide
        return False


@st.cache_resource(show_spinner="Building the store from the seed articles (first start only)…", max_entries=8)
def _ensure(target: str, version: int) -> int:
    """Build the store from the seeds if it has no article (checked again whenever the store changes); the store's
    version afterwards (a new one when it was just built)."""
    if _has_documents(target):
        return version
    from geo.ingest import ensure_store
    ensure_store(target)
    return store_version(target)


def ensure() -> tuple[str, int]:
    """Where the store is and its version, building it from the seeds if it holds no article yet (one read of the
    version per call once the store is built)."""
    target = store_target()
    return target, _ensure(target, store_version(target))


def _pairs(sides) -> list[tuple[str, str]]:
    """(English, Arabic) names of one side of an event, as the store lists it."""
    return [(a["name_en"] or "", a["name_ar"] or "") for a in sides or ()]


def _affiliations(sides) -> list[str]:
    return sorted({a["affiliation"] for a in sides or () if a["affiliation"]})


def prepare_events(rows: list[dict]) -> pd.DataFrame:
    """The store's event rows (dicts with the same keys) as a frame, with parsed dates, name lists and display labels
    added. Every column holds the store's values as they are, a missing one as None: built as objects, so pandas
    neither infers types nor turns None into NaN (inferring, then undoing it, took most of this for 500 rows)."""
    df = pd.DataFrame(rows, columns=list(rows[0]) if rows else _EMPTY_COLUMNS, dtype=object)
    df["day"] = pd.to_datetime(df["date_start"], errors="coerce")
    df["day_end"] = pd.to_datetime(df["date_end"], errors="coerce").fillna(df["day"])
    df["month"] = df["day"].dt.strftime("%Y-%m").astype(object).where(df["day"].notna(), "")
    df["actors"] = [_pairs(s) for s in df["actor_list"]]
    df["counterparts"] = [_pairs(s) for s in df["counterpart_list"]]
    df["affs"] = [_affiliations(s) for s in df["actor_list"]]
    df["all_affs"] = [sorted(set(a) | set(_affiliations(c))) for a, c in zip(df["affs"], df["counterpart_list"])]
    df["parties"] = [sorted({en for en, _ in a} | {en for en, _ in c})
                     for a, c in zip(df["actors"], df["counterparts"])]
    df["actor_label"] = ["; ".join(bilingual(en, ar) for en, ar in a) or "—" for a in df["actors"]]
    df["counterpart_label"] = ["; ".join(bilingual(en, ar) for en, ar in c) or "" for c in df["counterparts"]]
    df["place_label"] = [bilingual(e, a) for e, a in zip(df["place_en"], df["place_ar"])]
    df["origin_label"] = [bilingual(e, a) if (e or a) else "" for e, a in zip(df["origin_en"], df["origin_ar"])]
    df["date_label"] = [date_label(s, e, p) for s, e, p in zip(df["date_start"], df["date_end"], df["date_precision"])]
    df["source"] = [source_href(d, s) for d, s in zip(df["doc_id"], df["sentence"])]
    df["corrected"] = (df["corrected"].map(bool) if "corrected" in df.columns else False)
    for col in ("lat", "lon", "origin_lat", "origin_lon"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


_EMPTY_COLUMNS = ["actor_list", "counterpart_list", "id", "doc_id", "sentence", "start", "end", "type", "subtype",
                  "trigger", "status", "confidence",
                  "date_start", "date_end", "date_precision", "date_source", "place_id", "place_en", "place_ar",
                  "lat", "lon", "place_kind", "place_country", "origin_id", "origin_en", "origin_ar", "origin_lat",
                  "origin_lon", "actors_en", "actors_ar", "affiliation", "counterparts_en", "counterparts_ar",
                  "counterpart_affiliation", "sentence_text", "report_sentences", "doc_title", "outlet", "published", "url",
                  "corrected"]


@st.cache_resource(show_spinner=False, max_entries=256)
def _asked(target: str, version: int, what: str, key: str, _args: tuple):
    """``queries.<what>(conn, *_args)``, cached on ``key`` (the arguments' repr: see ``ask``)."""
    with closing(geo_store.connect(target, readonly=True)) as conn:
        return getattr(queries, what)(conn, *_args)


@st.cache_resource(show_spinner=False, max_entries=32)
def _rows(target: str, version: int, query: queries.EventQuery, limit: int | None, order: str) -> pd.DataFrame:
    with closing(geo_store.connect(target, readonly=True)) as conn:
        return prepare_events(queries.rows(conn, query, limit, order))


@st.cache_data(show_spinner=False, max_entries=64)
def _document(path: str, version: int, doc_id: str) -> dict | None:
    with closing(geo_store.connect(path, readonly=True)) as conn:
        return geo_store.read_document(conn, doc_id)


@st.cache_data(show_spinner=False, max_entries=8)
def _corrections(path: str, version: int) -> list[dict]:
    with closing(geo_store.connect(path, readonly=True)) as conn:
        return geo_corrections.listing(conn)


@st.cache_data(show_spinner=False, max_entries=32)
def _changes(path: str, version: int, doc_id: str | None, limit: int | None) -> tuple[list[dict], int]:
    with closing(geo_store.connect(path, readonly=True)) as conn:
        return geo_history.changes(conn, doc_id, limit=limit), geo_history.count_changes(conn, doc_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _versions(path: str, version: int, doc_id: str) -> list[dict]:
    with closing(geo_store.connect(path, readonly=True)) as conn:
        return geo_history.versions(conn, doc_id)


@st.cache_data(show_spinner=False, max_entries=64)
def _stored_events(path: str, version: int, doc_id: str) -> list[dict]:
    with closing(geo_store.connect(path, readonly=True)) as conn:
        return geo_store.stored_events(conn, doc_id)


@st.cache_resource(show_spinner=False, max_entries=64)
def _derived(path: str, version: int, what: str, _compute: Callable[[], T]) -> T:
    return _compute()


def current() -> Store:
    """The store's path and version now (building it from the seeds if it holds no article yet)."""
    return ensure()


def ask(store: Store, what: str, *args):
    """``geo.store.queries.<what>(conn, *args)``, once per store version and arguments (shared: never change it).
    The arguments (queries, tuples, lists, strings, numbers: plain values) are keyed by their repr, one C call,
    not by Streamlit's hashing of each item: a map's query names its 2,000 biggest incidents, on every rerun."""
    return _asked(*store, what, repr(args), args)


def rows(store: Store, query: queries.EventQuery, limit: int | None, order: str = "newest") -> pd.DataFrame:
    """At most ``limit`` whole events of ``query`` as a frame (``prepare_events``), newest first (or ``oldest``,
    or in ``text`` order); cached like ``ask``."""
    return _rows(*store, query, limit, order)


def export_file(store: Store, query: queries.EventQuery, fmt: str) -> str:
    """Every event of ``query`` as a CSV or GeoJSON file (geo.export's: its CSV defuses formulas); built when a
    download is clicked, not cached."""
    with closing(geo_store.connect(store[0], readonly=True)) as conn:
        return export_events(queries.rows(conn, query, None, "oldest"), fmt)


def derived(store: Store, what: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per store version and ``what`` (which must name everything the result depends on
    besides the store); shared between reruns and sessions, so never change the result in place."""
    return _derived(*store, what, compute)


def document(doc_id: str) -> dict | None:
    """One article with its sentences and mentions (place-mention corrections applied), or None."""
    path, version = ensure()
    return _document(str(path), version, doc_id)


def corrections() -> list[dict]:
    """Every analyst's correction in the store, oldest first, undone ones included."""
    path, version = ensure()
    return _corrections(str(path), version)


def changes(doc_id: str | None = None, limit: int | None = None) -> tuple[list[dict], int]:
    """The newest ``limit`` changes to the store (or to one article), newest first: who, when and what (the History
    view); and how many there are in all."""
    path, version = ensure()
    return _changes(str(path), version, doc_id, limit)


def every_change(doc_id: str | None = None) -> list[dict]:
    """Every change (or one article's), newest first, read when an export is clicked: not cached (a large store's
    history is as long as its articles)."""
    with closing(geo_store.connect(ensure()[0], readonly=True)) as conn:
        return geo_history.changes(conn, doc_id)


def versions(doc_id: str) -> list[dict]:
    """One article's earlier versions, newest first, each with its text and its events as extracted."""
    path, version = ensure()
    return _versions(str(path), version, doc_id)


def stored_events(doc_id: str) -> list[dict]:
    """One article's events as extracted, corrections not applied (dropped ones included)."""
    path, version = ensure()
    return _stored_events(str(path), version, doc_id)


def invalidate() -> None:
    """Forget every cached read, so this process sees its own write at once (other processes and replicas see it
    by the store's version, which every cache is keyed on)."""
    for cached in (_ensure, _asked, _rows, _document, _corrections, _changes, _versions, _stored_events,
                   _derived):
        cached.clear()


@contextmanager
def writing() -> Iterator[geo_store.Connection]:
    """A write connection to the store, for editors only (raises auth.NotAnEditor for anyone else: the server's
    own check, whatever the page showed); a store that fails (locked past its wait, read-only, full) raises
    geo.store.StoreError, one line to show; when it closes, every cached read is dropped."""
    auth.require()
    path, _ = ensure()
    try:
        with closing(geo_store.connect(path)) as conn:
            yield conn
    finally:
        invalidate()
