"""Map layers from the store's groups of events: by place (points) and by (origin, place, group) (arcs).

``objects`` turns groups (``geo.store.queries.groups``, with their names and latest sentences) into map objects;
the ``*_layers`` functions ask a page for the groups they draw (``ui.Page.objects``). Every object carries a
selection ``key`` (the grouping columns and values, URL-encoded) and the tooltip fields ``t_*``. Streamlit's deck component
HTML-escapes every value it puts into the tooltip template (so pre-escaping would show ``&quot;`` for each
quote); the values stay plain text, with ``<``/``>`` swapped for look-alikes (``tip_text``), and the template
is the only HTML.
"""
from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from urllib.parse import parse_qsl, quote_plus

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from pydeck.types import String

from geo.events.kinds import KINDS
from geo.store.queries import COLUMNS as QUERY_COLUMNS

from . import basemap
from .hull import convex_hull
from .data import date_label
from .style import AFFILIATION_COLORS, KIND_COLORS, SUBTYPE_COLORS, UNKNOWN, bilingual, group_color, plural

VIEW_WIDE = {"latitude": 33.0, "longitude": -22.0, "zoom": 1.5, "pitch": 0, "bearing": 0}    # Washington to the Gulf
VIEW_LIBYA = {"latitude": 30.8, "longitude": 16.0, "zoom": 4.7, "pitch": 0, "bearing": 0}
ARC_TILT = 12                      # degrees: arcs lean sideways so they read as curves seen from above
PIXELS = String("pixels")          # a literal: pydeck turns plain strings into data accessors
MAX_DECK_BYTES = 1_400_000           # a deck JSON; with its table (tables.MAX_ROWS) a page stays under 2 MB
MAX_OBJECTS = 2_000                  # objects per layer before the size check
TEXT_CHARS = 160                     # sentence excerpt in tooltips
SELECT_COLUMNS = tuple(QUERY_COLUMNS)      # what a map object may stand for (a key's columns)
TIP_FIELDS = ("t_head", "t_where", "t_who", "t_when", "t_text", "t_more")
TOOLTIP = {
    "html": "<b>{t_head}</b><br/>{t_where}<br/>{t_who}<br/><i>{t_when}</i>"
            "<div dir='rtl' style='max-width:340px;white-space:normal;margin-top:4px'>{t_text}</div>"
            "<small>{t_more}</small>",
    "style": {"backgroundColor": "#1f2430", "color": "#f5f5f5", "fontSize": "12px", "maxWidth": "360px"},
}
HIGHLIGHT = [255, 200, 0]
ARC_KINDS = [k.name for k in KINDS.values() if k.arcs]
_NOUNS = {k.name: k.nouns for k in KINDS.values()} | {"": ("event", "events")}


class CompactDeck(pdk.Deck):
    """A Deck serialized without pydeck's indentation and ASCII escapes (a third of the size for Arabic).

    Once ``freeze`` is called it keeps that JSON and must not change (a cached deck is shared)."""

    def to_json(self) -> str:
        frozen = self.__dict__.get("_frozen_json")
        if frozen is not None:
            return frozen
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False)

    def freeze(self) -> "CompactDeck":
        """Serialize once: every later ``to_json`` returns the same text."""
        text = self.to_json()
        self.__dict__["_frozen_json"] = text
        return self


class Objects(list):
    """A layer's objects, biggest first, maybe only the first of them: ``total`` says how many there were."""

    def __init__(self, items=(), total: int | None = None):
        super().__init__(items)
        self.total = len(self) if total is None else total


def total_objects(rows: list) -> int:
    """How many objects ``rows`` stand for (more than it holds when ``aggregate`` kept only the biggest)."""
    return getattr(rows, "total", len(rows))


def fit_view(extent: tuple[float, float, float, float] | None, fallback: dict, width: int = 900, height: int = 560,
             max_zoom: float = 7.0) -> dict:
    """A view that frames (south, north, west, east) (give the unfiltered events' extent so the view stays put
    as filters change)."""
    if extent is None:
        return fallback
    lat0, lat1, lon0, lon1 = extent
    y = lambda la: math.log(math.tan(math.pi / 4 + math.radians(la) / 2))  # noqa: E731  (Mercator)
    span_x = max(lon1 - lon0, 0.01) / 360
    span_y = max(y(lat1) - y(lat0), 0.0002) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * span_x), height / (512 * span_y))) - 0.6   # a margin around the places
    return {**fallback, "latitude": round((lat0 + lat1) / 2, 4), "longitude": round((lon0 + lon1) / 2, 4),
            "zoom": round(min(max(zoom, 2.0), max_zoom), 2)}


# ---- selection keys -----------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _quote(value: str) -> str:
    return quote_plus(value)


def selection_key(pairs: list[tuple[str, object]]) -> str:
    """``type=visit&place_id=ly-tripoli``: which events an object stands for (``urlencode``'s form; the same
    values recur in thousands of keys, so each is quoted once)."""
    return "&".join(f"{_quote(str(c))}={_quote('' if v is None else str(v))}" for c, v in pairs)


def parse_key(key: str) -> list[tuple[str, str]] | None:
    """The (column, value) pairs of a selection key, or None when it is not one."""
    try:
        pairs = parse_qsl(key, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return None
    if not pairs or any(c not in SELECT_COLUMNS for c, _ in pairs):
        return None
    return pairs


# ---- objects ---------------------------------------------------------------------------------------------

def _names(found: list[tuple[str, int]], arabic: dict[str, str], limit: int = 3) -> str:
    """The names most often given first (with their Arabic names from ``arabic``), ``(+N more)`` for the rest."""
    text = "; ".join(bilingual(en, arabic.get(en, "")) for en, _ in found[:limit])
    return text + (f" (+{len(found) - limit} more)" if len(found) > limit else "")


def _excerpt(text) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS].rstrip() + "…"


def tip_text(value) -> str:
    """Plain text for a tooltip field. Streamlit escapes the values it puts into the template; angle brackets
    are swapped for look-alikes as well, so no value can ever form a tag even where a renderer would not escape."""
    return str(value).replace("<", "‹").replace(">", "›")


def _when(first: str | None, last: str | None) -> str:
    if not first:
        return "undated"
    return date_label(first, None, "day") if first == last else f"{date_label(first, None, 'day')} … " \
        f"{date_label(last, None, 'day')}"


def tips(group: dict, names: dict, arabic: dict[str, str], text: str, noun_kind: str, where: str) -> dict:
    """The tooltip fields of one object standing for a group of events (see ``objects``)."""
    n, planned = group["n"], group["planned"]
    one, many = _NOUNS.get(noun_kind, _NOUNS[""])
    head = f"{n} {one if n == 1 else many}" + (f" ({planned} planned)" if planned else "")
    who = _names(names.get("actor", []), arabic)
    partners = _names(names.get("counterpart", []), arabic)
    if partners:
        who = f"{who or '—'} with {partners}"
    more = "Click for its source." if n == 1 else f"Click to list all {n} with their sources."
    fields = {"t_head": head, "t_where": where, "t_who": who or "—", "t_when": _when(group["first_day"],
                                                                                     group["last_day"]),
              "t_text": _excerpt(text), "t_more": more}
    return {k: tip_text(v) for k, v in fields.items()}


def objects(found: list[dict], total: int, by: tuple[str, ...], names: dict, texts: dict[str, str],
            arcs: bool = False, noun_kind: str = "", arabic: dict[str, str] | None = None) -> "Objects":
    """Map objects of the store's groups (``queries.groups``: biggest first; ``total`` of them in all): place,
    count, key and tooltip fields; ``names`` (``queries.names``, with ``arabic`` names for them) and ``texts``
    (the sentence of each group's latest event) fill the tooltips."""
    rows = Objects(total=total)
    for g in found:
        values = tuple(str(g[c]) for c in by)
        where = bilingual(g["place_en"] or "", g["place_ar"] or "")
        if arcs:
            where = f"{bilingual(g['origin_en'] or '', g['origin_ar'] or '')} → {where}"
        kind = noun_kind or str(g.get("type") or "")
        row = {"key": selection_key(list(zip(by, values))), "count": g["n"], "planned": g["planned"],
               "lat": round(float(g["lat"]), 4), "lon": round(float(g["lon"]), 4), "last_day": g["last_day"],
               **dict(zip(by, values)), **tips(g, names.get(values, {}), arabic or {}, texts.get(g["last_id"], ""), kind, where)}
        if arcs:
            row |= {"olat": round(float(g["olat"]), 4), "olon": round(float(g["olon"]), 4)}
        rows.append(row)
    return rows


def dominant(page, col: str) -> dict[str, str]:
    """For each place of the page's located events, the most frequent value of ``col`` (the store's groups of
    (place, col))."""
    found, _ = page.ask("groups", page.query, ("place_id", col), "place", None)
    out: dict[str, str] = {}
    for g in sorted(found, key=lambda g: (-g["n"], str(g[col]))):
        out.setdefault(str(g["place_id"]), str(g[col]))
    return out


def color_column(color_by: str) -> str:
    """The store's column that colours visits: the first actor, or the first affiliation."""
    return "aff_key" if color_by == "affiliation" else "actor_key"


# ---- layers ---------------------------------------------------------------------------------------------

def _radius(count: int, base: float = 4.0, step: float = 3.0) -> float:
    return round(base + step * math.sqrt(count), 1)


def points_layer(layer_id: str, rows: list[dict], color_of, base: float = 4.0) -> pdk.Layer:
    """Circles sized by the number of events; ``color_of(row)`` gives [r, g, b, a]."""
    data = Objects([r | {"color": list(color_of(r)), "radius": _radius(r["count"], base)} for r in rows],
                   total_objects(rows))
    return pdk.Layer("ScatterplotLayer", id=layer_id, data=data, get_position="[lon, lat]",
                     get_fill_color="color", get_radius="radius", radius_units=PIXELS, stroked=True,
                     get_line_color=[255, 255, 255, 200], line_width_min_pixels=1, pickable=True, auto_highlight=True)


def arcs_layer(layer_id: str, rows: list[dict], color_of, width_of=None) -> pdk.Layer:
    """Arcs from origin to place, wider for more events."""
    width_of = width_of or (lambda r: 1 + 1.5 * math.sqrt(r["count"]))
    data = Objects([r | {"color": list(color_of(r)), "width": round(width_of(r), 2)} for r in rows],
                   total_objects(rows))
    return pdk.Layer("ArcLayer", id=layer_id, data=data, get_source_position="[olon, olat]",
                     get_target_position="[lon, lat]", get_source_color="color", get_target_color="color",
                     get_width="width", width_units=PIXELS, get_tilt=ARC_TILT, get_height=0.5, pickable=True,
                     auto_highlight=True)


def _rgba(rgb, alpha: int) -> list[int]:
    return [*rgb, alpha]


def overview_layers(page) -> list[pdk.Layer]:
    """All three kinds: places by kind, and arcs for visits and diplomatic flows."""
    pts = page.objects(("type", "place_id"))
    kinds = [k for k in ARC_KINDS if not page.query.kinds or k in page.query.kinds]
    arcs = page.objects(("type", "origin_id", "place_id"), "arc", page.query.narrowed(kinds=tuple(kinds))) \
        if kinds else Objects()
    return [points_layer("places", pts, lambda r: _rgba(KIND_COLORS.get(r["type"], (99, 99, 99)), 170)),
            arcs_layer("arcs", arcs, lambda r: _rgba(KIND_COLORS.get(r["type"], (99, 99, 99)), 190))]


def visit_colors(found: list[dict], column: str) -> dict[str, tuple[int, int, int]]:
    """A colour per value of ``column`` (``color_column``), from the store's groups by it, most frequent first:
    each key's own (affiliations keep their fixed colours), so an actor has one colour in every view and after
    every upload, whatever else is on the map. A missing key is "unknown"."""
    counts = sorted(((str(g[column]) or "unknown", g["n"]) for g in found), key=lambda kv: (-kv[1], kv[0]))
    table = AFFILIATION_COLORS if column == "aff_key" else None
    return {k: UNKNOWN if k.casefold() == "unknown" else group_color(k, table) for k, _ in counts}


def visit_layers(page, column: str, colors: dict[str, tuple[int, int, int]]) -> list[pdk.Layer]:
    """Arcs from the visitor's home base to the destination (planned ones dim and thin); destinations by count,
    coloured by ``column`` (``color_column``) through ``colors`` (``visit_colors``)."""
    arcs = page.objects(("origin_id", "place_id", column, "status"), "arc")
    dest = page.objects(("place_id",))
    main = dominant(page, column)
    shade = lambda key: colors.get(key or "unknown", UNKNOWN)  # noqa: E731
    return [
        arcs_layer("visit-arcs", arcs, lambda r: _rgba(shade(r[column]), 80 if r["status"] == "planned" else 220),
                   lambda r: (1 + 1.5 * math.sqrt(r["count"])) * (0.5 if r["status"] == "planned" else 1)),
        points_layer("destinations", dest, lambda r: _rgba(shade(main.get(r["place_id"])), 190), base=5),
    ]


def flow_layers(page) -> list[pdk.Layer]:
    """Arcs between seats, wider for more interactions, coloured by subtype; the places they reach."""
    arcs = page.objects(("origin_id", "place_id", "subtype"), "arc")
    dest = page.objects(("place_id",))
    main = dominant(page, "subtype")
    return [arcs_layer("flow-arcs", arcs, lambda r: _rgba(group_color(r["subtype"], SUBTYPE_COLORS), 200)),
            points_layer("flow-places", dest,
                         lambda r: _rgba(group_color(main.get(r["place_id"]), SUBTYPE_COLORS), 150), base=3)]


def recency_color(age_days: float, horizon: float = 365.0) -> list[int]:
    """Red for fighting in the period, fading through orange to pale yellow a year before it."""
    t = min(max(age_days / horizon, 0.0), 1.0)
    start, end = (200, 20, 20), (250, 215, 140)
    rgb = [round(a + (b - a) * t) for a, b in zip(start, end)]
    return [*rgb, round(230 - 110 * t)]


def front_layers(page, upto, period, period_end: pd.Timestamp, hull_key: str, hull_label: str) -> list[pdk.Layer]:
    """Contested places up to the period's end (the query ``upto``) coloured by how recently fighting was
    reported there, and the area (or line) the period's places (the query ``period``) trace."""
    pts = page.objects(("place_id",), query=upto, noun_kind="front_line")
    for r in pts:
        seen = pd.to_datetime(r["last_day"], errors="coerce")
        r["age"] = float((period_end - seen).days) if not pd.isna(seen) else 9999.0
    layers = [points_layer("contested", pts, lambda r: recency_color(r["age"]), base=5)]
    places, _ = page.ask("groups", period, ("place_id",), "place", None)
    ring = convex_hull((g["lon"], g["lat"]) for g in places)
    if len(ring) >= 2:
        whole = page.objects((), query=period, noun_kind="front_line")[0]
        labels = [bilingual(g["place_en"] or "", g["place_ar"] or "") for g in places]
        names = "; ".join(labels[:8]) + (" …" if len(labels) > 8 else "")
        row = {**whole, "key": hull_key, "t_where": tip_text(f"{plural(len(places), 'place')}: {names}"),
               "t_head": tip_text(f"Front in {hull_label}: {plural(whole['count'], 'report')}")}
        coords = [[round(x, 4), round(y, 4)] for x, y in ring]
        if len(ring) >= 3:
            layers.insert(0, pdk.Layer("PolygonLayer", id="front-area", data=[row | {"polygon": coords}],
                                       get_polygon="polygon", get_fill_color=[214, 39, 40, 40],
                                       get_line_color=[214, 39, 40, 200], line_width_min_pixels=2, stroked=True,
                                       filled=True, pickable=True, auto_highlight=True))
        else:
            layers.insert(0, pdk.Layer("PathLayer", id="front-line", data=[row | {"path": coords}], get_path="path",
                                       get_color=[214, 39, 40, 200], width_min_pixels=3, pickable=True,
                                       auto_highlight=True))
    return layers


def highlight_layer(selected: pd.DataFrame | None) -> list[pdk.Layer]:
    """Rings around the places (and home bases) of the selected events."""
    if selected is None or selected.empty:
        return []
    pts = {(round(float(lo), 4), round(float(la), 4))
           for la, lo in list(zip(selected["lat"], selected["lon"])) + list(zip(selected["origin_lat"],
                                                                               selected["origin_lon"]))
           if la == la and lo == lo and la is not None and lo is not None}
    data = [{"lon": lo, "lat": la} for lo, la in sorted(pts)]
    return [pdk.Layer("ScatterplotLayer", id="selection", data=data, get_position="[lon, lat]", get_radius=16,
                      radius_units=PIXELS, stroked=True, filled=False, get_line_color=HIGHLIGHT + [255],
                      line_width_min_pixels=3, pickable=False)]


def _data_layers(deck: pdk.Deck) -> list[pdk.Layer]:
    return [lyr for lyr in deck.layers if lyr.id not in ("countries", "selection") and isinstance(lyr.data, list)]


def fit(deck: CompactDeck, budget: int = MAX_DECK_BYTES, cap: int = MAX_OBJECTS) -> int:
    """Keep at most ``cap`` objects per layer, then drop the smallest objects of the biggest layer until the
    deck's JSON fits the budget (objects come biggest first). Returns how many objects were left out, those
    ``aggregate`` already left out included."""
    data_layers = _data_layers(deck)
    totals = [total_objects(lyr.data) for lyr in data_layers]
    for lyr in data_layers:
        lyr.data = lyr.data[:cap]
    while len(deck.to_json().encode("utf-8")) > budget:
        layers = [lyr for lyr in data_layers if len(lyr.data) > 1]
        if not layers:
            break
        big = max(layers, key=lambda lyr: len(lyr.data))
        big.data = big.data[: len(big.data) // 2]
    return sum(total - len(lyr.data) for total, lyr in zip(totals, data_layers))


def make_deck(event_layers: list[pdk.Layer], view: dict,
              selected: pd.DataFrame | None = None) -> tuple[CompactDeck, int]:
    """The basemap, the event layers and the selection rings, with tooltips, within the size budget;
    and how many (of the smallest) objects had to be left out. (``event_layers`` are copied before they are
    trimmed: they may be shared.)"""
    event_layers = [copy.copy(lyr) for lyr in event_layers]
    deck = CompactDeck(layers=basemap.layers() + event_layers + highlight_layer(selected),
                       initial_view_state=pdk.ViewState(**view), map_style=basemap.map_style(),
                       map_provider="carto", tooltip=TOOLTIP)
    return deck, fit(deck)


def deck_data_count(deck_json: str, layer_id: str) -> int:
    """How many objects a layer of a serialized deck holds (for tests and checks)."""
    spec = json.loads(deck_json)
    for lyr in spec.get("layers", []):
        if lyr.get("id") == layer_id:
            data = lyr.get("data")
            return len(data) if isinstance(data, list) else 0
    return 0
