"""Incidents: one real happening, many reports. Events of many articles (and sentences) that tell the
same visit, clash or contact are grouped, each link with its reason ("same actors, 3 km, windows overlap").

All the rules and their thresholds live here (``Rules``). Pure functions over plain records: an event
as ``python -m geo extract`` writes it (``geo.pipeline.event_json``) becomes a ``Report``
(``report_from_event``); ``group`` turns reports into ``Incident`` s.

The rules, in short:
- same kind (``type``); diplomatic flows also need the same subtype (a call is not the meeting it set up);
- compatible sides: a name or an affiliation shared (Haftar and the LNA are one side). Front lines may
  name no side at all; a visit compares its travellers; a flow its parties (initiators and counterparts);
- the same place at the place's own scale: countries and regions by identity, a city within its extent
  (``city_km``), a district or a site by identity or within ``local_km``; two scales never meet, so a
  country-level mention never merges into a city's and a city's campaign does not absorb its quarters.
  One exception: a site told by one article only, for an incident of a day or two at its city in that
  article (a bombing at the electoral commission, a meeting at the Elysee), is that incident's spot;
- date windows that overlap or lie within the kind's tolerance (a campaign runs for weeks, a visit is a
  day: two visits of one person to one city a month apart stay apart; a fight for a quarter, days). A
  window longer than ``background_days`` ("since 2014") must also start when the other does. Status
  does not matter, so a planned visit and the report that it happened are one incident, "occurred";
- a report that names no place cannot link two incidents: it joins the one incident it fits best, one of
  its own article (two contacts must agree on both parties) or one sharing its named sides, else it
  groups with placeless reports alike.

Placed reports are grouped by single linkage (a chain of pairwise links), so a campaign told day by day
is one incident. An incident's confidence grows with its independent outlets (``confidence``); a
sentence another outlet printed word for word adds none. Ids are stable: an incident is named after its
earliest report (``incident_id``). Incremental use: ``extend`` joins new reports to the stored incidents their
neighbours are in (``neighbour_window`` is what the store looks those up by), and gives what ``group`` over
everything gives.

Editors overrule the rules (``group``'s ``separate`` and ``joined``): a report split off links with nothing by
the rules, and stands alone unless an editor merges it; two reports merged make their incidents one, after the
rules have grouped everything, so a merge moves no other report.
"""
from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from .evaluate import actor_names, parse_day, squash

SCALES = {"country": "country", "region": "region", "city": "city", "district": "local", "site": "local"}
EARTH_KM = 6371.0088                 # the mean radius
KM_PER_DEGREE = EARTH_KM * math.pi / 180   # of latitude, along a meridian
NO_AFFILIATION = {"", "Other"}       # "Other" groups unrelated actors: sharing it says nothing
MERGED = "merged by an editor"       # the reason of an editor's merge
SPLIT = "split from its incident by an editor"


@dataclass(frozen=True)
class Rules:
    """Every threshold of the merging, tuned on held-out folds (``geo.evaluate_incidents``)."""
    local_km: float = 1.0               # two districts or sites: the same id, or points this close
    city_km: float = 10.0               # a city: another point within its extent
    tolerance_days: dict = field(default_factory=lambda: {"visit": 1, "diplomatic_flow": 1, "front_line": 21})
    flow_parties: int = 1               # parties two flows must share (by name or affiliation)
    background_days: int = 366          # a longer window is a background span, compared by its start
    point_days: int = 2                 # an incident this short at a city absorbs the site its article names
    local_days: int = 7                 # a fight for a quarter is days, not the weeks of a city's campaign
    per_source: float = 0.5             # the confidence one independent outlet gives

    def tolerance(self, kind: str, scale: str = "") -> int:
        """Days two windows of this kind may lie apart; at a quarter or a site at most ``local_days``."""
        days = int(self.tolerance_days.get(kind, 0))
        return min(days, self.local_days) if scale == "local" else days


RULES = Rules()


# ------------------------------------------------------------------ records

@dataclass(frozen=True)
class Side:
    """One actor of a report: its case-folded names (with aliases) and its affiliation."""
    name: str
    keys: frozenset[str]
    affiliation: str = ""


@dataclass(frozen=True)
class Spot:
    """Where a report happens, with the scale it is named at."""
    key: str                # the gazetteer id, else the name
    name: str
    scale: str              # country | region | city | local
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Report:
    """One event as a report of an incident: who, what, where, when, and who told it."""
    id: str                 # the event's id, unique and stable (e.g. "ant_100:0")
    doc: str
    kind: str
    subtype: str = ""
    status: str = "occurred"
    actors: tuple[Side, ...] = ()
    counterparts: tuple[Side, ...] = ()
    place: Spot | None = None
    start: date | None = None
    end: date | None = None
    published: date | None = None
    outlet: str = ""
    sentence: str = ""

    @property
    def source(self) -> str:
        """The outlet, or the article itself when the outlet is unknown (it counts as its own)."""
        return self.outlet or f"doc:{self.doc}"


def side(item) -> Side:
    """A Side from an actor dict of the extract output (name, aliases, affiliation) or a bare name."""
    name = item.get("name", "") if isinstance(item, dict) else str(item)
    affiliation = item.get("affiliation", "") if isinstance(item, dict) else ""
    return Side(name, frozenset(actor_names(item)), affiliation or "")


def spot(place) -> Spot | None:
    """A Spot from a place dict of the extract output (id, name, kind, lat, lon); None for no place."""
    if not isinstance(place, dict) or not (place.get("id") or place.get("name")):
        return None
    return Spot(str(place.get("id") or place["name"]).casefold(), place.get("name") or place["id"],
                SCALES.get(place.get("kind", ""), "local"), place.get("lat"), place.get("lon"))


def report_from_event(event: dict, event_id: str, doc: str, published=None, outlet: str = "") -> Report:
    """A Report from one event of ``extract``'s output. An event with no date takes the publication day."""
    day = parse_day(published)
    start = parse_day(event.get("date_start")) or day
    end = parse_day(event.get("date_end")) or start
    sentence = event.get("sentence")
    return Report(event_id, str(doc), event.get("type", ""), event.get("subtype") or "",
                  event.get("status") or "occurred", tuple(side(a) for a in event.get("actors") or []),
                  tuple(side(a) for a in event.get("counterparts") or []), spot(event.get("place")),
                  start, end, day, outlet or "", squash(sentence.get("text") if isinstance(sentence, dict) else sentence))


# ------------------------------------------------------------------ the rules, one pair at a time

def _shared(a: tuple[Side, ...], b: tuple[Side, ...]) -> tuple[int, int]:
    """How many sides of ``a`` share a name with one of ``b``, and how many only an affiliation."""
    names = sum(1 for x in a if any(x.keys & y.keys for y in b))
    allied = sum(1 for x in a if not any(x.keys & y.keys for y in b)
                 and x.affiliation not in NO_AFFILIATION and any(x.affiliation == y.affiliation for y in b))
    return names, allied


def _agreeing(a: Report, b: Report) -> tuple[int, int]:
    """``_shared`` counted from the side of the report naming fewer parties."""
    pa, pb = _parties(a), _parties(b)
    return _shared(pa, pb) if len(pa) <= len(pb) else _shared(pb, pa)


def _parties(r: Report) -> tuple[Side, ...]:
    """The sides that must agree: a visit's travellers (its hosts when none is named), else everyone."""
    if r.kind == "visit":
        return r.actors or r.counterparts
    return r.actors + r.counterparts


def sides_reason(a: Report, b: Report, rules: Rules = RULES) -> str | None:
    """Why the two reports' sides are compatible, or None. A front line may name nobody; a visit or a flow
    that names nobody only meets another that names nobody."""
    pa, pb = _parties(a), _parties(b)
    if not pa or not pb:
        if a.kind == "front_line" or not (pa or pb):
            return "sides unnamed"
        return None
    names, allied = _agreeing(a, b)
    need = min(rules.flow_parties, len(pa), len(pb)) if a.kind == "diplomatic_flow" else 1
    if names + allied < need:
        return None
    return "same actors" if not allied else ("affiliated actors" if not names else "same or affiliated actors")


def place_reason(a: Report, b: Report, rules: Rules = RULES) -> str | None:
    """Why the two places are one at their own scale, or None (also when either report has no place)."""
    pa, pb = a.place, b.place
    if pa is None or pb is None or pa.scale != pb.scale:
        return None
    if pa.key == pb.key:
        return f"same {pa.scale} ({pa.name})"
    limit = {"local": rules.local_km, "city": rules.city_km}.get(pa.scale)
    km = spot_km(pa, pb) if limit is not None else None
    return f"{km:.0f} km" if km is not None and km <= limit else None


@lru_cache(maxsize=65536)
def spot_km(a: Spot, b: Spot) -> float | None:
    """Great-circle km between two spots: within 0.5% of the geodesic, which is plenty for thresholds of 1 and 10 km,
    and a hundred times cheaper (a geodesic took 0.5 ms, most of the time of grouping a large store)."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    la, lb, dlon = math.radians(a.lat), math.radians(b.lat), math.radians(b.lon - a.lon)
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def gap_days(a: Report, b: Report) -> int | None:
    """Days between the two date windows, 0 when they overlap; None when either is undated."""
    if None in (a.start, a.end, b.start, b.end):
        return None
    return max(0, (b.start - a.end).days, (a.start - b.end).days)


def background(r: Report, rules: Rules = RULES) -> bool:
    """A window longer than ``background_days`` ("since 2014") dates a background event by its start only."""
    return (r.end - r.start).days > rules.background_days


def dates_reason(a: Report, b: Report, rules: Rules = RULES) -> str | None:
    """Why the windows are compatible (overlap, or within the kind's tolerance), or None. A background
    window overlaps nearly everything, so with one the starts must agree too (the campaign begun in 2014)."""
    local = a.place is not None and b.place is not None and a.place.scale == b.place.scale == "local"
    gap, tol = gap_days(a, b), rules.tolerance(a.kind, "local" if local else "")
    if gap is None or gap > tol:
        return None
    if (background(a, rules) or background(b, rules)) and abs((a.start - b.start).days) > tol:
        return None
    return "windows overlap" if gap == 0 else f"windows {gap} day{'' if gap == 1 else 's'} apart"


def kind_ok(a: Report, b: Report) -> bool:
    """Same kind; for diplomatic flows also the same subtype (the invitation is not the meeting)."""
    return a.kind == b.kind and (a.kind != "diplomatic_flow" or a.subtype == b.subtype)


def strong_sides(a: Report, b: Report) -> bool:
    """Named sides in common, not just affiliations: every party of the smaller side, up to two."""
    pa, pb = _parties(a), _parties(b)
    return bool(pa and pb) and _agreeing(a, b)[0] >= min(2, len(pa), len(pb))


def _agree(a: Report, b: Report) -> bool:
    """Enough sides agree to tie two reports by their article alone: any, unless they are contacts, whose
    two parties (or every party of the smaller side) must agree, by name or affiliation."""
    if a.kind != "diplomatic_flow":
        return True
    pa, pb = _parties(a), _parties(b)
    return sum(_agreeing(a, b)) >= min(2, len(pa), len(pb))


def link_reason(a: Report, b: Report, rules: Rules = RULES, placeless: bool = False) -> str | None:
    """The reason two reports are one incident ("same actors, 3 km, windows overlap"), or None.

    With ``placeless`` one of them names no place: the place test is replaced by the same article (whose
    context places the sentence) or, across articles, by named sides in common (two contacts of the same
    two states, the same traveller); an affiliation or a single shared state is too weak a tie."""
    if not kind_ok(a, b):
        return None
    sides, when = sides_reason(a, b, rules), dates_reason(a, b, rules)
    if sides is None or when is None:
        return None
    if placeless:
        where = "same article" if a.doc == b.doc and _agree(a, b) else (
            "no place named" if strong_sides(a, b) else None)
    else:
        where = place_reason(a, b, rules)
    return None if where is None else f"{sides}, {where}, {when}"


# ------------------------------------------------------------------ grouping

@dataclass(frozen=True)
class Link:
    a: str
    b: str
    reason: str


@dataclass(frozen=True)
class Incident:
    """One real happening: its reports (earliest first) and why each joined."""
    id: str
    kind: str
    status: str                     # occurred as soon as one report says so
    reports: tuple[Report, ...]
    links: tuple[Link, ...]
    first_reported: date | None
    outlets: tuple[str, ...]        # distinct outlets (an article of unknown outlet counts as its own)
    sources: int                    # independent outlets: a word-for-word copy from another outlet counts once
    confidence: float
    place: Spot | None
    start: date | None
    end: date | None
    split: tuple[str, ...] = ()     # its reports an editor split off from the incident they were in


def report_order(r: Report) -> tuple:
    """Earliest first: by publication day, then by id (so the order never depends on the input's)."""
    return (r.published or date.max, r.id)


def incident_id(reports) -> str:
    """``incident:<id of the earliest report>``: the same members give the same id, whatever the order;
    it changes only when an earlier report joins (or its earliest report is split off)."""
    return "incident:" + min(reports, key=report_order).id


def neighbour_window(r: Report, rules: Rules = RULES) -> tuple[str, date | None, date | None]:
    """(kind, first day, last day) a stored report must touch to possibly link with ``r``: what the store
    looks up when ``r`` is ingested."""
    tol = timedelta(days=rules.tolerance(r.kind))
    return r.kind, (r.start - tol if r.start else None), (r.end + tol if r.end else None)


def candidate_pairs(reports: list[Report], rules: Rules = RULES):
    """Pairs of the same kind whose windows lie within the tolerance and whose places could be one
    (``place_buckets``): a sweep over start days within each bucket, each pair once."""
    buckets: dict[tuple, list[Report]] = {}
    for r in sorted((r for r in reports if r.start and r.end), key=lambda r: (r.kind, r.start, r.id)):
        for b in place_buckets(r.place, rules):
            buckets.setdefault((r.kind, *b), []).append(r)
    seen: set[tuple[str, str]] = set()
    for dated in buckets.values():
        active: list[Report] = []
        for r in dated:
            tol = timedelta(days=rules.tolerance(r.kind))
            active = [o for o in active if o.end + tol >= r.start]
            for o in active:
                if (o.id, r.id) not in seen:
                    seen.add((o.id, r.id))
                    yield o, r
            active.append(r)


def place_buckets(p: Spot | None, rules: Rules = RULES) -> tuple[tuple, ...]:
    """Where a place's possible matches are (``place_reason``): its own id at its scale and, for a city or a
    quarter with coordinates, its band of latitude and the next one up. Two points within a scale's limit lie at
    most one band apart (the great circle is never shorter than the meridian arc), so they share a bucket.
    Placeless reports share one bucket."""
    if p is None:
        return (("",),)
    limit = {"local": rules.local_km, "city": rules.city_km}.get(p.scale)
    if limit is None or p.lat is None or p.lon is None:
        return (("id", p.scale, p.key),)
    band = math.floor(p.lat / (limit / KM_PER_DEGREE))
    return ("id", p.scale, p.key), ("band", p.scale, band), ("band", p.scale, band + 1)


class _Sets:
    """Union-find over report ids."""

    def __init__(self, ids):
        self.up = {i: i for i in ids}

    def find(self, i: str) -> str:
        while self.up[i] != i:
            self.up[i] = self.up[self.up[i]]
            i = self.up[i]
        return i

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.up[max(ra, rb)] = min(ra, rb)


def group(reports, rules: Rules = RULES, separate=frozenset(), joined=()) -> list[Incident]:
    """Incidents of the reports, earliest first: placed reports by single linkage, then each placeless one
    into the incident it fits best, then the placeless left over among themselves; then the editors' decisions.

    ``separate``: ids of reports an editor split off (no rule links them with anything); ``joined``: pairs of
    report ids an editor merged, whose incidents become one (a pair naming a report not given is ignored)."""
    reports = sorted({r.id: r for r in reports}.values(), key=report_order)
    sets, links = _Sets(r.id for r in reports), []
    ruled = [r for r in reports if r.id not in separate]
    placed = [r for r in ruled if r.place is not None]
    for a, b in candidate_pairs(placed, rules):
        if sets.find(a.id) == sets.find(b.id):
            continue                                # already one incident: one link explains each report
        reason = link_reason(a, b, rules)
        if reason:
            sets.union(a.id, b.id)
            links.append(Link(a.id, b.id, reason))
    absorb_sites(placed, sets, links, rules)
    members: dict[str, list[Report]] = {}
    for r in placed:
        members.setdefault(sets.find(r.id), []).append(r)
    leftover, windows = [], _Windows(members)
    for r in (r for r in ruled if r.place is None):
        best = best_incident(r, windows, rules)
        if best is None:
            leftover.append(r)
        else:
            root, other, reason = best
            sets.union(root, r.id)
            links.append(Link(other.id, r.id, reason))
    for a, b in candidate_pairs(leftover, rules):
        if sets.find(a.id) == sets.find(b.id):
            continue
        reason = link_reason(a, b, rules, placeless=True)
        if reason:
            sets.union(a.id, b.id)
            links.append(Link(a.id, b.id, reason))
    merge_joined(joined, sets, links)
    return incidents_of(reports, sets, links, rules, frozenset(separate))


def merge_joined(joined, sets: _Sets, links: list[Link]) -> None:
    """Make one incident of each pair an editor merged (both reports present and not yet together), linked by
    ``MERGED``."""
    for a, b in joined:
        if a in sets.up and b in sets.up and sets.find(a) != sets.find(b):
            sets.union(a, b)
            links.append(Link(a, b, MERGED))


@dataclass(frozen=True)
class Extension:
    """What new reports do to the stored incidents (``extend``): one group of new reports, the stored incidents they
    make one with them, the link that brought each of those in, and the links among the new reports."""
    new: tuple[Report, ...]
    joins: dict[str, Link]              # stored incident id: the link between one of its reports and a new one
    links: tuple[Link, ...]
    doubtful: bool = False              # its sites could be the spot of two incidents: ``group`` must decide

    def why(self) -> dict[str, tuple[str, str]]:
        """(linked_to, reason) of each report a link names: the first link it is in."""
        out: dict[str, tuple[str, str]] = {}
        for k in self.links:
            out.setdefault(k.a, (k.b, k.reason))
            out.setdefault(k.b, (k.a, k.reason))
        return out


def extend(new, stored, incident_of: dict[str, str], spans: dict[str, tuple[date, date]], rules: Rules = RULES
           ) -> list[Extension]:
    """How new reports (of articles never grouped) join the stored incidents: each is linked with the stored placed
    reports within its reach (``stored``, each in its incident, ``incident_of``; ``spans``: each such incident's
    first and last day) and with the other new ones, by single linkage as ``group`` links, so every stored incident
    one of them reaches becomes one with them; a new article's site joins its short city incident as in
    ``absorb_sites``. Adding reports only adds links, so this is what ``group`` over everything gives, read from the
    new reports' neighbours, not from whole incidents. A group ``group`` must decide is ``doubtful``: a report that
    names no place (it joins the one incident it fits best), or sites that could be the spot of two incidents."""
    new = sorted({r.id: r for r in new}.values(), key=report_order)
    fresh = {r.id for r in new}
    node = {r.id: (r.id if r.id in fresh else incident_of[r.id]) for r in [*new, *stored]}
    sets, links = _Sets(set(node.values())), []
    for a, b in candidate_pairs([*new, *stored], rules):
        if (a.id in fresh or b.id in fresh) and sets.find(node[a.id]) != sets.find(node[b.id]):
            reason = link_reason(a, b, rules)
            if reason:
                sets.union(node[a.id], node[b.id])
                links.append(Link(a.id, b.id, reason))
    reports: dict[str, list[Report]] = {}
    joins: dict[str, dict[str, Link]] = {}
    linked: dict[str, list[Link]] = {}
    for r in new:
        reports.setdefault(sets.find(r.id), []).append(r)
    for link in links:
        root = sets.find(node[link.a])
        linked.setdefault(root, []).append(link)
        for end in (link.a, link.b):
            if end not in fresh:
                joins.setdefault(root, {}).setdefault(node[end], link)
    out = {k: Extension(tuple(rs), joins.get(k, {}), tuple(linked.get(k, ())), any(r.place is None for r in rs))
           for k, rs in reports.items()}
    return _absorb_new_sites(out, spans, rules)


def _absorb_new_sites(groups: dict[str, Extension], spans: dict, rules: Rules = RULES) -> list[Extension]:
    """``extend``'s groups once each group of a new article's sites alone has joined the short city incident of
    that article it is the spot of (``spots``; the city incident's span counts its stored incidents', from
    ``spans``); a group of sites that could join two stays as it is, ``doubtful``."""
    def days(x: Extension) -> int:
        firsts = [r.start for r in x.new] + [spans[i][0] for i in x.joins]
        lasts = [r.end for r in x.new] + [spans[i][1] for i in x.joins]
        return (max(lasts) - min(firsts)).days

    dated = {k: x for k, x in groups.items() if all(r.start and r.end for r in x.new)}
    found = spots({k: x.new for k, x in dated.items() if not (x.joins or x.doubtful)},
                  {k: x.new for k, x in dated.items()}, lambda k: days(dated[k]), rules)
    for k, cities in found.items():
        if len(cities) > 1:
            groups[k] = replace(groups[k], doubtful=True)
            continue
        [(o, link)] = cities.items()
        site, city = groups.pop(k), groups[o]
        groups[o] = replace(city, new=(*city.new, *site.new), links=(*city.links, *site.links, link))
    return list(groups.values())


def _span(reports) -> int:
    return (max(r.end for r in reports) - min(r.start for r in reports)).days


def site_reason(site: Report, city: Report, city_days: int, rules: Rules = RULES) -> str | None:
    """Why a district or site is the spot of a city's incident told in the same article, or None: a short
    incident (a bombing, a meeting: the city incident's reports span ``city_days``, at most ``point_days``) within
    the city's extent. A campaign's quarters are fronts of their own, so a longer incident absorbs none."""
    if site.doc != city.doc or site.place.scale != "local" or city.place.scale != "city" or not kind_ok(site, city):
        return None
    if _span([site]) > rules.point_days or city_days > rules.point_days:
        return None
    sides, when, km = sides_reason(site, city, rules), dates_reason(site, city, rules), spot_km(site.place, city.place)
    if sides is None or when is None or km is None or km > rules.city_km:
        return None
    return f"{sides}, {site.place.name} in {city.place.name} ({km:.0f} km), same article, {when}"


def absorb_sites(placed: list[Report], sets: _Sets, links: list[Link], rules: Rules = RULES) -> None:
    """Join a site or district told only by one article to the short city incident of that article it is
    the spot of (``spots``, the first it finds). The incidents are read before any join, so input order does not
    matter; a site with reports in other articles is an incident of its own and stays one."""
    groups: dict[str, list[Report]] = {}
    for r in placed:
        groups.setdefault(sets.find(r.id), []).append(r)
    dated = {root: rs for root, rs in groups.items() if all(r.start and r.end for r in rs)}
    found = spots(dated, dated, lambda root: _span(dated[root]), rules)
    for link in [next(iter(cities.values())) for cities in found.values()]:
        sets.union(link.a, link.b)
        links.append(link)


def spots(sites: dict, incidents: dict, days, rules: Rules = RULES) -> dict[str, dict[str, Link]]:
    """For each group of ``sites`` (key: its reports) that is sites or districts of one article alone, the other
    ``incidents`` of that article (key: their reports; ``days(key)``: their span) it could be the spot of
    (``site_reason``), each with the link, in the order they are found: site by site, the article's incidents in
    key order."""
    in_doc: dict[str, list[str]] = {}          # the incidents each article tells: a site's city is one of its own
    for key in sorted(incidents):
        for doc in dict.fromkeys(r.doc for r in incidents[key]):
            in_doc.setdefault(doc, []).append(key)
    out: dict[str, dict[str, Link]] = {}
    for key, reports in sorted(sites.items()):
        doc = reports[0].doc
        if any(r.place.scale != "local" or r.doc != doc for r in reports):
            continue
        found: dict[str, Link] = {}
        for site in reports:
            for other in (o for o in in_doc[doc] if o != key and o not in found):
                city = next(((c, why) for c in incidents[other] if (why := site_reason(site, c, days(other), rules))),
                            None)
                if city:
                    found[other] = Link(city[0].id, site.id, city[1])
        if found:
            out[key] = found
    return out


def _fit(reason: str, same_doc: bool, same_doc_members: int) -> tuple:
    """How well a placeless report fits an incident: named sides in common, then its own article, then
    the article's larger incident (what an unplaced sentence most likely continues)."""
    return (reason.startswith("same actors"), same_doc, not reason.startswith("sides unnamed"), same_doc_members)


def _everyone(members: list[Report], like: Report) -> Report:
    """``like`` carrying every side named by the incident's members: a placeless report is compared with
    the incident as a whole (the LNA joining strikes told elsewhere as Egypt's and the LNA's)."""
    actors = tuple({s.name: s for m in members for s in m.actors}.values())
    counterparts = tuple({s.name: s for m in members for s in m.counterparts}.values())
    return replace(like, actors=actors, counterparts=counterparts)


class _Windows:
    """The placed incidents' reports by kind and start day, so a placeless report is compared only with those its
    window can reach (``neighbour_window``: no link is possible outside it), in the incidents' order."""

    def __init__(self, members: dict[str, list[Report]]):
        self.members = members
        rank = {root: i for i, root in enumerate(sorted(members, key=lambda k: report_order(members[k][0])))}
        self.by_kind: dict[str, list[tuple]] = {}
        for root, group_ in members.items():
            for i, m in enumerate(group_):
                if m.start and m.end:
                    self.by_kind.setdefault(m.kind, []).append((m.start, m.end, rank[root], i, root))
        for entries in self.by_kind.values():
            entries.sort()
        self.starts = {k: [e[0] for e in entries] for k, entries in self.by_kind.items()}
        self.longest = {k: max(e[1] - e[0] for e in entries) for k, entries in self.by_kind.items()}

    def near(self, r: Report, rules: Rules = RULES) -> dict[str, list[Report]]:
        """The incidents (root: their members) with a report whose window is within ``r``'s tolerance."""
        kind, first, last = neighbour_window(r, rules)
        if first is None or last is None or kind not in self.by_kind:
            return {}
        starts, entries = self.starts[kind], self.by_kind[kind]
        found = [e for e in entries[bisect_left(starts, first - self.longest[kind]):bisect_right(starts, last)]
                 if e[1] >= first]
        return {e[4]: self.members[e[4]] for e in sorted(found, key=lambda e: (e[2], e[3]))}


def best_incident(r: Report, windows: _Windows, rules: Rules = RULES):
    """(root, member, reason) of the placed incident a placeless report fits best, or None."""
    best, best_key = None, None
    for root, group_ in windows.near(r, rules).items():
        in_doc = sum(1 for m in group_ if m.doc == r.doc)
        for m in group_:
            reason = link_reason(_everyone(group_, m) if m.doc == r.doc else m, r, rules, placeless=True)
            if reason:
                key = _fit(reason, m.doc == r.doc, in_doc)
                if best_key is None or key > best_key:
                    best, best_key = (root, m, reason), key
    return best


def incidents_of(reports: list[Report], sets: _Sets, links: list[Link], rules: Rules = RULES,
                 separate=frozenset()) -> list[Incident]:
    """Incident records of the union-find groups, earliest first (``separate``: the reports an editor split off)."""
    groups: dict[str, list[Report]] = {}
    for r in reports:
        groups.setdefault(sets.find(r.id), []).append(r)
    by_root: dict[str, list[Link]] = {}
    for link in links:
        by_root.setdefault(sets.find(link.a), []).append(link)
    out = [make_incident(rs, by_root.get(root, []), rules, separate) for root, rs in groups.items()]
    return sorted(out, key=lambda i: report_order(i.reports[0]))


def independent_sources(reports) -> int:
    """Outlets that told the incident in their own words: a report whose sentence another outlet had
    already printed word for word adds no outlet (copies are one source)."""
    seen_text: dict[str, str] = {}
    outlets: set[str] = set()
    for r in sorted(reports, key=report_order):
        first = seen_text.setdefault(r.sentence, r.source) if r.sentence else r.source
        if first == r.source:
            outlets.add(r.source)
    return len(outlets)


def confidence(sources: int, rules: Rules = RULES) -> float:
    """1 - (1 - p)^n for n independent outlets, each as likely right as p: 0.5, 0.75, 0.875 ..."""
    return round(1 - (1 - rules.per_source) ** max(sources, 0), 4)


def main_place(reports) -> Spot | None:
    """The place most reports name (ties: the finer scale, then the first named)."""
    order = ("local", "city", "region", "country")
    counts = Counter(r.place for r in reports if r.place is not None)
    return max(counts, key=lambda s: (counts[s], -order.index(s.scale)), default=None)


def make_incident(reports: list[Report], links: list[Link], rules: Rules = RULES, separate=frozenset()) -> Incident:
    """The incident of these reports: earliest first, outlets, independent sources and confidence, and which of
    them an editor split off (``separate``)."""
    reports = sorted(reports, key=report_order)
    sources = independent_sources(reports)
    starts, ends = [r.start for r in reports if r.start], [r.end for r in reports if r.end]
    return Incident(
        id=incident_id(reports), kind=reports[0].kind,
        status="occurred" if any(r.status == "occurred" for r in reports) else reports[-1].status,
        reports=tuple(reports), links=tuple(sorted(links, key=lambda k: (k.a, k.b))),
        first_reported=min((r.published for r in reports if r.published), default=None),
        outlets=tuple(sorted({r.source for r in reports})), sources=sources, confidence=confidence(sources, rules),
        place=main_place(reports), start=min(starts, default=None), end=max(ends, default=None),
        split=tuple(r.id for r in reports if r.id in separate))


def explain(incident: Incident) -> list[str]:
    """One line per link: "a + b: same actors, 3 km, windows overlap" ("a + b: merged by an editor"); then one
    per report an editor split off: "a: split from its incident by an editor"."""
    return [f"{k.a} + {k.b}: {k.reason}" for k in incident.links] + [f"{r}: {SPLIT}" for r in incident.split]


def with_rules(**changes) -> Rules:
    """The default rules with some thresholds changed (what tuning tries)."""
    return replace(RULES, **changes)
