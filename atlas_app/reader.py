"""The article reader's HTML: right-to-left text, numbered addressable sentences, highlighted mentions.

Every piece of article text, name and URL goes through ``html.escape`` before it reaches the HTML.
"""
from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from .links import safe_external
from .style import bilingual, date_label, published_label

CSS = """<style>
.atlas-article{direction:rtl;text-align:right;font-size:1.15rem;line-height:2.1;
  font-family:"Noto Naskh Arabic","Noto Sans Arabic","Amiri","Segoe UI",Tahoma,sans-serif;
  max-height:70vh;overflow-y:auto;padding:0.5rem 1rem;border:1px solid #e5e5e5;border-radius:6px;background:#fff}
.atlas-article p{margin:0 0 0.8em 0}
.atlas-article .sent{border-radius:4px;padding:1px 0}
.sent.marked{background:#fff3b0;box-shadow:0 0 0 2px #f0c000}
.atlas-article .num{font-size:0.65em;color:#777;vertical-align:super;text-decoration:none;margin-inline-end:2px;
  direction:ltr;unicode-bidi:isolate}
.atlas-article .hl{border-radius:3px;padding:0 2px}
.hl-place{background:#d7ecff;border-bottom:2px solid #1f77b4}
.hl-actor{background:#ffe2c4;border-bottom:2px solid #e6550d}
.hl-time{background:#dff5d8;border-bottom:2px solid #2ca02c}
.atlas-meta{font-size:0.95rem;margin-bottom:0.5rem}
.atlas-meta .title{font-size:1.3rem;font-weight:600}
.atlas-legend span{margin-inline-end:0.8em;padding:0 4px}
</style>"""
LEGEND = ('<div class="atlas-legend"><span class="hl hl-place">place</span><span class="hl hl-actor">actor</span>'
          '<span class="hl hl-time">date</span><span class="sent marked">marked sentence</span></div>')


def mention_spans(doc: dict) -> list[dict]:
    """Non-overlapping highlighted spans (start, end, kind, title), longest first where two overlap."""
    spans = []
    for p in doc.get("places", []):
        title = bilingual(p.get("name_en"), p.get("name_ar")) + (f" ({p['kind']})" if p.get("kind") else "")
        title += " — demonym" if p.get("demonym") else ""
        was = bilingual(p.get("was_en"), p.get("was_ar")) if p.get("corrected") else ""
        title += f" — corrected by an analyst (was {was or '?'})" if p.get("corrected") else ""
        spans.append((p["start"], p["end"], "place", title))
    for a in doc.get("actors", []):
        title = bilingual(a.get("name_en"), a.get("name_ar"))
        title += f" — {a['affiliation']}" if a.get("affiliation") else ""
        spans.append((a["start"], a["end"], "actor", title))
    for t in doc.get("times", []):      # the days the expression means: ``15 – 21 Apr 2019``
        spans.append((t["start"], t["end"], "time", date_label(t.get("date_start"), t.get("date_end"),
                                                               t.get("precision"))))
    text_len = len(doc.get("text") or "")
    spans = [s for s in spans if isinstance(s[0], int) and isinstance(s[1], int) and 0 <= s[0] < s[1] <= text_len]
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out, end = [], -1
    for start, stop, kind, title in spans:
        if start >= end:
            out.append({"start": start, "end": stop, "kind": kind, "title": title})
            end = stop
    return out


def _plain(text: str) -> str:
    """Escaped text; a blank line or line break between sentences becomes a paragraph break."""
    parts = text.split("\n")
    return "</p><p>".join(escape(p) for p in parts) if len(parts) > 1 else escape(text)


def _marked_up(text: str, offset: int, spans: list[dict]) -> str:
    """``text`` (which starts at ``offset`` in the document) with the spans inside it wrapped."""
    out, pos = [], 0
    for s in spans:
        a, b = max(s["start"] - offset, 0), min(s["end"] - offset, len(text))
        if b <= 0 or a >= len(text) or a < pos:
            continue
        out.append(escape(text[pos:a]))
        out.append(f'<span class="hl hl-{s["kind"]}" title="{escape(s["title"])}">{escape(text[a:b])}</span>')
        pos = b
    out.append(escape(text[pos:]))
    return "".join(out)


def sentence_href(doc_id: str, idx: int) -> str:
    return "?" + urlencode({"doc": doc_id, "sentence": idx})


def article_html(doc: dict, marked: int | None = None) -> str:
    """The article as HTML: each sentence a ``<span id="s-N">`` with its number linking to itself."""
    text = doc.get("text") or ""
    spans = mention_spans(doc)
    sentences = sorted(doc.get("sentences") or [], key=lambda s: s["start"])
    if not sentences:
        sentences = [{"idx": 0, "start": 0, "end": len(text), "text": text}]
    out, pos = ["<p>"], 0
    for s in sentences:
        start, end = max(s["start"], pos), s["end"]
        if start > pos:
            out.append(_plain(text[pos:start]))
        idx = int(s["idx"])
        cls = "sent marked" if marked == idx else "sent"
        current = ' aria-current="true"' if marked == idx else ""
        out.append(f'<span class="{cls}" id="s-{idx}" data-sentence="{idx}"{current}>'
                   f'<a class="num" href="{escape(sentence_href(doc["id"], idx))}" target="_self" '
                   f'title="Link to sentence {idx}">{idx}</a>'
                   f'{_marked_up(text[start:end], start, spans)}</span>')
        pos = max(pos, end)
    if pos < len(text):
        out.append(_plain(text[pos:]))
    out.append("</p>")
    return f'<div class="atlas-article" dir="rtl" lang="ar">{"".join(out)}</div>'


def text_html(text: str) -> str:
    """A text as escaped right-to-left paragraphs, with no sentence links or highlights (an earlier version)."""
    return f'<div class="atlas-article" dir="rtl" lang="ar"><p>{_plain(text)}</p></div>'


def meta_html(doc: dict) -> str:
    """Title, outlet, publication date (``22 May 2019``, or ``May 2019`` when only the month is known) and the
    original URL (only http/https), escaped."""
    title = doc.get("title") or f"Article {doc.get('id')}"
    # <bdi> isolates each part, so an Arabic outlet does not reorder the date's digits beside it
    bits = [f"<bdi>{escape(str(x))}</bdi>" for x in (doc.get("outlet"), published_label(doc)) if x]
    url = safe_external(doc.get("url"))
    if url:
        bits.append(f'<a href="{escape(url)}" target="_blank" rel="noopener noreferrer">original article</a>')
    bits.append(f"id <bdi>{escape(str(doc.get('id')))}</bdi>")
    return (f'<div class="atlas-meta"><div class="title" dir="auto">{escape(str(title))}</div>'
            f'<div>{" · ".join(bits)}</div></div>')


def scroll_script(idx: int) -> str:
    """A script that scrolls the article to sentence ``idx`` once it is on the page (an int only: no text).

    It holds no ``<`` at all: Streamlit's sanitizer drops a script whose text looks like markup."""
    n = int(idx)
    return ("<script>(function(){var waits=0,repeats=0;function go(){var el=document.getElementById('s-%d');"
            "if(el){el.scrollIntoView({block:'center'});repeats++;if(3 > repeats){setTimeout(go,400);}}"
            "else if(50 > waits++){setTimeout(go,100);}}go();})();</script>" % n)
