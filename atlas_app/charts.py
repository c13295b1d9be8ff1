"""Altair charts: events over time, who talks to whom, and flows over time."""
from __future__ import annotations

import altair as alt
import pandas as pd

from .style import KIND_COLORS, KIND_LABELS, SUBTYPE_COLORS, group_color, hex_color

PERIODS = {"week": "W-MON", "month": "M"}


def per_period(days: pd.DataFrame, per: str, by: str) -> pd.DataFrame:
    """Counts of events per week or month (the period's first day) and value of ``by``, from counts per day
    (``ui.Page.days``: columns ``day``, ``by``, ``events``)."""
    if days.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[ns]"), by: pd.Series(dtype=object),
                             "events": pd.Series(dtype=int)})
    periods = pd.to_datetime(days["day"], errors="coerce").dt.to_period(PERIODS[per]).dt.start_time
    out = days.assign(period=periods).groupby(["period", by])["events"].sum().reset_index()
    out[by] = out[by].astype(str)
    return out


def _scale(values: list[str], table: dict, labels: dict | None = None) -> alt.Scale:
    return alt.Scale(domain=values, range=[hex_color(group_color(v, table)) for v in values])


def timeline(days: pd.DataFrame, per: str) -> alt.Chart:
    """Stacked bars of events per week or month, by kind (``days``: counts per day and kind)."""
    counts = per_period(days, per, "type")
    counts["kind"] = counts["type"].map(lambda k: KIND_LABELS.get(k, k))
    kinds = [KIND_LABELS[k] for k in KIND_COLORS]
    scale = alt.Scale(domain=kinds, range=[hex_color(KIND_COLORS[k]) for k in KIND_COLORS])
    unit = "yearweek" if per == "week" else "yearmonth"
    return (alt.Chart(counts).mark_bar().encode(
        x=alt.X(f"{unit}(period):T", title=f"{per.capitalize()}"),
        y=alt.Y("sum(events):Q", title="Events"),
        color=alt.Color("kind:N", scale=scale, title="Kind"),
        tooltip=[alt.Tooltip(f"{unit}(period):T", title=per.capitalize()), "kind:N",
                 alt.Tooltip("sum(events):Q", title="Events")],
    ).properties(height=220))


PAIR_COLUMNS = ["actor", "actor_ar", "counterpart", "counterpart_ar", "events"]
MATRIX_TOP = 20                     # actors and counterparts a who-talks-to-whom matrix shows


def pairs_frame(found: list[tuple]) -> pd.DataFrame:
    """The store's (actor, Arabic, counterpart, Arabic, events) pairs (``queries.pairs``) as a frame."""
    return pd.DataFrame(found, columns=PAIR_COLUMNS).astype({"events": int})


def matrix_data(data: pd.DataFrame, top: int = MATRIX_TOP) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The pairs (``pairs_frame``) of the ``top`` busiest actors and counterparts, and those actors and
    counterparts, busiest first."""
    by_actor = list(data.groupby("actor")["events"].sum().sort_values(ascending=False, kind="stable").index)[:top]
    by_part = list(data.groupby("counterpart")["events"].sum().sort_values(ascending=False, kind="stable").index)[:top]
    return data[data["actor"].isin(by_actor) & data["counterpart"].isin(by_part)], by_actor, by_part


def matrix(matrix: tuple[pd.DataFrame, list[str], list[str]]) -> alt.Chart:
    """Who talks to whom: a heatmap of actor × counterpart counts (``matrix_data``'s)."""
    data, by_actor, by_part = matrix
    base = alt.Chart(data).encode(
        x=alt.X("counterpart:N", title="Counterpart", sort=by_part,
                axis=alt.Axis(labelAngle=-40, labelLimit=160, labelOverlap=False)),
        y=alt.Y("actor:N", title="Actor", sort=by_actor, axis=alt.Axis(labelLimit=180)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("events:Q", scale=alt.Scale(scheme="blues"), title="Events"),
        tooltip=[alt.Tooltip("actor:N", title="Actor"), alt.Tooltip("actor_ar:N", title="Actor (Arabic)"),
                 alt.Tooltip("counterpart:N", title="Counterpart"),
                 alt.Tooltip("counterpart_ar:N", title="Counterpart (Arabic)"), "events:Q"])
    labels = base.mark_text(baseline="middle", fontSize=11).encode(text="events:Q")
    return (cells + labels).properties(width=alt.Step(30), height=alt.Step(24))


def flows_over_time(days: pd.DataFrame, per: str = "month") -> alt.Chart:
    """Diplomatic flows per month, stacked by subtype (``days``: counts per day and subtype)."""
    counts = per_period(days, per, "subtype")
    subtypes = sorted(counts["subtype"].unique()) if not counts.empty else []
    unit = "yearweek" if per == "week" else "yearmonth"
    return (alt.Chart(counts).mark_bar().encode(
        x=alt.X(f"{unit}(period):T", title="Month"),
        y=alt.Y("sum(events):Q", title="Interactions"),
        color=alt.Color("subtype:N", scale=_scale(subtypes, SUBTYPE_COLORS), title="Subtype"),
        tooltip=[alt.Tooltip(f"{unit}(period):T", title="Month"), "subtype:N",
                 alt.Tooltip("sum(events):Q", title="Interactions")],
    ).properties(height=220))
