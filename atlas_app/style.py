"""Colours and labels shared by the maps, charts and tables."""
from __future__ import annotations

import hashlib
from datetime import date

from geo.events.kinds import KINDS

KIND_LABELS = {k.name: k.label for k in KINDS.values()}
STATUS_LABELS = {"occurred": "Occurred", "planned": "Planned"}

KIND_COLORS = {k.name: k.colour for k in KINDS.values()}
SUBTYPE_COLORS = {
    "call": (23, 190, 207), "meeting": (44, 160, 44), "delegation": (148, 103, 189),
    "invitation": (255, 127, 14), "mediation": (140, 86, 75), "support": (227, 119, 194),
    "statement": (127, 127, 127), "visit": (31, 119, 180), "reception": (31, 119, 180),
    "fighting": (214, 39, 40), "agreement": (188, 189, 34), "appeal": (255, 187, 120),
    "return": (31, 119, 180),
}
AFFILIATION_COLORS = {
    "GNA": (31, 119, 180), "LNA": (166, 86, 40), "HoR": (230, 171, 2), "United States": (55, 55, 140),
    "Egypt": (228, 26, 28), "France": (152, 78, 163), "Italy": (77, 175, 74), "Russia": (102, 102, 102),
    "Turkey": (247, 129, 191), "United Arab Emirates": (255, 127, 0), "UN": (0, 158, 224),
}
# 20 distinct colours for names without a fixed colour (actors, mostly): no greys (a grey would read as UNKNOWN), no
# pastels (they vanish on the light basemap); any two lie at least 25 apart in CIELAB.
_PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
            (227, 119, 194), (188, 189, 34), (23, 190, 207), (0, 0, 128), (128, 0, 0), (128, 128, 0),
            (0, 128, 128), (145, 30, 180), (240, 50, 230), (150, 230, 60), (255, 205, 0), (250, 128, 114),
            (70, 70, 220), (0, 200, 120)]
UNKNOWN = (150, 150, 150)


def palette_color(name: str | None) -> tuple[int, int, int]:
    """A stable colour for any name: a hash of the name itself (not its rank, nor a row id), so the same name gets
    the same colour in every view, in every store and after every upload."""
    if not name:
        return UNKNOWN
    return _PALETTE[int(hashlib.md5(name.encode("utf-8")).hexdigest(), 16) % len(_PALETTE)]


def group_color(name: str | None, table: dict[str, tuple[int, int, int]] | None = None) -> tuple[int, int, int]:
    """The colour of a kind, subtype, affiliation or actor: from ``table`` if listed, else a stable palette colour."""
    if table and name in table:
        return table[name]
    return palette_color(name)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 visit``, ``2 visits`` (``many`` for an irregular plural)."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def hex_color(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def bilingual(en: str | None, ar: str | None) -> str:
    """``Tripoli · طرابلس``; one name alone when the other is missing."""
    parts = [p.strip() for p in (en, ar) if isinstance(p, str) and p.strip()]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    return " · ".join(parts) if parts else "—"


def _day(d: date, with_month: bool = True, with_year: bool = True) -> str:
    return " ".join(filter(None, [str(d.day), d.strftime("%b") if with_month else "", str(d.year) if with_year else ""]))


def date_label(start, end, precision) -> str:
    """The days a date means, as a reader says them: ``4 Apr 2019``, ``Apr 2019`` (a month), ``2019``,
    ``15 – 21 Apr 2019`` (a week or a range), ``25 Mar – 28 Apr 2017``; ``undated``."""
    try:
        first = date.fromisoformat(str(start)[:10])
    except ValueError:
        return "undated"
    try:
        last = date.fromisoformat(str(end)[:10]) if end else first
    except ValueError:
        last = first
    if precision == "year":
        return str(first.year)
    if precision == "month":
        return first.strftime("%b %Y")
    if last <= first:
        return _day(first)
    same_year = first.year == last.year
    return f"{_day(first, not (same_year and first.month == last.month), not same_year)} – {_day(last)}"


def published_label(doc: dict) -> str | None:
    """When an article was published, as far as it is known: ``22 May 2019``, ``Apr 2017`` (a month); None."""
    return date_label(doc["published"], None, doc.get("date_precision")) if doc.get("published") else None
