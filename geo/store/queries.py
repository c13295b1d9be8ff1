"""What a page asks of the events, answered by the store: filtered counts, groups (places, arcs), days, pairs of
parties, and at most a page of whole rows. Every query reads the corrected events (``current``'s ``event_view``)
through one filter (``EventQuery``), so a view costs what it shows, not what the store holds. A question that needs
no single event's date, sides or article (``EventQuery.source``) is answered from the cells (``current``'s
``event_cells``, ``cell_pairs`` and ``cell_parties``): the same SQL over far fewer rows, the same answer. Filtered by
actor or affiliation, the events are those parties' rows (``view_parties``' ``party_view``), read together."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple
from datetime import date, timedelta

from .current import FIGURES, longest_window
from .day_counts import KEY as DAY_INDEX      # ix_view_days' and day_counts' columns after the day, in their order
from .engine import Connection
from .repository import with_sides
from .schema import INCIDENT_STATUSES
from .view_parties import FIELDS as PARTY_FIELDS

# What events may be grouped by or matched on (a map object's key), and the SQL of each.
COLUMNS = {"type": "v.type", "subtype": "v.subtype", "status": "v.status", "place_id": "v.place_id",
           "origin_id": "v.origin_id", "actor_key": "v.actor_key", "aff_key": "v.aff_key",
           "month": "substr(v.day, 1, 7)", "day": "v.day", "doc_id": "v.doc_id",
           "incident": "v.incident"}
LOCATED = {None: "", "place": " AND v.lat IS NOT NULL AND v.lon IS NOT NULL",
           "arc": " AND v.lat IS NOT NULL AND v.lon IS NOT NULL AND v.origin_lat IS NOT NULL"
                  " AND v.origin_lon IS NOT NULL"}
CELL_COLUMNS = {"type", "subtype", "status", "place_id", "origin_id", "actor_key", "aff_key"}   # in event_cells too


@dataclass(frozen=True)
class Source:
    """Where a question is answered: the view (one row per event) or the cells (one row per cell of ``events``
    events); what counts events there, and a group's first and last day, last end and latest event."""
    table: str
    n: str
    first: str
    last: str
    end: str
    key: str


VIEW = Source("event_view", "1", "v.day", "v.day", "v.day_end", "COALESCE(v.day, '') || ' ' || v.id")
CELLS = Source("event_cells", "v.events", "v.first_day", "v.last_day", "v.last_end", "v.last_key")
# The events of one party: their rows of ``view_parties`` joined to their cells (``view_parties.VIEW``), a column of
# ``event_view`` wherever ``queries`` reads one; filtered by ``EventQuery.where``'s party, each event is one row.
PARTIES = Source("party_view", "1", "v.day", "v.day", "v.day_end", VIEW.key)
_PARTY = "v.id IN (SELECT p.id FROM view_parties p WHERE p.field = ? AND p.value IN ({}))"
_ROW = """SELECT v.*, s.text AS sentence_text, d.title AS doc_title, d.outlet AS outlet, d.published AS published,
       d.url AS url
FROM event_view v LEFT JOIN sentences s ON s.doc_id = v.doc_id AND s.idx = v.sentence JOIN documents d ON d.id = v.doc_id
"""
ORDERS = {"oldest": "v.day NULLS FIRST, v.date_start, v.doc_id, v.sentence, v.start, v.id",
          "newest": "v.day DESC NULLS LAST, v.doc_id DESC, v.sentence DESC, v.start DESC, v.id DESC",
          "dated": "v.day IS NULL, v.day, v.doc_id, v.sentence, v.start, v.id",
          "text": "v.sentence, v.start, v.id"}


@dataclass(frozen=True)
class EventQuery:
    """Which events: empty fields mean all. ``actors`` and ``affiliations`` match either side of an event; the
    dates keep events that overlap [date_from, date_to] (ISO days; undated events then drop out); ``match``
    holds (column, value) pairs of ``COLUMNS`` that must be equal ("" matches a missing value); ``places`` keeps the
    events at these places only (a map's countries); ``outlets`` keeps the events of incidents reported by at least
    that many outlets."""
    kinds: tuple[str, ...] = ()
    status: str = ""
    actors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    match: tuple[tuple[str, str], ...] = ()
    doc_ids: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    outlets: int = 0                    # at least this many outlets reported the event's incident

    def where(self, located: str | None = None) -> tuple[str, list]:
        """The SQL condition on ``v``, the table of ``source`` (or of ``events``, for a question on single events),
        and its parameters. With actors or affiliations that table is ``party_view``, filtered on the first of them
        (actors before affiliations); an event that names two of its values keeps the row of the first in order."""
        conds, args = ["1=1"], []

        def among(column: str, values) -> None:
            conds.append(f"{column} IN ({','.join('?' * len(values))})")
            args.extend(values)

        if self.kinds:
            among("v.type", self.kinds)
        if self.status:
            conds.append("v.status = ?")
            args.append(self.status)
        named = [(field, values) for field, values in zip(PARTY_FIELDS, (self.actors, self.affiliations)) if values]
        for k, (field, values) in enumerate(named):
            marks = ",".join("?" * len(values))
            args += [field, *values]
            if k or self.events() is not PARTIES:
                conds.append(_PARTY.format(marks))
            else:
                conds.append(f"v.field = ? AND v.value IN ({marks})")
                if len(values) > 1:             # an event's row of the first of them it names
                    conds.append(f"v.value = (SELECT MIN(p.value) FROM view_parties p WHERE p.id = v.id AND "
                                 f"p.field = v.field AND p.value IN ({marks}))")
                    args += values
        if self.date_from:
            conds.append("v.day_end >= ?")
            args.append(self.date_from)
        if self.date_to:
            conds.append("v.day <= ?")
            args.append(self.date_to)
        for column, value in self.match:
            sql = COLUMNS[column]
            if value == "":
                conds.append(f"{sql} IS NULL")
            else:
                conds.append(f"{sql} = ?")
                args.append(value)
        if self.doc_ids:
            among("v.doc_id", self.doc_ids)
        if self.places:
            among("v.place_id", self.places)
        if self.outlets > 1:
            conds.append("v.incident_outlets >= ?")
            args.append(int(self.outlets))
        return " AND ".join(conds) + LOCATED[located], args

    def source(self, by=()) -> Source:
        """The cells when the question (grouped ``by`` columns) needs no event's own date, sides or article; else
        the events (``events``)."""
        plain = not (self.date_from or self.date_to or self.actors or self.affiliations or self.doc_ids
                     or self.outlets > 1)
        return CELLS if plain and set(by) | {c for c, _ in self.match} <= CELL_COLUMNS else self.events()

    def events(self) -> Source:
        """Where single events are read: the view, or the rows of the parties asked for (``PARTIES``)."""
        return PARTIES if self.actors or self.affiliations else VIEW

    def narrowed(self, **changes) -> "EventQuery":
        """The same query with some fields replaced (``match`` pairs are added to the ones there)."""
        fields = {**self.__dict__, **changes}
        if "match" in changes:
            fields["match"] = self.match + tuple(changes["match"])
        return EventQuery(**fields)


def condition(conn: Connection, q: EventQuery, located: str | None = None) -> tuple[str, list]:
    """``q.where``, and with a date filter a first day no event that overlaps it can start before (``date_from``
    less the store's longest event window), so the index on days serves the filter instead of a scan."""
    sql, args = q.where(located)
    longest = longest_window(conn) if q.date_from else None
    if longest is not None:
        sql += " AND v.day >= ?"
        args.append((date.fromisoformat(q.date_from[:10]) - timedelta(days=longest)).isoformat())
    return sql, args


def summary(conn: Connection, q: EventQuery, kinds: tuple[str, ...], statuses: tuple[str, ...]) -> dict[str, int]:
    """Events, articles and places, and events of each of ``kinds`` and ``statuses``: from the events, one pass
    (a filter by date, party or article is evaluated once); from the cells, with the articles counted apart."""
    where, args = condition(conn, q)
    src = q.source()
    per = [f"SUM(CASE WHEN v.type = ? THEN {src.n} ELSE 0 END)" for _ in kinds]
    per += [f"SUM(CASE WHEN v.status = ? THEN {src.n} ELSE 0 END)" for _ in statuses]
    docs = ", COUNT(DISTINCT v.doc_id)" if src is not CELLS else ""
    row = conn.execute(f"SELECT SUM({src.n}), COUNT(DISTINCT v.place_id){docs}{''.join(', ' + p for p in per)} "
                       f"FROM {src.table} v WHERE {where}", [*kinds, *statuses, *args]).fetchone()
    values = [int(x or 0) for x in row]
    if src is not CELLS:
        articles = values.pop(2)
    else:
        articles = int(conn.execute(_articles_sql(conn, q, where, values[0]), args).fetchone()[0] or 0)
    return {"events": values[0], "articles": articles, "places": values[1],
            **dict(zip(kinds + statuses, values[2:]))}


def _articles_sql(conn: Connection, q: EventQuery, where: str, events: int) -> str:
    """How many articles have one of the ``events`` events of ``where`` (a question the cells answer but this).
    Filtered by kind (and status) with at least half as many events as articles, each article's events are probed
    until one passes (by the index on articles), since the kind's own index would fetch those events one by one;
    so are all the store's articles (the smallest index holding every event's article, by status, would be sorted
    to count them); fewer events (a rare kind and status), or any other filter, are read through their own index."""
    if (q.kinds or q == EventQuery()) and not q.match and 2 * events >= count_documents(conn):
        return f"SELECT COUNT(*) FROM documents d WHERE EXISTS (SELECT 1 FROM event_view v WHERE v.doc_id = d.id AND {where})"
    return f"SELECT COUNT(DISTINCT v.doc_id) FROM event_view v WHERE {where}"


def groups(conn: Connection, q: EventQuery, by: tuple[str, ...], located: str | None = None,
           limit: int | None = None) -> tuple[list[dict], int]:
    """One row per value of ``by`` (columns of ``COLUMNS``; none: one row for all), biggest first: ``n`` events,
    ``planned`` of them, the place (and origin) with coordinates, the first and last day, and ``last_id``, the
    latest event (the last undated one when none has a day); and how many groups there are in all."""
    where, args = condition(conn, q, located)
    src = q.source(by)
    keys = [f"COALESCE({COLUMNS[c]}, '') AS {c}" for c in by]
    group = f" GROUP BY {', '.join(COLUMNS[c] for c in by)}" if by else ""
    order = "n DESC" + "".join(f", {c}" for c in by)
    sql = (f"SELECT {''.join(k + ', ' for k in keys)}SUM({src.n}) AS n, "
           f"SUM(CASE WHEN v.status = 'planned' THEN {src.n} ELSE 0 END) AS planned, "
           "MIN(v.lat) AS lat, MIN(v.lon) AS lon, MIN(v.origin_lat) AS olat, MIN(v.origin_lon) AS olon, "
           "MIN(v.place_en) AS place_en, MIN(v.place_ar) AS place_ar, MIN(v.origin_en) AS origin_en, "
           f"MIN(v.origin_ar) AS origin_ar, MIN({src.first}) AS first_day, MAX({src.last}) AS last_day, "
           f"MAX({src.key}) AS last_key, COUNT(*) OVER () AS total "
           f"FROM {src.table} v WHERE {where}{group} ORDER BY {order}" + (f" LIMIT {int(limit)}" if limit else ""))
    rows = [dict(r) for r in conn.execute(sql, args)]
    total = int(rows[0]["total"]) if rows else 0
    for r in rows:
        r["last_id"] = str(r.pop("last_key")).rsplit(" ", 1)[-1]
        del r["total"]
        r["n"], r["planned"] = int(r["n"]), int(r["planned"] or 0)
    return rows, total


class Named(NamedTuple):
    """Who a group's events name first on one side: the ``top`` names as (English name, events), most named first,
    and how many ``others`` there are besides."""
    top: list[tuple[str, int]]
    others: int = 0


def names(conn: Connection, q: EventQuery, by: tuple[str, ...], located: str | None = None,
          keys: tuple[tuple[str, ...], ...] | None = None, top: int | None = None
          ) -> dict[tuple[str, ...], dict[str, Named]]:
    """For each group of ``by``: who its events name first on each side (``actor``, ``counterpart``), at most ``top``
    names a side. Only the groups ``keys`` (their values as ``groups`` gives them) when given: a map asks for the
    ones it draws and the names its tooltips show, so a cached answer stays small in a large store. One pass for
    both sides (by the pair of first names, each side summed here; the cells as they are, already that grouping),
    no join: a tooltip's "who"."""
    wanted = None if keys is None else set(keys)
    where, args = condition(conn, q, located)
    src = q.source(by)
    cols = "".join(f"COALESCE({COLUMNS[c]}, ''), " for c in by)
    group = "".join(f"{COLUMNS[c]}, " for c in by)
    # A cell already holds one (group, first names) pair, or a few that differ in a column not asked for: its rows
    # are summed here as they come, without the sort a GROUP BY would spend merging next to nothing.
    total, grouped = (src.n, "") if src is CELLS else (f"SUM({src.n})", f" GROUP BY {group}v.actor_key, v.counterpart_key")
    sql = (f"SELECT {cols}v.actor_key, v.counterpart_key, {total} FROM {src.table} v WHERE {where} "
           f"AND (v.actor_key IS NOT NULL OR v.counterpart_key IS NOT NULL){grouped}")
    counts: dict[tuple[str, ...], tuple[dict[str, int], dict[str, int]]] = {}
    width = len(by)
    for r in conn.execute(sql, args):
        r = tuple(r)
        key = r[:width]                                    # COALESCE(text, ''): strings, as ``groups`` gives them
        if wanted is not None and key not in wanted:
            continue
        sides = counts.get(key)
        if sides is None:
            sides = counts[key] = ({}, {})
        n = int(r[width + 2])
        if (actor := r[width]) is not None:
            sides[0][actor] = sides[0].get(actor, 0) + n
        if (counterpart := r[width + 1]) is not None:
            sides[1][counterpart] = sides[1].get(counterpart, 0) + n
    out: dict[tuple[str, ...], dict[str, Named]] = {}
    for key, sides in counts.items():
        out[key] = {}
        for role, found in zip(("actor", "counterpart"), sides):
            ranked = sorted(found.items(), key=lambda t: (-t[1], t[0]))
            out[key][role] = Named(ranked[:top], len(ranked) - len(ranked[:top]))
    return out


def dominant(conn: Connection, q: EventQuery, by: str, located: str | None = "place") -> dict[str, str]:
    """For each place of the events, the most frequent value of ``by`` ("" for none; a tie goes to the first value
    in order): a place's colour on a map, without holding every (place, value) group of a large store."""
    where, args = condition(conn, q, located)
    src = q.source(("place_id", by))
    sql = (f"SELECT COALESCE(v.place_id, ''), COALESCE({COLUMNS[by]}, ''), SUM({src.n}) FROM {src.table} v "
           f"WHERE {where} GROUP BY v.place_id, {COLUMNS[by]}")
    best: dict[str, tuple[int, str]] = {}
    for place, value, n in (tuple(r) for r in conn.execute(sql, args)):
        found = (-int(n), str(value))
        if found < best.get(str(place), (1, "")):
            best[str(place)] = found
    return {place: value for place, (_, value) in best.items()}


def sentences(conn: Connection, event_ids: list[str]) -> dict[str, str]:
    """The sentence each of these events was read in."""
    out = {}
    for i in range(0, len(event_ids), 500):
        chunk = event_ids[i:i + 500]
        for r in conn.execute("SELECT v.id, s.text FROM event_view v JOIN sentences s ON s.doc_id = v.doc_id AND "
                              f"s.idx = v.sentence WHERE v.id IN ({','.join('?' * len(chunk))})", chunk):
            out[r[0]] = r[1]
    return out


def rows(conn: Connection, q: EventQuery, limit: int | None = None, order: str = "newest") -> list[dict]:
    """Whole events (the rows ``read_events`` gives): at most ``limit``, the newest first (or ``oldest``, undated
    first; ``dated``, undated last; or in ``text`` order), each with its sides, sentence and article."""
    where, args = condition(conn, q)
    first = f" LIMIT {int(limit)}" if limit else ""
    if q.events() is PARTIES:               # the events found among their parties' rows first, then read whole
        where = f"v.id IN (SELECT v.id FROM {PARTIES.table} v WHERE {where} ORDER BY {ORDERS[order]}{first})"
    sql = _ROW + f"WHERE {where} ORDER BY {ORDERS[order]}" + first
    out = with_sides(conn, conn.execute(sql, args).fetchall())
    for r in out:
        r["corrected"] = bool(r["corrected"])
    return out


def per_day(conn: Connection, q: EventQuery, by: str) -> list[tuple[str, str, int]]:
    """(day, value of ``by``, events) for every dated day of the events, by day then value. Grouped by ``by``
    (``type``, ``subtype`` or ``status``) with no filter but on those, the days' rollup (``day_counts``) answers;
    with other filters the events are counted in the order of the index on days, which holds every column asked for
    (its finer groups are summed here); in SQLite the kinds are matched as ``type || ''``, so it reads that index
    instead of fetching each event of a kind from the view through the index on kinds."""
    daily = by in DAY_INDEX and q.source() is CELLS and not q.places and {c for c, _ in q.match} <= set(DAY_INDEX)
    if daily:
        where, args = q.where()
    else:
        where, args = condition(conn, q.narrowed(kinds=()))
        if q.kinds:
            kind = "v.type || ''" if conn.dialect == "sqlite" else "v.type"      # PostgreSQL plans it well as it is
            where += f" AND {kind} IN ({','.join('?' * len(q.kinds))})"
            args = [*args, *q.kinds]
    if by not in DAY_INDEX:
        sql = (f"SELECT v.day, COALESCE({COLUMNS[by]}, ''), COUNT(*) FROM {q.events().table} v WHERE {where} "
               f"AND v.day IS NOT NULL GROUP BY v.day, {COLUMNS[by]} ORDER BY v.day")
        return sorted((r[0], r[1], int(r[2])) for r in conn.execute(sql, args))
    prefix = ", ".join(f"v.{c}" for c in DAY_INDEX[:DAY_INDEX.index(by) + 1])
    table, n = ("day_counts", "SUM(v.n)") if daily else (q.events().table, "COUNT(*)")
    sql = (f"SELECT v.day, COALESCE(v.{by}, ''), {n} FROM {table} v WHERE {where} AND v.day IS NOT NULL "
           f"GROUP BY v.day, {prefix} ORDER BY v.day, {prefix}")
    counts: dict[tuple[str, str], int] = {}
    for day_, value, n in (tuple(r) for r in conn.execute(sql, args)):
        counts[(day_, value)] = counts.get((day_, value), 0) + int(n)
    return [(d, v, n) for (d, v), n in sorted(counts.items())]


def pairs(conn: Connection, q: EventQuery, top: int | None = None) -> list[tuple[str, str, str, str, int]]:
    """(actor, its Arabic name, counterpart, its Arabic name, events) for every pair named by one event; with ``top``,
    only the pairs of the ``top`` busiest actors and counterparts (by English name; ties: the first names in order):
    a who-talks-to-whom matrix's, found by the store, so neither the answer nor what is read for it grows with the
    store's pairs."""
    source, args = _pair_source(conn, q)
    among, named = "", []
    if top is not None:
        for side in ("a_en", "c_en"):
            busiest = [r[0] for r in conn.execute(f"SELECT {side}, SUM(n) AS total FROM ({source}) x GROUP BY {side} "
                                                  f"ORDER BY total DESC, {side} LIMIT {int(top)}", args)]
            among += f" AND {side} IN ({','.join('?' * len(busiest))})" if busiest else " AND 1=0"
            named += busiest
    sql = f"SELECT a_en, a_ar, c_en, c_ar, SUM(n) FROM ({source}) x WHERE 1=1{among} GROUP BY a_en, a_ar, c_en, c_ar"
    return [(r[0], r[1], r[2], r[3], int(r[4])) for r in conn.execute(sql, [*args, *named])]


def _pair_source(conn: Connection, q: EventQuery) -> tuple[str, list]:
    """The pairs of ``q``'s events as rows (a_en, a_ar, c_en, c_ar, n): from the cells' pairs, else event by event."""
    where, args = condition(conn, q)
    if q.source() is CELLS:
        return ("SELECT COALESCE(p.actor_en, '') AS a_en, COALESCE(p.actor_ar, '') AS a_ar, COALESCE(p.counterpart_en, "
                "'') AS c_en, COALESCE(p.counterpart_ar, '') AS c_ar, p.n AS n FROM event_cells v "
                f"JOIN cell_pairs p ON p.cell = v.cell WHERE {where}"), args
    return ("SELECT COALESCE(a.name_en, '') AS a_en, COALESCE(a.name_ar, '') AS a_ar, COALESCE(c.name_en, '') AS c_en, "
            f"COALESCE(c.name_ar, '') AS c_ar, 1 AS n FROM {q.events().table} v "
            "JOIN event_actors x ON x.event_id = v.id AND x.role = 'actor' JOIN actors a ON a.id = x.actor_id "
            "JOIN event_actors y ON y.event_id = v.id AND y.role = 'counterpart' "
            f"JOIN actors c ON c.id = y.actor_id WHERE {where} AND a.name_en <> c.name_en"), args


def parties(conn: Connection, q: EventQuery) -> list[tuple[str, str, int]]:
    """(English, Arabic, events) for every actor or counterpart the events name, most named first."""
    where, args = condition(conn, q)
    if q.source() is CELLS:
        sql = ("SELECT p.name_en, p.name_ar, SUM(p.n) AS n FROM event_cells v JOIN cell_parties p ON p.cell = v.cell "
               f"WHERE {where} GROUP BY p.name_en, p.name_ar ORDER BY n DESC, p.name_en")
    else:
        sql = (f"SELECT a.name_en, a.name_ar, COUNT(DISTINCT v.id) AS n FROM {q.events().table} v "
               "JOIN event_actors ea ON ea.event_id = v.id JOIN actors a ON a.id = ea.actor_id "
               f"WHERE {where} GROUP BY a.name_en, a.name_ar ORDER BY n DESC, a.name_en")
    return [(r[0] or "", r[1] or "", int(r[2])) for r in conn.execute(sql, args)]


def span(conn: Connection, q: EventQuery) -> tuple[str | None, str | None]:
    """The first and last day of the events."""
    where, args = condition(conn, q)
    src = q.source()
    row = conn.execute(f"SELECT MIN({src.first}), MAX({src.end}) FROM {src.table} v WHERE {where}", args).fetchone()
    return row[0], row[1]


def extent(conn: Connection, q: EventQuery) -> tuple[float, float, float, float] | None:
    """(south, north, west, east) of the events' places, or None when none is located."""
    where, args = condition(conn, q, "place")
    row = conn.execute(f"SELECT MIN(v.lat), MAX(v.lat), MIN(v.lon), MAX(v.lon) FROM {q.source().table} v "
                       f"WHERE {where}", args).fetchone()
    return None if row[0] is None else tuple(float(x) for x in row)


def actors(conn: Connection) -> list[tuple[str, str, str]]:
    """(English, Arabic, affiliation) of every actor some event names, by English name."""
    sql = ("SELECT a.name_en, a.name_ar, a.affiliation FROM actors a WHERE a.name_en IS NOT NULL AND EXISTS "
           "(SELECT 1 FROM event_actors ea JOIN event_view v ON v.id = ea.event_id WHERE ea.actor_id = a.id) "
           "ORDER BY a.name_en, a.name_ar")
    return [(r[0], r[1] or "", r[2] or "") for r in conn.execute(sql)]


def per_document(conn: Connection, q: EventQuery, doc_ids: list[str] | None = None) -> dict[str, int]:
    """Events per article (of ``doc_ids`` only, when given)."""
    if doc_ids is not None and not doc_ids:
        return {}
    q = q.narrowed(doc_ids=tuple(doc_ids)) if doc_ids else q
    where, args = condition(conn, q)
    return {r[0]: int(r[1]) for r in conn.execute(
        f"SELECT v.doc_id, COUNT(*) FROM {q.events().table} v WHERE {where} GROUP BY v.doc_id", args)}


def figures(conn: Connection) -> dict[str, dict[str, int]]:
    """Per kind of event: how many, by status, by where the date came from, undated, with both sides named (for a
    front line: parties of two different affiliations), on the map and corrected."""
    sums = ", ".join(f"SUM(v.{name}) AS {name}" for name in FIGURES)
    return {r["type"]: {name: int(r[name] or 0) for name in FIGURES}
            for r in conn.execute(f"SELECT v.type, {sums} FROM event_cells v GROUP BY v.type")}


def count_documents(conn: Connection) -> int:
    """How many articles the store holds."""
    return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])


def find_documents(conn: Connection, text: str = "", limit: int | None = None, q: EventQuery | None = None,
                   ids: tuple[str, ...] = ()) -> tuple[list[dict], int]:
    """The articles whose date, title (else first words), outlet or id hold every word of ``text`` (folded as
    ``geo.text.search_key``), of ``ids`` only when given, and with an event of ``q`` when given: at most
    ``limit`` of them, newest first (undated last), with their metadata (title, outlet, published, url, length,
    first words); and how many there are in all."""
    from geo.text import search_key
    conds, args = ["1=1"], []
    for word in search_key(text).split():
        conds.append("s.search LIKE ? ESCAPE '!'")
        args.append("%" + word.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%")
    if ids:
        conds.append(f"s.doc_id IN ({','.join('?' * len(ids))})")
        args.extend(ids)
    if q is not None:
        where, more = condition(conn, q)
        conds.append(f"EXISTS (SELECT 1 FROM {q.events().table} v WHERE v.doc_id = s.doc_id AND {where})")
        args.extend(more)
    found = [dict(r) for r in conn.execute(
        "SELECT d.id, d.title, d.outlet, d.published, d.date_precision, d.url, length(d.text) AS chars, "
        "substr(d.text, 1, 160) AS lead, COUNT(*) OVER () AS total FROM document_search s "
        f"JOIN documents d ON d.id = s.doc_id WHERE {' AND '.join(conds)} "
        "ORDER BY s.published DESC NULLS LAST, s.doc_id" + (f" LIMIT {int(limit)}" if limit else ""), args)]
    total = int(found[0]["total"]) if found else 0
    for d in found:
        del d["total"]
    return found, total


def incident_of(conn: Connection, event_id: str) -> str | None:
    """The id of the incident an event reports, None for an event dropped or unknown."""
    row = conn.execute("SELECT incident_id FROM incident_events WHERE event_id = ?", (event_id,)).fetchone()
    return row[0] if row else None


def incident(conn: Connection, incident_id: str) -> dict | None:
    """One incident (kind, status, first reported, reports, outlets, sources, confidence, days, place) with its
    ``report_list``, earliest first: event, article, outlet, publication day, sentence, the link that brought it in."""
    row = conn.execute("SELECT * FROM incidents WHERE id = ?", (incident_id,)).fetchone()
    if row is None:
        return None
    reports = [dict(r) for r in conn.execute(
        "SELECT i.event_id, i.doc_id, d.outlet, d.published, s.text AS sentence, i.linked_to, i.reason "
        "FROM incident_events i JOIN event_view v ON v.id = i.event_id JOIN documents d ON d.id = i.doc_id "
        "LEFT JOIN sentences s ON s.doc_id = v.doc_id AND s.idx = v.sentence WHERE i.incident_id = ? "
        "ORDER BY d.published NULLS LAST, i.event_id", (incident_id,))]
    return dict(row) | {"report_list": reports}


def incident_facts(conn: Connection, ids: list[str]) -> dict[str, dict]:
    """What a map's tooltip says of each of these incidents: kind, status, reports, outlets (and their names),
    independent sources, confidence, first reported, first and last day."""
    return _incident_rows(conn, "i.id, i.kind, i.status, i.reports, i.outlets, i.outlet_names, i.sources, "
                          "i.confidence, i.first_reported, i.first_day, i.last_day", sorted(set(i for i in ids if i)))


def _incident_rows(conn: Connection, columns: str, ids: list[str]) -> dict[str, dict]:
    """``columns`` of these incidents' rows (``incidents i``, the first column their id), by id, 500 ids a query."""
    out: dict[str, dict] = {}
    for k in range(0, len(ids), 500):
        chunk = ids[k:k + 500]
        out |= {r[0]: dict(r) for r in conn.execute(
            f"SELECT {columns} FROM incidents i WHERE i.id IN ({','.join('?' * len(chunk))})", chunk)}
    return out


# What a map object of an incident holds, from its ``incidents`` row: the columns a map groups and colours by (an
# incident's own: its kind, main place and origin, subtype, status, first-named actor and affiliation), where and when.
_OBJECT = ("i.id AS incident, i.kind AS type, i.place_id, i.origin_id, i.subtype, i.status, i.actor_key, i.aff_key, "
           "i.lat, i.lon, i.origin_lat AS olat, i.origin_lon AS olon, i.place_en, i.place_ar, i.origin_en, i.origin_ar, "
           "i.first_day, i.last_day, i.last_id, i.names, i.kind, i.reports, i.outlets, i.outlet_names, i.sources, "
           "i.confidence, i.first_reported")
_PLACED = {"place": " AND {}.mapped >= 1", "arc": " AND {}.mapped = 2"}     # see ``incident_map.FACTS``


def incident_objects(conn: Connection, q: EventQuery, located: str = "place", limit: int = 2000, top: int = 3
                     ) -> tuple[list[dict], int]:
    """What an incidents map draws: the ``limit`` incidents with the most reports under ``q`` whose main place
    (``located``: and origin) is on the map, most first, each one row of ``incidents`` with what a map draws of it
    (``incident_map``): ``n`` its reports under ``q``, ``planned`` those planned, and its ``Named`` sides (``top``
    names each); and how many such incidents there are. With no filter but kinds, status and outlets, the
    ``incidents`` table answers alone (its counts by status); else the view's reports under ``q`` (or the rows of the
    parties it names, which say whether their incident is mapped) are counted by incident first. Either way it reads
    one row per incident drawn, not their reports."""
    table = _incidents_where(q)
    if table is None:               # ranked by their reports under ``q`` first, then only the drawn ones read whole
        where, args = condition(conn, q)
        src = q.events()
        counted = ("SELECT v.incident AS id, COUNT(*) AS n, SUM(CASE WHEN v.status = 'planned' THEN 1 ELSE 0 END) "
                   f"AS planned FROM {src.table} v WHERE {where} AND v.incident IS NOT NULL")
        placed = f" JOIN incidents i ON i.id = c.id WHERE 1=1{_PLACED[located].format('i')}"
        if src is PARTIES:          # the parties' rows say whether their incident is on a map
            counted, placed = counted + _PLACED[located].format("v"), ""
        ranked = conn.execute(f"SELECT c.id, c.n, c.planned, COUNT(*) OVER () FROM ({counted} GROUP BY v.incident) c"
                              f"{placed} ORDER BY c.n DESC, c.id LIMIT {int(limit)}", args).fetchall()
        total = int(ranked[0][3]) if ranked else 0
        whole = _incident_rows(conn, _OBJECT, [r[0] for r in ranked])
        found = [whole[i] | {"n": n, "planned": planned} for i, n, planned, _ in ranked]
    else:
        where, args, reports = table
        planned = "0" if q.status == "occurred" else "i.planned"
        where += _PLACED[located].format("i")
        found = [dict(r) for r in conn.execute(
            f"SELECT {_OBJECT}, i.{reports} AS n, {planned} AS planned FROM incidents i WHERE {where} "
            f"ORDER BY i.{reports} DESC, i.id LIMIT {int(limit)}", args)]
        total = len(found) if len(found) < limit else \
            int(conn.execute(f"SELECT COUNT(*) FROM incidents i WHERE {where}", args).fetchone()[0])
    for r in found:
        r["n"], r["planned"] = int(r["n"]), int(r["planned"] or 0)
        names = json.loads(r.pop("names") or "{}")
        r["named"] = {role: Named([tuple(x) for x in first[:top]], others + max(len(first) - top, 0))
                      for role, (first, others) in names.items() if first}
    return found, total


def _incidents_where(q: EventQuery) -> tuple[str, list, str] | None:
    """The condition on ``incidents`` that keeps the incidents with a report under ``q``, its parameters, and the
    column that counts those reports; None when ``q`` filters on more than kinds, a status and outlets."""
    if q != EventQuery(kinds=q.kinds, status=q.status, outlets=q.outlets) or \
            (q.status and q.status not in INCIDENT_STATUSES):
        return None
    conds, args, reports = ["1=1"], [], q.status or "reports"
    if q.kinds:
        conds.append(f"kind IN ({','.join('?' * len(q.kinds))})")
        args += list(q.kinds)
    if q.status:
        conds.append(f"{reports} > 0")
    if q.outlets > 1:
        conds.append("outlets >= ?")
        args.append(int(q.outlets))
    return " AND ".join(conds), args, reports
