"""Reading articles from files: decoding, manifests and the reasons a file is refused.

Every refusal is an ``ArticleError`` whose message says what is wrong with that one input, so a
batch can report it and go on with the rest. Text is decoded without guessing (UTF-8, UTF-16 with or
without its mark, Windows-1256 only where it reads as Arabic, line by line in a file that mixes UTF-8 and
Windows-1256), and neutralised: bidi controls and invisible characters, which can reverse a displayed
sentence or hide a name from matching, are removed from the text the pipeline and the app see, while the
article's identity (``Article.source_hash``) stays the hash of the original bytes.
"""
from __future__ import annotations

import csv
import hashlib
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
_ARABIC_LETTER_RE = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
# A Latin letter against an Arabic letter or mark in one word: Latin-1 accents read as Windows-1256 (É -> ة).
_MIXED_WORD_RE = re.compile(r"[A-Za-z\u00C0-\u024F][\u0621-\u0652\u0671-\u06D3]|"
                            r"[\u0621-\u0652\u0671-\u06D3][A-Za-z\u00C0-\u024F]")
# What UTF-16 Arabic news is made of: ASCII to Arabic, general punctuation, Arabic presentation forms.
_UTF16_TEXT_RE = re.compile("[\u0000-\u08ff\u2000-\u206f\ufb50-\ufeff]")
# Bidi embeddings, overrides, isolates and marks; zero-width spaces and joiners; BOM, word joiner, soft hyphen.
INVISIBLE_RE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_TAG_RE = re.compile(r"<(script|style|title)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
_TITLE_RE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.S | re.I)
_BLOCK_RE = re.compile(r"</?(p|div|br|h[1-6]|li|tr|section|article)\b[^>]*>", re.I)


class ArticleError(ValueError):
    """An input that cannot become an article, with the reason."""


@dataclass(frozen=True)
class Source:
    path: Path
    meta: dict


def decode(data: bytes) -> str:
    """Text from bytes in the encodings Arabic news come in (UTF-8, UTF-16 with or without its mark, Windows-1256
    where it reads as Arabic, the last two mixed line by line); refuses rather than guess into mojibake."""
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
    utf16 = _utf16_without_mark(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data:
        raise ArticleError("binary file (NUL bytes), not text")
    try:
        return _text_only(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        _text_only(data.decode("cp1256"))
    except UnicodeDecodeError:
        raise ArticleError("not UTF-8, UTF-16 or Windows-1256 text") from None
    return _utf8_or_arabic_lines(data)


def _utf16_without_mark(data: bytes) -> str | None:
    """UTF-16 text that lost its byte-order mark, told by its NUL bytes: every ASCII character (space, digit,
    line end) has one, all on odd offsets in little-endian, all on even ones in big-endian. None if not so."""
    if len(data) % 2 or b"\x00" not in data:
        return None
    nul_even, nul_odd = b"\x00" in data[0::2], b"\x00" in data[1::2]
    if nul_even == nul_odd:
        return None
    try:
        text = data.decode("utf-16-be" if nul_even else "utf-16-le")
    except UnicodeDecodeError:
        return None
    if _CONTROL_RE.search(text) or len(_UTF16_TEXT_RE.findall(text)) < 0.9 * len(text):
        return None
    return text


def _utf8_or_arabic_lines(data: bytes) -> str:
    """A file that is not all UTF-8, decoded line by line: UTF-8 where a line is, else Windows-1256, which is
    accepted only where it reads as Arabic words (a file may mix both); anything else is refused, never mojibake."""
    lines = []
    legacy = []
    for n, raw in enumerate(data.splitlines(keepends=True), start=1):
        try:
            lines.append(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        line = raw.decode("cp1256")
        if _MIXED_WORD_RE.search(line):
            raise ArticleError(f"line {n} is not UTF-8, and read as Windows-1256 it mixes Latin and Arabic letters "
                               "within words: probably Latin-1 or Windows-1252 text, not Arabic; save it as UTF-8")
        lines.append(line)
        legacy.append(line)
    text = "".join(legacy)
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum(1 for ch in letters if _ARABIC_LETTER_RE.match(ch))
    if arabic < max(1, 0.5 * len(letters)) or len(letters) < 0.5 * len("".join(text.split())):
        raise ArticleError("not UTF-8, and not Arabic in Windows-1256 (Latin-1 or another Western encoding?); "
                           "save it as UTF-8")
    return "".join(lines)


def _text_only(text: str) -> str:
    """Text has no control characters but tab, line and page breaks: anything else is a binary file."""
    if _CONTROL_RE.search(text):
        raise ArticleError("binary file (control characters), not text")
    return text


def clean_text(text: str, is_html: bool = False) -> str:
    """Plain text: comments, tags, scripts and the title dropped (for HTML), entities decoded, invisible
    characters neutralised, line ends unified, outer space stripped."""
    if is_html:
        text = _COMMENT_RE.sub("", text)
        text = _BLOCK_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if is_html or _ENTITY_RE.search(text):
        text = html.unescape(text)
    text = neutralise(text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def neutralise(text: str) -> str:
    """Text without bidi controls and invisible characters, so a sentence displays in its own order and a name
    with a hidden character in it still matches."""
    return INVISIBLE_RE.sub("", text)


def html_title(text: str) -> str:
    """The ``<title>`` of an HTML page as one line of plain text ("" when there is none)."""
    m = _TITLE_RE.search(_COMMENT_RE.sub("", text))
    return " ".join(neutralise(html.unescape(re.sub(r"<[^>]+>", " ", m.group(1)))).split()) if m else ""


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
    """An Article from raw bytes plus manifest-style metadata; raises ArticleError with the reason. Its text and
    metadata are neutralised; its ``source_hash`` is the hash of ``data``. An HTML page's ``<title>`` is its
    title unless the metadata gives one."""
    meta = meta or {}
    raw = decode(data)
    text = check_text(clean_text(raw, is_html))
    precision = (meta.get("date_precision") or "day").strip()
    if precision not in PRECISIONS:
        raise ArticleError(f"bad date_precision {precision!r} (want day, month or year)")
    field = lambda key: neutralise(meta.get(key) or "").strip()  # noqa: E731
    return Article(id=doc_id, text=text, published=parse_date(meta.get("published", "")),
                   published_precision=precision, outlet=field("outlet"),
                   title=field("title") or (html_title(raw) if is_html else ""), url=field("url"),
                   source_hash=hashlib.sha256(data).hexdigest())


def read_article(src: Source) -> Article:
    if not src.path.is_file():
        raise ArticleError("missing file")
    doc_id = neutralise((src.meta.get("id") or "").strip() or src.path.stem)   # no look-alike ids
    return article_from_bytes(read_bytes(src.path), doc_id, src.meta,
                              is_html=src.path.suffix.lower() in (".html", ".htm"))


def read_bytes(path: Path) -> bytes:
    """A file's bytes; one that can't be read (no permission, a device error) is refused with the system's reason."""
    try:
        return path.read_bytes()
    except OSError as e:
        raise ArticleError(f"cannot be read ({e.strerror})") from None


def read_manifest(folder: Path) -> dict[str, dict]:
    """``manifest.csv`` rows by file name. Unknown columns, bad CSV (a quote never closed, more values than
    columns), a row without a file, or a file listed twice refuse it whole, naming the line: no row is dropped."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    reader = csv.DictReader(io.StringIO(decode(read_bytes(path)), newline=""), strict=True)
    line = 1
    try:
        columns = reader.fieldnames or ()
        unknown = set(columns) - MANIFEST_COLUMNS
        if unknown:
            raise ArticleError(f"unknown columns {sorted(unknown)} (known: {sorted(MANIFEST_COLUMNS)})")
        if "file" not in columns:
            raise ArticleError("no 'file' column")
        rows: dict[str, dict] = {}
        lines: dict[str, int] = {}
        line = reader.line_num + 1
        for r in reader:
            name = (r.get("file") or "").strip()
            if None in r:
                raise ArticleError(f"line {line}: {len(columns) + len(r[None])} values but {len(columns)} "
                                   "columns (a comma inside a value? put the value in double quotes)")
            if not name:
                raise ArticleError(f"line {line}: no file named")
            if name in rows:
                raise ArticleError(f"{name} is listed twice (lines {lines[name]} and {line}); keep one row")
            rows[name], lines[name] = r, line
            line = reader.line_num + 1
    except csv.Error as e:
        reason = ("a double quote opened here is never closed" if "unexpected end of data" in str(e)
                  else f"not valid CSV ({e})")
        raise ArticleError(f"line {line}: {reason}") from None
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
                refused.append((str(path / MANIFEST), f"{e}; nothing in {path} was read"))
                continue
            files = {p.relative_to(path).as_posix(): p for p in sorted(path.rglob("*"))
                     if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm")}
            for name, row in manifest.items():
                if name not in files:
                    refused.append((str(path / name), "listed in the manifest but missing"))
            sources += [Source(p, manifest.get(name, {})) for name, p in files.items()]
        elif path.is_file():
            try:
                sources.append(Source(path, read_manifest(path.parent).get(path.name, {})))
            except ArticleError as e:
                refused.append((str(path), f"the {MANIFEST} beside it is refused: {e}"))
        else:
            refused.append((str(path), "missing file or folder"))
    return sources, refused
