"""Adding articles from the browser: uploaded .txt/.html files or pasted text, with the batch's publication date,
precision, outlet and URL; each one decoded by geo.sources, extracted, and saved in its own transaction.

A refused article (empty, binary, too large, no Arabic, bad encoding, an id taken by another article…) is
reported with its reason and never stops the batch. The URL is only stored and shown, never fetched.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd
import streamlit as st

from geo.ingest import ingest_one
from geo.sources import MAX_BYTES, ArticleError, article_from_bytes
from geo.store import Connection, StoreError, id_taken
from geo.store.queries import EventQuery

from . import auth, data
from .links import md_escape, safe_external, source_href
from .site import SOURCES
from .style import plural
from .tables import MAX_ROWS, event_table

RESULTS = "upload_results"          # the last batch's results, kept across reruns
ROUND = "upload_round"              # bumped after each batch, so the file and text widgets start empty
PRECISIONS = {"day": "Day", "month": "Month only", "year": "Year only"}
OUTCOMES = {"added": "added", "replaced": "replaced", "unchanged": "unchanged", "refused": "refused"}
HTML_SUFFIXES = (".html", ".htm")
MAX_ID = 80
MAX_META = 200
UPLOAD_LIMIT_MB = MAX_BYTES // (1024 * 1024)   # shown, and enforced by the server (server.maxUploadSize agrees)
_SLUG_RE = re.compile(r"[^\w-]+", re.U)
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Item:
    """One article to add: where it came from (a file name, or pasted text) and its bytes."""
    name: str
    data: bytes
    pasted: bool = False

    @property
    def is_html(self) -> bool:
        return not self.pasted and self.name.lower().endswith(HTML_SUFFIXES)


@dataclass
class Result:
    name: str
    doc_id: str
    outcome: str            # added | replaced | unchanged | refused
    reason: str = ""


# ---- pure parts ------------------------------------------------------------------------------------------------

def slug(file_name: str) -> str:
    """An article id from a file name: its stem, lower case, runs of anything but letters, digits, ``-`` and ``_``
    turned into ``-`` (Arabic letters are kept); empty if nothing is left."""
    stem = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    return _SLUG_RE.sub("-", stem.casefold()).strip("-_")[:MAX_ID].strip("-_")


def item_id(item: Item) -> str:
    """``pasted-<hash8>`` for pasted text, else the slug of the file name (``file-<hash8>`` when the name has
    nothing to slug)."""
    digest = hashlib.sha256(item.data).hexdigest()[:8]
    if item.pasted:
        return f"pasted-{digest}"
    return slug(item.name) or f"file-{digest}"


def clean_meta(value: str) -> str:
    """One line of metadata: control characters dropped, spaces collapsed, at most MAX_META characters."""
    return " ".join(_CONTROL_RE.sub(" ", value or "").split())[:MAX_META]


def check_url(url: str) -> tuple[str, str]:
    """(the URL to store, or "", an error message, or ""): only plain http(s) addresses are accepted."""
    url = (url or "").strip()
    if not url:
        return "", ""
    safe = safe_external(url)
    if safe is None:
        return "", "The URL must be a plain http:// or https:// address (it is only stored and linked, never fetched)."
    return safe, ""


def meta_for(published: date | None, precision: str, outlet: str, url: str) -> dict:
    """The batch's metadata for one article (an HTML page's own <title> becomes its title: geo.sources)."""
    return {"published": published.isoformat() if published else "", "date_precision": precision,
            "outlet": clean_meta(outlet), "url": url}


def add_one(conn: Connection, item: Item, doc_id: str, meta: dict, replace: bool) -> Result:
    """Decode, check, extract and save one article (one transaction); a refusal comes back with its reason."""
    try:
        article = article_from_bytes(item.data, doc_id, meta, is_html=item.is_html)
        outcome, reason = ingest_one(conn, article, f"upload: {item.name}", replace=replace, who=auth.editor())
        if outcome == "refused" and id_taken(conn, doc_id):
            reason += "; tick “replace” to overwrite it, or rename the file"
        return Result(item.name, doc_id, outcome, reason)
    except ArticleError as e:
        return Result(item.name, doc_id, "refused", str(e))
    except StoreError as e:
        return Result(item.name, doc_id, "refused", f"not saved: {e}")
    except Exception as e:  # an extractor bug on one odd text must not stop the batch
        return Result(item.name, doc_id, "refused", f"could not be processed ({type(e).__name__}: {e})")


def add_batch(conn: Connection, items: list[Item], meta: dict, replace: bool, progress=None) -> list[Result]:
    """Every item in turn; ``progress(done, total, name)`` is told before each one."""
    results: list[Result] = []
    first: dict[str, str] = {}
    for n, item in enumerate(items):
        if progress:
            progress(n, len(items), item.name)
        doc_id = item_id(item)
        if doc_id in first:
            results.append(Result(item.name, doc_id, "refused",
                                  f"its id “{doc_id}” is also “{first[doc_id]}” in this batch; rename one of them"))
            continue
        first[doc_id] = item.name
        results.append(add_one(conn, item, doc_id, meta_for(**meta), replace))
    if progress:
        progress(len(items), len(items), "")
    return results


def save_batch(items: list[Item], meta: dict, replace: bool, progress=None) -> list[Result]:
    """``add_batch`` on the store, as this session's editor: anyone else gets auth.NotAnEditor and nothing is read
    or written (the server's own check, for a call that skips the page)."""
    with data.writing() as conn:
        return add_batch(conn, items, meta, replace, progress)


def results_frame(results: list[dict], n: dict[str, int]) -> pd.DataFrame:
    """The results as a table: file, id, outcome, reason, the article's events now (``n``: events per article id),
    and a link to it."""
    rows = [{"File": r["name"], "Article id": r["doc_id"], "Result": r["outcome"], "Reason": r["reason"],
             "Events": int(n.get(r["doc_id"], 0)) if r["outcome"] != "refused" else None,
             "Open": source_href(r["doc_id"], None) if r["outcome"] != "refused" else None} for r in results]
    return pd.DataFrame(rows, columns=["File", "Article id", "Result", "Reason", "Events", "Open"])


def summary(results: list[dict]) -> str:
    counts = {k: sum(1 for r in results if r["outcome"] == k) for k in OUTCOMES}
    return ", ".join(f"{v} {k}" for k, v in counts.items() if v) or "nothing"


# ---- the page --------------------------------------------------------------------------------------------------

def show(page) -> None:
    """The form, the batch (with a progress bar), and the last batch's results."""
    ss = st.session_state
    rnd = ss.setdefault(ROUND, 0)
    st.markdown("Add Arabic news articles to the atlas: upload `.txt` or `.html` files (UTF-8, UTF-16 or "
                "Windows-1256), or paste a text. Each article is read, its places, actors, dates and events are "
                "extracted, and it joins the maps at once.")
    files = st.file_uploader(f"Article files (up to {UPLOAD_LIMIT_MB} MB each)", type=["txt", "html", "htm"],
                             accept_multiple_files=True, key=f"up_files_{rnd}", max_upload_size=UPLOAD_LIMIT_MB,
                             help="The server refuses a bigger file. One article per file; "
                                  "the file's name becomes the article's id.")
    pasted = st.text_area("Or paste an article's text", key=f"up_text_{rnd}", height=150,
                          placeholder="نص المقال…")
    st.markdown("**About these articles** (applies to every article of this batch)")
    c1, c2 = st.columns(2)
    published = c1.date_input("Publication date", value=None, key="up_published", min_value=date(1900, 1, 1),
                              max_value=date(2100, 12, 31),
                              help="Relative dates in the text (“yesterday”, “next week”) are read from it. "
                                   "Leave empty if unknown: events are then dated only by dates the text spells out.")
    precision = c2.radio("The date is known to the", list(PRECISIONS), format_func=PRECISIONS.get,
                         key="up_precision", horizontal=True)
    c3, c4 = st.columns(2)
    outlet = c3.text_input("Outlet (optional)", key="up_outlet", max_chars=MAX_META)
    raw_url = c4.text_input("URL of the original (optional)", key="up_url", max_chars=2000,
                            help="Only http:// or https://; it is linked from the reader, never fetched.")
    replace = st.checkbox("Replace stored articles that have the same id", key="up_replace",
                          help="Without this, a file whose id (its name) belongs to a different stored article "
                               "is refused.")
    url, url_error = check_url(raw_url)
    if url_error:
        st.error(url_error)
    items = [Item(f.name, f.getvalue()) for f in files or []]
    if pasted and pasted.strip():
        items.append(Item("pasted text", pasted.encode("utf-8"), pasted=True))
    go = st.button(f"Add {len(items)} article{'s' if len(items) != 1 else ''}" if items else "Add articles",
                   type="primary", disabled=not items or bool(url_error), key="up_go")
    if go and items and not url_error:
        bar = st.progress(0.0, text="Starting…")

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / total, text=f"{done} of {total}" + (f": {name}…" if name else " done"))

        meta = {"published": published, "precision": precision, "outlet": outlet, "url": url}
        try:
            results = save_batch(items, meta, replace, progress)
        except auth.NotAnEditor as e:
            st.error(md_escape(f"Nothing was added: {e}"))
            return
        ss[RESULTS] = [asdict(r) for r in results]
        ss[ROUND] = rnd + 1
        st.rerun()                       # the page again, on the new data, with empty inputs
    show_results(ss.get(RESULTS))


def show_results(results: list[dict] | None) -> None:
    if not results:
        return
    st.subheader("Last batch")
    refused = [r for r in results if r["outcome"] == "refused"]
    (st.warning if refused else st.success)(f"{plural(len(results), 'article')}: "
                                            f"{summary(results)}.")
    saved = list(dict.fromkeys(r["doc_id"] for r in results if r["outcome"] != "refused"))
    store, batch_query = data.current(), EventQuery(doc_ids=tuple(saved))
    per_doc = data.ask(store, "per_document", batch_query, saved)
    st.dataframe(results_frame(results, per_doc), hide_index=True, width="stretch", key="upload_results",
                 column_config={"Open": st.column_config.LinkColumn("Open", display_text="Read ›",
                                                                    help="Open the article in Sources"),
                                "Reason": st.column_config.TextColumn("Reason", width="large")})
    for doc_id in saved[:10]:
        st.page_link(SOURCES.path, label=f"Open “{md_escape(doc_id)}” in Sources", icon=":material/article:",
                     query_params={"doc": doc_id})
    if saved:
        total = sum(per_doc.values())
        st.markdown(f"#### Events in these articles ({total})")
        st.caption("They are on the maps now (the sidebar filters apply there as usual).")
        event_table(data.rows(store, batch_query, MAX_ROWS), key="upload_events", total=total,
                    more="open the articles above for all of them")
