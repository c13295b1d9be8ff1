"""The basemap: offline by default (a plain style served from static/ plus Natural Earth's countries, coasts and
borders, also served from static/basemap/, zero outside requests); online tiles only when asked for.

The offline map is the whole world at 1:50m, with 1:10m drawn over it in a box around Libya and its neighbours
(``basemap_build.BOX``; a sea-coloured rectangle under the fine data hides the coarse one there, so the two never
show at once). The layers get the files' URLs, not their contents: the browser fetches each file once from the
app's own server and caches it, and the deck JSON of every map stays small. The files are made by
``python -m atlas_app.basemap_build`` (see static/basemap/SOURCE.md).

Switch with the environment variable ``ATLAS_BASEMAP``: ``offline`` (default), ``online`` (Carto's light
tiles), or a style URL of your own; or in ``.streamlit/secrets.toml``: ``[atlas] basemap = "online"``.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pydeck as pdk
import streamlit as st

from .basemap_build import BOX

STATIC = "app/static"                               # static/ served with server.enableStaticServing
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
OFFLINE_STYLE = f"{STATIC}/atlas-offline-style.json"
ONLINE_STYLE = pdk.map_styles.CARTO_LIGHT
WORLD_COUNTRIES, WORLD_LINES = "basemap/countries-50m.json", "basemap/lines-50m.json"
BOX_COUNTRIES, BOX_LINES = "basemap/countries-10m.json", "basemap/lines-10m.json"
FILES = (WORLD_COUNTRIES, WORLD_LINES, BOX_COUNTRIES, BOX_LINES)
SEA = [219, 231, 240]                               # the offline style's background, #dbe7f0
LAND = [247, 244, 236]
BORDER = [180, 180, 180]
COAST = [140, 150, 160]
# deck.gl's JSON expression per line feature: the coast darker than the borders between countries.
LINE_COLOR = f"properties.kind == 'coast' ? {COAST} : {BORDER}"


def _configured() -> str:
    value = os.environ.get("ATLAS_BASEMAP", "").strip()
    if value:
        return value
    try:
        return str(st.secrets.get("atlas", {}).get("basemap", "")).strip()
    except Exception:  # no secrets file: nothing configured
        return ""


def mode() -> str:
    """``offline`` or ``online``."""
    return "offline" if _configured().lower() in ("", "offline") else "online"


def static_url(path: str) -> str:
    """The URL of a file of static/ as the browser reaches it: under the app's base path (server.baseUrlPath)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/{STATIC}/{path}" if base else f"/{STATIC}/{path}"


def map_style() -> str:
    """The style URL: the served offline style (under the app's base path), Carto's light tiles, or a given URL."""
    value = _configured()
    if value.lower() in ("", "offline"):
        return static_url(OFFLINE_STYLE.removeprefix(f"{STATIC}/"))
    if value.lower() == "online":
        return ONLINE_STYLE
    return value


def describe() -> str:
    """One line telling which basemap is in use and how to switch."""
    if mode() == "offline":
        return "Basemap: offline map (Natural Earth). Set ATLAS_BASEMAP=online for map tiles."
    return f"Basemap: online tiles ({map_style()}). Unset ATLAS_BASEMAP for the offline map."


def box_polygon() -> dict:
    """The fine data's box as a GeoJSON feature collection (a dict, so the deck's size budget leaves it alone)."""
    x0, y0, x1, y1 = BOX
    ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}


def _fill(layer_id: str, data, color: list) -> pdk.Layer:
    return pdk.Layer("GeoJsonLayer", id=layer_id, data=data, filled=True, stroked=False, get_fill_color=color,
                     pickable=False)


def _lines(layer_id: str, url: str) -> pdk.Layer:
    return pdk.Layer("GeoJsonLayer", id=layer_id, data=url, filled=False, stroked=True, get_line_color=LINE_COLOR,
                     line_width_min_pixels=0.7, pickable=False)


def layers() -> list[pdk.Layer]:
    """Layers drawn under the events when offline (none when tiles are online): the world's land and lines at
    1:50m, then the box around Libya at 1:10m over a sea-coloured rectangle that hides the coarse data there."""
    if mode() == "online":
        return []
    return [_fill("countries", static_url(WORLD_COUNTRIES), LAND),
            _lines("basemap-lines", static_url(WORLD_LINES)),
            _fill("basemap-box-sea", box_polygon(), SEA),
            _fill("basemap-box", static_url(BOX_COUNTRIES), LAND),
            _lines("basemap-box-lines", static_url(BOX_LINES))]


@lru_cache(maxsize=1)
def _country_shapes() -> dict[str, dict]:
    """ISO alpha-2 -> the country's geometry in the world file (1:50m), read once per process."""
    with open(STATIC_DIR / WORLD_COUNTRIES, encoding="utf-8") as f:
        features = json.load(f)["features"]
    return {ft["properties"]["iso_a2"]: ft["geometry"] for ft in features if ft["properties"].get("iso_a2")}


def country_shape(iso: str) -> dict | None:
    """The outline of a country (a GeoJSON Polygon or MultiPolygon, 1:50m), or None when the map has none."""
    return _country_shapes().get(iso)
