"""Events as CSV, GeoJSON or JSON: the same rows the app shows, for other tools, each with the id of the incident
it reports (``geo.store.incidents``); and the store's history of changes (``geo.history``) as CSV or JSON."""
from __future__ import annotations

import csv
import io
import json

COLUMNS = ["id", "incident_id", "type", "subtype", "status", "date_start", "date_end", "date_precision", "date_source",
           "actors_en", "actors_ar", "affiliation", "counterparts_en", "counterparts_ar",
           "place_en", "place_ar", "lat", "lon", "origin_en", "origin_ar", "origin_lat", "origin_lon",
           "confidence", "doc_id", "sentence", "sentence_text", "trigger"]
CHANGE_COLUMNS = ["id", "at", "who", "action", "target", "doc_id", "version", "detail"]


def export_events(rows: list[dict], fmt: str) -> str:
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "geojson":
        return json.dumps(to_geojson(rows), ensure_ascii=False)
    if fmt == "json":
        return json.dumps([{k: r.get(k) for k in COLUMNS} for r in rows], ensure_ascii=False, indent=1)
    raise ValueError(f"unknown format {fmt!r}")


def export_changes(rows: list[dict], fmt: str) -> str:
    """The history (as ``geo.history.changes`` gives it) as JSON, or as CSV with each detail as JSON text."""
    return export_records(rows, fmt, CHANGE_COLUMNS, ("detail",))


def export_records(rows: list[dict], fmt: str, columns: list[str], nested: tuple[str, ...] = ()) -> str:
    """Records as JSON (nested values as objects), or as CSV of ``columns`` with the ``nested`` values written as
    JSON text (formula-like cells defused)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return to_csv([r | {k: json.dumps(r.get(k), ensure_ascii=False) for k in nested} for r in rows], columns)
    raise ValueError(f"unknown format {fmt!r}")


BOM = "\ufeff"      # UTF-8's byte-order mark: without it, Excel reads a UTF-8 CSV as Windows-1252 and garbles Arabic


def to_csv(rows: list[dict], columns: list[str] = COLUMNS) -> str:
    """CSV that opens in a spreadsheet with its Arabic intact (a byte-order mark first) and whose text cells cannot
    run as formulas (article text is data, not code)."""
    buf = io.StringIO()
    buf.write(BOM)
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    w.writerows({k: spreadsheet_safe(v) for k, v in r.items()} for r in rows)
    return buf.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that starts like a formula (``=``, ``+``, ``-``, ``@``…) gets a leading apostrophe, so a
    spreadsheet opening the CSV shows it instead of running it; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_geojson(rows: list[dict]) -> dict:
    """A point per event at its place; origin coordinates stay in the properties (for arcs)."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                 "properties": {k: r.get(k) for k in COLUMNS if k not in ("lat", "lon")}}
                for r in rows if r.get("lat") is not None and r.get("lon") is not None]
    return {"type": "FeatureCollection", "features": features}
