"""Map layers from event frames: events aggregated by place (points) and by (origin, place, group) (arcs).

Pure functions over pandas frames up to ``make_deck``; every object carries a selection ``key`` (the
grouping columns and values, URL-encoded) and the tooltip fields ``t_*``. Streamlit's deck component
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

from . import basemap
from .hull import convex_hull
from .style import AFFILIATION_COLORS, KIND_COLORS, SUBTYPE_COLORS, UNKNOWN, bilingual, group_color, plural

VIEW_WIDE = {"latitude": 33.0, "longitude": -22.0, "zoom": 1.5, "pitch": 0, "bearing": 0}    # Washington to the Gulf
VIEW_LIBYA = {"latitude": 30.8, "longitude": 16.0, "zoom": 4.7, "pitch": 0, "bearing": 0}
ARC_TILT = 12                      # degrees: arcs lean sideways so they read as curves seen from above
PIXELS = String("pixels")          # a literal: pydeck turns plain strings into data accessors
MAX_DECK_BYTES = 1_400_000           # a deck JSON; with its table (tables.MAX_ROWS) a page stays under 2 MB
MAX_OBJECTS = 2_000                  # objects per layer before the size check
TEXT_CHARS = 160                     # sentence excerpt in tooltips
SELECT_COLUMNS = ("type", "place_id", "origin_id", "status", "subtype", "color_key", "month")
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


def fit_view(df: pd.DataFrame, fallback: dict, width: int = 900, height: int = 560, max_zoom: float = 7.0) -> dict:
    """A view that frames the events' places (pass the unfiltered events so the view stays put as filters change)."""
    located = _located(df)
    if located.empty:
        return fallback
    lat0, lat1 = float(located["lat"].min()), float(located["lat"].max())
    lon0, lon1 = float(located["lon"].min()), float(located["lon"].max())
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


def select(df: pd.DataFrame, key: str) -> pd.DataFrame | None:
    """The events behind a map object's key (None if the key is malformed)."""
    pairs = parse_key(key)
    if pairs is None or any(c not in df.columns for c, _ in pairs):
        return None
    mask = pd.Series(True, index=df.index)
    for col, val in pairs:
        mask &= df[col].map(lambda x: "" if x is None or x != x else str(x)) == val
    return df[mask]


# ---- aggregation --------------------------------------------------------------------------------------

_TIP_COLUMNS = ("status", "date_label", "actors", "counterparts", "sentence_text", "place_label",
                "origin_label", "lat", "lon", "origin_lat", "origin_lon", "type")


def _columns(df: pd.DataFrame) -> dict[str, list]:
    """The columns the tooltips read, as plain lists (per-group pandas calls are too slow for many objects);
    ``dated`` says which events have a day."""
    return {c: df[c].tolist() for c in _TIP_COLUMNS} | {"dated": df["day"].notna().tolist()}


def _names(pairs_lists, limit: int = 3) -> str:
    counts: dict[tuple[str, str], int] = {}
    for pairs in pairs_lists:
        for p in pairs:
            counts[p] = counts.get(p, 0) + 1
    top = sorted(counts, key=lambda p: (-counts[p], p[0]))
    text = "; ".join(bilingual(en, ar) for en, ar in top[:limit])
    return text + (f" (+{len(top) - limit} more)" if len(top) > limit else "")


def _excerpt(text) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS].rstrip() + "…"


def tip_text(value) -> str:
    """Plain text for a tooltip field. Streamlit escapes the values it puts into the template; angle brackets
    are swapped for look-alikes as well, so no value can ever form a tag even where a renderer would not escape."""
    return str(value).replace("<", "‹").replace(">", "›")


def _tips(cols: dict[str, list], idx: list[int], noun_kind: str, where: str) -> dict:
    """Tooltip fields for the events at positions ``idx`` of ``cols`` (sorted by date, undated first)."""
    n = len(idx)
    planned = sum(1 for i in idx if cols["status"][i] == "planned")
    one, many = _NOUNS.get(noun_kind, _NOUNS[""])
    head = f"{n} {one if n == 1 else many}" + (f" ({planned} planned)" if planned else "")
    who = _names(cols["actors"][i] for i in idx)
    partners = _names(cols["counterparts"][i] for i in idx)
    if partners:
        who = f"{who or '—'} with {partners}"
    dated = [cols["date_label"][i] for i in idx if cols["dated"][i]]
    when = "undated" if not dated else dated[0] if dated[0] == dated[-1] else f"{dated[0]} … {dated[-1]}"
    more = "Click for its source." if n == 1 else f"Click to list all {n} with their sources."
    fields = {"t_head": head, "t_where": where, "t_who": who or "—", "t_when": when,
              "t_text": _excerpt(cols["sentence_text"][idx[-1]]), "t_more": more}
    return {k: tip_text(v) for k, v in fields.items()}


def tips(g: pd.DataFrame, noun_kind: str, where: str) -> dict:
    """The tooltip fields of one object standing for the events ``g``."""
    g = g.sort_values("day", na_position="first", kind="stable")
    return _tips(_columns(g), list(range(len(g))), noun_kind, where)


def _located(df: pd.DataFrame, origin: bool = False) -> pd.DataFrame:
    ok = df["lat"].notna() & df["lon"].notna()
    if origin:
        ok &= df["origin_lat"].notna() & df["origin_lon"].notna()
    return df[ok]


def _text(x) -> str:
    return "" if x is None or x != x else str(x)


def aggregate(df: pd.DataFrame, by: list[str], arcs: bool = False, noun_kind: str = "",
              limit: int | None = None) -> list[dict]:
    """One object per group of ``by``: its coordinates, count, key and tooltip fields, biggest first; with
    ``limit``, only the biggest ``limit`` of them (an ``Objects`` list whose ``total`` counts them all)."""
    df = _located(df, origin=arcs)
    if df.empty:
        return Objects()
    df = df.sort_values("day", na_position="first", kind="stable")
    cols = _columns(df)
    groups: dict[tuple, list[int]] = {}
    for i, values in enumerate(zip(*(df[c].map(_text).tolist() for c in by))):
        groups.setdefault(values, []).append(i)
    keys = {values: selection_key(list(zip(by, values))) for values in groups}
    order = sorted(groups, key=lambda v: (-len(groups[v]), keys[v]))[:limit]
    rows = Objects(total=len(groups))
    for values in order:
        idx = groups[values]
        first = idx[0]
        where = cols["place_label"][first]
        if arcs:
            where = f"{cols['origin_label'][first]} → {where}"
        row = {"key": keys[values], "count": len(idx),
               "planned": sum(1 for i in idx if cols["status"][i] == "planned"),
               "lat": round(float(cols["lat"][first]), 4), "lon": round(float(cols["lon"][first]), 4),
               **dict(zip(by, values)), **_tips(cols, idx, noun_kind or str(cols["type"][first]), where)}
        if arcs:
            row |= {"olat": round(float(cols["origin_lat"][first]), 4),
                    "olon": round(float(cols["origin_lon"][first]), 4)}
        rows.append(row)
    return rows


def dominant(df: pd.DataFrame, by: str, col: str) -> dict[str, str]:
    """For each value of ``by``, the most frequent value of ``col``."""
    if df.empty:
        return {}
    counts = df.groupby([by, col], sort=True).size().reset_index(name="n")
    counts = counts.sort_values(["n", col], ascending=[False, True]).drop_duplicates(by)
    return dict(zip(counts[by], counts[col]))


def with_color_key(df: pd.DataFrame, color_by: str) -> pd.DataFrame:
    """The frame with ``color_key``: the first actor's English name, or the first affiliation."""
    if color_by == "affiliation":
        keys = [affs[0] if affs else "unknown" for affs in df["affs"]]
    else:
        keys = [pairs[0][0] if pairs else "unknown" for pairs in df["actors"]]
    return df.assign(color_key=keys)


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


def overview_layers(df: pd.DataFrame) -> list[pdk.Layer]:
    """All three kinds: places by kind, and arcs for visits and diplomatic flows."""
    pts = aggregate(df, ["type", "place_id"], limit=MAX_OBJECTS)
    arcs = aggregate(df[df["type"].isin(ARC_KINDS)], ["type", "origin_id", "place_id"], arcs=True, limit=MAX_OBJECTS)
    return [points_layer("places", pts, lambda r: _rgba(KIND_COLORS.get(r["type"], (99, 99, 99)), 170)),
            arcs_layer("arcs", arcs, lambda r: _rgba(KIND_COLORS.get(r["type"], (99, 99, 99)), 190))]


def visit_colors(df: pd.DataFrame, color_by: str) -> dict[str, tuple[int, int, int]]:
    """A colour per ``color_key``, most frequent first: each key's own (affiliations keep their fixed colours),
    so an actor has one colour in every view and after every upload, whatever else is on the map."""
    keys = list(df["color_key"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index)
    table = AFFILIATION_COLORS if color_by == "affiliation" else None
    return {k: UNKNOWN if k.casefold() == "unknown" else group_color(k, table) for k in keys}


def visit_layers(df: pd.DataFrame, colors: dict[str, tuple[int, int, int]]) -> list[pdk.Layer]:
    """Arcs from the visitor's home base to the destination (planned ones dim and thin); destinations by count.

    ``df`` carries ``color_key`` (see ``with_color_key``); ``colors`` maps it to a colour (``visit_colors``)."""
    arcs = aggregate(df, ["origin_id", "place_id", "color_key", "status"], arcs=True, limit=MAX_OBJECTS)
    dest = aggregate(df, ["place_id"], limit=MAX_OBJECTS)
    main = dominant(_located(df), "place_id", "color_key")
    shade = lambda key: colors.get(key, UNKNOWN)  # noqa: E731
    return [
        arcs_layer("visit-arcs", arcs, lambda r: _rgba(shade(r["color_key"]), 80 if r["status"] == "planned" else 220),
                   lambda r: (1 + 1.5 * math.sqrt(r["count"])) * (0.5 if r["status"] == "planned" else 1)),
        points_layer("destinations", dest, lambda r: _rgba(shade(main.get(r["place_id"])), 190), base=5),
    ]


def flow_layers(df: pd.DataFrame) -> list[pdk.Layer]:
    """Arcs between seats, wider for more interactions, coloured by subtype; the places they reach."""
    arcs = aggregate(df, ["origin_id", "place_id", "subtype"], arcs=True, limit=MAX_OBJECTS)
    dest = aggregate(df, ["place_id"], limit=MAX_OBJECTS)
    main = dominant(_located(df), "place_id", "subtype")
    return [arcs_layer("flow-arcs", arcs, lambda r: _rgba(group_color(r["subtype"], SUBTYPE_COLORS), 200)),
            points_layer("flow-places", dest,
                         lambda r: _rgba(group_color(main.get(r["place_id"]), SUBTYPE_COLORS), 150), base=3)]


def recency_color(age_days: float, horizon: float = 365.0) -> list[int]:
    """Red for fighting in the period, fading through orange to pale yellow a year before it."""
    t = min(max(age_days / horizon, 0.0), 1.0)
    start, end = (200, 20, 20), (250, 215, 140)
    rgb = [round(a + (b - a) * t) for a, b in zip(start, end)]
    return [*rgb, round(230 - 110 * t)]


def front_layers(upto: pd.DataFrame, period: pd.DataFrame, period_end: pd.Timestamp, hull_key: str,
                 hull_label: str) -> list[pdk.Layer]:
    """Contested places up to the period's end coloured by how recently fighting was reported there,
    and the area (or line) the period's places trace."""
    pts = aggregate(upto, ["place_id"], noun_kind="front_line", limit=MAX_OBJECTS)
    last = _located(upto).groupby("place_id")["day"].max()
    for r in pts:
        seen = last.get(r["place_id"])
        r["age"] = float((period_end - seen).days) if seen is not None and not pd.isna(seen) else 9999.0
    layers = [points_layer("contested", pts, lambda r: recency_color(r["age"]), base=5)]
    located = _located(period)
    ring = convex_hull(zip(located["lon"], located["lat"]))
    if len(ring) >= 2 and not located.empty:
        places = located.drop_duplicates("place_id")
        names = "; ".join(places["place_label"].head(8)) + (" …" if len(places) > 8 else "")
        row = {"key": hull_key, "count": len(located),
               **tips(located, "front_line", f"{plural(len(places), 'place')}: {names}"),
               "t_head": tip_text(f"Front in {hull_label}: {plural(len(located), 'report')}")}
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
