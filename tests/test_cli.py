"""``python -m geo``: extract as a JSON Lines filter, ingest into a store, export csv / geojson / json.

Each subprocess costs about a second, so the store is built once per module and shared.
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from geo.export import COLUMNS
from geo.pipeline import extract_jsonl_record, extraction_json
from geo.store import connect, count, read_events

ROOT = Path(__file__).resolve().parent.parent
GOOD = "زار فائز السراج القاهرة أمس والتقى الرئيس عبد الفتاح السيسي."
GOOD_2 = "اندلعت اشتباكات عنيفة في محيط طرابلس بين قوات الوفاق وقوات حفتر."


def run(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "ATLAS_STORE"}
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, input=stdin.encode("utf-8"),
                          capture_output=True, env=full_env, timeout=120)
    proc.stdout_text = proc.stdout.decode("utf-8")
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A store built by ``python -m geo ingest seeds --store``, with what the command printed."""
    path = tmp_path_factory.mktemp("cli") / "atlas.sqlite"
    proc = run("ingest", "seeds", "--store", str(path))
    with closing(connect(path, readonly=True)) as conn:
        rows = read_events(conn)
        n_docs = count(conn, "documents")
    return path, proc, rows, n_docs


# --- extract --------------------------------------------------------------------------------------

def test_extract_is_a_line_by_line_filter_that_survives_bad_lines(seeds, extractions):
    seed = seeds["003"]
    lines = [
        json.dumps({"id": seed.id, "text": seed.text, "published": seed.published.isoformat(),
                    "date_precision": seed.published_precision}, ensure_ascii=False),
        '{"id": "broken", "text": ',                                          # not JSON
        "[1, 2, 3]",                                                          # JSON, not an object
        json.dumps({"id": "bad-date", "text": GOOD, "published": "2019-02-30"}, ensure_ascii=False),
        json.dumps({"id": "no-text", "published": "2019-05-22"}),
        json.dumps({"id": "no-date", "text": GOOD}, ensure_ascii=False),      # published is optional
        '"just a string"',
        json.dumps({"id": "last", "text": GOOD_2, "published": "2019-05-22"}, ensure_ascii=False),
    ]
    proc = run("extract", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr_text
    out = [json.loads(line) for line in proc.stdout_text.splitlines()]
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["003", None, None, "bad-date", "no-text", "no-date", None, "last"]

    # the good records: exactly what the library gives
    assert out[0] == json.loads(json.dumps(extraction_json(extractions["003"])))
    assert len(out[0]["events"]) == len(extractions["003"].events) > 0
    assert out[5] == json.loads(json.dumps(extract_jsonl_record({"id": "no-date", "text": GOOD})))
    assert out[7] == json.loads(json.dumps(extract_jsonl_record({"id": "last", "text": GOOD_2,
                                                                 "published": "2019-05-22"})))
    assert out[5]["places"] and out[7]["places"]
    for o in (out[0], out[5], out[7]):
        assert "error" not in o and set(o) == {"id", "places", "actors", "events"}

    # the bad ones: an error object each, nothing else
    for i in (1, 2, 3, 4, 6):
        assert set(out[i]) == {"id", "error"}
        assert isinstance(out[i]["error"], str) and out[i]["error"]
    assert "object" in out[2]["error"] and "object" in out[6]["error"]
    assert "published" in out[3]["error"] and "2019-02-30" in out[3]["error"]
    assert "text" in out[4]["error"]


def test_extract_keeps_arabic_as_text_and_ids_as_given():
    from geo.cli import run_extract
    src = io.StringIO("\n".join(json.dumps({"id": i, "text": GOOD}, ensure_ascii=False)
                                for i in ("z-1", "a-2", "ليبيا-3")) + "\n")
    dst = io.StringIO()
    assert run_extract(src, dst) == 0
    lines = dst.getvalue().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["z-1", "a-2", "ليبيا-3"]
    assert "القاهرة" in lines[0]      # not \u escapes


# --- ingest ---------------------------------------------------------------------------------------

def test_ingest_prints_the_summary_and_exits_zero(built):
    path, proc, _, n_docs = built
    assert proc.returncode == 0, proc.stderr_text
    assert "added 5, replaced 0, skipped 0 (already in the store), refused 0" in proc.stdout_text
    assert f"store: {path}" in proc.stdout_text
    assert n_docs == 5


def test_ingest_of_nothing_but_refusals_exits_nonzero(tmp_path, capsys):
    from geo.cli import main
    assert main(["ingest", str(tmp_path / "nowhere"), "--store", str(tmp_path / "s.sqlite")]) == 1
    out = capsys.readouterr().out
    assert "refused 1" in out and "nowhere" in out


# --- export ---------------------------------------------------------------------------------------

def test_export_csv_has_a_header_and_one_row_per_event(built):
    path, _, rows, _ = built
    proc = run("export", "--format", "csv", "--store", str(path))
    assert proc.returncode == 0, proc.stderr_text
    reader = csv.DictReader(io.StringIO(proc.stdout_text.removeprefix("\ufeff"), newline=""))
    assert reader.fieldnames == COLUMNS
    got = list(reader)
    assert len(got) == len(rows) > 0
    assert {r["id"] for r in got} == {r["id"] for r in rows}
    by_id = {r["id"]: r for r in rows}
    for r in got:
        assert float(r["lat"]) == by_id[r["id"]]["lat"] and float(r["lon"]) == by_id[r["id"]]["lon"]
        assert r["sentence_text"] == by_id[r["id"]]["sentence_text"]


def test_export_geojson_to_a_file_is_a_feature_collection_of_lon_lat_points(built, tmp_path):
    path, _, rows, _ = built
    out_file = tmp_path / "events.geojson"
    proc = run("export", "--format", "geojson", "--store", str(path), "-o", str(out_file))
    assert proc.returncode == 0, proc.stderr_text
    assert proc.stdout_text == ""
    fc = json.loads(out_file.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    located = {r["id"]: r for r in rows if r["lat"] is not None}
    assert len(fc["features"]) == len(located) > 0
    for f in fc["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "Point"
        r = located[f["properties"]["id"]]
        assert f["geometry"]["coordinates"] == [r["lon"], r["lat"]]
        props = f["properties"]
        assert props["type"] in ("visit", "front_line", "diplomatic_flow")
        assert props["status"] in ("occurred", "planned")
        assert props["sentence_text"] == r["sentence_text"] and props["sentence_text"]


def test_export_json_lists_every_event(built):
    path, _, rows, _ = built
    proc = run("export", "--format", "json", "--store", str(path))
    assert proc.returncode == 0, proc.stderr_text
    data = json.loads(proc.stdout_text)
    assert isinstance(data, list) and len(data) == len(rows)
    assert all(list(d) == COLUMNS for d in data)
    assert [d["id"] for d in data] == [r["id"] for r in rows]


def test_export_changes_lists_who_added_each_article(built):
    path, *_ = built
    proc = run("export", "--changes", "--format", "json", "--store", str(path))
    assert proc.returncode == 0, proc.stderr_text
    changes = json.loads(proc.stdout_text)
    assert sorted(c["target"] for c in changes if c["action"] == "article_added") == ["000", "001", "002", "003", "004"]
    assert {c["who"] for c in changes} == {"local"} and all(c["at"] for c in changes)
    refused = run("export", "--changes", "--format", "geojson", "--store", str(path))
    assert refused.returncode == 2 and "csv or json" in refused.stderr_text


def test_the_store_can_come_from_atlas_store(tmp_path):
    """A store unlike the seeds' one, so the default store could not pass for it."""
    from geo.model import Article
    from geo.pipeline import extract
    from geo.store import save
    path = tmp_path / "env.sqlite"
    with closing(connect(path)) as conn:
        save(conn, extract(Article("env-only", GOOD)))
        ids = [r["id"] for r in read_events(conn)]
    assert ids
    proc = run("export", "--format", "json", env={"ATLAS_STORE": str(path)})
    assert proc.returncode == 0, proc.stderr_text
    data = json.loads(proc.stdout_text)
    assert [d["id"] for d in data] == ids
    assert {d["doc_id"] for d in data} == {"env-only"}
