"""Tables of events and of articles, whose links open the sentence (or the article) in the reader."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from .links import safe_external, source_href
from .style import KIND_LABELS, STATUS_LABELS


def event_caption(row) -> str:
    """``2019-04-04 · Visit (planned) · Fayez al-Sarraj · فائز السراج · Tripoli → Washington``."""
    kind = KIND_LABELS.get(row["type"], row["type"])
    sub = f" / {row['subtype']}" if row["subtype"] and row["subtype"] not in (row["type"], "visit") else ""
    where = f"{row['origin_label']} → {row['place_label']}" if row["origin_label"] else row["place_label"]
    parts = [row["date_label"], f"{kind}{sub} ({STATUS_LABELS.get(row['status'], row['status']).lower()})",
             row["actor_label"]]
    if row["counterpart_label"]:
        parts.append(f"with {row['counterpart_label']}")
    return " · ".join(parts + [where])


TABLE_COLUMNS = {"date_label": "Date", "type": "Kind", "subtype": "Subtype", "status": "Status",
                 "actor_label": "Actor", "counterpart_label": "Counterpart", "origin_label": "From",
                 "place_label": "Place", "sentence_text": "Sentence", "source": "Source", "article": "Article",
                 "corrected": "Corrected"}
CORRECTED_BADGE = "✎ corrected"


def table_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows of the event table, by date, with the column names shown."""
    out = frame.sort_values(["day", "doc_id", "sentence"], na_position="last").copy()
    out["type"] = out["type"].map(lambda k: KIND_LABELS.get(k, k))
    out["article"] = out["url"].map(safe_external)
    if "corrected" in columns:
        out["corrected"] = out["corrected"].map(lambda c: CORRECTED_BADGE if c else "")
    return out[columns].rename(columns=TABLE_COLUMNS).reset_index(drop=True)


def event_table(frame: pd.DataFrame, columns: list[str] | None = None, key: str = "events") -> pd.DataFrame:
    """A table of events whose Source column opens the sentence in the reader."""
    columns = columns or ["date_label", "type", "subtype", "status", "actor_label", "counterpart_label",
                          "origin_label", "place_label", "sentence_text", "source", "article"]
    shown = table_frame(frame, columns)
    st.dataframe(shown, hide_index=True, key=key, width="stretch", column_config={
        "Source": st.column_config.LinkColumn("Source", display_text="Read ›",
                                              help="Open the sentence in the article reader"),
        "Article": st.column_config.LinkColumn("Article", display_text="original ↗"),
        "Sentence": st.column_config.TextColumn("Sentence", width="large"),
    })
    return shown


def document_leads(docs: list[dict], events: pd.DataFrame, chars: int = 70) -> dict[str, str]:
    """Each document's title, else the first sentence that holds an event, else ``Article ID``; shortened."""
    first = events.sort_values("sentence").drop_duplicates("doc_id").set_index("doc_id")["sentence_text"]
    out = {}
    for d in docs:
        lead = " ".join(str(d.get("title") or first.get(d["id"]) or f"Article {d['id']}").split())
        out[d["id"]] = lead if len(lead) <= chars else lead[:chars] + "…"
    return out


def document_labels(docs: list[dict], leads: dict[str, str]) -> dict[str, str]:
    """``2019-05-22 · lead · outlet`` for each document id (the article picker)."""
    return {d["id"]: " · ".join(str(x) for x in (d.get("published"), leads[d["id"]], d.get("outlet")) if x)
            for d in docs}


def document_table(docs: list[dict], events: pd.DataFrame, leads: dict[str, str],
                   only_matching: bool = True) -> pd.DataFrame:
    """Articles with their number of ``events`` (only those with some, if ``only_matching``), newest first,
    linking to the reader."""
    n = events.groupby("doc_id").size()
    rows = [{"Published": d.get("published"), "Article": leads[d["id"]], "Outlet": d.get("outlet") or "",
             "Events": int(n.get(d["id"], 0)), "Read": source_href(d["id"], None),
             "Original": safe_external(d.get("url"))} for d in docs if d["id"] in n.index or not only_matching]
    table = pd.DataFrame(rows, columns=["Published", "Article", "Outlet", "Events", "Read", "Original"])
    table = table.sort_values("Published", ascending=False, na_position="last").reset_index(drop=True)
    st.dataframe(table, hide_index=True, width="stretch", key="documents", column_config={
        "Read": st.column_config.LinkColumn("Read", display_text="Open ›"),
        "Original": st.column_config.LinkColumn("Original", display_text="original ↗")})
    return table
