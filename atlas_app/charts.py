"""Charts as Vega-Lite specs, for ``st.vega_lite_chart``: events over time, who talks to whom, and flows over time.

Plain dicts, not Altair: importing Altair costs 0.4 s of a server's first page, and these specs are as short as
the Altair that made them. Each spec carries its frame as ``data.values``, which Streamlit sends as Arrow."""
from __future__ import annotations

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


Spec = dict                         # a Vega-Lite spec


def _scale(values: list[str], colors: list[tuple[int, int, int]]) -> dict:
    return {"domain": values, "range": [hex_color(c) for c in colors]}


def _stacked_bars(counts: pd.DataFrame, per: str, color: str, scale: dict, titles: tuple[str, str, str]) -> Spec:
    """Bars of ``events`` summed per week or month of ``period``, stacked by ``color``; ``titles``: the axes' and
    the legend's (x, y, colour)."""
    x_title, y_title, legend = titles
    period = {"field": "period", "type": "temporal", "timeUnit": "yearweek" if per == "week" else "yearmonth"}
    events = {"field": "events", "type": "quantitative", "aggregate": "sum", "title": y_title}
    return {"data": {"values": counts}, "mark": {"type": "bar"}, "height": 220, "encoding": {
        "x": period | {"title": x_title}, "y": events,
        "color": {"field": color, "type": "nominal", "scale": scale, "title": legend},
        "tooltip": [period | {"title": x_title}, {"field": color, "type": "nominal"}, events]}}


def timeline(days: pd.DataFrame, per: str) -> Spec:
    """Stacked bars of events per week or month, by kind (``days``: counts per day and kind)."""
    counts = per_period(days, per, "type")
    counts["kind"] = counts["type"].map(lambda k: KIND_LABELS.get(k, k))
    scale = _scale([KIND_LABELS[k] for k in KIND_COLORS], list(KIND_COLORS.values()))
    return _stacked_bars(counts, per, "kind", scale, (per.capitalize(), "Events", "Kind"))


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


def matrix(matrix: tuple[pd.DataFrame, list[str], list[str]]) -> Spec:
    """Who talks to whom: a heatmap of actor × counterpart counts (``matrix_data``'s), each cell labelled."""
    data, by_actor, by_part = matrix
    names = [("actor", "Actor"), ("actor_ar", "Actor (Arabic)"), ("counterpart", "Counterpart"),
             ("counterpart_ar", "Counterpart (Arabic)")]
    cells = {"mark": {"type": "rect"}, "encoding": {
        "color": {"field": "events", "type": "quantitative", "scale": {"scheme": "blues"}, "title": "Events"},
        "tooltip": [{"field": f, "type": "nominal", "title": t} for f, t in names]
                   + [{"field": "events", "type": "quantitative"}]}}
    labels = {"mark": {"type": "text", "baseline": "middle", "fontSize": 11},
              "encoding": {"text": {"field": "events", "type": "quantitative"}}}
    return {"data": {"values": data}, "width": {"step": 30}, "height": {"step": 24}, "encoding": {
        "x": {"field": "counterpart", "type": "nominal", "title": "Counterpart", "sort": by_part,
              "axis": {"labelAngle": -40, "labelLimit": 160, "labelOverlap": False}},
        "y": {"field": "actor", "type": "nominal", "title": "Actor", "sort": by_actor, "axis": {"labelLimit": 180}}},
        "layer": [cells, labels]}


def flows_over_time(days: pd.DataFrame, per: str = "month") -> Spec:
    """Diplomatic flows per month, stacked by subtype (``days``: counts per day and subtype)."""
    counts = per_period(days, per, "subtype")
    subtypes = sorted(counts["subtype"].unique()) if not counts.empty else []
    scale = _scale(subtypes, [group_color(v, SUBTYPE_COLORS) for v in subtypes])
    return _stacked_bars(counts, per, "subtype", scale, ("Month", "Interactions", "Subtype"))
