"""The map on a page: the deck with click-to-select, and under it the events behind the selected object,
each linking to its sentence in the source. The selection lives in the URL as ``sel``."""
from __future__ import annotations

import math

from functools import partial
from html import escape
from typing import Callable

import pandas as pd
import streamlit as st

from . import basemap, filters, layers, ui
from .links import md_escape, source_params
from .site import SOURCES
from .style import plural
from .tables import event_caption

MAP_HEIGHT = 560
# Presenter mode: the map and, above it, the filters' caption fit a 1080-pixel-high window; the view is fitted to a
# map at least this wide (a projector's or laptop's full-width page is wider).
PRESENT_HEIGHT, PRESENT_WIDTH = 720, 1200
MAX_LISTED = 30


def picked_key(state) -> str | None:
    """The selection key of the object picked on a deck (its state as Streamlit keeps it), or None."""
    state = state or {}
    selection = state.get("selection", {}) if isinstance(state, dict) else getattr(state, "selection", {})
    objects = selection.get("objects", {}) if isinstance(selection, dict) else getattr(selection, "objects", {})
    return next((o.get("key") for objs in (objects or {}).values() for o in objs or []
                 if isinstance(o, dict) and o.get("key")), None)


def _on_pick(key: str) -> None:
    """Map click callback: the picked object's key goes into the URL as ``sel`` (a click on nothing clears it)."""
    filters.set_param("sel", picked_key(st.session_state.get(key)))


def _clear_selection() -> None:
    filters.set_param("sel", None)


def dropped_caption(dropped: int) -> str:
    """What the map says when it left ``dropped`` objects out."""
    return (f"The map leaves out the {plural(dropped, 'smallest object')} to stay light; the CSV and GeoJSON "
            "downloads hold every event. Narrow the filters to see them all.")


def present_view(page, event_layers: list, view: dict, query) -> dict:
    """Presenter mode's first view: fitted to the filtered events (``query``'s places, from the store) and to
    every end of the arcs drawn (their origins are no event places: ``layers.layers_extent``); ``view`` if none."""
    extent = layers.union_extent(page.ask("extent", query), layers.layers_extent(event_layers))
    return layers.fit_view(extent, view, width=PRESENT_WIDTH, height=PRESENT_HEIGHT, min_zoom=1.0)


def show_map(page, build_layers: Callable[[], list], view: dict, key: str, choices: tuple = (),
             query=None, fit: bool = False) -> pd.DataFrame | None:
    """The map (basemap + layers + selection rings) and, under it, the events behind the clicked object.
    In presenter mode the filters' caption goes above the map and, with ``fit``, the view frames the filtered
    events (``present_view``) instead of ``view``.

    ``build_layers()`` makes the event layers of ``query`` (default: the page's) from the store's cached answers;
    the deck is built once per store version, filters, page kind, the page's own ``choices`` (everything else it
    depends on) and selection, and only its frozen JSON is kept. Returns the first ``MAX_LISTED`` selected events
    (None when nothing is selected)."""
    q = query or page.query
    sel, notes = filters.page_value("sel", lambda v: v if layers.parse_key(v) else None, "map selection")
    page.note(notes)
    chosen = q.narrowed(match=tuple(layers.parse_key(sel))) if sel else None
    selected = page.rows(MAX_LISTED, chosen, order="dated") if chosen else None
    shown = page.count(q)
    if not shown:
        st.info("No event passes the filters: widen them in the sidebar (or reset them).")
    fitted = fit and page.present

    def build_deck():             # the layers are built here, not kept: only the deck (its JSON) stays cached
        event_layers = build_layers()
        first = present_view(page, event_layers, view, q) if fitted else view
        deck, dropped = layers.make_deck(event_layers, first, selected)
        return deck.freeze(), dropped

    deck, dropped = page.memo(f"deck:{key}", build_deck, choices, page.incidents, sel, basemap.map_style(),   # style: basemap
                              fitted)
    if page.present:                  # above the map: on screen whatever the window's height
        st.caption(md_escape(f"Filters: {filters.describe(page.filters, page.options)} · {plural(shown, 'event')}"))
        ui.self_link("Leave presenter view", {k: v for k, v in filters.read_url().items() if k != "present"})
    st.pydeck_chart(deck, on_select=partial(_on_pick, key), selection_mode="single-object", key=key,
                    height=PRESENT_HEIGHT if page.present else MAP_HEIGHT)
    if dropped:
        st.caption(dropped_caption(dropped))
    if selected is not None:
        selection_panel(selected, page.count(chosen))
    return selected


def report_sentences(row) -> list[int]:
    """The other sentences of the article that tell the same event (merged reports)."""
    raw = row.get("report_sentences") if hasattr(row, "get") else None
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return []
    return sorted(int(x) for x in str(raw).split(",") if x.strip().isdigit())


def selection_panel(selected: pd.DataFrame, total: int) -> None:
    """The events behind the selected map object (the first of ``total``), each with a link to its sentence."""
    st.markdown(f"#### Selected on the map: {plural(total, 'event')}")
    st.button("Clear selection", on_click=_clear_selection, key="clear_sel")
    if selected.empty:
        st.info("No event under the current filters matches the selected map object.")
        return
    for _, row in selected.sort_values("day", na_position="last", kind="stable").iterrows():
        with st.container(border=True):
            st.markdown(md_escape(event_caption(row)))
            text = escape(str(row["sentence_text"] or ""))
            st.html(f'<div dir="rtl" lang="ar" style="font-size:1.05rem">{text}</div>')
            params = source_params(row["doc_id"], row["sentence"])
            where = f"article {row['doc_id']}" + (f", sentence {params['sentence']}" if "sentence" in params else "")
            st.page_link(SOURCES.path, label=f"Read it in the source ({md_escape(where)})", icon=":material/article:",
                         query_params=params)
            for other in report_sentences(row):
                st.page_link(SOURCES.path, label=f"Also told in sentence {other}", icon=":material/format_quote:",
                             query_params=source_params(row["doc_id"], other))
    if total > len(selected):
        st.caption(f"… and {total - len(selected)} more: narrow the filters to see them.")
