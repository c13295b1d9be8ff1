"""Filter state, in one place: read from the URL (else the session), shown in the sidebar, applied to events.

The URL is the source of truth: every widget writes its value back to ``st.query_params`` in its
callback, so a copied link reopens the same view. Parameter names:

    actor=<English name> (repeatable)   aff=<affiliation> (repeatable)   kind=visit|front_line|diplomatic_flow
    status=occurred|planned             from=YYYY-MM-DD   to=YYYY-MM-DD
    outlets=N (events of incidents reported by at least N outlets)
    page-level: sel (map selection), show=incidents|reports, present=1, per, week, color, period, doc, sentence
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Mapping

import streamlit as st

from geo.events.kinds import EVENT_TYPES
from geo.store.queries import EventQuery

from .site import PAGE_KEYS
from .style import KIND_LABELS, STATUS_LABELS, bilingual, date_label

KINDS = EVENT_TYPES
STATUSES = ("occurred", "planned")
FILTER_KEYS = ("actor", "aff", "kind", "status", "from", "to", "outlets")
MAX_OUTLETS = 50                 # the largest "reported by at least N outlets" the sidebar offers
STREAMLIT_KEYS = ("embed", "embed_options")
SESSION_KEY = "atlas_filters"
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_MAX_SHOWN = 60


@dataclass(frozen=True)
class Filters:
    """What the user asked to see; empty means everything."""
    actors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    outlets: int = 0                # only incidents reported by at least this many outlets (0, 1: all)

    def to_params(self) -> dict[str, list[str]]:
        """The URL form: only what differs from the default."""
        out: dict[str, list[str]] = {}
        if self.actors:
            out["actor"] = list(self.actors)
        if self.affiliations:
            out["aff"] = list(self.affiliations)
        if self.kinds and set(self.kinds) != set(KINDS):
            out["kind"] = list(self.kinds)
        if self.status:
            out["status"] = [self.status]
        if self.date_from:
            out["from"] = [self.date_from.isoformat()]
        if self.date_to:
            out["to"] = [self.date_to.isoformat()]
        if self.outlets > 1:
            out["outlets"] = [str(self.outlets)]
        return out


@dataclass(frozen=True)
class Options:
    """What the data offers to filter on."""
    actors: dict[str, str] = field(default_factory=dict)      # English name -> Arabic name
    affiliations: tuple[str, ...] = ()
    first: date | None = None
    last: date | None = None

    def actor_label(self, en: str) -> str:
        return bilingual(en, self.actors.get(en, ""))


def options_from(actors: list[tuple[str, str, str]], first: str | None, last: str | None) -> Options:
    """What to filter on, from the store's answers: its actors as (English, Arabic, affiliation), and the first
    and last day of its events."""
    names: dict[str, str] = {}
    for en, ar, _ in actors:
        if en and not names.get(en):
            names[en] = ar
    affs = sorted({aff for _, _, aff in actors if aff})
    day = lambda d: date.fromisoformat(d) if d else None  # noqa: E731
    return Options(dict(sorted(names.items())), tuple(affs), day(first), day(last))


def query(f: Filters, kind: str | None = None) -> EventQuery:
    """The store's query for the filters; ``kind`` (a page's own kind) overrides the kind filter."""
    return EventQuery(kinds=(kind,) if kind else tuple(f.kinds), status=f.status, actors=tuple(f.actors),
                      affiliations=tuple(f.affiliations),
                      date_from=f.date_from.isoformat() if f.date_from else None,
                      date_to=f.date_to.isoformat() if f.date_to else None, outlets=f.outlets)


def parse_date(value: str, end: bool = False) -> date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a partial date means its first (or, for ``end``, last) day."""
    m = _DATE_RE.match(value.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if mo is None:
            return date(y, 12, 31) if end else date(y, 1, 1)
        if d is None:
            mo_i = int(mo)
            return date(y, mo_i, calendar.monthrange(y, mo_i)[1] if end else 1)
        return date(y, int(mo), int(d))
    except ValueError:
        return None


def _match(values: list[str], known: Mapping[str, str], what: str, notes: list[str]) -> tuple[str, ...]:
    """Values found in ``known`` (keys are case-folded names), noting the rest; blank values are skipped."""
    out, unknown = [], []
    for v in values:
        if not v.strip():
            continue
        canon = known.get(v.strip().casefold())
        if canon is None:
            unknown.append(v)
        elif canon not in out:
            out.append(canon)
    if len(unknown) > 3:
        notes.append(f"Ignored {len(unknown)} unknown values of {what} in the link (the first: “{_short(unknown[0])}”).")
    else:
        notes += [f"Ignored unknown {what} “{_short(v)}” in the link." for v in unknown]
    return tuple(out)


def repeated(key: str, raw: list[str]) -> list[str]:
    """A note when a parameter that takes one value is given several times (the last one is used)."""
    if len(set(raw)) < 2:
        return []
    return [f"The link gives “{key}” {len(raw)} times: used the last one, “{_short(raw[-1])}”."]


def _short(v: str, n: int = _MAX_SHOWN) -> str:
    v = str(v)
    return v if len(v) <= n else v[:n] + "…"


def parse(params: Mapping[str, list[str]], opts: Options) -> tuple[Filters, list[str]]:
    """Filters from URL parameters; every unknown or malformed value is dropped with a note saying so."""
    notes: list[str] = []
    actor_keys = {en.casefold(): en for en in opts.actors} | {ar.casefold(): en for en, ar in opts.actors.items() if ar}
    actors = _match(params.get("actor", []), actor_keys, "actor", notes)
    affs = _match(params.get("aff", []), {a.casefold(): a for a in opts.affiliations}, "affiliation", notes)
    kinds = _match(params.get("kind", []), {k: k for k in KINDS} | {k.replace("_", "-"): k for k in KINDS},
                   "event kind", notes)
    statuses = _match(params.get("status", []), {s: s for s in STATUSES}, "status", notes)
    status = statuses[0] if len(statuses) == 1 else ""
    if len(statuses) > 1:
        notes.append(f"The link gives more than one status ({', '.join(statuses)}): showing all statuses.")
    bounds = []
    for key, end in (("from", False), ("to", True)):
        raw = [v for v in params.get(key, []) if v.strip()]
        notes += repeated(key, raw)
        d = parse_date(raw[-1], end) if raw else None
        if raw and d is None:
            notes.append(f"Ignored the date “{_short(raw[-1])}” given for “{key}”: use YYYY-MM-DD.")
        bounds.append(d)
    date_from, date_to = bounds
    if date_from and date_to and date_from > date_to:
        notes.append("The link's “from” date is after its “to” date: the two were swapped.")
        date_from, date_to = date_to, date_from
    return Filters(actors, affs, kinds, status, date_from, date_to, parse_outlets(params.get("outlets", []), notes)), notes


def parse_outlets(raw: list[str], notes: list[str]) -> int:
    """``outlets=N``: a whole number from 1 to ``MAX_OUTLETS`` (1 keeps everything); anything else is noted."""
    raw = [v for v in raw if v.strip()]
    notes += repeated("outlets", raw)
    if not raw:
        return 0
    value = raw[-1].strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_OUTLETS:
        notes.append(f"Ignored outlets=“{_short(value)}” in the link: give a whole number of outlets from 1 to "
                     f"{MAX_OUTLETS}.")
        return 0
    return int(value) if int(value) > 1 else 0


def normalize(f: Filters, opts: Options) -> Filters:
    """The same filters with bounds that cover all the data dropped, so the URL stays short."""
    if f.date_from and opts.first and f.date_from <= opts.first:
        f = replace(f, date_from=None)
    if f.date_to and opts.last and f.date_to >= opts.last:
        f = replace(f, date_to=None)
    if set(f.kinds) == set(KINDS):
        f = replace(f, kinds=())
    return f


def unknown_keys(params: Mapping[str, list[str]]) -> list[str]:
    return [k for k in params if k not in FILTER_KEYS + PAGE_KEYS + STREAMLIT_KEYS]


def describe(f: Filters, opts: Options) -> str:
    """One line saying what is filtered, for captions and the presenter's view."""
    parts = []
    if f.actors:
        parts.append("actors: " + ", ".join(opts.actor_label(a) for a in f.actors))
    if f.affiliations:
        parts.append("affiliation: " + ", ".join(f.affiliations))
    if f.kinds:
        parts.append("kind: " + ", ".join(KIND_LABELS[k] for k in f.kinds))
    if f.status:
        parts.append("status: " + STATUS_LABELS[f.status].lower())
    if f.date_from or f.date_to:
        parts.append("dates: " + dates_label(f.date_from, f.date_to))
    if f.outlets > 1:
        parts.append(f"reported by at least {f.outlets} outlets")
    return "; ".join(parts) if parts else "no filters"


def dates_label(first: date | None, last: date | None) -> str:
    """The days the date filter keeps, as a reader says them: ``25 Mar – 28 Apr 2017``, ``from 3 Apr 2019``,
    ``up to 28 Apr 2017``."""
    if first and last:
        return date_label(first, last, "range")
    return f"from {date_label(first, None, 'day')}" if first else f"up to {date_label(last, None, 'day')}"


# ---- the URL and the session (Streamlit) ---------------------------------------------------------------

def read_url() -> dict[str, list[str]]:
    """Every query parameter with all its values."""
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp.keys()}


def write_url(params: Mapping[str, list[str]]) -> None:
    """Replace the query string (only when it changes, to spare the browser's history)."""
    clean = {k: [str(x) for x in v] for k, v in params.items() if v}
    if clean != read_url():
        st.query_params.from_dict(clean)


def set_param(key: str, value: str | None) -> None:
    """Set (or with None, remove) one page-level parameter, keeping the rest of the URL."""
    params = read_url()
    params.pop(key, None)
    if value not in (None, ""):
        params[key] = [str(value)]
    write_url(params)


def resolve(opts: Options, page_keys: tuple[str, ...] = ()) -> tuple[Filters, list[str]]:
    """The filters in force: the URL's if it has any, else this session's (filters follow the user across pages).

    The URL is rewritten to the canonical form: bad values dropped, and parameters of other pages removed."""
    params = read_url()
    notes = [f"Ignored the unknown link parameter “{_short(k)}”." for k in unknown_keys(params)]
    if any(k in params for k in FILTER_KEYS):
        f, more = parse(params, opts)
        notes += more
    else:
        f = st.session_state.get(SESSION_KEY) or Filters()
    f = normalize(f, opts)
    st.session_state[SESSION_KEY] = f
    kept = {k: v for k, v in params.items() if k in page_keys + ("present",) + STREAMLIT_KEYS}
    write_url(kept | f.to_params())
    return f, notes


def _commit(opts: Options, page_kind: str | None) -> None:
    """Widget callback: the sidebar's values become the filters, in the session and the URL (on a page of one
    kind, whose kind widget is fixed, the kind filter stays as it was)."""
    ss = st.session_state
    d_from, d_to = ss.get("w_from"), ss.get("w_to")
    kinds = (ss.get(SESSION_KEY) or Filters()).kinds if page_kind else tuple(ss.get("w_kind") or ())
    outlets = int(ss.get("w_outlets") or 1)
    f = Filters(tuple(ss.get("w_actor") or ()), tuple(ss.get("w_aff") or ()), kinds,
                ss.get("w_status") or "", d_from if isinstance(d_from, date) else None,
                d_to if isinstance(d_to, date) else None, outlets if outlets > 1 else 0)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        f = replace(f, date_from=f.date_to, date_to=f.date_from)
    f = normalize(f, opts)
    ss[SESSION_KEY] = f
    params = {k: v for k, v in read_url().items() if k not in FILTER_KEYS and k != "sel"}
    write_url(params | f.to_params())


def _reset() -> None:
    st.session_state[SESSION_KEY] = Filters()
    write_url({k: v for k, v in read_url().items() if k not in FILTER_KEYS and k != "sel"})


def sidebar(opts: Options, f: Filters, page_kind: str | None = None) -> None:
    """The filter widgets, showing ``f`` (widgets are re-seeded from it on every run)."""
    ss, sb = st.session_state, st.sidebar
    ss["w_actor"] = [a for a in f.actors if a in opts.actors]
    ss["w_aff"] = [a for a in f.affiliations if a in opts.affiliations]
    ss["w_kind"] = [page_kind] if page_kind else list(f.kinds)
    ss["w_status"] = f.status
    lo, hi = opts.first or date(2000, 1, 1), opts.last or date.today()
    ss["w_from"] = f.date_from or lo
    ss["w_to"] = f.date_to or hi
    ss["w_outlets"] = max(f.outlets, 1)
    args = (opts, page_kind)
    sb.header("Filters")
    sb.multiselect("Actors", list(opts.actors), format_func=opts.actor_label, key="w_actor", on_change=_commit,
                   args=args, placeholder="All actors", help="Events where any of these is an actor or counterpart.")
    sb.multiselect("Affiliation", list(opts.affiliations), key="w_aff", on_change=_commit, args=args,
                   placeholder="All affiliations", help="Events with an actor or counterpart of this side.")
    c1, c2 = sb.columns(2)
    c1.date_input("From", min_value=min(lo, ss["w_from"]), max_value=max(hi, ss["w_from"]), key="w_from",
                  on_change=_commit, args=args)
    c2.date_input("To", min_value=min(lo, ss["w_to"]), max_value=max(hi, ss["w_to"]), key="w_to",
                  on_change=_commit, args=args)
    sb.multiselect("Event kind", list(KINDS), format_func=KIND_LABELS.get, key="w_kind", on_change=_commit,
                   args=args, placeholder="All kinds", disabled=page_kind is not None,
                   help=f"This page shows {KIND_LABELS[page_kind].lower()} events only." if page_kind else None)
    sb.radio("Status", ["", *STATUSES], format_func=lambda s: STATUS_LABELS.get(s, "All"), key="w_status",
             on_change=_commit, args=args, horizontal=True)
    sb.number_input("Reported by at least … outlets", min_value=1, max_value=MAX_OUTLETS, step=1, key="w_outlets",
                    on_change=_commit, args=args,
                    help="Only incidents that this many outlets or more reported: 1 shows everything.")
    sb.button("Reset filters", on_click=_reset, disabled=f == Filters())


# ---- page-level parameters -----------------------------------------------------------------------------

def page_value(key: str, valid: Callable[[str], object | None], what: str) -> tuple[object | None, list[str]]:
    """A page-level parameter checked by ``valid`` (returns the parsed value or None); a bad one is dropped."""
    raw = read_url().get(key)
    if not raw:
        return None, []
    notes = repeated(key, raw)
    value = valid(raw[-1])
    if value is None:
        set_param(key, None)
        return None, notes + [f"Ignored {key}=“{_short(raw[-1])}” in the link: not a valid {what}."]
    if len(raw) > 1:
        set_param(key, raw[-1])
    return value, notes


def _commit_choice(key: str, default: str) -> None:
    value = st.session_state.get(f"w_{key}")
    set_param(key, None if value == default else value)


def page_choice(key: str, label: str, options: Mapping[str, str], default: str, widget: str = "radio",
                where=None, hidden: bool = False, what: str = "", shown: list[str] | None = None,
                **kwargs) -> tuple[str, list[str]]:
    """A page-level choice (a radio, select_slider or selectbox) that lives in the URL as ``key``.

    ``hidden`` honours the URL without showing the widget (presenter mode). ``shown`` lists only some of the
    options in the widget (the default and the current value always among them, first): the URL may still name
    any of ``options``."""
    value, notes = page_value(key, lambda v: v if v in options else None, what or label.lower())
    value = value if value is not None else default
    if hidden:
        return str(value), notes
    st.session_state[f"w_{key}"] = value
    if widget == "radio":
        kwargs.setdefault("horizontal", True)
    listed = list(options) if shown is None else list(dict.fromkeys([default, value, *shown]))
    getattr(where or st, widget)(label, listed, format_func=lambda v: options[v], key=f"w_{key}",
                                 on_change=_commit_choice, args=(key, default), **kwargs)
    return str(value), notes
