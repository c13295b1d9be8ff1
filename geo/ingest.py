"""Ingesting article files into the store: one transaction per article, and a report of what happened.

Nothing is replaced silently: an article whose id a stored article with other text already has is refused,
naming the stored one's source, unless replacing was asked for (``--replace``); replaced ids are listed.
An article's identity is the hash of the bytes it was read from (``Article.source_hash``), else of its text.
With ``workers`` above 1 the extraction runs in a pool of processes; the saves stay in this one, in order.
"""
from __future__ import annotations

import multiprocessing
import pickle
import signal
from collections import deque
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .pipeline import extract
from .sources import ArticleError, Source, collect, read_article
from .model import Article
from .store import (Conflict, Connection, StoreError, connect, count, document_source, save, store_target,
                    stored_as)

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
           replace: bool = False, workers: int = 1) -> IngestReport:
    """Read, extract and store every article under ``paths``; a bad one is refused with its reason, never fatal.

    An article's id is its manifest id, else its file's name without the extension (so ``a/report.txt`` and
    ``b/report.txt`` are both ``report``). Two files of one batch with one id are refused; an id that a stored
    article with other text has is refused, naming that article's source, unless ``replace``. A store that fails
    (full, read-only, damaged) stops the batch: the report says what was saved before and why it stopped.
    With ``workers`` above 1 the extraction runs in that many processes; reading, the checks and every save stay
    here, in the files' order, so the store ends the same (resources that can't go there: WorkersError, first)."""
    shipped = _shipped(resources, workers)
    sources, refused = collect(paths)
    report = IngestReport(refused=refused)
    bar = None
    if progress and len(sources) > 20:
        from tqdm import tqdm
        bar = tqdm(total=len(sources), unit="article")
    done = 0
    try:
        with _extractor(workers, resources, shipped) as extracted:
            for n, src, article, result in extracted(_checked(sources, conn, replace)):
                _record(report, conn, src, article, result, replace)
                done = n + 1
                if bar:
                    bar.update()
    except (StoreError, BrokenExecutor) as e:
        report.stopped = (f"{str(e).rstrip('.')}; {len(sources) - done} file(s), from {sources[done].path} on, "
                          "were not stored")
    if bar:
        bar.close()
    return report


def _checked(sources: list[Source], conn: Connection, replace: bool):
    """(n, source, article, verdict) for each source in order: the verdict is None when the article is to be
    extracted, else what is known without extracting: ('unchanged'|'refused', why), or the ArticleError (refused)
    or StoreError (the batch stops there, so nothing follows it)."""
    batch_ids: dict[str, Path] = {}
    for n, src in enumerate(sources):
        article = None
        try:
            article = read_article(src)
            if article.id in batch_ids:
                raise ArticleError(f"id {article.id!r} is also {batch_ids[article.id]} in this batch; "
                                   "give one of them another id in the manifest")
            batch_ids[article.id] = src.path
            verdict = _stored_verdict(conn, article, replace)    # first without the lock: spare the extraction
        except (ArticleError, StoreError) as e:
            verdict = e
        yield n, src, article, verdict
        if isinstance(verdict, StoreError):
            return


def _record(report: IngestReport, conn: Connection, src: Source, article: Article | None, result,
            replace: bool) -> None:
    """Save one checked article with its extraction (or take its verdict) and put the outcome in the report; a
    store that fails raises StoreError."""
    try:
        if isinstance(result, Exception):
            raise result
        outcome, reason = result if isinstance(result, tuple) else save_extraction(conn, article, result,
                                                                                   str(src.path), replace)
    except ArticleError as e:
        outcome, reason = "refused", str(e)
    if outcome == "refused":
        report.refused.append((str(src.path), reason + (REPLACE_HINT if reason.startswith(ID_TAKEN) else "")))
    else:
        getattr(report, outcome).append(article.id)


def ingest_one(conn: Connection, article: Article, source: str, replace: bool = False,
               resources=None, who: str = "local") -> tuple[str, str]:
    """Extract and save one article (one transaction), recorded as added by ``who``:
    ('added'|'replaced'|'unchanged'|'refused', why).

    The store is asked again under its write lock just before the save, so two processes ingesting the same
    files at once report 'added' or 'unchanged', never 'replaced'. A store that fails raises StoreError."""
    verdict = _stored_verdict(conn, article, replace)    # first without the lock: spare the extraction
    if verdict:
        return verdict
    return save_extraction(conn, article, _extract(article, resources), source, replace, who)


def save_extraction(conn: Connection, article: Article, extraction, source: str, replace: bool = False,
                    who: str = "local") -> tuple[str, str]:
    """Save an article's extraction in one transaction, the store asked again under its write lock first (it may
    have been stored since the extraction began): ingest_one's outcome and why."""
    try:
        with conn.transaction():
            conn.lock_for_save()                             # nobody saves between this check and this save
            verdict = _stored_verdict(conn, article, replace)
            if verdict:
                raise _Stored(verdict)                       # nothing to write: roll back
            previous = document_source(conn, article.id)
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
    stored = stored_as(conn, article)
    if stored is not None:
        return "unchanged", "this text is already in the store" + (f" as “{stored}”" if stored != article.id else "")
    source = document_source(conn, article.id)
    if source is not None and not replace:
        return "refused", f"{ID_TAKEN}“{article.id}” belongs to another stored article (from {source or 'an unknown source'})"
    return None


def _extract(article: Article, resources):
    """The pipeline's extraction; an extractor failing on one odd text refuses that article, not the batch."""
    try:
        return extract(article, resources)
    except Exception as e:  # noqa: BLE001 - any bug on one input must not stop a batch
        raise ArticleError(f"could not be processed ({type(e).__name__}: {e})") from e


def _extraction_or_refusal(article: Article, resources):
    """The extraction, or the ArticleError refusing the article, as a value (it crosses from a pool process)."""
    try:
        return _extract(article, resources)
    except ArticleError as e:
        return e


# --- extraction in a process pool -----------------------------------------------------------------------

CHUNK = 4                   # articles a pool process extracts per task
AHEAD = 2                   # tasks in flight per process, so none waits while this process saves
_worker_resources = None    # in a pool process: the resources it was sent (None: the defaults, loaded there)


class WorkersError(ValueError):
    """These extraction resources can't be used with several worker processes (the message says why)."""


def _shipped(resources, workers: int) -> bytes | None:
    """The resources pickled for the pool processes (None: each loads the defaults), checked before anything is
    read; WorkersError when they can't go there."""
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    if workers == 1 or resources is None:
        return None
    if resources.online is not None:
        raise WorkersError("online geocoding runs in one process only (Nominatim allows one request a second): "
                           "ingest with --workers 1")
    try:
        return pickle.dumps(resources)
    except Exception as e:  # noqa: BLE001 - whatever pickling fails on, the message names it
        raise WorkersError(f"these NER / online options can't be sent to worker processes "
                           f"({type(e).__name__}: {e}): ingest with --workers 1") from None


@contextmanager
def _extractor(workers: int, resources, shipped: bytes | None):
    """A function from checked items to (n, source, article, result) in the same order, the result the verdict
    or the extraction (or its ArticleError): here, one at a time as they come, or in a pool of ``workers``
    processes, shut down on the way out."""
    if workers == 1:
        yield lambda items: ((n, src, a, _extraction_or_refusal(a, resources) if v is None else v)
                             for n, src, a, v in items)
        return
    # spawn: a pool process never inherits this one's store connection or threads
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(shipped,))
    try:
        yield lambda items: _in_pool(pool, workers * AHEAD, items)
    finally:
        pool.shutdown(cancel_futures=True)


def _in_pool(pool: ProcessPoolExecutor, ahead: int, items):
    """The items with their results in order: chunks of CHUNK go to the pool, ``ahead`` chunks at a time (a chunk
    with nothing to extract goes nowhere, so a batch already stored starts no process)."""
    pending: deque = deque()
    items = iter(items)
    while chunk := list(islice(items, CHUNK)):
        todo = [a for _, _, a, v in chunk if v is None]
        pending.append((chunk, pool.submit(_extract_chunk, todo) if todo else None))
        if len(pending) > ahead:
            yield from _results(*pending.popleft())
    while pending:
        yield from _results(*pending.popleft())


def _results(chunk: list, future) -> list:
    """A chunk's items, each with its verdict or, in turn, the extraction the pool made of it."""
    extractions = iter(future.result() if future else ())
    return [(n, src, a, next(extractions) if v is None else v) for n, src, a, v in chunk]


def _start_worker(shipped: bytes | None) -> None:
    """A pool process starts: Ctrl-C is the ingest's to handle, not its; the resources it was sent, if any."""
    global _worker_resources
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_resources = pickle.loads(shipped) if shipped else None


def _extract_chunk(articles: list[Article]) -> list:
    """In a pool process: each article's extraction, or the ArticleError refusing it."""
    return [_extraction_or_refusal(a, _worker_resources) for a in articles]


def ensure_store(target=None, seeds: Path = SEEDS_DIR) -> str:
    """Where the store is (a path or a URL), built from the seeds first if it holds no article yet (the app's first
    start)."""
    where = store_target(target)
    with closing(connect(where)) as conn:
        if count(conn, "documents") == 0:
            ingest([seeds], conn)
    return where
