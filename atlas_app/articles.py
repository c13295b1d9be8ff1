"""Finding an article on the Sources page. The store searches (``queries.find_documents``), and the page never
holds every article: the picker lists at most ``MAX_PICKED`` of the matches (newest first; the open article always
among them) and the table of articles at most ``tables.MAX_ROWS``. ``?doc=`` may still name any article."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from . import filters, tables
from .links import md_escape

MAX_PICKED = 200
SEARCH_KEY = "w_doc_q"
NO_ARTICLE = "Choose an article…"


def choices(docs: list[dict]) -> dict[str, str]:
    """The picker's label of each of ``docs`` (by id), after the "no article" choice."""
    return {"": NO_ARTICLE, **tables.document_labels(docs, tables.document_leads(docs))}


def picker(page) -> tuple[str, list[str], str]:
    """The search box and the article picker: the open article's id ("" for none), notes about the link, and
    the search typed."""
    c1, c2 = st.columns([1, 2])
    query = c1.text_input("Search articles", key=SEARCH_KEY, placeholder="title, words, outlet, date or id",
                          help="Articles whose title (or first sentence), outlet, date or id hold every word.")
    found, total = page.ask("find_documents", query, MAX_PICKED)
    asked = str(st.query_params.get("doc", "")).strip()
    opened = page.ask("find_documents", "", 1, None, (asked,))[0] if asked else []
    doc_id, notes = filters.page_choice("doc", "Article", choices(opened + found), "", widget="selectbox", where=c2,
                                        what="article id", shown=[d["id"] for d in found])
    if query.strip() and not total:
        st.caption(md_escape(f"No article matches “{query.strip()}”."))
    elif total > MAX_PICKED:
        st.caption(f"The picker lists the {MAX_PICKED} newest of {total:,} "
                   f"{'matching ' if query.strip() else ''}articles: search to find the others.")
    return doc_id, notes, query


def table(page, query: str, only_matching: bool) -> pd.DataFrame:
    """The articles the search matched (with ``only_matching``: those with events that pass the filters), with
    their number of such events, newest first: at most ``tables.MAX_ROWS`` of them."""
    shown, total = page.ask("find_documents", query, tables.MAX_ROWS, page.query if only_matching else None)
    counts = page.ask("per_document", page.query, [d["id"] for d in shown])
    caption = tables.shown_caption(len(shown), total, "articles", "search above to find the others")
    return tables.document_table(shown, counts, tables.document_leads(shown), caption)
