"""Months for the front-line slider: the months spanned, a period's window, and the parties named in it."""
from __future__ import annotations

import pandas as pd

from .style import bilingual


def months(df: pd.DataFrame) -> list[str]:
    """Every month (``YYYY-MM``) from the first dated event to the last, empty ones included."""
    days = df["day"].dropna()
    if days.empty:
        return []
    rng = pd.period_range(days.min().to_period("M"), days.max().to_period("M"), freq="M")
    return [str(p) for p in rng]


def window(df: pd.DataFrame, period: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    """(events up to the period's end, events in the period, the period's end); ``all`` is everything."""
    if period == "all":
        end = df["day"].max() if df["day"].notna().any() else pd.Timestamp.today()
        return df, df, end
    end = pd.Period(period, freq="M").end_time.normalize()
    upto = df[(df["day"] <= end).fillna(False).astype(bool)]
    return upto, df[df["month"] == period], end


def parties(df: pd.DataFrame) -> pd.DataFrame:
    """The actors and counterparts named in the events, with how many reports name each."""
    counts: dict[tuple[str, str], int] = {}
    for a, c in zip(df["actors"], df["counterparts"]):
        for p in set(a) | set(c):
            counts[p] = counts.get(p, 0) + 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return pd.DataFrame([(bilingual(en, ar), n) for (en, ar), n in rows], columns=["party", "reports"])
