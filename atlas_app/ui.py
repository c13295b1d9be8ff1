"""The frame of every page: setup, presenter mode, navigation that carries the filters, the notes about
ignored link parameters, counts, legends and the export buttons."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path
from typing import Callable, TypeVar
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from geo.store.queries import EventQuery

from . import auth, basemap, data, filters, layers
from .filters import Filters, Options
from .links import md_escape
from .site import MAP_PAGES, PAGES, PageSpec
from .style import KIND_LABELS, STATUS_LABELS, hex_color, plural
from .tables import MAX_ROWS

PRESENT_CSS = """<style>
[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],[data-testid="stExpandSidebarButton"],
[data-testid="stHeader"],[data-testid="stToolbar"],[data-testid="stDecoration"],[data-testid="stStatusWidget"],
footer{display:none !important}
[data-testid="stMainBlockContainer"],.block-container{padding:0.6rem 1rem 0 1rem !important;max-width:100% !important}
</style>"""
T = TypeVar("T")
SHOWS = {"incidents": "Incidents", "reports": "Reports"}     # what a map draws one object for (``show``)
# The tab's icon, a local PNG the app's own server serves (``favicon_build`` draws it): an emoji costs a 0.1 s import
# of Streamlit's emoji catalogue on a server's first run, and a Material icon is fetched from a font CDN.
FAVICON = str(Path(__file__).resolve().parent / "favicon.png")


@dataclass
class Page:
    """One run of a page: the store, the filters and the store's query for them (``query``: this page's events),
    and the notes box. The page asks the store for what it shows (``ask``, ``rows``, ``objects``), never for
    every event."""
    spec: PageSpec
    query: EventQuery
    filters: Filters
    options: Options
    present: bool
    notes_box: object = None
    notes: list = field(default_factory=list)
    store: data.Store = ("", 0)
    kind: str | None = None
    incidents: bool = False         # the map draws one object per incident (``show``), not per group of reports

    def memo(self, what: str, compute: Callable[[], T], *key) -> T:
        """``compute()`` once per store version, filters, page kind, ``what`` and ``key`` (what else the result
        depends on: a page's own choices). Shared between reruns and sessions: never change it in place."""
        return data.derived(self.store, repr((what, self.kind, self.filters, key)), compute)

    def ask(self, what: str, *args):
        """``geo.store.queries.<what>(conn, *args)`` on this page's store (cached; shared)."""
        return data.ask(self.store, what, *args)

    def summary(self, query: EventQuery | None = None) -> dict[str, int]:
        """Events, articles, places, and events per kind and status, of ``query`` (default: the page's)."""
        return self.ask("summary", query or self.query, tuple(KIND_LABELS), tuple(STATUS_LABELS))

    def count(self, query: EventQuery | None = None) -> int:
        return self.summary(query)["events"]

    def rows(self, limit: int | None = MAX_ROWS, query: EventQuery | None = None, order: str = "newest"
             ) -> pd.DataFrame:
        """At most ``limit`` whole events of ``query`` (default: the page's), newest first."""
        return data.rows(self.store, query or self.query, limit, order)

    def days(self, by: str, query: EventQuery | None = None) -> pd.DataFrame:
        """Events per dated day and value of ``by``: columns ``day``, ``by`` and ``events``."""
        return pd.DataFrame(self.ask("per_day", query or self.query, by), columns=["day", by, "events"])

    def objects(self, by: tuple[str, ...], located: str = "place", query: EventQuery | None = None,
                noun_kind: str = "", limit: int = layers.MAX_OBJECTS) -> layers.Objects:
        """Map objects: the events of ``query`` grouped by ``by``, the biggest ``limit`` of them, with tooltips.
        When the map shows incidents, each object is one incident (``queries.incident_objects``: the ``limit`` with
        the most reports), at its main place, with its own values of ``by`` (its main origin, first-named actor ...):
        its tooltip tells its reports and outlets, and a click lists its reports."""
        q = query or self.query
        noun_kind = noun_kind or (q.kinds[0] if len(q.kinds) == 1 else "")      # else each group's own type
        if self.incidents:
            found, total = self.ask("incident_objects", q, located, limit, layers.TIP_NAMES)
            by = (*by, "incident")
            names = {tuple(str(g[c]) for c in by): g["named"] for g in found}
        else:
            found, total = self.ask("groups", q, by, located, limit)
            names = self.ask("names", q, by, located, tuple(tuple(str(g[c]) for c in by) for g in found),
                             layers.TIP_NAMES)
        rows = layers.objects(found, total, by, names, self.ask("sentences", [g["last_id"] for g in found]),
                              located == "arc", noun_kind, self.options.actors)
        if self.incidents:
            layers.incident_tips(rows, {g["incident"]: g for g in found}, noun_kind)
        return rows

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


def start(spec: PageSpec) -> Page:
    """Set the page up: config, presenter mode, data, filters from the URL, sidebar and notes."""
    title, kind = spec.title, spec.kind
    present, notes = _present_flag()
    st.set_page_config(page_title=f"{title} · Atlas", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if present else "expanded")
    if present:
        st.html(PRESENT_CSS)
    try:
        store = data.current()
        opts = filters.options_from(data.ask(store, "actors"), *data.ask(store, "span", EventQuery()))
    except Exception as exc:  # the store can't be opened or built: say so, don't show a traceback
        st.error(md_escape(f"The event store at {data.store_path()} could not be opened or built: {exc}"))
        st.stop()
    f, more = filters.resolve(opts, spec.keys)
    if not present:
        nav(f, spec)
        filters.sidebar(opts, f, kind)
    shows, choice = "reports", []
    if spec in MAP_PAGES:
        shows, choice = filters.page_choice("show", "The map shows", SHOWS, "incidents", where=st.sidebar,
                                            hidden=present, what="map content (incidents or reports)",
                                            help="Incidents: one dot or arc per real event, however many articles "
                                                 "reported it. Reports: one per group of reports at a place.")
    (st.subheader if present else st.title)(title)
    page = Page(spec, filters.query(f, kind), f, opts, present, st.empty(), store=store, kind=kind,
                incidents=shows == "incidents")
    page.note(notes + more + choice)
    return page


def nav(f: Filters, current: PageSpec) -> None:
    """Links to every page, carrying the filters; and a link to this view in presenter mode."""
    sb = st.sidebar
    sb.markdown("**Atlas** · Libya in the news")
    for p in PAGES:
        sb.page_link(p.path, label=p.title, icon=p.icon, query_params=f.to_params(), disabled=p is current)
    with sb:
        self_link("⛶ Presenter view", filters.read_url() | {"present": ["1"]},
                  "Full-width map without the sidebar; the link keeps the filters.")
    auth.sidebar()
    sb.caption(basemap.describe())


def self_link(label: str, params: dict[str, list[str]], title: str = "") -> None:
    """A plain link to this page with other query parameters. (A page link to the page itself reruns it
    without changing the browser's address, so the address would no longer reopen the view.)"""
    href = "?" + urlencode(params, doseq=True)
    st.html(f'<a href="{escape(href)}" target="_self" title="{escape(title)}" '
            f'style="text-decoration:none;color:inherit;font-size:0.95rem;padding-left:0.5rem">{escape(label)}</a>')


def metrics(page: Page) -> dict[str, int]:
    """The counts of the page's events as a row of metrics."""
    c = page.summary()
    shown = [("Articles", c["articles"]), ("Places", c["places"]), ("Events", c["events"])]
    shown += [(KIND_LABELS[k] + "s", c[k]) for k in KIND_LABELS] + [(STATUS_LABELS[s], c[s]) for s in STATUS_LABELS]
    for col, (label, value) in zip(st.columns(len(shown)), shown):
        col.metric(label, value)
    return c


def shows_note(page: Page) -> str:
    """What one object of the map stands for, as the sidebar's "The map shows" chose."""
    return ("Each dot or arc is one incident: its reports, from any number of articles, merged (hover for its "
            "outlets). " if page.incidents else "Each dot or arc is a group of reports (not merged into incidents). ")


def legend(items: list[tuple[str, tuple[int, int, int]]], note: str = "") -> None:
    """Colour swatches with labels (escaped)."""
    sw = "".join(f'<span style="display:inline-block;margin-right:1em"><span style="display:inline-block;width:12px;'
                 f'height:12px;border-radius:2px;background:{hex_color(rgb)};margin-right:4px;vertical-align:middle">'
                 f'</span>{escape(label)}</span>' for label, rgb in items)
    st.html(f'<div style="font-size:0.85rem">{sw}{" " + escape(note) if note else ""}</div>')


def export_buttons(page: Page, name: str, query: EventQuery | None = None) -> None:
    """CSV and GeoJSON downloads of exactly the filtered events of this page (``query``, default the page's),
    built only when clicked (a file of every event takes seconds to build: the buttons get functions, which
    Streamlit calls on the click)."""
    q = query or page.query
    sb = st.sidebar
    sb.markdown(f"**Export** ({plural(page.count(q), 'event')})")
    c1, c2 = sb.columns(2)
    c1.download_button("CSV", partial(data.export_file, page.store, q, "csv"), file_name=f"atlas-{name}.csv",
                       mime="text/csv", on_click="ignore", key=f"dl_csv_{name}")
    c2.download_button("GeoJSON", partial(data.export_file, page.store, q, "geojson"),
                       file_name=f"atlas-{name}.geojson", mime="application/geo+json", on_click="ignore",
                       key=f"dl_geojson_{name}")
