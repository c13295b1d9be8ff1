"""Tables of events and of articles, whose links open the sentence (or the article) in the reader."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.events.kinds import KINDS

from .links import safe_external, source_href
from .style import KIND_LABELS, STATUS_LABELS, published_label


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
                 "corrected": "Corrected", "reported": "Reported", "outlet": "Outlet"}
CORRECTED_BADGE = "✎ corrected"


MAX_ROWS = 500                       # rows a table sends to the browser (its data is sent whole, every run)
ORDER = ["day", "doc_id", "sentence"]
MORE = "narrow the filters or download the CSV for all"
EVENT_COLUMNS = ["date_label", "source", "type", "subtype", "status", "actor_label", "counterpart_label",
                 "origin_label", "place_label", "sentence_text", "article"]
LEAD = ["date_label", "source"]       # first and pinned: the date and its Read link stay in view on a narrow page


def most_recent(frame: pd.DataFrame, limit: int | None, order: list[str] = ORDER) -> pd.DataFrame:
    """The events the table shows, by date (undated last; or by the columns ``order`` when all are shown): all of
    them, or the ``limit`` most recent (and undated ones only when fewer than ``limit`` are dated)."""
    if limit is None or len(frame) <= limit:
        return frame.sort_values(order, na_position="last")
    dated = frame[frame["day"].notna()]
    if len(dated) >= limit:
        cutoff = dated["day"].nlargest(limit).iloc[-1]
        return dated[dated["day"] >= cutoff].sort_values(ORDER).tail(limit)
    undated = frame[frame["day"].isna()].sort_values(ORDER).head(limit - len(dated))
    return pd.concat([dated.sort_values(ORDER), undated])


def table_frame(frame: pd.DataFrame, columns: list[str], limit: int | None = None, order: list[str] = ORDER
                ) -> pd.DataFrame:
    """The rows of the event table, by date, with the column names shown (at most ``limit``: the most recent)."""
    out = most_recent(frame, limit, order).copy()
    out["type"] = out["type"].map(lambda k: KIND_LABELS.get(k, k))
    out["article"] = out["url"].map(safe_external)
    if "corrected" in columns:
        out["corrected"] = out["corrected"].map(lambda c: CORRECTED_BADGE if c else "")
    return out[columns].rename(columns=TABLE_COLUMNS).reset_index(drop=True)


def shown_caption(shown: int, total: int, what: str = "events", more: str = MORE) -> str | None:
    """``showing 500 of 90,900 events — …`` when a table had to leave rows out, else None."""
    return f"Showing the {shown:,} most recent of {total:,} {what} — {more}." if shown < total else None


# Column widths (pixels) so that a table's columns fit the main column at a 1400-pixel window with the sidebar open
# (about 940 pixels; a wider window stretches them all alike): with widths left to Streamlit, each column took its
# longest cell (a bilingual actor runs to 300 pixels) and an event table ran 200 to 700 pixels past the edge.
TABLE_WIDTH = 930
WIDTHS = {"Date": 100, "Source": 60, "Kind": 96, "Subtype": 84, "Status": 76, "Actor": 180, "Counterpart": 170,
          "From": 120, "Place": 120, "Sentence": 200, "Article": 76, "Corrected": 96,
          "Reported": 100, "Outlet": 110}
FIXED = ("Date", "Source", "Sentence", "Article")     # kept whole; the others give way alike when space is short
MIN_WIDTH = 52


def column_widths(names: list[str], budget: int = TABLE_WIDTH) -> dict[str, int]:
    """The width of each of the columns ``names`` (shown names, ``TABLE_COLUMNS``'s): ``WIDTHS``, the ones not
    ``FIXED`` narrowed alike (to ``MIN_WIDTH`` at the least) until they add up to ``budget``."""
    fixed = sum(WIDTHS.get(n, 100) for n in names if n in FIXED)
    natural = sum(WIDTHS.get(n, 100) for n in names if n not in FIXED)
    k = min(1.0, max(budget - fixed, 0) / natural) if natural else 1.0

    def sized(k: float) -> dict[str, int]:
        return {n: WIDTHS.get(n, 100) if n in FIXED else max(MIN_WIDTH, int(WIDTHS.get(n, 100) * k)) for n in names}

    while k > 0 and sum(sized(k).values()) > budget:          # the narrowest stopped at MIN_WIDTH: the others give more
        k -= 0.01
    return sized(max(k, 0))


def event_columns(columns: list[str] | None = None, kind: str | None = None) -> list[str]:
    """The columns of an event table: ``columns`` (default: all), the date and the Read link first; on a page of
    one ``kind``, no Kind column, nor a Subtype one when that kind has a single subtype."""
    columns = list(columns or EVENT_COLUMNS)
    if kind:
        columns = [c for c in columns if c != "type" and (c != "subtype" or len(KINDS[kind].subtypes) > 1)]
    return [c for c in LEAD if c in columns] + [c for c in columns if c not in LEAD]


def event_table(frame: pd.DataFrame, columns: list[str] | None = None, key: str = "events",
                bounded: bool = True, more: str = MORE, total: int | None = None, kind: str | None = None,
                order: list[str] = ORDER) -> pd.DataFrame:
    """A table of events whose Source column ("Read ›") opens the sentence in the reader, right after the date
    (both pinned). ``bounded``: the ``MAX_ROWS`` most recent, with a caption saying so when there are more
    (``total``: how many the frame was taken from; ``more`` says where to find the rest). ``kind``: the one kind
    of event the page shows (see ``event_columns``). ``order``: the columns the rows are sorted by (all shown)."""
    shown = table_frame(frame, event_columns(columns, kind), MAX_ROWS if bounded else None, order)
    caption = shown_caption(len(shown), len(frame) if total is None else total, more=more)
    if caption:
        st.caption(caption)
    widths = column_widths(list(shown.columns))
    config = {n: st.column_config.TextColumn(n, width=w) for n, w in widths.items()}
    config |= {
        "Date": st.column_config.TextColumn("Date", pinned=True, width=widths.get("Date")),
        "Source": st.column_config.LinkColumn("Source", display_text="Read ›", pinned=True, width=widths.get("Source"),
                                              help="Open the sentence in the article reader"),
        "Article": st.column_config.LinkColumn("Article", display_text="original ↗", width=widths.get("Article")),
        "Sentence": st.column_config.TextColumn("Sentence", width="medium"),
    }
    st.dataframe(shown, hide_index=True, key=key, width="stretch", placeholder="",
                 column_config={n: c for n, c in config.items() if n in widths})
    return shown


def document_leads(docs: list[dict], chars: int = 70) -> dict[str, str]:
    """Each document's title, else its first words (``lead``), else ``Article ID``; shortened."""
    out = {}
    for d in docs:
        lead = " ".join(str(d.get("title") or d.get("lead") or f"Article {d['id']}").split())
        out[d["id"]] = lead if len(lead) <= chars else lead[:chars] + "…"
    return out


def document_labels(docs: list[dict], leads: dict[str, str]) -> dict[str, str]:
    """``22 May 2019 · lead · outlet`` for each document id (the article picker)."""
    return {d["id"]: " · ".join(str(x) for x in (published_label(d), leads[d["id"]], d.get("outlet")) if x)
            for d in docs}


def document_table(docs: list[dict], counts: dict[str, int], leads: dict[str, str], caption: str | None = None
                   ) -> pd.DataFrame:
    """The articles ``docs`` (in that order) with their number of events (``counts``: events per article id),
    linking to the reader; ``caption`` above it."""
    rows = [{"Published": published_label(d), "Article": leads[d["id"]], "Outlet": d.get("outlet") or "",
             "Events": int(counts.get(d["id"], 0)), "Read": source_href(d["id"], None),
             "Original": safe_external(d.get("url"))} for d in docs]
    table = pd.DataFrame(rows, columns=["Published", "Article", "Outlet", "Events", "Read", "Original"])
    if caption:
        st.caption(caption)
    st.dataframe(table, hide_index=True, width="stretch", key="documents", placeholder="", column_config={
        # widths that fit a 1100-pixel window too (about 640 pixels): a long title took 400 of them
        "Published": st.column_config.TextColumn("Published", width=100),
        "Article": st.column_config.TextColumn("Article", width=220),
        "Outlet": st.column_config.TextColumn("Outlet", width=110),
        "Events": st.column_config.NumberColumn("Events", width=60),
        "Read": st.column_config.LinkColumn("Read", display_text="Open ›", width=64),
        "Original": st.column_config.LinkColumn("Original", display_text="original ↗", width=80)})
    return table
