"""Front lines: contested places month by month, coloured by recency, and the area they trace."""
import streamlit as st

from atlas_app import filters, layers, mapview, periods, tables, ui
from atlas_app.style import plural
from atlas_app.links import md_escape
from geo.store.queries import EventQuery

page = ui.start("pages/2_Front_lines.py", "Front lines", kind="front_line")
first, last = page.ask("span", page.query)
options = periods.choices(first, last)        # values as the URL gives them (2019-04), labels as read (Apr 2019)
period, notes = filters.page_choice("period", "Period", options, "all", widget="select_slider",
                                    hidden=page.present, what="month (YYYY-MM) of these events",
                                    help="Step through the months of fighting.")
page.note(notes)
upto, current, end = periods.window(page.query, period, last)
hull_key = layers.selection_key([("month", period)] if period != "all" else [("type", "front_line")])
ui.legend([("fighting in the period", (200, 20, 20)), ("a year earlier", (250, 215, 140))],
          note=f"{options[period]}. Dots: places where fighting was reported up to the period's end; "
               "shaded: the area the period's places trace.")
view = layers.fit_view(page.ask("extent", EventQuery(kinds=("front_line",))), layers.VIEW_LIBYA)   # unfiltered: stays put
mapview.show_map(page, lambda: layers.front_layers(page, upto, current, end, hull_key, options[period]), view,
                 key="front_map", choices=(period,), query=upto)
if not page.present:
    counts = page.summary(current)
    st.subheader(f"{options[period]}: {plural(counts['events'], 'report')} at {plural(counts['places'], 'place')}")
    parties = periods.parties(page.ask("parties", current))
    if parties.empty:
        st.caption("No party is named in this period's reports.")
    else:
        st.markdown("**Named parties:** " + " · ".join(f"**{n}×** {md_escape(p)}"
                                                       for p, n in zip(parties["party"], parties["reports"])))
    tables.event_table(page.rows(query=current), ["date_label", "status", "place_label", "actor_label",
                                                  "counterpart_label", "sentence_text", "source", "article"],
                       key="front_table", total=counts["events"])
    ui.export_buttons(page, "front-lines", current)
