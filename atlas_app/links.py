"""Links from any event to its source: the reader page with the document and sentence in the URL."""
from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from .site import SOURCES


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~$])")     # $: Streamlit renders $…$ as KaTeX math


def source_params(doc_id: str, sentence: int | None) -> dict[str, str]:
    """The reader's query parameters for one sentence of one document."""
    params = {"doc": str(doc_id)}
    if sentence is not None and sentence == sentence:  # not NaN
        params["sentence"] = str(int(sentence))
    return params


def source_href(doc_id: str, sentence: int | None) -> str:
    """``Sources?doc=ID&sentence=N``: relative, so it works under any base path."""
    return f"{SOURCES.url_path}?{urlencode(source_params(doc_id, sentence))}"


def safe_external(url: str | None) -> str | None:
    """The article's own URL if it is a plain http(s) address, else None (no javascript: or data: links)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"[\s<>\"']", url):
        return url
    return None


def md_escape(text: str) -> str:
    """Text safe to put inside a Markdown link label or paragraph."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
