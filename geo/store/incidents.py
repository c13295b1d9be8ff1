"""Incidents in the store: the corrected events (``event_view``) grouped by ``geo.incidents``, kept in ``incidents``
(one row per incident) and ``incident_events`` (each event's incident, and the link that brought it in); each event's
row of the view carries its incident and the incident's outlets (``event_view.incident``, ``incident_outlets``), as
do its rows of ``view_parties`` (``CARRIERS``), so maps group by incident and filter by outlets without a join.

They are kept up to date where a write touches them, never over the whole store (``recompute``, called by
``current.refresh``: a save, a correction, an undo). A new article's events are linked with the stored events
within their reach (``geo.incidents.neighbour_window``: the same kind, a day range, and a place nearby: ``near``),
and the incidents those are in become one with them (``extended``): the cost follows the new events' neighbours,
not the size of the incidents they join (whose reports are read once, without sides, for the aggregates). A
replaced or corrected article, an editor's decision on a new event, or a rule that is not monotone (a placeless
report, a site absorbed by its city's incident, nearby) instead groups again every incident it touches from its
members (``regrouped``): the incidents its events were in and those of the stored events its new and old events
could link with. An incident's id is ``geo.incidents.incident_id``: its
earliest report's event id, which the store derives from the article's bytes and what the event says
(``repository.event_id``), so a recomputation or a re-ingest gives the same ids; the link shown for a report is
one that holds, and may depend on the order articles came in. Every incident written has what a map draws of it
counted again (``incident_map.refill``). ``ensure_built`` fills the tables once for a store made before them, article
batch by article batch in publication order (the same recomputation).

Editors' splits and merges (``corrections``' ``incident_split`` and ``incident_merge``) are inputs of every grouping
(``decisions``), so a later save that touches the incident keeps them; a merge also regroups the other event's
incident (``merged_with``)."""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import date, timedelta

from ..incidents import (RULES, SCALES, SPLIT, Extension, Incident, Report, Spot, extend, group, make_incident,
                         neighbour_window, report_from_event)
from . import incident_map
from .current import build_once, built, longest_window
from .engine import Connection
from .schema import INCIDENT_STATUSES

log = logging.getLogger(__name__)

FORMAT = 2              # the meta row ``incidents`` once the tables (and event_view.incident) are complete
BATCH = 500             # ids per query
BACKFILL = 200          # articles grouped per step of ``ensure_built``
LOUD = 5000             # articles from which a first grouping says so on the log (``_build``)
TILE = 0.1              # degrees of the grid that finds nearby places (``tile``)
CARRIERS = ("event_view", "view_parties")       # the rows that carry each event's incident and its outlets

_VIEW = """SELECT v.id, v.doc_id, v.type, v.subtype, v.status, v.date_start, v.date_end, v.place_id, v.place_en,
       v.place_kind, v.lat, v.lon, v.incident, s.text AS sentence_text, d.outlet AS outlet, d.published AS published
FROM event_view v LEFT JOIN sentences s ON s.doc_id = v.doc_id AND s.idx = v.sentence JOIN documents d ON d.id = v.doc_id
WHERE v.{} IN ({})"""
_WIDER = ", ".join(f"'{k}'" for k, scale in SCALES.items() if scale != "local")     # a kind not named is local
_MIXED = ("SELECT incident FROM event_view WHERE incident IN ({}) GROUP BY incident HAVING "
          "SUM(CASE WHEN place_id IS NULL OR day IS NULL THEN 1 ELSE 0 END) > 0 OR "
          f"(SUM(CASE WHEN place_kind NOT IN ({_WIDER}) THEN 1 ELSE 0 END) > 0 AND "
          "SUM(CASE WHEN place_kind = 'city' THEN 1 ELSE 0 END) > 0)")       # see ``irregular``
_MEMBER = ("INSERT INTO incident_events (event_id, incident_id, doc_id, kind, day, day_end, tile, linked_to, reason) "
           "VALUES (?,?,?,?,?,?,?,?,?)")
_INCIDENT = ("INSERT INTO incidents (id, kind, status, first_reported, first_day, last_day, reports, outlets, "
             f"outlet_names, sources, confidence, place_id, place_en, lat, lon, {', '.join(INCIDENT_STATUSES)}) "
             f"VALUES ({','.join('?' * (15 + len(INCIDENT_STATUSES)))})")


# ------------------------------------------------------------------ store rows → reports (pure)

def _aliases() -> dict[str, tuple[str, ...]]:
    """The English spelling variants of the lexicon's actors, by actor id (the store keeps ids, not aliases)."""
    from ..actors import load_actors
    return load_actors().aliases_en


def event_record(row: dict, aliases: dict) -> dict:
    """One event of the view (with its sides, as ``repository.with_sides`` gives them) in ``extract``'s JSON shape,
    the fields ``report_from_event`` reads."""
    def sides(role: str) -> list[dict]:
        return [{"name": a["name_en"], "aliases": list(aliases.get(a["id"], ())), "affiliation": a["affiliation"]}
                for a in row.get(f"{role}_list") or []]
    place = None if not row.get("place_id") else {
        "id": row["place_id"], "name": row["place_en"], "kind": row["place_kind"], "lat": row["lat"], "lon": row["lon"]}
    return {"type": row["type"], "subtype": row["subtype"], "status": row["status"], "date_start": row["date_start"],
            "date_end": row["date_end"], "place": place, "actors": sides("actor"),
            "counterparts": sides("counterpart"), "sentence": row.get("sentence_text")}


def report_of(row: dict, aliases: dict) -> Report:
    """The Report of one stored event: ``report_from_event`` over ``event_record``."""
    return report_from_event(event_record(row, aliases), row["id"], row["doc_id"], row["published"],
                             row["outlet"] or "")


def tile(r: Report) -> str:
    """Where a report's neighbours are looked for: its grid square (``TILE`` degrees) when its place has
    coordinates, its place's key when not, "" when it names no place (it may join any incident)."""
    p = r.place
    if p is None:
        return ""
    if p.lat is None or p.lon is None:
        return "id:" + p.key
    return f"{math.floor(p.lat / TILE)},{math.floor(p.lon / TILE)}"


def near_tiles(r: Report, km: float) -> list[str] | None:
    """The squares holding every place within ``km`` of the report's, its own key, and "" (placeless reports);
    None for a placeless report, which may link with any place."""
    p = r.place
    if p is None:
        return None
    if p.lat is None or p.lon is None:
        return ["id:" + p.key, ""]
    dlat = km / 111.0
    dlon = km / max(111.0 * math.cos(math.radians(min(abs(p.lat), 89.0))), 1e-6)
    rows = range(math.floor((p.lat - dlat) / TILE), math.floor((p.lat + dlat) / TILE) + 1)
    cols = range(math.floor((p.lon - dlon) / TILE), math.floor((p.lon + dlon) / TILE) + 1)
    return [f"{a},{b}" for a in rows for b in cols] + ["id:" + p.key, ""]


@dataclass(frozen=True)
class Seed:
    """What finds a report's possible neighbours: kind, day range (``neighbour_window``) and squares."""
    kind: str
    first: date
    last: date
    tiles: tuple[str, ...] | None


def seed(r: Report, rules=RULES) -> Seed | None:
    """The neighbour lookup of a report, None when it is undated (an undated report links with nothing)."""
    kind, first, last = neighbour_window(r, rules)
    if first is None or last is None:
        return None
    tiles = near_tiles(r, rules.city_km)
    return Seed(kind, first, last, None if tiles is None else tuple(tiles))


def membership(incident: Incident) -> list[tuple]:
    """The ``incident_events`` rows of one incident: each report with the link that brought it in (the earliest,
    none; one an editor split off and nothing brought in, ``SPLIT``)."""
    why = {}
    for link in incident.links:
        why.setdefault(link.b, (link.a, link.reason))
        why.setdefault(link.a, (link.b, link.reason))
    first = incident.reports[0].id
    alone = ("", SPLIT if first in incident.split and first not in why else "")
    return [(r.id, incident.id, r.doc, r.kind, _iso(r.start), _iso(r.end), tile(r),
             *(alone if r.id == first else why.get(r.id, ("", "")))) for r in incident.reports]


@dataclass(frozen=True)
class Decisions:
    """What editors decided: the events split off, and the pairs of events merged (``geo.incidents.group``'s
    ``separate`` and ``joined``)."""
    separate: frozenset[str] = frozenset()
    joined: tuple[tuple[str, str], ...] = ()


def decisions_of(fixes) -> Decisions:
    """The decisions of these active splits and merges (dicts of ``kind``, ``target``, ``value``), oldest first, a
    later one winning: a split takes its event out of the merges made before it (a merge after it joins it again,
    though no rule links it)."""
    separate: set[str] = set()
    joined: list[tuple[str, str]] = []
    for c in fixes:
        if c["kind"] == "incident_split":
            separate.add(c["target"])
            joined = [p for p in joined if c["target"] not in p]
        elif c["kind"] == "incident_merge":
            joined.append((c["target"], c["value"]["with"]))
    return Decisions(frozenset(separate), tuple(joined))


def decisions(conn: Connection) -> Decisions:
    """The editors' active splits and merges in the store (few: one per editor's click, so all are read)."""
    import json
    rows = conn.execute("SELECT kind, target, value FROM corrections WHERE undone_at IS NULL AND kind IN (?, ?) "
                        "ORDER BY id", ("incident_split", "incident_merge")).fetchall()
    return decisions_of([{"kind": r[0], "target": r[1], "value": json.loads(r[2])} for r in rows])


def incident_row(i: Incident) -> tuple:
    """The ``incidents`` row of one incident, with its reports of each status (what a map filtered by status ranks
    incidents by: ``queries.incident_objects``)."""
    p = i.place
    return (i.id, i.kind, i.status, _iso(i.first_reported), _iso(i.start), _iso(i.end), len(i.reports),
            len(i.outlets), "; ".join(i.outlets), i.sources, i.confidence, p.key if p else None,
            p.name if p else None, p.lat if p else None, p.lon if p else None,
            *(sum(r.status == s for r in i.reports) for s in INCIDENT_STATUSES))


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# ------------------------------------------------------------------ reading the store

def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def reports(conn: Connection, column: str, values, sides: bool = True) -> list[Report]:
    """The reports of the view's events whose ``column`` (``id``, ``doc_id`` or ``incident``) is one of ``values``;
    without ``sides`` they name no actor (what an incident's aggregates need, read at a fraction of the cost)."""
    from .repository import with_sides
    aliases, out = _aliases(), []
    for chunk in _chunks(sorted(set(values))):
        rows = conn.execute(_VIEW.format(column, ",".join("?" * len(chunk))), chunk).fetchall()
        out += [report_of(r, aliases) for r in (with_sides(conn, rows) if sides else map(dict, rows))]
    return out


def stored_seeds(conn: Connection, doc_ids: list[str], rules=RULES) -> list[Seed]:
    """The lookups of the events these articles had when last grouped (gone or changed since, perhaps): an
    incident they leave may now fit another."""
    return [_stored_seed(r, rules) for r in _select(
        conn, "SELECT kind, day, day_end, tile FROM incident_events WHERE day IS NOT NULL AND doc_id IN ({})", doc_ids)]


def _stored_seed(row, rules=RULES) -> Seed:
    """A Seed from an ``incident_events`` row: its squares widened to their neighbours by ``near_tiles``."""
    tol = timedelta(days=rules.tolerance(row[0]))
    first, last, where = date.fromisoformat(row[1]), date.fromisoformat(row[2]), row[3]
    if not where:
        tiles = None
    elif where.startswith("id:"):
        tiles = (where, "")
    else:
        a, b = (int(x) for x in where.split(","))
        spot = Spot("", "", "city", (a + 0.5) * TILE, (b + 0.5) * TILE)
        r = Report("", "", row[0], place=spot)
        tiles = tuple(near_tiles(r, rules.city_km + TILE * 111.0))
    return Seed(row[0], first - tol, last + tol, tiles)


def neighbours(conn: Connection, seeds, longest: int) -> set[str]:
    """The incidents holding a stored event that one of these lookups reaches: same kind, a window that meets
    the range (none starts more than ``longest`` days before its end), in one of the squares."""
    return {r[1] for r in near(conn, seeds, longest)}


def near(conn: Connection, seeds, longest: int) -> set[tuple[str, str, str]]:
    """(event, incident, square) of each stored event one of these lookups reaches (``neighbours``)."""
    found: set[tuple[str, str, str]] = set()
    for s in set(x for x in seeds if x is not None):
        sql = ("SELECT event_id, incident_id, tile FROM incident_events WHERE kind = ? AND day >= ? AND day <= ? "
               "AND day_end >= ?")
        args = [s.kind, (s.first - timedelta(days=longest)).isoformat(), s.last.isoformat(), s.first.isoformat()]
        if s.tiles is not None:
            sql += f" AND tile IN ({','.join('?' * len(s.tiles))})"
            args += list(s.tiles)
        found |= {tuple(r) for r in conn.execute(sql, args)}
    return found


def _select(conn: Connection, sql: str, values) -> list:
    """The rows of ``sql`` (``{}`` standing for the marks of a chunk of ``values``) over all the chunks."""
    out: list = []
    for chunk in _chunks(sorted(set(values))):
        out += conn.execute(sql.format(",".join("?" * len(chunk))), chunk).fetchall()
    return out


def _ids(conn: Connection, sql: str, values) -> set[str]:
    """The first column of ``_select``."""
    return {r[0] for r in _select(conn, sql, values)}


# ------------------------------------------------------------------ recomputing

def touched(conn: Connection, doc_ids: list[str], new: list[Report], rules=RULES, joined=()) -> set[str]:
    """The incidents a refresh of these articles may change: those their events were in; those holding a stored
    event their new or former events could link with; for what a split lets go, the incidents of the other
    events of their members' articles (a site joins its article's city incident) and near their placeless members;
    and the incidents an editor merged any of those with (``merged_with``)."""
    found = _reached(conn, doc_ids, new, rules)
    return merged_with(conn, found, {r.id for r in new}, joined) if joined else found


def merged_with(conn: Connection, ids: set[str], events: set[str], joined) -> set[str]:
    """``ids`` and, until none is left, the incidents of the other event of each merge (``joined``) that a member of
    theirs or one of ``events`` is in: a new merge regroups both incidents, into one."""
    partners: dict[str, set[str]] = {}
    for a, b in joined:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    ids, seen = set(ids), set()
    frontier = set(events) | _ids(conn, "SELECT event_id FROM incident_events WHERE incident_id IN ({})", ids)
    while frontier:
        seen |= frontier
        others = {p for e in frontier & partners.keys() for p in partners[e]} - seen
        more = _ids(conn, "SELECT DISTINCT incident_id FROM incident_events WHERE event_id IN ({})", others) - ids
        ids |= more
        frontier = (others | _ids(conn, "SELECT event_id FROM incident_events WHERE incident_id IN ({})", more)) - seen
    return ids


def _reached(conn: Connection, doc_ids: list[str], new: list[Report], rules=RULES) -> set[str]:
    """``touched`` by the rules alone."""
    longest = longest_window(conn) or 0
    was = _ids(conn, "SELECT DISTINCT incident_id FROM incident_events WHERE doc_id IN ({})", doc_ids)
    found = was | neighbours(conn, [seed(r, rules) for r in new] + stored_seeds(conn, doc_ids, rules), longest)
    if not was:
        return found
    docs = _ids(conn, "SELECT DISTINCT doc_id FROM incident_events WHERE incident_id IN ({})", was)
    found |= _ids(conn, "SELECT DISTINCT incident_id FROM incident_events WHERE doc_id IN ({})", docs)
    placeless = _select(conn, "SELECT kind, day, day_end, tile FROM incident_events WHERE tile = '' AND "
                              "day IS NOT NULL AND incident_id IN ({})", was)
    return found | neighbours(conn, [_stored_seed(r, rules) for r in placeless], longest)


def recompute(conn: Connection, doc_ids, rules=RULES) -> int:
    """Bring the incidents up to date after a refresh of these articles, inside the caller's transaction; returns
    how many reports were grouped or compared. New articles join the incidents their events' neighbours are in
    (``extended``); the rest regroup the incidents they touch (``regrouped``): articles grouped before (replaced,
    corrected), and those with an event that names no place or that an editor decided on, or that ``extended``
    leaves. The articles regrouped last find the others' events in place, so the result is what grouping
    everything gives."""
    doc_ids = sorted(set(doc_ids))
    new = reports(conn, "doc_id", doc_ids)
    editors = decisions(conn)
    decided = editors.separate | {e for pair in editors.joined for e in pair}
    hard = _ids(conn, "SELECT DISTINCT doc_id FROM incident_events WHERE doc_id IN ({})", doc_ids)
    hard |= {r.doc for r in new if r.place is None or r.id in decided}     # a placeless event reaches every place
    compared, left = extended(conn, [r for r in new if r.doc not in hard], editors, rules)
    hard |= left
    if hard:
        compared += regrouped(conn, sorted(hard), [r for r in new if r.doc in hard], editors, rules)
    return compared


def regrouped(conn: Connection, doc_ids: list[str], new: list[Report], editors: Decisions, rules=RULES) -> int:
    """Group again the incidents a refresh of these articles touches (``touched``) with the articles' events as
    they are now and the editors' decisions, and replace them; returns how many reports were grouped."""
    ids = touched(conn, doc_ids, new, rules, editors.joined)
    members = _ids(conn, "SELECT event_id FROM incident_events WHERE incident_id IN ({})", ids)
    refreshed = set(doc_ids)
    kept = [r for r in reports(conn, "id", members) if r.doc not in refreshed]
    redone = group(kept + new, rules, editors.separate, editors.joined)
    for chunk in _chunks(sorted(ids)):
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM incident_events WHERE incident_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM incidents WHERE id IN ({marks})", chunk)
    for chunk in _chunks(doc_ids):
        conn.execute(f"DELETE FROM incident_events WHERE doc_id IN ({','.join('?' * len(chunk))})", chunk)
    conn.executemany(_INCIDENT, [incident_row(i) for i in redone])
    conn.executemany(_MEMBER, [m for i in redone for m in membership(i)])
    _take(conn, [(i.id, len(i.outlets), r.id) for i in redone for r in i.reports])
    incident_map.refill(conn, [i.id for i in redone])
    return len(kept) + len(new)


def extended(conn: Connection, new: list[Report], editors: Decisions, rules=RULES) -> tuple[int, set[str]]:
    """Join placed events of articles never grouped to the incidents of the stored events within their reach
    (``geo.incidents.extend``): a cost of the new events' neighbours, plus one query per joined incident that
    reads its reports, without sides, for its aggregates. Returns how many reports were compared, and the articles
    left to ``regrouped``, where joining would not give what grouping everything gives: an event with a placeless
    event within its reach, a site that could be the spot of two incidents, or an event joining an ``irregular``
    incident. Those articles are taken out and the rest joined again without them, until none is left out."""
    longest = longest_window(conn) or 0
    seeds = {r.id: seed(r, rules) for r in new}
    found = {s: near(conn, [s], longest) for s in set(seeds.values())}
    reach = {i: found[s] for i, s in seeds.items()}
    left = {r.doc for r in new if any(where == "" for _, _, where in reach[r.id])}
    known: dict[str, Report] = {}
    while True:
        joining = [r for r in new if r.doc not in left]
        incident_of = {e: i for r in joining for e, i, _ in reach[r.id] if e not in editors.separate}
        known |= {r.id: r for r in reports(conn, "id", set(incident_of) - set(known))}
        days = {r[0]: (r[1], date.fromisoformat(r[2]), date.fromisoformat(r[3])) for r in _select(
            conn, "SELECT id, kind, first_day, last_day FROM incidents WHERE first_day IS NOT NULL AND id IN ({})",
            set(incident_of.values()))}
        plan = extend(joining, [known[e] for e in incident_of], incident_of, {i: d[1:] for i, d in days.items()},
                      rules)
        bad = irregular(conn, {i: days[i] for x in plan for i in x.joins}, rules)
        out = {r.doc for x in plan if x.doubtful or bad & x.joins.keys() for r in x.new}
        if not out:
            break
        left |= out
    _write(conn, plan)
    return len(joining) + len(incident_of), left


def irregular(conn: Connection, days: dict[str, tuple[str, date, date]], rules=RULES) -> set[str]:
    """Those of these incidents (id: kind, first and last day) that hold a report naming no place or no day, or
    reports of a site and of a city (a site absorbed, or an editor's merge), or that have a placeless report of their
    kind within their days' reach: what joining new reports to them may move elsewhere, so they must be grouped
    again."""
    bad = {r[0] for r in _select(conn, _MIXED, days)}
    longest = longest_window(conn) or 0
    for i, (kind, first, last) in days.items():
        if i in bad:
            continue
        tol = timedelta(days=rules.tolerance(kind))
        first, last = first - tol, last + tol
        if conn.execute("SELECT 1 FROM incident_events WHERE kind = ? AND tile = '' AND day >= ? AND day <= ? "
                        "AND day_end >= ? LIMIT 1", (kind, (first - timedelta(days=longest)).isoformat(),
                                                     last.isoformat(), first.isoformat())).fetchone():
            bad.add(i)
    return bad


def _write(conn: Connection, plan: list[Extension]) -> None:
    """Store each group of new reports as one incident with the stored incidents it joins: their rows replaced by
    the union's (their reports read once, without sides, which the aggregates do not need), their reports moved to
    it, the new ones added. The earliest report of a joined incident that is no longer the union's takes the link
    that brought its incident in. New incidents alone are written in batches."""
    rows, members, view, relinked = [], [], [], []
    for x in plan:
        union = make_incident([*(reports(conn, "incident", x.joins, sides=False) if x.joins else ()), *x.new],
                              list(x.links))
        outlets, joined, fresh, why = len(union.outlets), sorted(x.joins), {r.id for r in x.new}, x.why()
        for chunk in _chunks(joined):
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM incidents WHERE id IN ({marks})", chunk)
            conn.execute(f"UPDATE incident_events SET incident_id = ? WHERE incident_id IN ({marks})",
                         [union.id, *chunk])
            for table in CARRIERS:
                conn.execute(f"UPDATE {table} SET incident = ?, incident_outlets = ? WHERE incident IN ({marks}) AND "
                             "(incident <> ? OR incident_outlets IS NULL OR incident_outlets <> ?)",
                             [union.id, outlets, *chunk, union.id, outlets])
        relinked += [(link.a if link.a in fresh else link.b, link.reason, i.removeprefix("incident:"))
                     for i, link in x.joins.items() if i != union.id]
        rows.append(incident_row(union))
        first = union.reports[0].id
        members += [(r.id, union.id, r.doc, r.kind, _iso(r.start), _iso(r.end), tile(r),
                     *(("", "") if r.id == first else why.get(r.id, ("", "")))) for r in x.new]
        view += [(union.id, outlets, r.id) for r in x.new]
    conn.executemany(_INCIDENT, rows)
    conn.executemany("UPDATE incident_events SET linked_to = ?, reason = ? WHERE event_id = ?", relinked)
    conn.executemany(_MEMBER, members)
    _take(conn, view)
    incident_map.refill(conn, [row[0] for row in rows])


def _take(conn: Connection, rows) -> None:
    """Each (incident, its outlets, event id): the event's rows that carry its incident take them."""
    for table in CARRIERS:
        conn.executemany(f"UPDATE {table} SET incident = ?, incident_outlets = ? WHERE id = ?", rows)


def ensure_built(conn: Connection) -> None:
    """Group every article once, for a store that has no incidents in this ``FORMAT`` yet (an older store): in
    batches of ``BACKFILL`` articles in publication order, each one recomputation; a no-op after."""
    build_once(conn, "incidents", FORMAT, _build)
    incident_map.ensure_built(conn)


def _build(conn: Connection) -> None:
    """Every article grouped, in publication order; a big store says so on the log, since it takes minutes."""
    conn.execute("DELETE FROM incident_events")
    conn.execute("DELETE FROM incidents")
    docs = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY published, id")]
    loud = len(docs) >= LOUD
    if loud:
        log.warning("grouping the store's %d articles into incidents, once (the store was made before them)", len(docs))
    t = time.perf_counter()
    for chunk in _chunks(docs, BACKFILL):
        recompute(conn, chunk)
    if loud:
        log.warning("incidents grouped in %.0f s", time.perf_counter() - t)


def is_built(conn: Connection) -> bool:
    """Whether every article has been grouped into incidents in this ``FORMAT``."""
    return built(conn, "incidents", FORMAT)
