"""Overview: every kind of event on one map, with counts, a timeline and the table of events."""
import streamlit as st

from atlas_app import charts, filters, layers, mapview, site, tables, trends_ui, ui
from atlas_app.style import KIND_COLORS, KIND_LABELS

page = ui.start(site.OVERVIEW)
if not page.present:
    st.markdown("**How to read this map.** Dots are places named in the articles, coloured by kind and sized by "
                "how many reports tell of events there; arcs run from an actor's home base to where a visit or "
                "contact happened. By default each dot or arc is one **incident**: the reports of one real event "
                "(same kind, sides, place and dates) merged across articles and outlets; choose *Reports* under "
                "“The map shows” to see the reports grouped by place instead.  \nHover over a dot or arc for who, "
                "where (English · Arabic), when, the outlets and the sentence; click it to list its reports, each "
                "with a link to the sentence in its article.")
    ui.metrics(page)
ui.legend([(KIND_LABELS[k], c) for k, c in KIND_COLORS.items()], note=ui.shows_note(page))
mapview.show_map(page, lambda: layers.overview_layers(page), layers.VIEW_WIDE, key="overview_map", fit=True)
if not page.present:
    per, notes = filters.page_choice("per", "Timeline by", {"month": "Month", "week": "Week"}, "month",
                                     what="timeline step (week or month)")
    page.note(notes)
    st.vega_lite_chart(spec=charts.timeline(page.days("type"), per), width="stretch")
    trends_ui.section(page)
    st.subheader("Events")
    tables.event_table(page.rows(), total=page.count())
    ui.export_buttons(page, "overview")
