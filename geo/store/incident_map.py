"""What a map draws of each incident, kept in its ``incidents`` row (``FACTS``): its main origin, subtype, first-named
actor and affiliation, the Arabic name of its main place, its latest report, and the names its reports give first on
each side. An incidents map then reads one row per incident it draws (``queries.incident_objects``), not every
report of them. The facts are counted again from the view whenever an incident is written (``refill``, called where
``incidents`` writes its rows) and once for a store made before them (``ensure_built``)."""
from __future__ import annotations

import json
from collections import Counter

from . import view_parties
from .current import build_once
from .engine import Connection

FORMAT = 1              # the meta row ``incident_map`` once every incident's facts are filled
BATCH = 500             # incidents per query
FILL = 20_000           # incidents per query when every one is filled
NAMES = 5               # names kept per side (a tooltip shows fewer), with how many others there are

# The facts (columns of ``incidents``) and their types. ``mapped``: 0 off the map, 1 at its main place, 2 also with an
# arc from its main origin (what the rankings index holds, so a map counts the incidents it could draw off the index).
FACTS = {"mapped": "INTEGER NOT NULL DEFAULT 0", "place_ar": "TEXT", "origin_id": "TEXT", "origin_en": "TEXT",
         "origin_ar": "TEXT", "origin_lat": "REAL", "origin_lon": "REAL", "subtype": "TEXT", "actor_key": "TEXT",
         "aff_key": "TEXT", "last_id": "TEXT", "names": "TEXT"}
# What the facts are counted from, of each report in the view (``facts`` reads them by position); the index on the
# view's reports by incident (``schema.INCIDENT_REPORTS``) holds them all, so the index alone answers.
READ = ("incident", "type", "subtype", "place_id", "place_ar", "origin_id", "origin_en", "origin_ar", "origin_lat",
        "origin_lon", "actor_key", "counterpart_key", "aff_key", "day", "id")
_READ = f"SELECT {', '.join(f'v.{c}' for c in READ)} FROM event_view v "
_UPDATE = f"UPDATE incidents SET {', '.join(f'{c} = ?' for c in FACTS)} WHERE id = ?"


def _most(values) -> str | None:
    """The most frequent of the values given (None left out; a tie goes to the first in order), or None."""
    counts = Counter(v for v in values if v is not None)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def _named(values) -> list:
    """[[name, reports], ...] of the ``NAMES`` names most often given first on a side, and how many others."""
    counts = Counter(v for v in values if v is not None)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [[list(kv) for kv in ranked[:NAMES]], max(len(ranked) - NAMES, 0)]


def facts(rows: list[tuple], place: tuple) -> tuple:
    """The ``FACTS`` of one incident from its rows of the view (as ``_READ`` gives them) and its main place
    (its id and latitude)."""
    place_id, lat = place
    place_ar = next((r[4] for r in rows if r[3] == place_id and r[4]), None)
    origins = {r[5]: r for r in rows if r[5] is not None and r[8] is not None and r[9] is not None}
    origin = _most(r[5] for r in rows if r[5] in origins)
    o = origins[origin] if origin else (None,) * 10
    latest = max(rows, key=lambda r: (r[13] or "", r[14]))[14]
    names = {"actor": _named(r[10] for r in rows), "counterpart": _named(r[11] for r in rows)}
    mapped = 0 if lat is None else 2 if origin else 1
    return (mapped, place_ar, origin, o[6], o[7], o[8], o[9], _most(r[2] for r in rows), _most(r[10] for r in rows),
            _most(r[12] for r in rows), latest, json.dumps(names, ensure_ascii=False, separators=(",", ":")))


def refill(conn: Connection, ids) -> None:
    """Count the facts of these incidents again from the view (an incident not in the view keeps none)."""
    ids = sorted(set(ids))
    for k in range(0, len(ids), BATCH):
        chunk = ids[k:k + BATCH]
        marks = ",".join("?" * len(chunk))
        places = _places(conn, f"id IN ({marks})", chunk)
        _write(conn, conn.execute(_READ + f"WHERE v.incident IN ({marks}) ORDER BY v.incident", chunk), places)


_NOWHERE = (None, None)


def _places(conn: Connection, where: str, args) -> dict[str, tuple]:
    """The main place (id, latitude) of the incidents ``where`` holds for."""
    return {r[0]: (r[1], r[2]) for r in conn.execute(f"SELECT id, place_id, lat FROM incidents WHERE {where}", args)}


def _write(conn: Connection, rows, places: dict) -> None:
    """The facts of each incident of ``rows`` (the view's, incident by incident) written to its row."""
    out, mine, current = [], [], None
    for r in rows:
        r = tuple(r)
        if r[0] != current and mine:
            out.append((*facts(mine, places.get(current, _NOWHERE)), current))
            mine = []
        current = r[0]
        mine.append(r)
    if mine:
        out.append((*facts(mine, places.get(current, _NOWHERE)), current))
    conn.executemany(_UPDATE, out)
    view_parties.set_mapped(conn, [(r[0], r[-1]) for r in out])


def ensure_built(conn: Connection) -> None:
    """Every incident's facts, filled once for a store whose incidents were made before them; a no-op after."""
    build_once(conn, "incident_map", FORMAT, _fill)


def _fill(conn: Connection) -> None:
    """Every incident's facts, a range of ``FILL`` incidents (in the store's order of ids) at a time."""
    ids = [r[0] for r in conn.execute("SELECT id FROM incidents ORDER BY id")]
    for k in range(0, len(ids), FILL):
        span = (ids[k], ids[min(k + FILL, len(ids)) - 1])
        places = _places(conn, "id >= ? AND id <= ?", span)
        _write(conn, conn.execute(_READ + "WHERE v.incident >= ? AND v.incident <= ? ORDER BY v.incident", span),
               places)
