"""Diplomatic flows: arcs between seats by subtype, who talks to whom, and flows over time."""
import streamlit as st

from atlas_app import charts, layers, mapview, site, tables, ui
from atlas_app.style import SUBTYPE_COLORS, group_color, plural

page = ui.start(site.FLOWS)
subtypes = sorted(str(g["subtype"]) for g in page.ask("groups", page.query, ("subtype",), None, None)[0] if g["subtype"])
ui.legend([(s, group_color(s, SUBTYPE_COLORS)) for s in subtypes],
          note=ui.shows_note(page) + "Arc width: number of reports of interactions between the two places.")
mapview.show_map(page, lambda: layers.flow_layers(page), layers.VIEW_WIDE, key="flows_map", fit=True)
if not page.present:
    st.markdown("**Who talks to whom** (actor × counterpart, the 20 busiest of each)")
    pairs = charts.pairs_frame(page.ask("pairs", page.query, charts.MATRIX_TOP))
    st.vega_lite_chart(spec=charts.matrix(charts.matrix_data(pairs)), width="content")
    st.markdown("**Flows over time**")
    st.vega_lite_chart(spec=charts.flows_over_time(page.days("subtype")), width="stretch")
    st.subheader(plural(page.count(), "interaction"))
    tables.event_table(page.rows(), key="flows_table", total=page.count(), kind=page.kind)
    ui.export_buttons(page, "diplomatic-flows")
