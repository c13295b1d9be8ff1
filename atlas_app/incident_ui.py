"""Incidents in the reader. For every reader: the incidents an article reports with others, each a timeline of its
reports as published (invited, announced, arrived, met), the outlets that told it and why each joined (``show``).
For editors, the Incident tab of the corrections panel (``tab``): the event's incident, "Split from its incident" and
"Merge with the incident of event …" (another event of this article, or any event by its id), each change through
``corrections_ui._submit``."""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from geo.incidents import SPLIT
from geo.store.queries import EventQuery

from .corrections_ui import _submit, choose, event_label
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


def grounds(facts: dict, reasons: list[str]) -> str:
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
            st.caption(grounds(facts[i], [r["reason"] for r in info.get("report_list", [])]))
            reports = reports.assign(reported=[date_label(p, None, "day") if p else "" for p in reports["published"]])
            event_table(reports, COLUMNS, key=f"incident_{i}", bounded=False, order=ORDER)


# ---- the editors' Incident tab ----------------------------------------------------------------------------

PICK = "Merge with the incident of event …"


def summary(incident: dict | None) -> str:
    """``One of 3 reports, from 2 outlets, of incident:ab12``; ``Alone in its incident …`` (``, split off by an
    editor`` when it was)."""
    if incident is None:
        return "This event is in no incident yet."
    reports = incident["report_list"]
    if len(reports) <= 1:
        split = any(r["reason"] == SPLIT for r in reports)
        return f"Alone in its incident ({incident['id']})" + (", split off by an editor." if split else ".")
    return (f"One of {plural(len(reports), 'report')}, from {plural(incident['outlets'], 'outlet')}, "
            f"of {incident['id']}.")


def reports_frame(incident: dict, event_id: str) -> pd.DataFrame:
    """The incident's reports, earliest first: which is this one, article, outlet, day, sentence, and why it is in."""
    rows = incident["report_list"]
    return pd.DataFrame({"This": ["▶" if r["event_id"] == event_id else "" for r in rows],
                         "Article": [r["doc_id"] for r in rows], "Outlet": [r["outlet"] or "" for r in rows],
                         "Published": [str(r["published"] or "")[:10] for r in rows],
                         "Sentence": [r["sentence"] or "" for r in rows],
                         "Why": [r["reason"] or ("earliest report" if i == 0 else "") for i, r in enumerate(rows)]})


def merge_value(key: str) -> Callable[[], dict]:
    """The merge's value when the button is clicked: the id typed, else the event picked."""
    def read() -> dict:
        ss = st.session_state
        return {"with": (ss.get(f"{key}_merge_id") or "").strip() or ss.get(f"{key}_merge_pick") or ""}
    return read


def tab(ask: Callable, rows: dict, eid: str, key: str, note_key: str) -> None:
    """The Incident tab for event ``eid`` (``rows``: the article's events by id; ``ask``: the page's store query)."""
    incident_id = ask("incident_of", eid)
    incident = ask("incident", incident_id) if incident_id else None
    st.caption(summary(incident))
    if incident and len(incident["report_list"]) > 1:
        st.dataframe(reports_frame(incident, eid), hide_index=True, width="stretch", key=f"{key}_incident")
    st.button("Split from its incident", key=f"{key}_split_go", on_click=_submit,
              args=("incident_split", eid, dict, note_key, "event split from its incident"),
              help="The event stands as an incident of its own, and no rule links it again (Undo puts it back).")
    kind = rows[eid]["type"]
    others = {i: event_label(r) for i, r in rows.items()
              if i != eid and r["type"] == kind and (incident_id is None or ask("incident_of", i) != incident_id)}
    if others:
        choose(PICK, others, f"{key}_merge_pick", help="This article's other events of this kind, in other incidents.")
    st.text_input("…or the incident of the event with this id" if others else PICK, key=f"{key}_merge_id",
                  help="Any event of the store, e.g. another article's (its id is in the exports).")
    st.button("Merge the incidents", key=f"{key}_merge_go", on_click=_submit,
              args=("incident_merge", eid, merge_value(key), note_key, "incidents merged"))
