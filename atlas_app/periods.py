"""Months for the front-line slider: the months spanned and their labels, a period's queries, and the parties
named in it."""
from __future__ import annotations

import pandas as pd

from geo.store.queries import EventQuery

from .style import bilingual, date_label


def months(first: str | None, last: str | None) -> list[str]:
    """Every month (``YYYY-MM``) from the first day to the last, empty ones included."""
    if not first or not last:
        return []
    rng = pd.period_range(pd.Period(first[:7], freq="M"), pd.Period(last[:7], freq="M"), freq="M")
    return [str(p) for p in rng]


def choices(first: str | None, last: str | None) -> dict[str, str]:
    """The period picker's options: ``all``, then each month as the URL gives it (``2019-04``) with the label a
    reader sees (``Apr 2019``)."""
    return {"all": "All periods", **{m: date_label(f"{m}-01", None, "month") for m in months(first, last)}}


def window(q: EventQuery, period: str, last: str | None) -> tuple[EventQuery, EventQuery, pd.Timestamp]:
    """(the events up to the period's end, the events in the period, the period's end) as queries narrowing
    ``q``; ``all`` is everything, up to the ``last`` day."""
    if period == "all":
        return q, q, pd.Timestamp(last) if last else pd.Timestamp.today().normalize()
    end = pd.Period(period, freq="M").end_time.normalize()
    upto = q.narrowed(date_to=min(q.date_to, end.date().isoformat()) if q.date_to else end.date().isoformat())
    return upto, q.narrowed(match=(("month", period),)), end


def parties(found: list[tuple[str, str, int]]) -> pd.DataFrame:
    """The actors and counterparts the store found named in the events (``queries.parties``), with how many
    reports name each."""
    return pd.DataFrame([(bilingual(en, ar), n) for en, ar, n in found], columns=["party", "reports"])


def previous(q: EventQuery, period: str) -> EventQuery | None:
    """The events of the month before ``period`` (narrowing ``q``, as ``window``), to tell what is new in it; None
    for ``all``, which has no period before it."""
    if period == "all":
        return None
    return q.narrowed(match=(("month", str(pd.Period(period, freq="M") - 1)),))


def step(options, period: str) -> str | None:
    """The month after ``period`` among the picker's ``options`` (``choices``), the first from ``all``; None after
    the last (a play through the periods stops there)."""
    months = [m for m in options if m != "all"]
    if period not in months:
        return months[0] if months else None
    i = months.index(period)
    return months[i + 1] if i + 1 < len(months) else None


def play_from(options, period: str) -> str | None:
    """Where pressing play starts: this month, or the first month from ``all`` or from the last month (a play
    that has nothing left to step through starts over); None without months."""
    months = [m for m in options if m != "all"]
    if not months:
        return None
    return period if period in months and period != months[-1] else months[0]


def changes(now: list[dict], before: list[dict] | None) -> tuple[list[str], list[str]]:
    """(the places reported in a period but not the one before, those reported the period before but not in it),
    English names, busiest first, from the store's groups by place (``queries.groups``) of the two periods; nothing
    without a period before (``all``)."""
    if before is None:
        return [], []

    def named(found: list[dict], other: list[dict]) -> list[str]:
        others = {str(g["place_id"]) for g in other}
        kept = sorted((g for g in found if str(g["place_id"]) not in others), key=lambda g: (-g["n"], str(g["place_en"])))
        return [str(g["place_en"] or g["place_ar"] or g["place_id"]) for g in kept]

    return named(now, before), named(before, now)
