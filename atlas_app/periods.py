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
