"""Ingesting article files into the store: one transaction per article, and a report of what happened."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from .pipeline import extract
from .sources import ArticleError, collect, read_article
from .model import Article
from .store import connect, count, document_id_for_text, id_taken, save, store_path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)

    def lines(self) -> list[str]:
        out = [f"added {len(self.added)}, replaced {len(self.replaced)}, "
               f"skipped {len(self.unchanged)} (already in the store), refused {len(self.refused)}"]
        out += [f"  refused {name}: {reason}" for name, reason in self.refused]
        return out


def ingest(paths: list[str | Path], conn: sqlite3.Connection, progress: bool = False, resources=None) -> IngestReport:
    """Read, extract and store every article under ``paths``; a bad one is reported, never fatal."""
    sources, refused = collect(paths)
    report = IngestReport(refused=refused)
    bar = None
    if progress and len(sources) > 20:
        from tqdm import tqdm
        bar = tqdm(total=len(sources), unit="article")
    batch_ids: dict[str, Path] = {}
    for src in sources:
        try:
            article = read_article(src)
            if article.id in batch_ids:
                raise ArticleError(f"id {article.id!r} is also {batch_ids[article.id]} in this batch; "
                                   "give one of them another id in the manifest")
            batch_ids[article.id] = src.path
            outcome, reason = ingest_one(conn, article, str(src.path), resources=resources)
            if outcome == "refused":
                report.refused.append((str(src.path), reason))
            else:
                getattr(report, outcome).append(article.id)
        except ArticleError as e:
            report.refused.append((str(src.path), str(e)))
        if bar:
            bar.update()
    if bar:
        bar.close()
    return report


def ingest_one(conn: sqlite3.Connection, article: Article, source: str, replace: bool = True,
               resources=None, who: str = "local") -> tuple[str, str]:
    """Extract and save one article (one transaction), recorded as added by ``who``:
    ('added'|'replaced'|'unchanged'|'refused', why)."""
    same_text = document_id_for_text(conn, article.text)
    if same_text is not None:
        return "unchanged", "this text is already in the store" + (f" as “{same_text}”" if same_text != article.id else "")
    if not replace and id_taken(conn, article.id):
        return "refused", f"the id “{article.id}” belongs to another stored article"
    try:
        outcome = save(conn, extract(article, resources), source=source, who=who)
    except sqlite3.IntegrityError as e:
        return "refused", f"conflicts with a stored article: {e}"
    return outcome, "the stored article with this id was replaced" if outcome == "replaced" else ""


def ensure_store(path=None, seeds: Path = SEEDS_DIR) -> Path:
    """The store's path, built from the seeds first if it holds no article yet (the app's first start)."""
    p = store_path(path)
    with closing(connect(p)) as conn:
        if count(conn, "documents") == 0:
            ingest([seeds], conn)
    return p
