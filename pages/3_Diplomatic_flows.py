"""Diplomatic flows: arcs between seats by subtype, who talks to whom, and flows over time."""
import streamlit as st

from atlas_app import charts, layers, mapview, tables, ui
from atlas_app.style import SUBTYPE_COLORS, group_color, plural

page = ui.start("pages/3_Diplomatic_flows.py", "Diplomatic flows", kind="diplomatic_flow")
flows = page.events
subtypes = sorted(flows["subtype"].dropna().unique())
ui.legend([(s, group_color(s, SUBTYPE_COLORS)) for s in subtypes],
          note="Arc width: number of interactions between the two places.")
mapview.show_map(page, flows, lambda: layers.flow_layers(flows), layers.VIEW_WIDE, key="flows_map")
if not page.present:
    st.markdown("**Who talks to whom** (actor × counterpart, the 20 busiest of each)")
    st.altair_chart(charts.matrix(flows, data=page.memo("matrix", lambda: charts.matrix_data(flows))),
                    width="content")
    st.markdown("**Flows over time**")
    st.altair_chart(charts.flows_over_time(flows), width="stretch")
    st.subheader(plural(len(flows), "interaction"))
    tables.event_table(flows, key="flows_table")
    ui.export_buttons(flows, "diplomatic-flows")
