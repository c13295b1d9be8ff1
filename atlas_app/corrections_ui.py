"""Analysts' corrections in the reader: drop an event, change its status, date or place, split it from its incident or
merge its incident with another's (``incident_ui``), move a place mention;
the corrections of the open article with an Undo button each (who made each, and those that no longer match an
event of the current text); the export of every correction with its history.

Every change goes through ``geo.corrections.add`` / ``undo``, which check it and record who made it (this session's
editor); a refusal shows its reason.
"""
from __future__ import annotations

import hashlib
from datetime import date
from functools import partial
from typing import Callable

import pandas as pd
import streamlit as st

from geo.store import corrections
from geo.store.corrections import CorrectionError
from geo.store import StoreError
from geo.export import export_records
from geo.store.history import UNRECORDED
from geo.store.queries import EventQuery

from . import auth, data, places
from .links import md_escape
from .style import KIND_LABELS, STATUS_LABELS, bilingual
from .tables import CORRECTED_BADGE

FLASH = "fix_flash"
ACTIONS = {"status": "Status", "date": "Date", "place": "Place", "incident": "Incident", "drop": "Drop"}
TAB_KEY = "fix_action"                  # the open tab's label, in the session
MENTIONS_KEY = "fix_mentions_open"      # whether the place-mention panel is open
EVENT_KEY = "fix_event"                 # the id of the event being corrected
MENTION_KEY = "fix_mention"             # the target (DOC:START:END) of the mention being corrected
KIND_TEXT = {"drop_event": "dropped the event", "event_status": "changed the status", "event_date": "changed the date",
             "event_place": "moved the event", "mention_place": "moved the place mention",
             "incident_split": "split from its incident", "incident_merge": "merged the incident"}
EXPORT_COLUMNS = ["id", "kind", "target", "value", "note", "created_at", "who", "undone_at", "undone_by", "doc_id",
                  "version", "matches"]
NO_LONGER = {"event": "no longer matches an event", "mention": "no longer matches a place mention"}


# ---- what is shown (pure) ------------------------------------------------------------------------------------

def event_label(row) -> str:
    """``s3 · 2019-04-04 · Visit (planned) · Fayez al-Sarraj → Washington`` (+ ``✎ corrected``)."""
    kind = KIND_LABELS.get(row["type"], row["type"])
    sub = f"/{row['subtype']}" if row["subtype"] and row["subtype"] not in (row["type"], "visit") else ""
    status = STATUS_LABELS.get(row["status"], row["status"] or "").lower()
    who = isolate(row["actor_label"]) + (f" with {isolate(row['counterpart_label'])}" if row["counterpart_label"] else "")
    text = f"s{row['sentence']} · {row['date_label']} · {kind}{sub} ({status}) · {who} → {isolate(row['place_label'])}"
    return text + (f" · {CORRECTED_BADGE}" if row.get("corrected") else "")


def mention_target(doc_id: str, m: dict) -> str:
    return f"{doc_id}:{m['start']}:{m['end']}"


def mention_label(m: dict) -> str:
    where = bilingual(m.get("name_en"), m.get("name_ar"))
    at = f" ({m['lat']:.2f}, {m['lon']:.2f})" if m.get("lat") is not None and m.get("lon") is not None else ""
    return (f"s{m.get('sentence', '?')} · «{isolate(m.get('text', ''))}» → {isolate(where)}{at}"
            + (f" · {CORRECTED_BADGE}" if m.get("corrected") else ""))


def for_document(fixes: list[dict], doc_id: str, event_ids: set[str]) -> list[dict]:
    """The corrections made on one article (any of its versions), or of its events (as extracted: a merge with one of
    them too) or its place mentions."""
    prefix = f"{doc_id}:"
    return [c for c in fixes if c.get("doc_id") == doc_id or c["target"] in event_ids
            or (c["kind"] == "incident_merge" and (c.get("value") or {}).get("with") in event_ids)
            or (c["kind"] == "mention_place" and c["target"].startswith(prefix)
                and c["target"][len(prefix):].count(":") == 1)]


def value_text(c: dict) -> str:
    v = c.get("value") or {}
    if c["kind"] == "event_status":
        return f"status {STATUS_LABELS.get(v.get('status'), v.get('status'))}"
    if c["kind"] == "event_date":
        return f"date {v.get('date_start')} – {v.get('date_end')}"
    if c["kind"] in ("event_place", "mention_place"):
        at = f" ({v['lat']:.4f}, {v['lon']:.4f})" if v.get("lat") is not None else ""
        return f"to {isolate(bilingual(v.get('name_en'), v.get('name_ar')))}{at}"
    if c["kind"] == "incident_merge":
        return f"with the incident of event {v.get('with')}"
    return ""


def target_text(c: dict, stored: dict[str, dict], mentions: dict[str, dict]) -> str:
    if c["kind"] == "mention_place":
        m = mentions.get(c["target"])
        return f"«{isolate(m['text'])}» in sentence {m['sentence']}" if m else f"mention {c['target']}"
    e = stored.get(c["target"])
    if not e:
        return f"event {c['target']}"
    kind = KIND_LABELS.get(e["type"], e["type"]).lower()
    place = bilingual(e.get("place_en"), e.get("place_ar"))
    return f"the {kind} in sentence {e['sentence']} at {isolate(place)}"


def describe(c: dict, stored: dict[str, dict], mentions: dict[str, dict]) -> str:
    """``#4 · 2025-01-02 10:00 UTC · by local · changed the status of the visit in sentence 2 at Washington: status
    Planned · “note”`` (+ ``· undone 2025-… by …``, + ``· no longer matches an event (made on version 1)``)."""
    what = f"#{c['id']} · {when(c.get('created_at'))} · by {c.get('who') or UNRECORDED} · "
    what += KIND_TEXT.get(c["kind"], c["kind"])
    what += f": {target_text(c, stored, mentions)}" if c["kind"] in ("drop_event", "incident_split") else \
        f" of {target_text(c, stored, mentions)}"
    value = value_text(c)
    if c["kind"] == "incident_merge":
        value = "with the incident of " + target_text({"kind": c["kind"], "target": (c.get("value") or {}).get("with")},
                                                      stored, mentions)
    parts = [what + (f": {value}" if value else "")]
    if c.get("note"):
        parts.append(f"“{isolate(c['note'])}”")
    if c.get("undone_at"):
        parts.append(f"undone {when(c['undone_at'])} by {c.get('undone_by') or UNRECORDED}")
    if c.get("matches") is False:
        made_on = f"version {c['version']}" if c.get("version") else "an earlier version"
        parts.append(f"{NO_LONGER[corrections.KINDS[c['kind']]]} (made on {made_on})")
    return " · ".join(p for p in parts if p)


def when(stamp) -> str:
    """``2025-01-02T10:00:00+00:00`` as ``2025-01-02 10:00 UTC``."""
    text = str(stamp or "")
    return f"{text[:10]} {text[11:16]} UTC" if text.endswith("+00:00") and len(text) >= 16 else text


def export(rows: list[dict], fmt: str, changes: list[dict] = ()) -> str:
    """Corrections as JSON (values as objects, each with its ``history``: the changes that made and undid it,
    oldest first) or CSV (who made and undid each; values as JSON text, formula-like cells defused)."""
    if fmt == "json":
        made = {}
        for ch in reversed(changes):
            if ch["action"] in ("correction", "undo"):
                made.setdefault(ch["target"], []).append(ch)
        rows = [r | {"history": made.get(str(r["id"]), [])} for r in rows]
    return export_records(rows, fmt, EXPORT_COLUMNS, ("value",))


def _export_json(rows: list[dict]) -> str:
    """The corrections as JSON with their history, read from the store when the download is clicked."""
    return export(rows, "json", data.every_change())


def isolate(text: str) -> str:
    """Text in Unicode isolates (FSI … PDI), so Arabic in it does not reorder the text around it."""
    return f"\u2068{text}\u2069"


# ---- writing (widget callbacks) --------------------------------------------------------------------------------

def _flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def _submit(kind: str, target: str, value: Callable[[], dict], note_key: str, done: str) -> None:
    """Store one correction; its success or the reason it was refused is shown on the next run."""
    try:
        with data.writing() as conn:
            cid = corrections.add(conn, kind, target, value(), (st.session_state.get(note_key) or "").strip(),
                                  who=auth.editor())
    except (CorrectionError, auth.NotAnEditor) as e:
        _flash("error", f"Not saved: {e}")
    except StoreError as e:
        _flash("error", f"Not saved: {e}. What you entered is kept.")
    else:
        _flash("success", f"Saved correction #{cid}: {done}.")


def _undo(correction_id: int) -> None:
    try:
        with data.writing() as conn:
            ok = corrections.undo(conn, correction_id, who=auth.editor())
    except (auth.NotAnEditor, StoreError) as e:
        _flash("error", f"Not undone: {e}")
        return
    _flash("success" if ok else "warning",
           f"Undid correction #{correction_id}." if ok else f"Correction #{correction_id} was already undone.")


def _date_value(key: str) -> Callable[[], dict]:
    def read() -> dict:
        start, end = st.session_state.get(f"{key}_start"), st.session_state.get(f"{key}_end")
        return {"date_start": start.isoformat() if isinstance(start, date) else None,
                "date_end": end.isoformat() if isinstance(end, date) else None}
    return read


# ---- the panel -------------------------------------------------------------------------------------------------

def show(page, doc: dict) -> None:
    """The corrections panel for the open article."""
    st.subheader("Correct this article")
    flash = st.session_state.pop(FLASH, None)
    if flash:
        getattr(st, flash[0])(md_escape(flash[1]))
    editing = auth.editor() is not None
    if editing:
        doc_events = page.rows(None, EventQuery(doc_ids=(doc["id"],)), order="text")
        event_panel(doc, doc_events, page.ask)
        mention_panel(doc)
    else:
        auth.viewer_notice("Correcting events needs an editor.")
    history(doc, editing)


def event_panel(doc: dict, doc_events: pd.DataFrame, ask: Callable) -> None:
    """The article's event picker and a tab per correction (``ask``: the page's store query, for its incident)."""
    if doc_events.empty:
        st.caption("This article has no event to correct (dropped events can be restored under “Corrections”).")
        return
    ss = st.session_state
    rows = {r["id"]: r for _, r in doc_events.iterrows()}
    eid = choose("Event", {i: event_label(r) for i, r in rows.items()}, EVENT_KEY,
                 help="The events of this text, as the tables show them (corrections applied).")
    row = rows[eid]
    key = f"fix_{eid}"
    note_key = f"{key}_note"
    # The open tab is kept (a search in the Place tab reruns the page) and only its content runs.
    tabs = dict(zip(ACTIONS, st.tabs(list(ACTIONS.values()), key=TAB_KEY, on_change="rerun")))
    if tabs["status"].open is not False:
        with tabs["status"]:
            current = row["status"] if row["status"] in corrections.STATUSES else "occurred"
            statuses = sorted(corrections.STATUSES)
            st.radio("Status", statuses, index=statuses.index(current), format_func=STATUS_LABELS.get,
                     key=f"{key}_status", horizontal=True)
            st.button("Set the status", key=f"{key}_status_go", on_click=_submit,
                      args=("event_status", eid, lambda: {"status": ss.get(f"{key}_status")}, note_key,
                            "status changed"))
    if tabs["date"].open is not False:
        with tabs["date"]:
            start = row["day"].date() if pd.notna(row["day"]) else _published(doc)
            end = row["day_end"].date() if pd.notna(row["day_end"]) else start
            c1, c2 = st.columns(2)
            c1.date_input("From", value=start, key=f"{key}_start", min_value=date(1900, 1, 1),
                          max_value=date(2100, 12, 31))
            c2.date_input("To", value=end, key=f"{key}_end", min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
            st.button("Set the date", key=f"{key}_date_go", on_click=_submit,
                      args=("event_date", eid, _date_value(key), note_key, "date changed"))
    if tabs["place"].open is not False:
        with tabs["place"]:
            value = places.picker(f"{key}_place", _doc_place_ids(doc))
            st.button("Move the event", key=f"{key}_place_go", on_click=_submit,
                      args=("event_place", eid, value, note_key, "event moved"))
    if tabs["incident"].open is not False:
        with tabs["incident"]:
            from . import incident_ui          # it uses this module's helpers
            incident_ui.tab(ask, rows, eid, key, note_key)
    if tabs["drop"].open is not False:
        with tabs["drop"]:
            st.caption("Dropping hides the event from every map and table; Undo under “Corrections” restores it.")
            st.button("Drop this event", key=f"{key}_drop_go", type="primary", on_click=_submit,
                      args=("drop_event", eid, dict, note_key, "event dropped"))
    st.text_input("Note (optional, saved with the correction)", key=note_key, max_chars=300)


def mention_panel(doc: dict) -> None:
    mentions = {mention_target(doc["id"], m): m for m in doc.get("places", [])}
    box = st.expander(f"Fix a place mention ({len(mentions)})", key=MENTIONS_KEY, on_change="rerun")
    if box.open is False:                       # closed: nothing inside runs (no gazetteer to load)
        return
    with box:
        if not mentions:
            st.caption("No place is mentioned in this article.")
            return
        target = choose("Place mention", {t: mention_label(m) for t, m in mentions.items()}, MENTION_KEY,
                        help="Moving a mention moves the events of its sentence that stood at that place.")
        key = "fix_m_" + target.replace(":", "_")
        value = places.picker(f"{key}_place", _doc_place_ids(doc))
        st.text_input("Note (optional)", key=f"{key}_note", max_chars=300)
        st.button("Move the mention", key=f"{key}_go", on_click=_submit,
                  args=("mention_place", target, value, f"{key}_note", "mention moved"))


def history(doc: dict, editing: bool) -> None:
    """The article's corrections, newest first, with Undo for an editor (those made on an earlier version listed as
    no longer matching); and the export of all corrections."""
    current = {e["id"]: e for e in data.stored_events(doc["id"])}
    stored = {e["id"]: e for v in data.versions(doc["id"]) for e in v["events"]} | current
    everything = data.corrections()
    mine = for_document(everything, doc["id"], set(current))
    mentions = {mention_target(doc["id"], m): m for m in doc.get("places", [])}
    with st.expander(corrections_label(mine), expanded=any(not c.get("undone_at") for c in mine)):
        if not mine:
            st.caption("No correction of this article yet.")
        for c in reversed(mine):
            left, right = st.columns([8, 1], vertical_alignment="center")
            text = md_escape(describe(c, stored, mentions))
            left.markdown(f"~~{text}~~" if c.get("undone_at") else text if c.get("matches", True) else f"⚠ {text}")
            if editing and not c.get("undone_at"):
                right.button("Undo", key=f"undo_{c['id']}", on_click=_undo, args=(c["id"],))
        st.caption(f"Export every correction in the store ({len(everything)}, undone ones included):")
        c1, c2 = st.columns(2)
        c1.download_button("Corrections (JSON)", partial(_export_json, everything),
                           file_name="atlas-corrections.json",
                           mime="application/json", on_click="ignore", key="dl_fix_json")
        c2.download_button("Corrections (CSV)", partial(export, everything, "csv"), file_name="atlas-corrections.csv",
                           mime="text/csv", on_click="ignore", key="dl_fix_csv")


def corrections_label(mine: list[dict]) -> str:
    """``Corrections (2 active, 1 undone, 1 no longer matching)``: the parts after ``active`` only when there are."""
    undone = sum(1 for c in mine if c.get("undone_at"))
    stale = sum(1 for c in mine if not c.get("undone_at") and c.get("matches") is False)
    counts = [f"{len(mine) - undone - stale} active"] + [f"{n} {what}" for n, what in
                                                         ((undone, "undone"), (stale, "no longer matching")) if n]
    return f"Corrections ({', '.join(counts)})"


def choose(label: str, labels: dict[str, str], state: str, **kwargs) -> str:
    """A selectbox over ``labels`` (id -> label) whose choice, an id, is kept in ``st.session_state[state]``.

    The widget's key is derived from the labels, so when a correction changes them (a badge, a status, a dropped
    event) it is a new widget preselected at the kept id: the browser never shows or sends back a stale label."""
    ss = st.session_state
    ids = list(labels)
    kept = ss.get(state) if ss.get(state) in labels else ids[0]
    digest = hashlib.sha1("\n".join(f"{i}\t{t}" for i, t in labels.items()).encode("utf-8")).hexdigest()[:12]
    value = st.selectbox(label, ids, index=ids.index(kept), format_func=labels.get, key=f"{state}_{digest}", **kwargs)
    ss[state] = places.only(value, labels) or kept
    return ss[state]


def _published(doc: dict) -> date:
    try:
        return date.fromisoformat(str(doc.get("published"))[:10])
    except ValueError:
        return date.today()


def _doc_place_ids(doc: dict) -> list[str]:
    return [m["place_id"] for m in doc.get("places", []) if m.get("place_id")]
