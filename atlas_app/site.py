"""The app's pages, declared once: file, title, sidebar icon, the URL parameters of its own and the kind of event
it shows. ``app.py`` hands them to ``st.navigation``; the sidebar, the links and the tests derive from them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PageSpec:
    path: str                       # the page's script, relative to app.py
    title: str
    icon: str                       # a Material icon of the sidebar's links (bundled with Streamlit's frontend)
    keys: tuple[str, ...] = ()      # the page's own URL parameters, besides the filters
    kind: str | None = None         # the only kind of event the page shows, if one

    @property
    def url_path(self) -> str:
        """The page's address relative to the app's root, as ``st.Page`` infers it from the file name
        (``pages/1_Visits.py`` → ``Visits``); the default page is also served at the root."""
        return re.sub(r"^\d+_", "", Path(self.path).stem)


OVERVIEW = PageSpec("pages/0_Overview.py", "Overview", ":material/public:", ("sel", "show", "per", "week"))
VISITS = PageSpec("pages/1_Visits.py", "Visits", ":material/flight:", ("sel", "show", "color"), "visit")
FRONT_LINES = PageSpec("pages/2_Front_lines.py", "Front lines", ":material/swords:", ("sel", "show", "period"),
                       "front_line")
FLOWS = PageSpec("pages/3_Diplomatic_flows.py", "Diplomatic flows", ":material/handshake:", ("sel", "show"),
                 "diplomatic_flow")
SOURCES = PageSpec("pages/4_Sources.py", "Sources", ":material/article:", ("doc", "sentence"))
ADD = PageSpec("pages/5_Add_articles.py", "Add articles", ":material/upload_file:")
ABOUT = PageSpec("pages/6_About_the_data.py", "About the data", ":material/fact_check:")
PAGES = (OVERVIEW, VISITS, FRONT_LINES, FLOWS, SOURCES, ADD, ABOUT)      # in the sidebar's order; the first opens
MAP_PAGES = (OVERVIEW, VISITS, FRONT_LINES, FLOWS)
PAGE_KEYS = ("present", *dict.fromkeys(k for p in PAGES for k in p.keys))  # every page's own parameters
