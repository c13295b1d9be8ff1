"""The incidents an article reports, in the reader: each with every report of it, from this article and others, in
the order they were published (invited, announced, arrived, met), the outlets that told it and why each joined."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.store.queries import EventQuery

from .style import KIND_LABELS, date_label, plural
from .tables import event_table

COLUMNS = ["date_label", "reported", "outlet", "status", "subtype", "actor_label", "counterpart_label", "place_label",
           "sentence_text", "source"]
ORDER = ["published", "day", "doc_id", "sentence"]      # as the news told it: first reported first


def label(facts: dict, place: str) -> str:
    """``Visit · Paris · 22 May 2019 — 3 reports, 2 outlets``."""
    days = date_label(facts["first_day"], facts["last_day"], "range" if facts["first_day"] != facts["last_day"]
                      else "day") if facts["first_day"] else "undated"
    return (f"{KIND_LABELS.get(facts['kind'], facts['kind'])} · {place or 'no place named'} · {days} — "
            f"{plural(facts['reports'], 'report')}, {plural(facts['outlets'], 'outlet')}")


def summary(facts: dict, reasons: list[str]) -> str:
    """What the incident rests on: first report, outlets, independent sources, confidence, and why reports joined."""
    first = date_label(facts["first_reported"], None, "day") if facts["first_reported"] else "on an unknown day"
    why = "; ".join(dict.fromkeys(r for r in reasons if r))
    return (f"First reported {first}. {plural(facts['sources'], 'independent source')} (a sentence copied word for "
            f"word by another outlet counts once): confidence {facts['confidence']:.0%}. Status: {facts['status']}."
            + (f" Joined because: {why}." if why else ""))


def show(page, doc_events: pd.DataFrame, sentence: int | None) -> None:
    """One expander per incident this article reports with others (the one of the marked sentence open), its
    reports as a timeline; a caption counts the article's events no other report tells."""
    ids = [i for i in dict.fromkeys(doc_events.get("incident", pd.Series(dtype=object))) if i]
    facts = page.ask("incident_facts", ids)
    shared = [i for i in ids if i in facts and facts[i]["reports"] > 1]
    st.subheader(f"Incidents in this article ({len(shared)})")
    st.caption("An incident is one real event told by several reports (this article's and other articles' "
               "sentences): same kind, sides, place and dates. "
               f"{plural(len(ids) - len(shared), 'event')} of this article no other report tells.")
    marked = set(doc_events.loc[doc_events["sentence"] == sentence, "incident"]) if sentence is not None else set()
    for i in shared:
        reports = page.rows(None, EventQuery(match=(("incident", i),)), order="oldest")
        here = doc_events[doc_events["incident"] == i]
        with st.expander(label(facts[i], str(here["place_label"].iloc[0]) if len(here) else ""), expanded=i in marked):
            info = page.ask("incident", i) or {}
            st.caption(summary(facts[i], [r["reason"] for r in info.get("report_list", [])]))
            reports = reports.assign(reported=[date_label(p, None, "day") if p else "" for p in reports["published"]])
            event_table(reports, COLUMNS, key=f"incident_{i}", bounded=False, order=ORDER)
