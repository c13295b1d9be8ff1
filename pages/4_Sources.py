"""Sources: the article reader. ``?doc=ID&sentence=N`` opens an article scrolled to that sentence, marked;
under it, the analyst's corrections of that article."""
import streamlit as st

from atlas_app import article, articles, corrections_ui, data, filters, ui
from atlas_app.filters import Filters
from atlas_app.links import SOURCES_PAGE

page = ui.start(SOURCES_PAGE, "Sources")
index = articles.index(page)
doc_id, notes, found = articles.picker(index)
doc = data.document(doc_id) if doc_id else None
sentences = {int(s["idx"]) for s in doc["sentences"]} if doc else set()
sentence, more = filters.page_value("sentence", lambda v: int(v) if v.strip().isdigit() and int(v) in sentences
                                    else None, "sentence number of this article")
page.note(notes + more)

if doc is None:
    filtered = page.filters != Filters()
    st.markdown("Choose an article above, or open one from the table"
                + (" (articles with events that pass the filters)." if filtered else "."))
    articles.table(page, index, found, only_matching=filtered)
else:
    article.show_article(page, doc, sentence)
    corrections_ui.show(page, doc)
