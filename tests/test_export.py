"""geo.export on hand-made rows: CSV columns, GeoJSON [lon, lat] points, JSON; the history of changes."""
from __future__ import annotations

import csv
import io
import json

import pytest

from geo.export import BOM, CHANGE_COLUMNS, COLUMNS, export_changes, export_events, to_csv, to_geojson

TRIPOLI = {
    "id": "ev-1", "type": "front_line", "subtype": "fighting", "status": "occurred",
    "date_start": "2019-04-04", "date_end": "2019-04-04", "date_precision": "day", "date_source": "text",
    "actors_en": "Khalifa Haftar", "actors_ar": "خليفة حفتر", "affiliation": "LNA",
    "counterparts_en": "Government of National Accord", "counterparts_ar": "حكومة الوفاق",
    "place_en": "Tripoli", "place_ar": "طرابلس", "lat": 32.8872, "lon": 13.1913,
    "origin_en": "Al Rajma", "origin_ar": "الرجمة", "origin_lat": 32.08, "origin_lon": 20.34,
    "confidence": 0.8, "doc_id": "003", "sentence": 2,
    "sentence_text": 'هاجمت قوات حفتر طرابلس، وقال "المتحدث": لا تراجع.\nسطر ثان',
    "trigger": "هاجمت",
    "doc_title": "not an export column", "url": "https://example.org/x",
}
NOWHERE = {**TRIPOLI, "id": "ev-2", "type": "visit", "lat": None, "lon": None, "place_en": None}
HALF = {**TRIPOLI, "id": "ev-3", "lon": None}
NULL_ISLAND = {**TRIPOLI, "id": "ev-4", "lat": 0.0, "lon": 0.0}


def test_csv_has_the_columns_in_order_and_one_row_per_event():
    text = to_csv([TRIPOLI, NOWHERE])
    reader = csv.DictReader(io.StringIO(text.removeprefix(BOM), newline=""))
    assert reader.fieldnames == COLUMNS
    rows = list(reader)
    assert [r["id"] for r in rows] == ["ev-1", "ev-2"]
    first = rows[0]
    assert first["sentence_text"] == TRIPOLI["sentence_text"]        # comma, quotes and newline survive
    assert first["actors_ar"] == "خليفة حفتر"
    assert (float(first["lat"]), float(first["lon"])) == (32.8872, 13.1913)
    assert rows[1]["lat"] == rows[1]["lon"] == ""
    assert "doc_title" not in text and "example.org" not in text   # only the export columns


def test_csv_of_no_rows_is_just_the_header():
    assert to_csv([]).splitlines() == [BOM + ",".join(COLUMNS)]


def test_csv_fills_missing_keys_with_empty_cells():
    rows = list(csv.DictReader(io.StringIO(to_csv([{"id": "only-id"}]).removeprefix(BOM), newline="")))
    assert rows == [{c: ("only-id" if c == "id" else "") for c in COLUMNS}]


def test_geojson_points_are_lon_then_lat():
    fc = to_geojson([TRIPOLI])
    assert fc["type"] == "FeatureCollection"
    (feature,) = fc["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [13.1913, 32.8872]}
    props = feature["properties"]
    assert "lat" not in props and "lon" not in props
    assert props["type"] == "front_line" and props["status"] == "occurred"
    assert props["sentence_text"] == TRIPOLI["sentence_text"]
    assert (props["origin_lon"], props["origin_lat"]) == (20.34, 32.08)   # for arcs
    assert set(props) == set(COLUMNS) - {"lat", "lon"}


def test_geojson_skips_rows_without_coordinates_but_keeps_zero_zero():
    fc = to_geojson([NOWHERE, TRIPOLI, HALF, NULL_ISLAND])
    assert [f["properties"]["id"] for f in fc["features"]] == ["ev-1", "ev-4"]
    assert fc["features"][1]["geometry"]["coordinates"] == [0.0, 0.0]


def test_geojson_of_no_rows_is_an_empty_collection():
    assert to_geojson([]) == {"type": "FeatureCollection", "features": []}


def test_export_events_formats():
    geo = json.loads(export_events([TRIPOLI, NOWHERE], "geojson"))
    assert len(geo["features"]) == 1
    as_json = export_events([TRIPOLI, NOWHERE], "json")
    assert "خليفة حفتر" in as_json                                      # Arabic, not \\u escapes
    data = json.loads(as_json)
    assert [list(d) for d in data] == [COLUMNS, COLUMNS]
    assert data[0]["lat"] == 32.8872 and data[1]["lat"] is None
    assert export_events([TRIPOLI], "csv") == to_csv([TRIPOLI])
    with pytest.raises(ValueError, match="unknown format"):
        export_events([TRIPOLI], "kml")


UNDO = {"id": 7, "at": "2025-01-02T10:00:00+00:00", "who": "ana@example.org", "action": "undo", "target": "3",
        "doc_id": "003", "version": None, "detail": {"kind": "event_status", "target": "=HYPERLINK(\"x\")"}}
ADDED = {"id": 1, "at": "2025-01-01T09:00:00+00:00", "who": "local", "action": "article_added", "target": "003",
         "doc_id": "003", "version": 1, "detail": {"title": "-قصف طرابلس", "source": "seeds"}}


def test_the_history_as_csv_has_who_when_and_what_with_details_as_json_text():
    rows = list(csv.DictReader(io.StringIO(export_changes([UNDO, ADDED], "csv").removeprefix(BOM), newline="")))
    assert list(rows[0]) == CHANGE_COLUMNS
    assert [(r["who"], r["action"], r["at"]) for r in rows] == [("ana@example.org", "undo", UNDO["at"]),
                                                                ("local", "article_added", ADDED["at"])]
    assert json.loads(rows[1]["detail"]) == ADDED["detail"]          # Arabic intact, a leading '-' is only data
    assert export_changes([ADDED], "csv").count("قصف طرابلس") == 1


def test_the_history_as_json_keeps_details_as_objects():
    assert json.loads(export_changes([UNDO, ADDED], "json")) == [UNDO, ADDED]
    assert "قصف" in export_changes([ADDED], "json")
    with pytest.raises(ValueError, match="unknown format"):
        export_changes([ADDED], "xml")


def test_the_csv_opens_in_a_spreadsheet_with_its_arabic_intact():
    data = to_csv([TRIPOLI]).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")              # the mark Excel reads a UTF-8 file by
    assert TRIPOLI["place_ar"] in data.decode("utf-8-sig")
