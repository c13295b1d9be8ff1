"""Analysts' corrections: stored apart from what the extractor wrote, applied when events are read.

A correction names its target by a stable key (an event id is a hash of the article's text and
the event; a place mention is its document and span), so it survives re-extraction. Each correction
and each undo is a change in ``geo.history`` (who, when, on which version of the article); undoing
keeps the row, marked undone. A correction whose target is gone (its article's text was replaced)
is kept and listed as no longer matching, and applies to nothing.

Two kinds change no event but the incidents it is grouped into (``geo.store.incidents``): ``incident_split`` takes
the event out of its incident (it links with nothing by the rules), ``incident_merge`` makes its incident and the
other event's one; a later one wins (a split takes the event out of the merges made before it).
"""
from __future__ import annotations

import json
from datetime import date

from . import current, history
from .engine import Connection

KINDS = {
    "drop_event": "event",        # value: {}
    "event_status": "event",      # value: {"status": "occurred"|"planned"}
    "event_date": "event",        # value: {"date_start": "YYYY-MM-DD", "date_end": "YYYY-MM-DD"}
    "event_place": "event",       # value: {"place_id": ...} or {"lat", "lon", "name"}
    "mention_place": "mention",   # value: as event_place; target "DOC_ID:START:END"
    "incident_split": "event",    # value: {}
    "incident_merge": "event",    # value: {"with": another event's id}
}
INCIDENT_KINDS = ("incident_split", "incident_merge")     # they change the incidents, not the event
STATUSES = {"occurred", "planned"}

# Each correction with who made it, on which article and version, who undid it, and whether its target is still
# there: an event of the current text, or a place mention of the very version it was made on.
LISTING = """
SELECT c.*, h.who, h.doc_id, h.version,
       (SELECT u.who FROM changes u WHERE u.action = 'undo' AND u.target = h.target ORDER BY u.id DESC LIMIT 1)
           AS undone_by,
       CASE WHEN c.kind = 'mention_place' THEN
           EXISTS (SELECT 1 FROM place_mentions m WHERE m.doc_id = h.doc_id
                   AND m.doc_id || ':' || m.start || ':' || m."end" = c.target)
           AND (h.version IS NULL OR h.version = """ + history.CURRENT_VERSION.format("h.doc_id") + """)
       ELSE EXISTS (SELECT 1 FROM events e WHERE e.id = c.target) END AS matches
FROM corrections c
LEFT JOIN changes h ON h.action = 'correction' AND h.target = CAST(c.id AS TEXT)
"""


class CorrectionError(ValueError):
    """A correction that cannot be applied, with the reason."""


def validate(conn: Connection, kind: str, target: str, value: dict) -> dict:
    """The value, checked against the kind; raises CorrectionError with a reason."""
    if kind not in KINDS:
        raise CorrectionError(f"Unknown kind of correction “{kind}”.")
    if kind == "event_status" and value.get("status") not in STATUSES:
        raise CorrectionError("The status must be “occurred” or “planned”.")
    if kind == "event_date":
        try:
            start, end = date.fromisoformat(value["date_start"]), date.fromisoformat(value["date_end"])
        except (KeyError, TypeError, ValueError):
            raise CorrectionError("Write dates as YYYY-MM-DD.") from None
        if end < start:
            raise CorrectionError("The end date comes before the start date.")
    if kind in ("event_place", "mention_place"):
        value = _place_value(conn, value)
    if KINDS[kind] == "event" and _kind_of(conn, target) is None:
        raise CorrectionError(f"There is no event “{target}” in the store (was its article replaced?).")
    if kind == "incident_merge":
        value = _merge_value(conn, target, value)
    if KINDS[kind] == "mention" and _mention(conn, target) is None:
        raise CorrectionError(f"There is no place mention “{target}” in the store.")
    return value


def _kind_of(conn: Connection, event_id: str) -> str | None:
    """The event's kind (``type``), None when the store has no such event."""
    row = conn.execute("SELECT type FROM events WHERE id = ?", (str(event_id),)).fetchone()
    return None if row is None else row[0]


def _merge_value(conn: Connection, target: str, value: dict) -> dict:
    """``{"with": id}`` of another stored event of the same kind (an incident is of one kind)."""
    other = str(value.get("with") or "").strip()
    if not other:
        raise CorrectionError("Give the id of the event whose incident to merge with.")
    if other == target:
        raise CorrectionError("An event cannot be merged with itself: give another event.")
    kind = _kind_of(conn, other)
    if kind is None:
        raise CorrectionError(f"There is no event “{other}” in the store.")
    if kind != _kind_of(conn, target):
        raise CorrectionError(f"Only events of one kind can be one incident: “{other}” is of another kind.")
    return {"with": other}


def _place_value(conn: Connection, value: dict) -> dict:
    if value.get("place_id"):
        row = conn.execute("SELECT id, name_en, name_ar, lat, lon FROM places WHERE id = ?",
                           (value["place_id"],)).fetchone()
        if row is None:
            from ..gazetteer import load_gazetteer
            p = load_gazetteer().get(value["place_id"])
            if p is None:
                raise CorrectionError(f"There is no gazetteer place “{value['place_id']}”.")
            return {"place_id": p.id, "name_en": p.name_en, "name_ar": p.name_ar, "lat": p.lat, "lon": p.lon}
        return dict(row) | {"place_id": row["id"]}
    try:
        lat, lon = float(value["lat"]), float(value["lon"])
    except (KeyError, TypeError, ValueError):
        raise CorrectionError("Pick a place from the gazetteer, or give both latitude and longitude.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CorrectionError("Latitude must lie between -90 and 90, longitude between -180 and 180.")
    name = str(value.get("name") or f"{lat:.4f}, {lon:.4f}")
    return {"place_id": f"custom:{lat:.5f},{lon:.5f}", "name_en": name, "name_ar": str(value.get("name_ar") or name),
            "lat": lat, "lon": lon}


def _mention(conn: Connection, target: str):
    try:
        doc_id, start, end = target.rsplit(":", 2)
        start, end = int(start), int(end)
    except ValueError:
        return None
    return conn.execute('SELECT doc_id, sentence, place_id FROM place_mentions WHERE doc_id = ? AND start = ? '
                        'AND "end" = ?', (doc_id, start, end)).fetchone()


def add(conn: Connection, kind: str, target: str, value: dict | None = None, note: str = "",
        who: str = history.LOCAL) -> int:
    """Store one correction, recorded as made by ``who`` on the article's current version; returns its id."""
    value = validate(conn, kind, target, value or {})
    doc_id = _document_of(conn, kind, target)
    with conn.transaction():
        cid = conn.execute("INSERT INTO corrections (kind, target, value, note, created_at) VALUES (?,?,?,?,?) "
                           "RETURNING id", (kind, target, json.dumps(value, ensure_ascii=False), note,
                                            history.now())).fetchone()[0]
        history.record(conn, who, "correction", str(cid), doc_id, history.current_version(conn, doc_id),
                       {"kind": kind, "target": target, "value": value, "note": note})
        current.refresh(conn, [doc_id])
    return cid


def undo(conn: Connection, correction_id: int, who: str = history.LOCAL) -> bool:
    """Mark a correction undone and record the undo as a change by ``who``; False if there was no such active
    correction."""
    with conn.transaction():
        row = conn.execute("SELECT c.kind, c.target, h.doc_id FROM corrections c LEFT JOIN changes h ON "
                           "h.action = 'correction' AND h.target = CAST(c.id AS TEXT) "
                           "WHERE c.id = ? AND c.undone_at IS NULL", (correction_id,)).fetchone()
        if row is None:
            return False
        conn.execute("UPDATE corrections SET undone_at = ? WHERE id = ?", (history.now(), correction_id))
        history.record(conn, who, "undo", str(correction_id), row["doc_id"], None,
                       {"kind": row["kind"], "target": row["target"]})
        if row["doc_id"]:
            current.refresh(conn, [row["doc_id"]])
    return True


def _document_of(conn: Connection, kind: str, target: str) -> str:
    """The article a (validated) correction's target belongs to."""
    if KINDS[kind] == "mention":
        return _mention(conn, target)["doc_id"]
    return conn.execute("SELECT doc_id FROM events WHERE id = ?", (target,)).fetchone()[0]


def listing(conn: Connection, include_undone: bool = True, doc_ids: list[str] | None = None) -> list[dict]:
    """All corrections (or those of the articles ``doc_ids``), oldest first, values decoded, with who made and
    undid each and whether it still ``matches`` its target (what the export writes)."""
    conds = ([] if include_undone else ["c.undone_at IS NULL"]) + (
        [f"h.doc_id IN ({','.join('?' * len(doc_ids))})"] if doc_ids is not None else [])
    sql = LISTING + (" WHERE " + " AND ".join(conds) if conds else "") + " ORDER BY c.id"
    return [dict(r) | {"value": json.loads(r["value"]), "matches": bool(r["matches"])}
            for r in conn.execute(sql, list(doc_ids or ()))]


def active(conn: Connection, doc_ids: list[str] | None = None) -> list[dict]:
    """The corrections that apply (to the articles ``doc_ids``, or to all): not undone, still matching their target."""
    return [c for c in listing(conn, include_undone=False, doc_ids=doc_ids) if c["matches"]]


def apply(events: list[dict], corrections: list[dict], mentions: dict[str, dict]) -> list[dict]:
    """Events with the active corrections applied, later ones winning; dropped events are left out (splits and
    merges change incidents, not events: they are left to ``incidents``).

    ``mentions`` maps a mention target to its row (doc_id, sentence, place_id): a corrected mention
    moves the events of its sentence that stood at its place.
    """
    by_event: dict[str, list[dict]] = {}
    for c in corrections:
        if c.get("undone_at") or c["kind"] in INCIDENT_KINDS:
            continue
        if c["kind"] == "mention_place":
            m = mentions.get(c["target"])
            if m is None:
                continue
            for e in events:
                if e["doc_id"] == m["doc_id"] and e["sentence"] == m["sentence"] and e["place_id"] == m["place_id"]:
                    by_event.setdefault(e["id"], []).append(c | {"kind": "event_place"})
        else:
            by_event.setdefault(c["target"], []).append(c)
    out = []
    for e in events:
        fixes = by_event.get(e["id"])
        if not fixes:
            out.append(e | {"corrected": False})
            continue
        e = dict(e, corrected=True)
        for c in fixes:
            v = c["value"]
            if c["kind"] == "drop_event":
                e = None
                break
            if c["kind"] == "event_status":
                e["status"] = v["status"]
            elif c["kind"] == "event_date":
                e.update(date_start=v["date_start"], date_end=v["date_end"], date_precision="day", date_source="analyst")
            elif c["kind"] == "event_place":
                e.update(place_id=v["place_id"], place_en=v["name_en"], place_ar=v["name_ar"], lat=v["lat"], lon=v["lon"])
        if e is not None:
            out.append(e)
    return out


def apply_to_document(doc: dict, corrections: list[dict]) -> dict:
    """A document (as ``store.read_document`` gives it) with its place-mention corrections applied,
    later ones winning; a corrected mention is marked and keeps what it was (``was_en``, ``was_ar``)."""
    prefix = f"{doc['id']}:"
    moved = {c["target"][len(prefix):]: c["value"] for c in corrections
             if c["kind"] == "mention_place" and not c.get("undone_at") and c["target"].startswith(prefix)}
    if not moved:
        return doc
    places = []
    for m in doc.get("places", []):
        v = moved.get(f"{m['start']}:{m['end']}")
        if v is not None:
            m = dict(m, place_id=v["place_id"], name_en=v["name_en"], name_ar=v["name_ar"], lat=v["lat"],
                     lon=v["lon"], corrected=True, was_en=m.get("name_en"), was_ar=m.get("name_ar"))
        places.append(m)
    return dict(doc, places=places)


def mention_rows(conn: Connection, targets: list[str]) -> dict[str, dict]:
    out = {}
    for t in targets:
        row = _mention(conn, t)
        if row is not None:
            out[t] = dict(row)
    return out
