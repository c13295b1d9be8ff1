"""What every page shares: page setup, navigation that carries the filters, presenter mode, the map with
its click-to-list selection, the event table, export buttons and notes about ignored link parameters."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from html import escape

import pandas as pd
import streamlit as st

from geo.export import export_events

from . import basemap, data, filters, layers
from .filters import Filters, Options
from .links import SOURCES_PAGE, md_escape, safe_external, source_href, source_params
from .style import KIND_LABELS, STATUS_LABELS, hex_color

PAGES = [("app.py", "Overview", ":material/public:"), ("pages/1_Visits.py", "Visits", ":material/flight:"),
         ("pages/2_Front_lines.py", "Front lines", ":material/swords:"),
         ("pages/3_Diplomatic_flows.py", "Diplomatic flows", ":material/handshake:"),
         (SOURCES_PAGE, "Sources", ":material/article:")]
PRESENT_CSS = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stExpandSidebarButton"],
[data-testid="stHeader"],[data-testid="stToolbar"],[data-testid="stDecoration"],[data-testid="stStatusWidget"],
footer{display:none !important}
[data-testid="stMainBlockContainer"],.block-container{padding:0.6rem 1rem 0 1rem !important;max-width:100% !important}
</style>"""
FAVICON = "🗺️"   # an emoji: a Material icon here would be fetched from a font CDN (an outside request)
MAP_HEIGHT, PRESENT_HEIGHT = 560, 820
MAX_LISTED = 30


PAGE_KEYS = {"app.py": ("sel", "per"), "pages/1_Visits.py": ("sel", "color"),
             "pages/2_Front_lines.py": ("sel", "period"), "pages/3_Diplomatic_flows.py": ("sel",),
             SOURCES_PAGE: ("doc", "sentence")}


@dataclass
class Page:
    """One run of a page: all events, the filtered ones, how they were filtered, and the notes box."""
    path: str
    all: pd.DataFrame
    events: pd.DataFrame
    filters: Filters
    options: Options
    present: bool
    notes_box: object = None
    notes: list = field(default_factory=list)

    def note(self, notes: list[str]) -> None:
        """Add notes about ignored link parameters to the page's one warning."""
        if notes:
            self.notes += notes
            self.notes_box.warning("Parts of the link were ignored:\n\n" +
                                   "\n".join(f"- {md_escape(n)}" for n in self.notes))


def _present_flag() -> tuple[bool, list[str]]:
    value, notes = filters.page_value("present", lambda v: {"1": True, "true": True, "yes": True, "0": False,
                                                            "false": False, "no": False}.get(v.lower()),
                                      "presenter flag (1 or 0)")
    return bool(value), notes


def start(path: str, title: str, kind: str | None = None) -> Page:
    """Set the page up: config, presenter mode, data, filters from the URL, sidebar and notes."""
    present, notes = _present_flag()
    st.set_page_config(page_title=f"{title} · Atlas", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if present else "expanded")
    if present:
        st.html(PRESENT_CSS)
    try:
        all_events = data.events()
    except Exception as exc:  # the store can't be opened or built: say so, don't show a traceback
        st.error(f"The event store at `{data.store_path()}` could not be opened or built: {exc}")
        st.stop()
    opts = filters.options_from(all_events)
    f, more = filters.resolve(opts, PAGE_KEYS.get(path, ()))
    if not present:
        nav(f, path)
        filters.sidebar(opts, f, kind)
    (st.subheader if present else st.title)(title)
    page = Page(path, all_events, filters.apply(all_events, f, kind), f, opts, present, st.empty())
    page.note(notes + more)
    return page


def nav(f: Filters, current: str) -> None:
    """Links to every page, carrying the filters; and a link to this view in presenter mode."""
    sb = st.sidebar
    sb.markdown("**Atlas** · Libya in the news")
    for path, label, icon in PAGES:
        sb.page_link(path, label=label, icon=icon, query_params=f.to_params(), disabled=path == current)
    here = filters.read_url() | {"present": ["1"]}
    sb.page_link(current, label="Presenter view", icon=":material/present_to_all:", query_params=here,
                 help="Full-width map without the sidebar; the link keeps the filters.")
    sb.caption(basemap.describe())


def counts(frame: pd.DataFrame) -> dict[str, int]:
    """Articles, places and events (by kind and by status) in a frame."""
    out = {"articles": frame["doc_id"].nunique(), "places": frame["place_id"].dropna().nunique(),
           "events": len(frame)}
    out |= {k: int((frame["type"] == k).sum()) for k in KIND_LABELS}
    out |= {s: int((frame["status"] == s).sum()) for s in STATUS_LABELS}
    return out


def metrics(frame: pd.DataFrame) -> dict[str, int]:
    """The counts as a row of metrics."""
    c = counts(frame)
    shown = [("Articles", c["articles"]), ("Places", c["places"]), ("Events", c["events"])]
    shown += [(KIND_LABELS[k] + "s", c[k]) for k in KIND_LABELS] + [(STATUS_LABELS[s], c[s]) for s in STATUS_LABELS]
    for col, (label, value) in zip(st.columns(len(shown)), shown):
        col.metric(label, value)
    return c


def legend(items: list[tuple[str, tuple[int, int, int]]], note: str = "") -> None:
    """Colour swatches with labels (escaped)."""
    sw = "".join(f'<span style="display:inline-block;margin-right:1em"><span style="display:inline-block;width:12px;'
                 f'height:12px;border-radius:2px;background:{hex_color(rgb)};margin-right:4px;vertical-align:middle">'
                 f'</span>{escape(label)}</span>' for label, rgb in items)
    st.html(f'<div style="font-size:0.85rem">{sw}{" " + escape(note) if note else ""}</div>')


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


def show_map(page: Page, frame: pd.DataFrame, event_layers: list, view: dict, key: str) -> pd.DataFrame | None:
    """The map (basemap + layers + selection rings) and, under it, the events behind the clicked object.

    Returns the selected events (None when nothing is selected)."""
    sel, notes = filters.page_value("sel", lambda v: v if layers.parse_key(v) else None, "map selection")
    page.note(notes)
    selected = layers.select(frame, sel) if sel else None
    if frame.empty:
        st.info("No event passes the filters: widen them in the sidebar (or reset them).")
    deck = layers.make_deck(event_layers, view, selected)
    st.pydeck_chart(deck, on_select=partial(_on_pick, key), selection_mode="single-object", key=key,
                    height=PRESENT_HEIGHT if page.present else MAP_HEIGHT)
    if page.present:
        st.caption(f"Filters: {filters.describe(page.filters, page.options)} · {len(frame)} events")
        normal = {k: v for k, v in filters.read_url().items() if k != "present"}
        st.page_link(page.path, label="Leave presenter view", query_params=normal)
    if selected is not None:
        selection_panel(selected)
    return selected


def event_caption(row) -> str:
    """``2019-04-04 · Visit (planned) · Fayez al-Sarraj · فائز السراج · Tripoli → Washington``."""
    kind = KIND_LABELS.get(row["type"], row["type"])
    sub = f" / {row['subtype']}" if row["subtype"] and row["subtype"] not in (row["type"], "visit") else ""
    where = f"{row['origin_label']} → {row['place_label']}" if row["origin_label"] else row["place_label"]
    parts = [row["date_label"], f"{kind}{sub} ({STATUS_LABELS.get(row['status'], row['status']).lower()})",
             row["actor_label"]]
    if row["counterpart_label"]:
        parts.append(f"with {row['counterpart_label']}")
    return " · ".join(parts + [where])


def selection_panel(selected: pd.DataFrame) -> None:
    """The events behind the selected map object, each with a link to its sentence in the source."""
    st.markdown(f"#### Selected on the map: {len(selected)} event{'s' if len(selected) != 1 else ''}")
    st.button("Clear selection", on_click=_clear_selection, key="clear_sel")
    if selected.empty:
        st.info("No event under the current filters matches the selected map object.")
        return
    for _, row in selected.sort_values("day", na_position="last").head(MAX_LISTED).iterrows():
        with st.container(border=True):
            st.markdown(md_escape(event_caption(row)))
            st.html(f'<div dir="rtl" lang="ar" style="font-size:1.05rem">{escape(str(row["sentence_text"] or ""))}</div>')
            st.page_link(SOURCES_PAGE, label=f"Read it in the source (article {md_escape(row['doc_id'])}, "
                                             f"sentence {int(row['sentence'])})",
                         icon=":material/article:", query_params=source_params(row["doc_id"], row["sentence"]))
    if len(selected) > MAX_LISTED:
        st.caption(f"… and {len(selected) - MAX_LISTED} more: narrow the filters to see them.")


TABLE_COLUMNS = {"date_label": "Date", "type": "Kind", "subtype": "Subtype", "status": "Status",
                 "actor_label": "Actor", "counterpart_label": "Counterpart", "origin_label": "From",
                 "place_label": "Place", "sentence_text": "Sentence", "source": "Source", "article": "Article"}


def table_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The rows of the event table, by date, with the column names shown."""
    out = frame.sort_values(["day", "doc_id", "sentence"], na_position="last").copy()
    out["type"] = out["type"].map(lambda k: KIND_LABELS.get(k, k))
    out["article"] = out["url"].map(safe_external)
    return out[columns].rename(columns=TABLE_COLUMNS).reset_index(drop=True)


def event_table(frame: pd.DataFrame, columns: list[str] | None = None, key: str = "events") -> pd.DataFrame:
    """A table of events whose Source column opens the sentence in the reader."""
    columns = columns or ["date_label", "type", "subtype", "status", "actor_label", "counterpart_label",
                          "origin_label", "place_label", "sentence_text", "source", "article"]
    shown = table_frame(frame, columns)
    st.dataframe(shown, hide_index=True, key=key, width="stretch", column_config={
        "Source": st.column_config.LinkColumn("Source", display_text="Read ›",
                                              help="Open the sentence in the article reader"),
        "Article": st.column_config.LinkColumn("Article", display_text="original ↗"),
        "Sentence": st.column_config.TextColumn("Sentence", width="large"),
    })
    return shown


def document_labels(docs: list[dict], events: pd.DataFrame) -> dict[str, str]:
    """``2019-05-22 · title (or the first sentence with an event) · outlet`` for each document id."""
    leads = events.sort_values("sentence").drop_duplicates("doc_id").set_index("doc_id")["sentence_text"]
    out = {}
    for d in docs:
        lead = d.get("title") or leads.get(d["id"]) or f"Article {d['id']}"
        lead = " ".join(str(lead).split())
        lead = lead if len(lead) <= 70 else lead[:70] + "…"
        out[d["id"]] = " · ".join(str(x) for x in (d.get("published"), lead, d.get("outlet")) if x)
    return out


def document_table(docs: list[dict], events: pd.DataFrame, only_matching: bool = True) -> pd.DataFrame:
    """Articles (those with events passing the filters, if ``only_matching``), newest first, linking to the reader."""
    n = events.groupby("doc_id").size()
    labels = document_labels(docs, events)
    rows = [{"Published": d.get("published"), "Article": labels[d["id"]], "Outlet": d.get("outlet") or "",
             "Events": int(n.get(d["id"], 0)), "Read": source_href(d["id"], None),
             "Original": safe_external(d.get("url"))} for d in docs if d["id"] in n.index or not only_matching]
    table = pd.DataFrame(rows, columns=["Published", "Article", "Outlet", "Events", "Read", "Original"])
    table = table.sort_values("Published", ascending=False, na_position="last").reset_index(drop=True)
    st.dataframe(table, hide_index=True, width="stretch", key="documents", column_config={
        "Read": st.column_config.LinkColumn("Read", display_text="Open ›"),
        "Original": st.column_config.LinkColumn("Original", display_text="original ↗")})
    return table


def export_buttons(frame: pd.DataFrame, name: str) -> None:
    """CSV and GeoJSON downloads of exactly the filtered events of this page."""
    sb = st.sidebar
    sb.markdown(f"**Export** ({len(frame)} events)")
    rows = data.export_rows(frame)
    c1, c2 = sb.columns(2)
    c1.download_button("CSV", export_events(rows, "csv"), file_name=f"atlas-{name}.csv", mime="text/csv",
                       on_click="ignore", key=f"dl_csv_{name}")
    c2.download_button("GeoJSON", export_events(rows, "geojson"), file_name=f"atlas-{name}.geojson",
                       mime="application/geo+json", on_click="ignore", key=f"dl_geojson_{name}")
