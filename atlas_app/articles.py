"""Finding an article on the Sources page. The page never sends every article: a search box narrows the articles,
the picker lists at most ``MAX_PICKED`` of the matches (newest first; the open article always among them) and the
table of articles at most ``tables.MAX_ROWS``. ``?doc=`` may still name any article."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.text import normalize

from . import data, filters, tables
from .links import md_escape
from .places import fold

MAX_PICKED = 200
SEARCH_KEY = "w_doc_q"
NO_ARTICLE = "Choose an article…"


@dataclass(frozen=True)
class Index:
    """Every article of the store, newest first (undated last), with what the picker shows and searches."""
    ids: tuple[str, ...]
    docs: dict[str, dict]          # id -> the article's metadata
    leads: dict[str, str]          # id -> title or first sentence, shortened
    choices: dict[str, str]        # "" and every id -> the picker's label
    keys: tuple[str, ...]          # the search key of each of ``ids``


def search_key(text: str) -> str:
    """What a search matches: case-folded, accents and Arabic marks dropped, Arabic letter variants folded."""
    return normalize(fold(text))


def build_index(docs: list[dict]) -> Index:
    leads = tables.document_leads(docs)
    labels = tables.document_labels(docs, leads)
    dated = sorted((d for d in docs if d.get("published")), key=lambda d: str(d["published"]), reverse=True)
    ordered = dated + [d for d in docs if not d.get("published")]
    ids = tuple(d["id"] for d in ordered)
    return Index(ids, {d["id"]: d for d in docs}, leads, {"": NO_ARTICLE, **labels},
                 tuple(search_key(f"{labels[i]} {i}") for i in ids))


def index(page) -> Index:
    """The store's article index (built once per store version; shared: never change it)."""
    return data.derived(page.store, "articles", lambda: build_index(data.documents(page.store)))


def matches(idx: Index, query: str) -> list[str]:
    """Ids of the articles whose label or id holds every word of ``query``, newest first (all for no query)."""
    words = search_key(query).split()
    if not words:
        return list(idx.ids)
    return [i for i, k in zip(idx.ids, idx.keys) if all(w in k for w in words)]


def picker(idx: Index) -> tuple[str, list[str], list[str] | None]:
    """The search box and the article picker: the open article's id ("" for none), notes about the link, and the
    ids the search matched (None without a search)."""
    c1, c2 = st.columns([1, 2])
    query = c1.text_input("Search articles", key=SEARCH_KEY, placeholder="title, words, outlet, date or id",
                          help="Articles whose title (or first sentence), outlet, date or id hold every word.")
    found = matches(idx, query)
    doc_id, notes = filters.page_choice("doc", "Article", idx.choices, "", widget="selectbox", where=c2,
                                        what="article id", shown=found[:MAX_PICKED])
    if query.strip() and not found:
        st.caption(md_escape(f"No article matches “{query.strip()}”."))
    elif len(found) > MAX_PICKED:
        st.caption(f"The picker lists the {MAX_PICKED} newest of {len(found):,} "
                   f"{'matching ' if query.strip() else ''}articles: search to find the others.")
    return doc_id, notes, found if query.strip() else None


def table(page, idx: Index, found: list[str] | None, only_matching: bool) -> pd.DataFrame:
    """The articles (those the search matched, and with ``only_matching`` those with events that pass the
    filters) with their number of such events, newest first: at most ``tables.MAX_ROWS`` of them."""
    ids = idx.ids if found is None else found
    if only_matching:
        with_events = page.ask("per_document", page.query)
        ids = [i for i in ids if i in with_events]
    shown = [idx.docs[i] for i in ids[:tables.MAX_ROWS]]
    counts = page.ask("per_document", page.query, [d["id"] for d in shown])
    caption = tables.shown_caption(len(shown), len(ids), "articles", "search above to find the others")
    return tables.document_table(shown, counts, idx.leads, caption)
