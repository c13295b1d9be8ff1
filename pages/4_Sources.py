"""Sources: the article reader. ``?doc=ID&sentence=N`` opens an article scrolled to that sentence, marked;
under it, the analyst's corrections of that article and its history. Without an article: the list of articles
and the History of every change to the store."""
import streamlit as st

from atlas_app import article, articles, corrections_ui, data, filters, history_ui, site, ui
from atlas_app.filters import Filters

page = ui.start(site.SOURCES)
doc_id, notes, query = articles.picker(page)
doc = data.document(doc_id) if doc_id else None
sentences = {int(s["idx"]) for s in doc["sentences"]} if doc else set()
sentence, more = filters.page_value("sentence", lambda v: int(v) if v.strip().isdigit() and int(v) in sentences
                                    else None, "sentence number of this article")
page.note(notes + more)

if doc is None:
    filtered = page.filters != Filters()
    st.markdown("Choose an article above, or open one from the table"
                + (" (articles with events that pass the filters)." if filtered else "."))
    articles.table(page, query, only_matching=filtered)
    history_ui.show("history_all", "History of the store")
else:
    article.show_article(page, doc, sentence)
    corrections_ui.show(page, doc)
    history_ui.show("history_doc", "History of this article", doc["id"])
