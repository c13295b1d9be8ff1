"""The History view of the Sources page: every change to the store, newest first — who made it, when, what, and a
link to its article — readable by everyone, with its export. Text goes into table cells, never into markup."""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from geo.export import export_changes
from geo.store.history import UNRECORDED

from . import data
from .corrections_ui import KIND_TEXT, isolate, value_text, when
from .links import source_href
from .style import plural
from .tables import shown_caption


def change_text(ch: dict) -> str:
    """What one change did, in a sentence: ``correction #4: changed the status: status Planned``."""
    d = ch.get("detail") or {}
    title = isolate(d.get("title") or f"article {ch.get('doc_id')}")
    if ch["action"] == "article_added":
        text = f"added {title}" + (f" (from {isolate(d['source'])})" if d.get("source") else "")
    elif ch["action"] == "article_replaced":
        text = f"replaced the text of {title}: now version {ch.get('version')}, version {d.get('replaces_version')} kept"
    elif ch["action"] == "correction":
        value = value_text({"kind": d.get("kind"), "value": d.get("value")})
        text = f"correction #{ch['target']}: {KIND_TEXT.get(d.get('kind'), d.get('kind'))}" + (f": {value}" if value else "")
        text += f" · “{isolate(d['note'])}”" if d.get("note") else ""
    elif ch["action"] == "undo":
        text = f"undid correction #{ch['target']} ({KIND_TEXT.get(d.get('kind'), d.get('kind'))})"
    else:
        text = ch["action"]
    return text + (" · recorded when the history began" if d.get("backfilled") else "")


def history_frame(changes: list[dict]) -> pd.DataFrame:
    """The changes as the table shows them: When, Who, What, and the Article's link in the reader."""
    return pd.DataFrame({"When": [when(ch["at"]) for ch in changes],
                         "Who": [ch.get("who") or UNRECORDED for ch in changes],
                         "What": [change_text(ch) for ch in changes],
                         "Article": [source_href(ch["doc_id"], None) if ch.get("doc_id") else None for ch in changes]},
                        columns=["When", "Who", "What", "Article"])


def show(key: str, title: str = "History", doc_id: str | None = None) -> None:
    """``title (N changes)`` of the store's (or one article's) changes, closed at first (nothing inside runs until it
    is opened): the newest changes (``data.MAX_CHANGES``), and the export of all of them as JSON or CSV (read and
    built only when clicked)."""
    changes, total = data.changes(doc_id, data.MAX_CHANGES)
    box = st.expander(f"{title} ({plural(total, 'change')})", key=key, on_change="rerun")
    if box.open is False:
        return
    with box:
        if not changes:
            st.caption("Nothing has changed yet.")
            return
        caption = shown_caption(len(changes), total, "changes", "the export has them all")
        if caption:
            st.caption(caption)
        st.dataframe(history_frame(changes), hide_index=True, width="stretch", key=f"{key}_table", column_config={
            "What": st.column_config.TextColumn("What", width="large"),
            "Article": st.column_config.LinkColumn("Article", display_text="Open ›", help="Open the article"),
        })
        c1, c2 = st.columns(2)
        c1.download_button("History (JSON)", partial(_export, doc_id, "json"), file_name="atlas-history.json",
                           mime="application/json", on_click="ignore", key=f"{key}_json")
        c2.download_button("History (CSV)", partial(_export, doc_id, "csv"), file_name="atlas-history.csv",
                           mime="text/csv", on_click="ignore", key=f"{key}_csv")


def _export(doc_id: str | None, fmt: str) -> str:
    """Every change (or the article's) as JSON or CSV, for a download button's click."""
    return export_changes(data.every_change(doc_id), fmt)
