"""The Incident tab of the corrections panel: the event's incident (its reports, and why each is in it), "Split from
its incident", and "Merge with the incident of event …" (another event of this article, or any event by its id).

Like the other tabs it runs for editors only, and every change goes through ``corrections_ui._submit``.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

from geo.incidents import SPLIT

from .corrections_ui import _submit, choose, event_label
from .style import plural

PICK = "Merge with the incident of event …"


# ---- what is shown (pure) ------------------------------------------------------------------------------------

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


# ---- the tab ---------------------------------------------------------------------------------------------------

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
