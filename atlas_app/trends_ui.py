"""The Overview's "What changed": a week picker that lives in the URL (``week=2019-W14``) and three small tables of
what ``geo.store.trends`` finds new or rising that week: places, actors, incidents (each linked to its first
report in the reader)."""
from __future__ import annotations

import re
from contextlib import closing
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from geo import store as geo_store
from geo.store import trends

from . import filters
from .links import source_href
from .style import KIND_LABELS, STATUS_LABELS, bilingual, date_label

KEY = "week"
_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
MARKS = {"new": "new", "rising": "▲ rising"}
EXPLAINED = (f"**New**: named in the week, not in the {trends.BEFORE} weeks before. **Rising**: at least "
             f"{trends.RISE_MIN} events in the week and at least {trends.RISE_FACTOR} times the weekly mean of the "
             f"{trends.BEFORE} weeks before. An event counts in the week of its first day; events dated only to a "
             "month or a year are left out. Incidents: first reported (new) or reported again (rising) by an "
             "article published that week. The filters apply, but the weeks before are read whatever the dates "
             "filter keeps.")


def week_name(monday: date) -> str:
    """``2019-W14``: the ISO week of a day, as the URL gives it."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(value: str) -> date | None:
    """The Monday of an ISO week given as ``2019-W14`` (or ``2019W14``, ``2019-w14``); None when it is not one."""
    m = _WEEK_RE.match(value.strip())
    if not m:
        return None
    try:
        return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        return None


def week_label(monday: date) -> str:
    """``2019-W14 · 1 – 7 Apr 2019``."""
    return f"{week_name(monday)} · {date_label(monday, monday + timedelta(days=6), 'week')}"


def weeks(first: str | None, last: str | None, *more: date | None) -> list[date]:
    """The Mondays of every week from the first day to the last (and of ``more``), the newest first."""
    found = {m for m in more if m}
    if first and last:
        day, end = trends.monday(date.fromisoformat(first[:10])), trends.monday(date.fromisoformat(last[:10]))
        while day <= end:
            found.add(day)
            day += timedelta(weeks=1)
    return sorted(found, reverse=True)


def _read(target: str, q, week: date | None) -> trends.WhatChanged | None:
    with closing(geo_store.connect(target, readonly=True)) as conn:
        return trends.what_changed(conn, q, week)


def change_frame(found, what: str) -> pd.DataFrame:
    """A table of new or rising places or actors: mark, name (English · Arabic), events in the week, weekly mean
    before."""
    return pd.DataFrame([(MARKS[c.mark], bilingual(c.name_en, c.name_ar), c.now, round(c.mean_before, 2))
                         for c in found], columns=["Change", what, "Events", "Weekly before"])


def incident_frame(found) -> pd.DataFrame:
    """A table of the week's incidents: mark, kind, status, place, when, first reported, reports (that week),
    outlets, and a link to the first report in the reader."""
    rows = [(MARKS[i.mark], KIND_LABELS.get(i.kind, i.kind), STATUS_LABELS.get(i.status, i.status),
             bilingual(i.place_en, i.place_ar), date_label(i.first_day, i.last_day, None),
             date_label(i.first_reported, None, "day") if i.first_reported else "—", i.reports, i.week_reports,
             i.outlets, source_href(i.first_doc, i.first_sentence) if i.first_doc else None) for i in found]
    return pd.DataFrame(rows, columns=["Change", "Kind", "Status", "Place", "When", "First reported", "Reports",
                                       "This week", "Outlets", "First report"])


def _commit() -> None:
    value = st.session_state.get(f"w_{KEY}")
    filters.set_param(KEY, week_name(value) if isinstance(value, date) else None)


def section(page) -> None:
    """"What changed" for the week the URL names (default: the latest with events under the filters)."""
    if page.present:
        return
    st.subheader("What changed")
    chosen, notes = filters.page_value(KEY, parse_week, "week (YYYY-Www, e.g. 2019-W14)")
    page.note(notes)
    shown = page.memo("what_changed", lambda: _read(page.store[0], page.query, chosen), chosen)
    if shown is None:
        st.caption("No event under these filters is dated to a day or a week: there is no week to compare.")
        return
    options = weeks(*page.ask("span", page.query), shown.week)
    st.session_state[f"w_{KEY}"] = shown.week
    st.selectbox("Week", options, format_func=week_label, key=f"w_{KEY}", on_change=_commit,
                 help=f"Compared with the {shown.before} weeks before it. The link keeps the week.")
    st.caption(EXPLAINED)
    left, right = st.columns(2)
    for where, found, what, nothing in ((left, shown.places, "Place", "place"), (right, shown.actors, "Actor", "actor")):
        with where:
            st.markdown(f"**{what}s**")
            if found:
                st.dataframe(change_frame(found, what), hide_index=True, width="stretch", key=f"changed_{nothing}s")
            else:
                st.caption(f"No new or rising {nothing} that week.")
    st.markdown("**Incidents**")
    if shown.incidents:
        st.dataframe(incident_frame(shown.incidents), hide_index=True, width="stretch", key="changed_incidents",
                     column_config={"First report": st.column_config.LinkColumn(
                         "First report", display_text="Read ›", help="Open its first report in the article reader")})
    else:
        st.caption("No incident was first reported, or reported again, by an article published that week.")
