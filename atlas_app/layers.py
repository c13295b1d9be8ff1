"""Map layers from the store's groups of events: by place (points) and by (origin, place, group) (arcs).

``objects`` turns groups (``geo.store.queries.groups``, with their names and latest sentences) into map objects;
the ``*_layers`` functions ask a page for the groups they draw (``ui.Page.objects``). Every object carries a
selection ``key`` (the grouping columns and values, URL-encoded) and the tooltip fields ``t_*``. Streamlit's deck component
HTML-escapes every value it puts into the tooltip template (so pre-escaping would show ``&quot;`` for each
quote); the values stay plain text, with ``<``/``>`` swapped for look-alikes (``tip_text``), and the template
is the only HTML.

Every map names its places (``labels_layer``: the busiest always, the others where deck.gl's collision filter finds
room). A country is drawn as its outline, lightly filled, not as a dot at its centroid, and an arc to or from a
country ends at its capital (``countries``), as the tooltips say.
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
from geo.store.queries import COLUMNS as QUERY_COLUMNS, Named

from . import basemap, countries
from .data import date_label
from .style import AFFILIATION_COLORS, KIND_COLORS, SUBTYPE_COLORS, UNKNOWN, bilingual, group_color, plural

VIEW_WIDE = {"latitude": 33.0, "longitude": -22.0, "zoom": 1.5, "pitch": 0, "bearing": 0}    # Washington to the Gulf
VIEW_LIBYA = {"latitude": 30.8, "longitude": 16.0, "zoom": 4.7, "pitch": 0, "bearing": 0}
ARC_TILT = 12                      # degrees: arcs lean sideways so they read as curves seen from above
PIXELS = String("pixels")          # a literal: pydeck turns plain strings into data accessors
MAX_DECK_BYTES = 1_400_000           # a deck JSON but its labels; with its table (tables.MAX_ROWS) a page stays under 2 MB
# Objects per layer before the size check: at about 1 KB each (a tooltip's sentence is Arabic), no more than some
# 1,300 objects fit the budget, so a layer of more would be built only to be trimmed.
MAX_OBJECTS = 1_000
MAX_LABELS = 500                     # place names per map, the busiest places' (~35 KB, on top of MAX_DECK_BYTES)
ALWAYS_LABELLED = 10                 # the busiest places, named whatever they overlap …
ALWAYS_APART_KM = 50                 # … but one this close to a busier one (the White House in Washington) waits
LABEL_IDS = ("labels", "labels-top")
LABEL_FONT = String("Helvetica, Arial, sans-serif")
LABEL_COLOR, LABEL_OUTLINE = [33, 37, 41, 255], [255, 255, 255, 235]
LABEL_SDF = {"sdf": True, "buffer": 8}     # a distance-field atlas with room for the white halo (LABEL_HALO)
LABEL_HALO = 4
LABEL_LIFT = 12                      # pixels, at most, from a place's point up to its name's baseline
# deck.gl's collision filter keeps a label where its anchor (the place's point) lies inside its own footprint in
# the collision map: the text sits above the point, so an invisible background reaching down past the point
# (LABEL_LIFT and the 5×5 pixels the filter samples) is what is tested; a little padding at the sides spaces names.
LABEL_FOOTPRINT = [3, 0, 3, LABEL_LIFT + 4]
ARC_END_RADIUS = 2.0                 # pixels: how far above an arc's end (no dot there) its place's name sits
MIN_PART_DEG2 = 0.25                 # a country's islands smaller than this (square degrees) are not filled
AREA_ALPHA = 40                      # a country's fill: its colour, faint, so the map under it still reads
TEXT_CHARS = 160                     # sentence excerpt in tooltips
TIP_NAMES = 3                        # names a tooltip gives a side, "(+N more)" for the rest
SELECT_COLUMNS = tuple(QUERY_COLUMNS)      # what a map object may stand for (a key's columns)
TIP_FIELDS = ("t_head", "t_where", "t_who", "t_when", "t_text", "t_more")
TOOLTIP = {
    "html": "<b>{t_head}</b><br/>{t_where}<br/>{t_who}<br/><i>{t_when}</i>"
            "<div dir='rtl' style='max-width:340px;white-space:normal;margin-top:4px'>{t_text}</div>"
            "<small>{t_more}</small>",
    # deck.gl puts the tooltip's top left corner at the pointer (``transform``), so one for a dot near the map's right
    # edge ran past it and was cut off; ``translate`` (applied on top of that transform) centres it under the
    # pointer instead, a little below it: it stays inside the map unless the dot is within half its width of an edge.
    "style": {"backgroundColor": "#1f2430", "color": "#f5f5f5", "fontSize": "12px", "maxWidth": "360px",
              "translate": "-50% 14px"},
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
        """Serialize once: every later ``to_json`` returns the same text, and the layers' objects are let go (a
        cached deck costs its text, not the rows it was made from)."""
        text = self.to_json()
        self.__dict__["_frozen_json"] = text
        self.layers = []
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
             max_zoom: float = 7.0, min_zoom: float = 2.0) -> dict:
    """A view that frames (south, north, west, east) (give the unfiltered events' extent so the view stays put
    as filters change) on a map ``width`` × ``height`` pixels."""
    if extent is None:
        return fallback
    lat0, lat1, lon0, lon1 = extent
    y = lambda la: math.log(math.tan(math.pi / 4 + math.radians(la) / 2))  # noqa: E731  (Mercator)
    span_x = max(lon1 - lon0, 0.01) / 360
    span_y = max(y(lat1) - y(lat0), 0.0002) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * span_x), height / (512 * span_y))) - 0.6   # a margin around the places
    return {**fallback, "latitude": round((lat0 + lat1) / 2, 4), "longitude": round((lon0 + lon1) / 2, 4),
            "zoom": round(min(max(zoom, min_zoom), max_zoom), 2)}


def union_extent(*extents: tuple[float, float, float, float] | None) -> tuple[float, float, float, float] | None:
    """The (south, north, west, east) that holds every one of ``extents`` (None ones left out); None if none."""
    given = [e for e in extents if e is not None]
    if not given:
        return None
    return (min(e[0] for e in given), max(e[1] for e in given), min(e[2] for e in given), max(e[3] for e in given))


def layers_extent(event_layers: list[pdk.Layer]) -> tuple[float, float, float, float] | None:
    """(south, north, west, east) of what the event layers draw: points, countries' own points and both ends of
    arcs (an arc's origin is no event place, so the store's ``extent`` leaves it out); None when they draw nothing."""
    lats, lons = [], []
    for lyr in event_layers:
        if lyr.id in LABEL_IDS or not isinstance(lyr.data, list):
            continue
        for r in lyr.data:
            for la, lo in (("lat", "lon"), ("olat", "olon")):
                if isinstance(r, dict) and r.get(la) is not None and r.get(lo) is not None:
                    lats.append(float(r[la]))
                    lons.append(float(r[lo]))
    return (min(lats), max(lats), min(lons), max(lons)) if lats else None


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

@lru_cache(maxsize=65536)
def _bilingual(en: str, ar: str) -> str:
    """``bilingual``, once per pair of names: the same actors and places recur in thousands of tooltips."""
    return bilingual(en, ar)


def _names(named: Named | None, arabic: dict[str, str]) -> str:
    """The names most often given first (``queries.names``, ``TIP_NAMES`` of them; with their Arabic names from
    ``arabic``), ``(+N more)`` for the rest."""
    if named is None:
        return ""
    text = "; ".join(_bilingual(en, arabic.get(en, "")) for en, _ in named.top)
    return text + (f" (+{named.others} more)" if named.others else "")


def _excerpt(text) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS].rstrip() + "…"


def tip_text(value) -> str:
    """Plain text for a tooltip field. Streamlit escapes the values it puts into the template; angle brackets
    are swapped for look-alikes as well, so no value can ever form a tag even where a renderer would not escape."""
    return str(value).replace("<", "‹").replace(">", "›")


@lru_cache(maxsize=65536)
def _when(first: str | None, last: str | None) -> str:
    """When a group's events happened (its first and last day, once per pair: days recur across tooltips)."""
    if not first:
        return "undated"
    return date_label(first, None, "day") if first == last else f"{date_label(first, None, 'day')} … " \
        f"{date_label(last, None, 'day')}"


def tips(group: dict, names: dict, arabic: dict[str, str], text: str, noun_kind: str, where: str) -> dict:
    """The tooltip fields of one object standing for a group of events (see ``objects``)."""
    n, planned = group["n"], group["planned"]
    one, many = _NOUNS.get(noun_kind, _NOUNS[""])
    head = f"{n} {one if n == 1 else many}" + (f" ({planned} planned)" if planned else "")
    who = _names(names.get("actor"), arabic)
    partners = _names(names.get("counterpart"), arabic)
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
    (the sentence of each group's latest event) fill the tooltips. ``name`` (an arc's origin: ``oname``) is the
    place's English name, for its label. A country-level place (``countries.of``) is tagged with its ``iso`` (so
    ``points_layer`` draws its outline) and an arc to or from one ends at its capital, as the tooltips say."""
    rows = Objects(total=total)
    for g in found:
        values = tuple(str(g[c]) for c in by)
        place, origin = g.get("place_id"), g.get("origin_id")          # there when grouped by them (arcs are)
        where = _bilingual(g["place_en"] or "", g["place_ar"] or "") + countries.note(place)
        if arcs:
            where = f"{_bilingual(g['origin_en'] or '', g['origin_ar'] or '')}{countries.note(origin)} → {where}"
        kind = noun_kind or str(g.get("type") or "")
        lat, lon = float(g["lat"]), float(g["lon"])
        if arcs:
            lat, lon = countries.anchor(place, lat, lon)
        row = {"key": selection_key(list(zip(by, values))), "count": g["n"], "planned": g["planned"],
               "lat": round(lat, 4), "lon": round(lon, 4), "name": g["place_en"] or "", "last_day": g["last_day"],
               **dict(zip(by, values)), **tips(g, names.get(values, {}), arabic or {}, texts.get(g["last_id"], ""), kind, where)}
        if arcs:
            olat, olon = countries.anchor(origin, float(g["olat"]), float(g["olon"]))
            row |= {"olat": round(olat, 4), "olon": round(olon, 4), "oname": g["origin_en"] or ""}
        elif country := countries.of(place):
            row["iso"] = country.iso
        rows.append(row)
    return rows


def incident_tips(rows: list[dict], facts: dict[str, dict], noun_kind: str = "") -> None:
    """Tooltips of objects that stand for one incident each (``facts``: their rows of ``queries.incident_objects``):
    what happened once, how many reports (those the filters keep, of how many), by which outlets, and how sure that
    makes it (``geo.incidents.confidence``). Each is selected as its incident: a click lists all its reports."""
    for r in rows:
        f = facts.get(r.get("incident"))
        if f is None:
            continue
        r["key"] = selection_key([("incident", r["incident"])])
        one, _ = _NOUNS.get(noun_kind or f["kind"], _NOUNS[""])
        status = "planned " if f["status"] == "planned" else ""
        shown = r["count"]
        reports = f"{shown} of its {f['reports']} reports" if shown != f["reports"] else plural(shown, "report")
        names = [f"article {n[4:]}" if n.startswith("doc:") else n             # no outlet named: the article
                 for n in (f["outlet_names"] or "").split("; ") if n]
        outlets = ", ".join(names[:TIP_NAMES]) + (f" (+{len(names) - TIP_NAMES} more)" if len(names) > TIP_NAMES else "")
        r["outlets"] = f["outlets"]
        r["t_head"] = tip_text(f"1 {status}{one}: {reports}, {plural(f['outlets'], 'outlet')}")
        r["t_more"] = tip_text(f"Reported by {outlets or 'an unnamed outlet'}; {plural(f['sources'], 'independent source')}"
                               f", confidence {f['confidence']:.0%}. "
                               + ("Click for its source." if shown == 1 else f"Click to list its {shown} reports."))


def color_column(color_by: str) -> str:
    """The store's column that colours visits: the first actor, or the first affiliation."""
    return "aff_key" if color_by == "affiliation" else "actor_key"


# ---- layers ---------------------------------------------------------------------------------------------

def _radius(count: int, base: float = 4.0, step: float = 3.0) -> float:
    return round(base + step * math.sqrt(count), 1)


def points_layer(layer_id: str, rows: list[dict], color_of, base: float = 4.0) -> list[pdk.Layer]:
    """Circles sized by the number of events; ``color_of(row)`` gives [r, g, b, a]. A country (``objects`` tagged
    it with its ``iso``) is not a point: it is drawn as its outline, lightly filled, in a layer of its own
    (``{layer_id}-outlines``) to go under the dots; one without an outline on the map (Tuvalu, the Vatican) stays
    a dot. Returns [outlines, dots], or [dots] when no row is such a country."""
    areas = [r for r in rows if _outline(r.get("iso"))]
    dots = [r for r in rows if not _outline(r.get("iso"))] if areas else rows
    data = Objects([r | {"color": list(color_of(r)), "radius": _radius(r["count"], base)} for r in dots],
                   total_objects(rows) - len(areas))
    layer = pdk.Layer("ScatterplotLayer", id=layer_id, data=data, get_position="[lon, lat]",
                      get_fill_color="color", get_radius="radius", radius_units=PIXELS, stroked=True,
                      get_line_color=[255, 255, 255, 200], line_width_min_pixels=1, pickable=True, auto_highlight=True)
    return ([_areas_layer(f"{layer_id}-outlines", areas, color_of)] if areas else []) + [layer]


def _ring_area(ring: list) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


@lru_cache(maxsize=512)
def _outline(iso: str | None) -> tuple | None:
    """A country's polygons ([outer ring, holes…] each) as the map fills them: its outline on the basemap
    (``basemap.country_shape``) without the islands under ``MIN_PART_DEG2`` (the basemap still draws them; the
    largest part always stays), or None when the map has no outline for it."""
    shape = basemap.country_shape(iso) if iso else None
    if not shape:
        return None
    parts = shape["coordinates"] if shape["type"] == "MultiPolygon" else [shape["coordinates"]]
    areas = [_ring_area(p[0]) for p in parts]
    floor = min(MIN_PART_DEG2, max(areas))
    return tuple(p for p, a in zip(parts, areas) if a >= floor)


def _areas_layer(layer_id: str, rows: list[dict], color_of) -> pdk.Layer:
    """Countries as their outlines: one object per polygon of a country (PolygonLayer draws one polygon per
    object), each with the country's key and tooltip; ``total`` counts countries (``fit`` counts objects by key).
    A country is drawn once, for all its rows: the incidents of one country would stack their fills into an opaque
    one. Its tooltip counts them all; a click picks the largest."""
    first: dict[str, dict] = {}
    together: dict[str, list[dict]] = {}
    for r in rows:                                  # biggest first
        first.setdefault(r["iso"], r)
        together.setdefault(r["iso"], []).append(r)
    data = []
    for iso, r in first.items():
        if len(together[iso]) > 1:
            total = sum(x["count"] for x in together[iso])
            r = r | {"count": total, "t_head": tip_text(f"{len(together[iso])} incidents: {plural(total, 'report')}"),
                     "t_more": tip_text(f"The largest, which a click lists: {r['t_head']}. {r['t_more']} Choose “The "
                                        "map shows: Reports” to see all of this country's reports as one.")}
        rgb = list(color_of(r))[:3]
        data += [r | {"polygon": part, "color": rgb + [AREA_ALPHA], "line": rgb + [200]} for part in _outline(r["iso"])]
    return pdk.Layer("PolygonLayer", id=layer_id, data=Objects(data, len(first)), get_polygon="polygon",
                     get_fill_color="color", get_line_color="line", line_width_min_pixels=1, stroked=True,
                     filled=True, pickable=True, auto_highlight=True)


def labels_layer(rows: list[dict], base: float = 4.0) -> list[pdk.Layer]:
    """The English names of the places of a map's objects ``rows`` (points and arcs, as ``objects`` makes them):
    a point's place just above its dot (``base`` as for its ``points_layer``; a country drawn as its outline at its
    own point), and an arc's ends that are not countries (an arc ends at a country's capital, which is not where
    the country's name goes). The busiest ``MAX_LABELS`` (events there, and arcs leaving) go in a layer whose
    labels give way to busier ones where they would overlap (deck.gl's collision filter: more show as one zooms
    in); the ``ALWAYS_LABELLED`` busiest again in one without the filter, so they always show (passing over a
    place within ``ALWAYS_APART_KM`` of a busier one: a site in a city would sit on the city's name at any zoom but
    a street's). Not pickable: a label is no object of its own."""
    places: dict = {}

    def add(place_id, name, lat, lon, n: int, radius: float) -> None:
        if name:
            p = places.setdefault(place_id or (name, lat, lon), {"name": name, "lat": lat, "lon": lon, "n": 0, "r": 0.0})
            p["n"], p["r"] = p["n"] + n, max(p["r"], radius)

    for r in rows:
        if "olat" in r:
            for place_id, name, lat, lon, n in ((r.get("origin_id"), r.get("oname"), r["olat"], r["olon"], r["count"]),
                                                (r.get("place_id"), r.get("name"), r["lat"], r["lon"], 0)):
                if not countries.of(place_id):
                    add(place_id, name, lat, lon, n, ARC_END_RADIUS)
        else:
            add(r.get("place_id"), r.get("name"), r["lat"], r["lon"], r["count"],
                0.0 if _outline(r.get("iso")) else _radius(r["count"], base))
    ranked = sorted(places.values(), key=lambda p: (-p["n"], p["name"]))[:MAX_LABELS]
    top: list[int] = []
    for i, p in enumerate(ranked):
        if len(top) < ALWAYS_LABELLED and all(_km(p, ranked[j]) >= ALWAYS_APART_KM for j in top):
            top.append(i)
    # The busiest are in both layers, drawn the same (size ``s``): in the filtered one they hold their place (with
    # the highest priorities; collision priorities must lie in [-1000, 1000]), so no other name overlaps them.
    data = [{"name": p["name"], "lat": p["lat"], "lon": p["lon"], "dy": -round(min(p["r"] + 2, LABEL_LIFT), 1), "p": 1000 - i,
             "s": 13 if i in top else 12} for i, p in enumerate(ranked)]
    text = dict(get_text="name", get_position="[lon, lat]", get_pixel_offset="[0, dy]", get_size="s",
                get_color=LABEL_COLOR, size_units=PIXELS, get_text_anchor=String("middle"),
                get_alignment_baseline=String("bottom"), character_set=String("auto"), font_family=LABEL_FONT,
                font_weight=600, font_settings=LABEL_SDF, outline_width=LABEL_HALO, outline_color=LABEL_OUTLINE,
                pickable=False)
    return [pdk.Layer("TextLayer", id=LABEL_IDS[0], data=data, extensions=[{"@@type": "CollisionFilterExtension"}],
                      get_collision_priority="p", background=True, get_background_color=[255, 255, 255, 0],
                      background_padding=LABEL_FOOTPRINT, **text),
            pdk.Layer("TextLayer", id=LABEL_IDS[1], data=[data[i] for i in top], **text)]


def _km(a: dict, b: dict) -> float:
    """Great-circle distance between two points (``lat``, ``lon``)."""
    la1, la2, dlon = math.radians(a["lat"]), math.radians(b["lat"]), math.radians(b["lon"] - a["lon"])
    c = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(dlon)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


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
    """All three kinds: places by kind, and arcs for visits and diplomatic flows; place names over them. A country
    is one outline for all its events (one outline cannot be several dots of a kind each), coloured by its most
    frequent kind (on a map of incidents, by its largest incident's: ``_areas_layer``)."""
    pts = page.objects(("type", "place_id"))
    if not page.incidents and any(_outline(r.get("iso")) for r in pts):        # an incident is one object already
        drawn_whole = page.query.narrowed(places=_outlined_countries())      # the store groups those places only
        whole = page.objects(("place_id",), query=drawn_whole)
        kind_of = page.ask("dominant", drawn_whole, "type")
        cities = [r for r in pts if not _outline(r.get("iso"))]
        merged = sorted(cities + [r | {"type": kind_of.get(r["place_id"], "")} for r in whole],
                        key=lambda r: -r["count"])           # biggest first, as ``fit`` expects (a stable sort)
        pts = Objects(merged, total_objects(pts) - (len(pts) - len(cities)) + len(whole))
    kinds = [k for k in ARC_KINDS if not page.query.kinds or k in page.query.kinds]
    arcs = page.objects(("type", "origin_id", "place_id"), "arc", page.query.narrowed(kinds=tuple(kinds))) \
        if kinds else Objects()
    return [*points_layer("places", pts, lambda r: _rgba(KIND_COLORS.get(r["type"], (99, 99, 99)), 170)),
            arcs_layer("arcs", arcs, lambda r: _rgba(KIND_COLORS.get(r["type"], (99, 99, 99)), 190)),
            *labels_layer([*pts, *arcs])]


@lru_cache(maxsize=1)
def _outlined_countries() -> tuple[str, ...]:
    """The place ids of the countries a map draws as outlines (``_outline``), sorted."""
    return tuple(sorted(c.id for c in countries.countries().values() if _outline(c.iso) is not None))


def _iso(place_id) -> str | None:
    country = countries.of(place_id)
    return country.iso if country else None


def key_color(key: str | None, column: str) -> tuple[int, int, int]:
    """The colour of a value of ``column`` (``color_column``): an affiliation's fixed colour, else a stable colour
    of the value itself (``style.palette_color``: a hash of the actor's English name, the key the map groups by;
    the store's actor ids are not in its groups, and a name is the same in every store). Never its rank: an actor
    keeps its colour in every view and after every upload. A missing key ("unknown"; ``objects`` writes a missing
    value as "None") is grey."""
    if key is None or str(key) in ("", "None") or str(key).casefold() == "unknown":
        return UNKNOWN
    return group_color(str(key), AFFILIATION_COLORS if column == "aff_key" else None)


def visit_colors(found: list[dict], column: str) -> dict[str, tuple[int, int, int]]:
    """A colour per value of ``column`` (``color_column``), from the store's groups by it, most frequent first
    (the legend's order): each key's own (``key_color``), whatever else is on the map."""
    counts = sorted(((str(g[column] or "") or "unknown", g["n"]) for g in found), key=lambda kv: (-kv[1], kv[0]))
    return {k: key_color(k, column) for k, _ in counts}


def visit_layers(page, column: str) -> list[pdk.Layer]:
    """Arcs from the visitor's home base to the destination (planned ones dim and thin); destinations by count,
    coloured by ``column`` (``color_column``) as the legend is (``key_color``)."""
    arcs = page.objects(("origin_id", "place_id", column, "status"), "arc")
    dest = page.objects(("place_id",))
    main = page.ask("dominant", page.query, column)
    shade = lambda key: key_color(key, column)  # noqa: E731
    *outlines, dots = points_layer("destinations", dest, lambda r: _rgba(shade(main.get(r["place_id"])), 190), base=5)
    return [
        *outlines,
        arcs_layer("visit-arcs", arcs, lambda r: _rgba(shade(r[column]), 80 if r["status"] == "planned" else 220),
                   lambda r: (1 + 1.5 * math.sqrt(r["count"])) * (0.5 if r["status"] == "planned" else 1)),
        dots, *labels_layer([*dest, *arcs], base=5),
    ]


def flow_layers(page) -> list[pdk.Layer]:
    """Arcs between seats, wider for more interactions, coloured by subtype; the places they reach."""
    arcs = page.objects(("origin_id", "place_id", "subtype"), "arc")
    dest = page.objects(("place_id",))
    main = page.ask("dominant", page.query, "subtype")
    *outlines, dots = points_layer("flow-places", dest,
                                   lambda r: _rgba(group_color(main.get(r["place_id"]), SUBTYPE_COLORS), 150), base=3)
    return [*outlines, arcs_layer("flow-arcs", arcs, lambda r: _rgba(group_color(r["subtype"], SUBTYPE_COLORS), 200)),
            dots, *labels_layer([*dest, *arcs], base=3)]


FRONT_NEW = (200, 20, 20)                # a place reported in the period, not the one before: strong red, ringed
FRONT_SEEN = (235, 150, 110)             # one reported the period before as well
FRONT_RING = (90, 0, 0)


def front_layers(page, period, before=None) -> list[pdk.Layer]:
    """The period's contested places (the query ``period``), sized by reports and named; those not reported in the
    period before (the query ``before``; None for no period before: all periods) strong red and ringed (the
    ``contested-new`` layer), the others paler."""
    pts = page.objects(("place_id",), query=period, noun_kind="front_line")
    earlier = None if before is None else {str(g["place_id"]) for g in page.ask("groups", before, ("place_id",),
                                                                                  "place", None)[0]}
    for r in pts:
        r["new"] = earlier is not None and str(r["place_id"]) not in earlier
        if r["new"]:
            r["t_head"] = tip_text(f"{r['t_head']}: new this period")
    color = lambda r: _rgba(FRONT_SEEN if earlier is not None and not r["new"] else FRONT_NEW, 220)  # noqa: E731
    out = points_layer("contested", pts, color, base=5)
    new = [r | {"radius": _radius(r["count"], 5) + 4} for r in pts if r["new"] and not _outline(r.get("iso"))]
    if new:
        out.append(pdk.Layer("ScatterplotLayer", id="contested-new", data=Objects(new, len(new)),
                             get_position="[lon, lat]", get_radius="radius", radius_units=PIXELS, stroked=True,
                             filled=False, get_line_color=_rgba(FRONT_RING, 230), line_width_min_pixels=2,
                             pickable=True, auto_highlight=True))
    return [*out, *labels_layer(pts, base=5)]


def highlight_layer(selected: pd.DataFrame | None) -> list[pdk.Layer]:
    """Rings around the places (and home bases) of the selected events, where their arcs end (a country's
    capital: ``countries.anchor``); and the outlines of the countries among them, drawn bright."""
    if selected is None or selected.empty:
        return []
    none = [None] * len(selected)
    ends = list(zip(selected.get("place_id", none), selected["lat"], selected["lon"]))
    ends += list(zip(selected.get("origin_id", none), selected["origin_lat"], selected["origin_lon"]))
    pts, shapes = set(), {}
    for place_id, la, lo in ends:
        if la is None or lo is None or la != la or lo != lo:
            continue
        la, lo = countries.anchor(place_id, float(la), float(lo))
        pts.add((round(lo, 4), round(la, 4)))
        iso = _iso(place_id)
        if iso and _outline(iso):
            shapes[iso] = basemap.country_shape(iso)
    data = [{"lon": lo, "lat": la} for lo, la in sorted(pts)]
    rings = [pdk.Layer("ScatterplotLayer", id="selection", data=data, get_position="[lon, lat]", get_radius=16,
                       radius_units=PIXELS, stroked=True, filled=False, get_line_color=HIGHLIGHT + [255],
                       line_width_min_pixels=3, pickable=False)]
    if not shapes:
        return rings
    outlines = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": shapes[iso]}
                                                          for iso in sorted(shapes)]}     # a dict: not trimmed by ``fit``
    return [pdk.Layer("GeoJsonLayer", id="selection-outlines", data=outlines, filled=False, stroked=True,
                      get_line_color=HIGHLIGHT + [255], line_width_min_pixels=2.5, pickable=False)] + rings


def _data_layers(deck: pdk.Deck) -> list[pdk.Layer]:
    """The layers ``fit`` may trim: the event layers' objects (not the basemap, the selection or the labels)."""
    return [lyr for lyr in deck.layers if lyr.id not in ("countries", "selection", *LABEL_IDS)
            and isinstance(lyr.data, list)]


def _objects_in(data: list) -> int:
    """How many objects a layer's rows stand for: a country drawn as its outline has a row per polygon, each with
    the country's key."""
    return len({r.get("key", i) for i, r in enumerate(data)})


def _first(data: list, n: int) -> list:
    """The rows of a layer's first ``n`` objects (a country's rows come together)."""
    seen: set = set()
    out = []
    for i, r in enumerate(data):
        key = r.get("key", i)
        if key not in seen:
            if len(seen) == n:
                break
            seen.add(key)
        out.append(r)
    return out


def _drawn(data_layers: list[pdk.Layer]) -> set[tuple[float, float]]:
    """Where the objects left on the map are: points, countries' own points, both ends of arcs."""
    out = set()
    for lyr in data_layers:
        for r in lyr.data:
            if "lon" in r:
                out.add((r["lon"], r["lat"]))
            if "olon" in r:
                out.add((r["olon"], r["olat"]))
    return out


def _row_bytes(rows: list) -> list[int]:
    """Running totals of the bytes each row of a layer adds to the deck's JSON (its own JSON as ``CompactDeck``
    writes it, and the comma before it): a prefix of ``k`` rows is ``2 + totals[k - 1]`` bytes (the brackets)."""
    total, out = -1, []                                       # the first row has no comma before it
    for r in rows:
        total += 1 + len(_ROW_JSON.encode(r).encode("utf-8"))
        out.append(total)
    return out


_ROW_JSON = json.JSONEncoder(sort_keys=True, default=default_serialize, separators=(",", ":"), ensure_ascii=False)


def _prefix_bytes(totals: list[int], n: int) -> int:
    """The bytes of a layer's data of its first ``n`` rows (``_row_bytes``' totals): ``[]`` is 2."""
    return 2 + (totals[n - 1] if n else 0)


def fit(deck: CompactDeck, budget: int = MAX_DECK_BYTES, cap: int = MAX_OBJECTS) -> int:
    """Keep at most ``cap`` objects per layer, then drop the smallest objects of the biggest layer until the
    deck's JSON fits the budget (objects come biggest first). The labels do not count against the budget (there are
    at most ``MAX_LABELS``: no object is left out to make room for names); afterwards they name only places still
    drawn. Each row is serialized once: the deck is its layers without their rows plus their rows' bytes, and a
    trimmed layer (always its first rows) its first rows' bytes. Returns how many objects were left out, those
    ``aggregate`` already left out included."""
    data_layers = _data_layers(deck)
    totals = [lyr.data.total if isinstance(lyr.data, Objects) else _objects_in(lyr.data) for lyr in data_layers]
    for lyr in data_layers:
        lyr.data = _first(lyr.data, cap)
    rows = {id(lyr): _row_bytes(lyr.data) for lyr in data_layers}
    every, kept_data = deck.layers, [lyr.data for lyr in data_layers]
    deck.layers = [lyr for lyr in every if lyr.id not in LABEL_IDS]
    try:
        for lyr in data_layers:
            lyr.data = []
        size = len(deck.to_json().encode("utf-8"))                    # the deck but its layers' rows …
    finally:
        deck.layers = every
        for lyr, data in zip(data_layers, kept_data):
            lyr.data = data
    size += sum(_prefix_bytes(rows[id(lyr)], len(lyr.data)) - 2 for lyr in data_layers)     # … and their rows
    while size > budget:
        layers = [lyr for lyr in data_layers if _objects_in(lyr.data) > 1]
        if not layers:
            break
        big = max(layers, key=lambda lyr: _objects_in(lyr.data))
        kept = _first(big.data, _objects_in(big.data) // 2)
        size += _prefix_bytes(rows[id(big)], len(kept)) - _prefix_bytes(rows[id(big)], len(big.data))
        big.data = kept
    drawn = _drawn(data_layers)
    for lyr in every:
        if lyr.id in LABEL_IDS:
            lyr.data = [r for r in lyr.data if (r["lon"], r["lat"]) in drawn]
    return sum(total - _objects_in(lyr.data) for total, lyr in zip(totals, data_layers))


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
