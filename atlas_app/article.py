"""The article reader's view: metadata, legend, the marked sentence's events, the article scrolled to it,
and the table of the article's events."""
from __future__ import annotations

import streamlit as st

from . import reader
from .links import md_escape
from .tables import event_caption, event_table


def show_article(page, doc: dict, sentence: int | None) -> None:
    """The reader: metadata, legend, the events of the marked sentence, the article (scrolled to that
    sentence) and the table of the article's events."""
    st.html(reader.CSS)
    st.html(reader.meta_html(doc))
    st.html(reader.LEGEND)
    doc_events = page.all[page.all["doc_id"] == doc["id"]]
    if sentence is not None:
        here = doc_events[doc_events["sentence"] == sentence]
        st.caption(f"Sentence {sentence} is marked" + (f"; it holds {len(here)} event(s):" if len(here) else "."))
        for _, row in here.iterrows():
            st.markdown("- " + md_escape(event_caption(row)))
    st.html(reader.article_html(doc, marked=sentence))
    if sentence is not None:
        st.html(reader.scroll_script(sentence), unsafe_allow_javascript=True)
    st.subheader(f"Events in this article ({len(doc_events)})")
    if doc_events["corrected"].any():
        st.caption(f"{int(doc_events['corrected'].sum())} of these events were corrected by an analyst "
                   "(marked “corrected”); the corrections are listed below.")
    event_table(doc_events, ["date_label", "type", "subtype", "status", "actor_label", "counterpart_label",
                             "origin_label", "place_label", "corrected", "sentence_text", "source"], key="doc_events",
                bounded=False)   # one article's events: few
