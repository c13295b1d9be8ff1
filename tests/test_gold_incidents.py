"""Consistency of tests/gold/incidents.jsonl: which gold events are reports of one real incident.

An event is referred to as (corpus, doc, index): corpus "seeds" is tests/gold/seeds.jsonl, corpus "corpus" is
../shared/corpus/gold.jsonl (relative to the repository root); index is the position in that article's `events`.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "tests" / "gold" / "incidents.jsonl"
GOLD = {"seeds": ROOT / "tests" / "gold" / "seeds.jsonl",
        "corpus": ROOT.parent / "shared" / "corpus" / "gold.jsonl"}
MAX_GAP_DAYS = 31
LONG_SPAN_MARK = "more than 31 days"   # a note with these words explains why its events lie further apart


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def events() -> dict[tuple[str, str, int], dict]:
    if not GOLD["corpus"].exists():
        pytest.skip(f"the corpus gold file {GOLD['corpus']} is not on this machine")
    return {(corpus, rec["id"], i): event
            for corpus, path in GOLD.items() for rec in read_jsonl(path) for i, event in enumerate(rec["events"])}


@pytest.fixture(scope="module")
def incidents() -> list[dict]:
    return read_jsonl(INCIDENTS)


def refs(incident: dict) -> list[tuple[str, str, int]]:
    return [(e["corpus"], e["doc"], e["index"]) for e in incident["events"]]


def test_records_have_the_documented_fields(incidents):
    for inc in incidents:
        assert set(inc) <= {"incident", "events", "note", "optional"}, inc["incident"]
        assert inc["incident"] and inc["note"], inc
        assert inc.get("optional", True) is True, inc["incident"]    # present only as true


def test_slugs_are_unique(incidents):
    slugs = [inc["incident"] for inc in incidents]
    assert len(slugs) == len(set(slugs)), sorted(s for s in slugs if slugs.count(s) > 1)


def test_every_reference_exists(incidents, events):
    missing = [(inc["incident"], ref) for inc in incidents for ref in refs(inc) if ref not in events]
    assert not missing


def test_every_incident_has_two_events_of_one_type(incidents, events):
    for inc in incidents:
        assert len(set(refs(inc))) >= 2, inc["incident"]
        assert len({events[ref]["type"] for ref in refs(inc) if ref in events}) == 1, inc["incident"]


def test_no_event_is_in_two_incidents(incidents):
    seen: dict[tuple[str, str, int], str] = {}
    for inc in incidents:
        for ref in refs(inc):
            assert ref not in seen, f"{ref} is in {seen[ref]} and {inc['incident']}"
            seen[ref] = inc["incident"]


def gap_days(a: dict, b: dict) -> int:
    """Days between two events' date windows, 0 when they overlap."""
    a0, a1, b0, b1 = (date.fromisoformat(x) for x in (a["date_from"], a["date_to"], b["date_from"], b["date_to"]))
    return max(0, (b0 - a1).days, (a0 - b1).days)


def test_dates_overlap_or_lie_within_31_days(incidents, events):
    for inc in incidents:
        evs = [events[ref] for ref in refs(inc) if ref in events]
        widest = max(gap_days(a, b) for a in evs for b in evs)
        if widest > MAX_GAP_DAYS:
            assert LONG_SPAN_MARK in inc["note"], f"{inc['incident']}: windows {widest} days apart, note does not say why"
