"""The article reader's view: metadata, legend, the marked sentence's events, the article scrolled to it,
the table of the article's events, the incidents they report, and its earlier versions (read-only)."""
from __future__ import annotations

import streamlit as st

from geo.store.queries import EventQuery

from . import data, incident_ui, reader
from .corrections_ui import when
from .links import md_escape
from .tables import event_caption, event_table


def show_article(page, doc: dict, sentence: int | None) -> None:
    """The reader: metadata, legend, the events of the marked sentence, the article (scrolled to that
    sentence), its earlier versions, the incidents its events report and the table of its events."""
    st.html(reader.CSS)
    st.html(reader.meta_html(doc))
    st.html(reader.LEGEND)
    doc_events = page.rows(None, EventQuery(doc_ids=(doc["id"],)), order="text")
    if sentence is not None:
        here = doc_events[doc_events["sentence"] == sentence]
        st.caption(f"Sentence {sentence} is marked" + (f"; it holds {len(here)} event(s):" if len(here) else "."))
        for _, row in here.iterrows():
            st.markdown("- " + md_escape(event_caption(row)))
    st.html(reader.article_html(doc, marked=sentence))
    if sentence is not None:
        st.html(reader.scroll_script(sentence), unsafe_allow_javascript=True)
    earlier_versions(doc)
    incident_ui.show(page, doc_events, sentence)
    st.subheader(f"Events in this article ({len(doc_events)})")
    if doc_events["corrected"].any():
        st.caption(f"{int(doc_events['corrected'].sum())} of these events were corrected by an analyst "
                   "(marked “corrected”); the corrections are listed below.")
    event_table(doc_events, ["date_label", "type", "subtype", "status", "actor_label", "counterpart_label",
                             "origin_label", "place_label", "corrected", "sentence_text", "source"], key="doc_events",
                bounded=False)   # one article's events: few


VERSIONS_KEY = "doc_versions_open"
VERSION_COLUMNS = ["date_label", "type", "subtype", "status", "actor_label", "counterpart_label", "origin_label",
                   "place_label", "sentence_text"]      # no Source link: its sentence numbers are of another text


def earlier_versions(doc: dict) -> None:
    """``Earlier versions (N)``, closed at first: a replaced text of this article with the events read in it then,
    read-only (the maps show the current text)."""
    earlier = {v["version"]: v for v in data.versions(doc["id"])}
    if not earlier:
        return
    box = st.expander(f"Earlier versions ({len(earlier)})", key=VERSIONS_KEY, on_change="rerun")
    if box.open is False:
        return
    with box:
        n = st.selectbox("Version", list(earlier), key="doc_version", format_func=lambda n: version_label(earlier[n]))
        v = earlier[n]
        st.caption(f"Version {n} of {len(earlier) + 1}, stored {when(v['ingested_at'])}, replaced "
                   f"{when(v['replaced_at'])}. Read-only: the maps and tables show the current text.")
        st.html(reader.meta_html(v | {"id": doc["id"]}))
        st.html(reader.text_html(v["text"]))
        st.markdown(f"**Events read in version {n}** ({len(v['events'])}), as extracted:")
        event_table(data.prepare_events(v["events"]), VERSION_COLUMNS, key="version_events", bounded=False)


def version_label(v: dict) -> str:
    """``Version 1 · replaced 2025-01-02 10:00 UTC · 812 characters``."""
    return f"Version {v['version']} · replaced {when(v['replaced_at'])} · {len(v['text'])} characters"
