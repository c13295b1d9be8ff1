"""Ingesting article files into the store: one transaction per article, and a report of what happened.

Nothing is replaced silently: an article whose id a stored article with other text already has is refused,
naming the stored one's source, unless replacing was asked for (``--replace``); replaced ids are listed.
An article's identity is the hash of the bytes it was read from (``Article.source_hash``), else of its text.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from .pipeline import extract
from .sources import ArticleError, collect, read_article
from .model import Article
from .store import Conflict, Connection, StoreError, connect, content_hash, count, identity, save, store_target

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
ID_TAKEN = "the id "            # how ingest_one's refusal of a taken id starts, which ingest() completes with:
REPLACE_HINT = "; to overwrite it pass --replace, or give this file another id in a manifest.csv"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)
    stopped: str = ""       # why the batch stopped before its end (the store failed); "" if it ran to the end

    def lines(self) -> list[str]:
        """The summary line, then each replaced id, each refusal, and why the batch stopped if it did."""
        out = [f"added {len(self.added)}, replaced {len(self.replaced)}, "
               f"skipped {len(self.unchanged)} (already in the store), refused {len(self.refused)}"]
        out += [f"  replaced {doc_id}" for doc_id in self.replaced]
        out += [f"  refused {name}: {reason}" for name, reason in self.refused]
        if self.stopped:
            out.append(f"stopped: {self.stopped}")
        return out


def ingest(paths: list[str | Path], conn: Connection, progress: bool = False, resources=None,
           replace: bool = False) -> IngestReport:
    """Read, extract and store every article under ``paths``; a bad one is refused with its reason, never fatal.

    An article's id is its manifest id, else its file's name without the extension (so ``a/report.txt`` and
    ``b/report.txt`` are both ``report``). Two files of one batch with one id are refused; an id that a stored
    article with other text has is refused, naming that article's source, unless ``replace``. A store that fails
    (full, read-only, damaged) stops the batch: the report says what was saved before and why it stopped."""
    sources, refused = collect(paths)
    report = IngestReport(refused=refused)
    bar = None
    if progress and len(sources) > 20:
        from tqdm import tqdm
        bar = tqdm(total=len(sources), unit="article")
    batch_ids: dict[str, Path] = {}
    for n, src in enumerate(sources):
        try:
            article = read_article(src)
            if article.id in batch_ids:
                raise ArticleError(f"id {article.id!r} is also {batch_ids[article.id]} in this batch; "
                                   "give one of them another id in the manifest")
            batch_ids[article.id] = src.path
            outcome, reason = ingest_one(conn, article, str(src.path), replace=replace, resources=resources)
            if outcome == "refused":
                report.refused.append((str(src.path), reason + (REPLACE_HINT if reason.startswith(ID_TAKEN) else "")))
            else:
                getattr(report, outcome).append(article.id)
        except ArticleError as e:
            report.refused.append((str(src.path), str(e)))
        except StoreError as e:
            report.stopped = f"{e}; {len(sources) - n} file(s), from {src.path} on, were not stored"
            break
        if bar:
            bar.update()
    if bar:
        bar.close()
    return report


def ingest_one(conn: Connection, article: Article, source: str, replace: bool = False,
               resources=None, who: str = "local") -> tuple[str, str]:
    """Extract and save one article (one transaction), recorded as added by ``who``:
    ('added'|'replaced'|'unchanged'|'refused', why).

    The store is asked again under its write lock just before the save, so two processes ingesting the same
    files at once report 'added' or 'unchanged', never 'replaced'. A store that fails raises StoreError."""
    verdict = _stored_verdict(conn, article, replace)    # first without the lock: spare the extraction
    if verdict:
        return verdict
    extraction = _extract(article, resources)
    try:
        with conn.transaction():
            conn.lock_for_save()                             # nobody saves between this check and this save
            verdict = _stored_verdict(conn, article, replace)
            if verdict:
                raise _Stored(verdict)                       # nothing to write: roll back
            previous = _stored_source(conn, article.id)
            outcome = save(conn, extraction, source=source, who=who)
    except _Stored as s:
        return s.verdict
    except Conflict as e:
        return "refused", str(e)
    return outcome, f"replaced the stored article from {previous or 'an unknown source'}" if outcome == "replaced" else ""


class _Stored(Exception):
    """The article turned out to be stored already (or refused) once the lock was held."""

    def __init__(self, verdict: tuple[str, str]):
        self.verdict = verdict


def _stored_verdict(conn: Connection, article: Article, replace: bool) -> tuple[str, str] | None:
    """('unchanged', why) if this article is stored already, ('refused', why) if another stored article has its
    id and ``replace`` is off, None if it may be saved."""
    # Stored by its bytes' hash (its identity), or, as a store from before identities were bytes holds it, by its
    # text's hash under its own id.
    row = conn.execute("SELECT id FROM documents WHERE content_hash = ? OR (content_hash = ? AND id = ?)",
                       (identity(article), content_hash(article.text), article.id)).fetchone()
    if row is not None:
        return "unchanged", "this text is already in the store" + (f" as “{row[0]}”" if row[0] != article.id else "")
    source = _stored_source(conn, article.id)
    if source is not None and not replace:
        return "refused", f"{ID_TAKEN}“{article.id}” belongs to another stored article (from {source or 'an unknown source'})"
    return None


def _stored_source(conn: Connection, doc_id: str) -> str | None:
    """Where the stored article with this id came from ("" if unrecorded), None if no article has the id."""
    row = conn.execute("SELECT source FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return None if row is None else (row[0] or "")


def _extract(article: Article, resources):
    """The pipeline's extraction; an extractor failing on one odd text refuses that article, not the batch."""
    try:
        return extract(article, resources)
    except Exception as e:  # noqa: BLE001 - any bug on one input must not stop a batch
        raise ArticleError(f"could not be processed ({type(e).__name__}: {e})") from e


def ensure_store(target=None, seeds: Path = SEEDS_DIR) -> str:
    """Where the store is (a path or a URL), built from the seeds first if it holds no article yet (the app's first
    start)."""
    where = store_target(target)
    with closing(connect(where)) as conn:
        if count(conn, "documents") == 0:
            ingest([seeds], conn)
    return where
