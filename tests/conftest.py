"""Shared fixtures: the seed articles, their extractions, and a fresh store file."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from geo.model import Article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def read_seeds() -> list[Article]:
    with open(SEEDS / "manifest.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [Article(r["id"], (SEEDS / r["file"]).read_text(encoding="utf-8"), date.fromisoformat(r["published"]),
                    r["date_precision"], r["outlet"], r["title"]) for r in rows]


@pytest.fixture(scope="session")
def seeds() -> dict[str, Article]:
    return {a.id: a for a in read_seeds()}


@pytest.fixture(scope="session")
def extractions(seeds):
    from geo.pipeline import extract
    return {doc_id: extract(a) for doc_id, a in seeds.items()}


@pytest.fixture
def store_file(tmp_path) -> Path:
    return tmp_path / "atlas.sqlite"
