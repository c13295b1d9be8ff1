"""The Overview's "What changed" (``atlas_app.trends_ui``) under Streamlit's AppTest on the seed store, checked
against the seed events themselves (``events``): the week the link names (``?week=2019-W21``), else the latest,
and a note for a week that is none."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from atlas_app import trends_ui
from atlas_app.style import bilingual
from tests.apptest import ok, run

MAY_20 = date(2019, 5, 20)            # 2019-W21: the seeds' Paris talks, nothing in the four weeks before
SEP_16 = date(2019, 9, 16)            # 2019-W38: an article of 20 Sep 2019 reports Tripoli's fighting again


def dated(events: pd.DataFrame) -> pd.DataFrame:
    """The events that have a week of their own (dated to a day or a week)."""
    return events[events["day"].notna() & ~events["date_precision"].isin(["month", "year"])]


def in_week(events: pd.DataFrame, monday: date) -> pd.DataFrame:
    days = dated(events)["day"].dt.date
    return dated(events)[(days >= monday) & (days < monday + timedelta(weeks=1))]


def changed(at, what: str) -> pd.DataFrame:
    """The section's table of ``what``: ``Place``, ``Actor`` or ``Kind`` (the incidents)."""
    return next(d.value for d in at.dataframe if what in d.value.columns and
                ("First report" if what == "Kind" else "Weekly before") in d.value.columns)


def shown_week(at) -> date:
    return next(s for s in at.selectbox if s.label == "Week").value


def test_week_names_round_trip_and_only_real_weeks_parse():
    assert trends_ui.week_name(date(2019, 4, 1)) == "2019-W14" and trends_ui.parse_week("2019-W14") == date(2019, 4, 1)
    assert trends_ui.parse_week(" 2020w53 ") == date(2020, 12, 28)        # 2020 had 53 ISO weeks …
    assert [trends_ui.parse_week(v) for v in ("2019-W53", "2019-W00", "2019-14", "April")] == [None] * 4  # … 2019 not
    assert trends_ui.week_label(MAY_20) == "2019-W21 · 20 – 26 May 2019"


def test_the_overview_opens_on_the_latest_week(store, events):
    at = ok(run())
    assert "What changed" in [s.value for s in at.subheader] and not at.warning
    latest = dated(events)["day"].max().date()
    assert shown_week(at) == latest - timedelta(days=latest.weekday())
    assert set(changed(at, "Place")["Place"]) <= set(in_week(events, shown_week(at))["place_label"])


def test_the_link_picks_the_week_and_every_new_place_of_it_is_listed(store, events):
    at = ok(run(week="2019-W21"))
    assert shown_week(at) == MAY_20 and at.query_params["week"] == "2019-W21"
    places = changed(at, "Place")
    week = in_week(events, MAY_20)
    assert len(dated(events)[(dated(events)["day"].dt.date >= MAY_20 - timedelta(weeks=4))
                             & (dated(events)["day"].dt.date < MAY_20)]) == 0         # nothing in the weeks before
    assert set(places["Place"]) == set(week["place_label"]) and set(places["Change"]) == {"new"}
    counts = week["place_label"].value_counts()
    assert {p: n for p, n in zip(places["Place"], places["Events"])} == counts.to_dict()


def test_the_filters_apply_to_the_week(store, events):
    at = ok(run(week="2019-W21", kind="visit"))
    places = changed(at, "Place")
    week = in_week(events, MAY_20)
    assert set(places["Place"]) == set(week[week["type"] == "visit"]["place_label"])
    assert bilingual("Tripoli", "طرابلس") not in set(places["Place"])           # fighting, not a visit
    assert set(changed(at, "Kind")["Kind"]) == {"Visit"}


def test_an_incident_reported_again_is_rising_and_each_links_to_its_first_report(store, events):
    at = ok(run(week="2019-W38"))
    incidents = changed(at, "Kind")
    published = events.drop_duplicates("doc_id").set_index("doc_id")["published"]
    assert len(incidents) == events[events["published"].between("2019-09-16", "2019-09-22")]["incident_id"].nunique()
    for mark, first, link in zip(incidents["Change"], incidents["First reported"], incidents["First report"]):
        doc = link.split("doc=")[1].split("&")[0]
        assert link.startswith("Sources?doc=") and pd.Timestamp(published[doc]).strftime("%-d %b %Y") == first
        assert (mark == "new") == (pd.Timestamp(published[doc]).date() >= SEP_16)
    rising = incidents[incidents["Change"] == "▲ rising"]
    assert list(rising["Place"]) == [bilingual("Tripoli", "طرابلس")] and list(rising["Kind"]) == ["Front line"]


def test_choosing_a_week_puts_it_in_the_link(store):
    at = ok(run())
    next(s for s in at.selectbox if s.label == "Week").set_value(MAY_20)
    ok(at.run())
    assert at.query_params["week"] == "2019-W21" and shown_week(at) == MAY_20


@pytest.mark.parametrize("bad", ["2019-W99", "last week"])
def test_a_bad_week_in_the_link_is_noted_and_the_latest_shown(store, bad):
    at = ok(run(week=bad))
    assert at.warning and f"Ignored week=“{bad}” in the link" in at.warning[0].value
    assert "week" not in at.query_params and shown_week(at) == shown_week(ok(run()))


def test_presenter_mode_leaves_it_out(store):
    at = ok(run(present="1", week="2019-W21"))
    assert "What changed" not in [s.value for s in at.subheader] and not at.selectbox
