"""The basemap: offline by default (a plain style served from static/ plus country outlines from
``countryinfo``, zero outside requests); online tiles only when asked for.

Switch with the environment variable ``ATLAS_BASEMAP``: ``offline`` (default), ``online`` (Carto's light
tiles), or a style URL of your own; or in ``.streamlit/secrets.toml``: ``[atlas] basemap = "online"``.
"""
from __future__ import annotations

import os

import pydeck as pdk
import streamlit as st

OFFLINE_STYLE = "app/static/atlas-offline-style.json"   # static/ served with server.enableStaticServing
ONLINE_STYLE = pdk.map_styles.CARTO_LIGHT
LAND = [247, 244, 236]
BORDER = [170, 170, 170]


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


def map_style() -> str:
    """The style URL: the served offline style (under the app's base path), Carto's light tiles, or a given URL."""
    value = _configured()
    if value.lower() in ("", "offline"):
        base = str(st.get_option("server.baseUrlPath") or "").strip("/")
        return f"/{base}/{OFFLINE_STYLE}" if base else f"/{OFFLINE_STYLE}"
    if value.lower() == "online":
        return ONLINE_STYLE
    return value


def describe() -> str:
    """One line telling which basemap is in use and how to switch."""
    if mode() == "offline":
        return "Basemap: offline country outlines. Set ATLAS_BASEMAP=online for map tiles."
    return f"Basemap: online tiles ({map_style()}). Unset ATLAS_BASEMAP for the offline map."


def simplify_ring(ring: list, digits: int = 2) -> list:
    """A ring with coordinates rounded and repeated points dropped (keeps the deck JSON small)."""
    out: list = []
    for x, y in ring:
        p = [round(float(x), digits), round(float(y), digits)]
        if not out or out[-1] != p:
            out.append(p)
    if len(out) >= 4 and out[0] != out[-1]:
        out.append(out[0])
    return out if len(out) >= 4 else []


def _simplify(geometry: dict) -> dict | None:
    if geometry.get("type") == "Polygon":
        rings = [r for r in (simplify_ring(r) for r in geometry["coordinates"]) if r]
        return {"type": "Polygon", "coordinates": rings} if rings else None
    if geometry.get("type") == "MultiPolygon":
        polys = [[r for r in (simplify_ring(r) for r in poly) if r] for poly in geometry["coordinates"]]
        polys = [p for p in polys if p]
        return {"type": "MultiPolygon", "coordinates": polys} if polys else None
    return None


def build_countries() -> dict:
    """One FeatureCollection of every country outline countryinfo ships (simplified)."""
    import countryinfo
    features = []
    for country in countryinfo.all_countries():
        try:
            gj = country.geo_json() or {}
        except Exception:  # a country without shapes
            continue
        for feat in gj.get("features", []):
            geom = _simplify(feat.get("geometry") or {})
            if geom:
                features.append({"type": "Feature", "properties": {"name": feat.get("properties", {}).get("name", "")},
                                 "geometry": geom})
    return {"type": "FeatureCollection", "features": features}


@st.cache_resource(show_spinner=False)
def countries() -> dict:
    """The outlines, built once per process."""
    return build_countries()


def layers() -> list[pdk.Layer]:
    """Layers drawn under the events: country outlines when offline, none when tiles are online."""
    if mode() == "online":
        return []
    return [pdk.Layer("GeoJsonLayer", id="countries", data=countries(), stroked=True, filled=True,
                      get_fill_color=LAND, get_line_color=BORDER, line_width_min_pixels=0.6, pickable=False)]
