"""Visits: arcs from the visitor's home base to the destination; planned visits dim and thin."""
import streamlit as st

from atlas_app import filters, layers, mapview, site, tables, ui
from atlas_app.style import plural

page = ui.start(site.VISITS)
color_by, notes = filters.page_choice("color", "Colour arcs by", {"actor": "Actor", "affiliation": "Affiliation"},
                                      "actor", where=st.sidebar, hidden=page.present,
                                      what="colouring (actor or affiliation)")
page.note(notes)
column = layers.color_column(color_by)
colors = layers.visit_colors(page.ask("groups", page.query, (column,), None, None)[0], column)
label = page.options.actor_label if color_by == "actor" else str
ui.legend([(label(k), c) for k, c in list(colors.items())[:10]],
          note=ui.shows_note(page) + "Bright, thick arcs: visits that happened; dim, thin arcs: planned. "
               "Dots: destinations, by number of visits.")
mapview.show_map(page, lambda: layers.visit_layers(page, column), layers.VIEW_WIDE, key="visits_map",
                 choices=(color_by,), fit=True)
if not page.present:
    st.subheader(plural(page.count(), "visit"))
    tables.event_table(page.rows(), ["actor_label", "origin_label", "place_label", "date_label", "status",
                                     "sentence_text", "source", "article"], key="visits_table", total=page.count())
    ui.export_buttons(page, "visits")
