"""Reading articles from files: decoding, manifests and the reasons a file is refused.

Every refusal is an ``ArticleError`` whose message says what is wrong with that one input, so a
batch can report it and go on with the rest.
"""
from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .model import Article

MAX_BYTES = 2 * 1024 * 1024
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = {"id", "file", "published", "date_precision", "outlet", "title", "url"}
PRECISIONS = {"day", "month", "year"}
_ARABIC_RE = re.compile(r"[\u0621-\u064A]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
_BLOCK_RE = re.compile(r"</?(p|div|br|h[1-6]|li|tr|section|article)\b[^>]*>", re.I)


class ArticleError(ValueError):
    """An input that cannot become an article, with the reason."""


@dataclass(frozen=True)
class Source:
    path: Path
    meta: dict


def decode(data: bytes) -> str:
    """Text from bytes in the encodings Arabic news come in; refuses rather than guess into mojibake."""
    if not data:
        raise ArticleError("empty file")
    if not data.strip():
        raise ArticleError("no text (only white space)")
    if len(data) > MAX_BYTES:
        raise ArticleError(f"file too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ArticleError("starts with a UTF-16 mark but is not valid UTF-16") from None
    if b"\x00" in data:
        raise ArticleError("binary file (NUL bytes), not text")
    try:
        return _text_only(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        text = _text_only(data.decode("cp1256"))
    except UnicodeDecodeError:
        raise ArticleError("not UTF-8, UTF-16 or Windows-1256 text") from None
    letters = sum(ch.isalpha() for ch in text)
    if not _ARABIC_RE.search(text) or letters < 0.5 * len(text.replace(" ", "").replace("\n", "")):
        raise ArticleError("not UTF-8, and not Arabic in Windows-1256")
    return text


def _text_only(text: str) -> str:
    """Text has no control characters but tab, line and page breaks: anything else is a binary file."""
    if _CONTROL_RE.search(text):
        raise ArticleError("binary file (control characters), not text")
    return text


def clean_text(text: str, is_html: bool = False) -> str:
    """Plain text: tags dropped (for HTML), entities decoded, line ends unified, outer space stripped."""
    if is_html:
        text = _BLOCK_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if is_html or _ENTITY_RE.search(text):
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def check_text(text: str) -> str:
    if not text.strip():
        raise ArticleError("no text (only white space)")
    if not _ARABIC_RE.search(text):
        raise ArticleError("no Arabic text")
    return text


def parse_date(value: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        if not _ISO_DATE_RE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ArticleError(f"bad publication date {value!r} (want YYYY-MM-DD)") from None


def article_from_bytes(data: bytes, doc_id: str, meta: dict | None = None, is_html: bool = False) -> Article:
    """An Article from raw bytes plus manifest-style metadata; raises ArticleError with the reason."""
    meta = meta or {}
    text = check_text(clean_text(decode(data), is_html))
    precision = (meta.get("date_precision") or "day").strip()
    if precision not in PRECISIONS:
        raise ArticleError(f"bad date_precision {precision!r} (want day, month or year)")
    return Article(id=doc_id, text=text, published=parse_date(meta.get("published", "")),
                   published_precision=precision, outlet=(meta.get("outlet") or "").strip(),
                   title=(meta.get("title") or "").strip(), url=(meta.get("url") or "").strip())


def read_article(src: Source) -> Article:
    if not src.path.is_file():
        raise ArticleError("missing file")
    doc_id = (src.meta.get("id") or "").strip() or src.path.stem
    return article_from_bytes(src.path.read_bytes(), doc_id, src.meta,
                              is_html=src.path.suffix.lower() in (".html", ".htm"))


def read_manifest(folder: Path) -> dict[str, dict]:
    """``manifest.csv`` rows by file name; unknown columns, or a row without a file, refuse it whole."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    reader = csv.DictReader(io.StringIO(decode(path.read_bytes()), newline=""))
    unknown = set(reader.fieldnames or ()) - MANIFEST_COLUMNS
    if unknown:
        raise ArticleError(f"{path}: unknown columns {sorted(unknown)} (known: {sorted(MANIFEST_COLUMNS)})")
    if "file" not in (reader.fieldnames or ()):
        raise ArticleError(f"{path}: no 'file' column")
    rows = {}
    for line, r in enumerate(reader, start=2):
        if not (r.get("file") or "").strip():
            raise ArticleError(f"{path}, line {line}: no file named")
        rows[r["file"].strip()] = r
    return rows


def collect(paths: list[str | Path]) -> tuple[list[Source], list[tuple[str, str]]]:
    """Article files named or found in folders (with their manifest rows), and what was refused up front."""
    sources: list[Source] = []
    refused: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                manifest = read_manifest(path)
            except ArticleError as e:
                refused.append((str(path / MANIFEST), str(e)))
                continue
            files = {p.relative_to(path).as_posix(): p for p in sorted(path.rglob("*"))
                     if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm")}
            for name, row in manifest.items():
                if name not in files:
                    refused.append((str(path / name), "listed in the manifest but missing"))
            sources += [Source(p, manifest.get(name, {})) for name, p in files.items()]
        elif path.is_file():
            try:
                meta = read_manifest(path.parent).get(path.name, {})
            except ArticleError:
                meta = {}
            sources.append(Source(path, meta))
        else:
            refused.append((str(path), "missing file or folder"))
    return sources, refused
