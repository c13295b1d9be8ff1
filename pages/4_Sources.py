"""Sources: the article reader. ``?doc=ID&sentence=N`` opens an article scrolled to that sentence, marked."""
import streamlit as st

from atlas_app import data, filters, reader, ui
from atlas_app.filters import Filters
from atlas_app.links import SOURCES_PAGE, md_escape

page = ui.start(SOURCES_PAGE, "Sources")
docs = data.documents()
labels = ui.document_labels(docs, page.all)
doc_id, notes = filters.page_choice("doc", "Article", {"": "Choose an article…", **labels}, "", widget="selectbox",
                                     what="article id")
doc = data.document(doc_id) if doc_id else None
sentences = {int(s["idx"]) for s in doc["sentences"]} if doc else set()
sentence, more = filters.page_value("sentence", lambda v: int(v) if v.strip().isdigit() and int(v) in sentences
                                    else None, "sentence number of this article")
page.note(notes + more)

if doc is None:
    filtered = page.filters != Filters()
    st.markdown("Choose an article above, or open one from the table"
                + (" (articles with events that pass the filters)." if filtered else "."))
    ui.document_table(docs, page.events, only_matching=filtered)
else:
    st.html(reader.CSS)
    st.html(reader.meta_html(doc))
    st.html(reader.LEGEND)
    doc_events = page.all[page.all["doc_id"] == doc_id]
    if sentence is not None:
        here = doc_events[doc_events["sentence"] == sentence]
        st.caption(f"Sentence {sentence} is marked" + (f"; it holds {len(here)} event(s):" if len(here) else "."))
        for _, row in here.iterrows():
            st.markdown("- " + md_escape(ui.event_caption(row)))
    st.html(reader.article_html(doc, marked=sentence))
    if sentence is not None:
        st.html(reader.scroll_script(sentence), unsafe_allow_javascript=True)
    st.subheader(f"Events in this article ({len(doc_events)})")
    ui.event_table(doc_events, ["date_label", "type", "subtype", "status", "actor_label", "counterpart_label",
                                "origin_label", "place_label", "sentence_text", "source"], key="doc_events")
