"""Examples of what changed in a week (``geo.store.trends``), on a small store made here, on both engines: the week
is 2019-W14 (1 – 7 April 2019), compared with the four weeks of March before it.

Before: Haftar visits Macron in Paris every week of March (five reports: the 28 March visit is reported again on
1 April by another outlet), and the LNA fights once in Tripoli (5 March). In the week: the LNA fights in Derna (a
place never seen before) and twice in Tripoli, Haftar visits Paris twice more, and a clash in Benghazi is dated
only to the month."""
from __future__ import annotations

from contextlib import closing
from datetime import date

import pytest

from geo.model import Place
from geo.store import connect, save
from geo.store import trends
from geo.store.queries import EventQuery
from tests.extractions import BENGHAZI, DERNA, HAFTAR, LNA, MACRON, PARIS, TRIPOLI, article

WEEK = date(2019, 4, 1)


def visit(day: str) -> dict:
    return {"kind": "visit", "place": PARIS, "day": day, "actors": (HAFTAR,), "counterparts": (MACRON,)}


def clash(day: str, place: Place, **more) -> dict:
    return {"kind": "front_line", "place": place, "day": day, "actors": (LNA,), **more}


ARTICLES = [
    article("mar-06", "Outlet A", "2019-03-06", visit("2019-03-06"), clash("2019-03-05", TRIPOLI)),
    article("mar-13", "Outlet A", "2019-03-13", visit("2019-03-13")),
    article("mar-20", "Outlet A", "2019-03-20", visit("2019-03-20")),
    article("mar-28", "Outlet A", "2019-03-28", visit("2019-03-28")),
    article("apr-01", "Outlet B", "2019-04-01", visit("2019-03-28")),          # the 28 March visit, again
    article("apr-03", "Outlet B", "2019-04-03", clash("2019-04-02", DERNA), clash("2019-04-04", TRIPOLI),
            clash("2019-04-05", TRIPOLI), visit("2019-04-06"), visit("2019-04-07"),
            clash("2019-04-01", BENGHAZI, end="2019-04-30", precision="month")),
]


@pytest.fixture
def conn(store_target):
    with closing(connect(store_target)) as c:
        for a in ARTICLES:
            save(c, a)
        yield c


def marks(changes) -> dict[str, tuple[str, int, int]]:
    return {c.name_en: (c.mark, c.now, c.before) for c in changes}


def test_a_place_never_seen_is_new_and_one_seen_once_a_month_rising(conn):
    found = trends.places(conn, EventQuery(), WEEK)
    assert marks(found) == {"Derna": ("new", 1, 0), "Tripoli": ("rising", 2, 1)}
    assert [c.name_en for c in found] == ["Tripoli", "Derna"]           # the most grown first
    assert found[1].name_ar == "درنة" and found[0].mean_before == 0.25


def test_a_place_as_busy_as_before_is_not_listed_nor_an_event_dated_to_the_month(conn):
    names = {c.name_en for c in trends.places(conn, EventQuery(), WEEK)}
    assert "Paris" not in names                  # 2 visits in the week, 1.25 a week in March: not twice as many
    assert "Benghazi" not in names               # "in April": no week of its own


def test_an_actor_rises_and_one_as_busy_as_before_is_left_out(conn):
    assert marks(trends.actors(conn, EventQuery(), WEEK)) == {"Libyan National Army": ("rising", 3, 1)}


def test_new_means_none_in_the_weeks_compared(conn):
    one_week = marks(trends.places(conn, EventQuery(), WEEK, before=1))
    assert one_week["Tripoli"] == ("new", 2, 0)          # its March clash is three weeks before
    assert trends.places(conn, EventQuery(), WEEK, top=1)[0].name_en == "Tripoli"


def test_incidents_first_reported_in_the_week_are_new_and_those_reported_again_rising(conn):
    found = {(i.place_en, i.first_day): i for i in trends.incidents(conn, EventQuery(), WEEK)}
    again = found[("Paris", "2019-03-28")]
    assert (again.mark, again.reports, again.outlets, again.week_reports) == ("rising", 2, 2, 1)
    assert again.first_reported == "2019-03-28" and again.first_doc == "mar-28" and again.first_sentence == 0
    derna = found[("Derna", "2019-04-02")]
    assert (derna.mark, derna.kind, derna.reports, derna.place_ar) == ("new", "front_line", 1, "درنة")
    assert derna.first_doc == "apr-03"
    assert {i.mark for k, i in found.items() if k != ("Paris", "2019-03-28")} == {"new"}
    assert ("Paris", "2019-03-20") not in found           # reported in March only


def test_the_filters_apply_but_not_their_dates(conn):
    visits = EventQuery(kinds=("visit",))
    assert trends.places(conn, visits, WEEK) == () and trends.actors(conn, visits, WEEK) == ()
    assert {i.kind for i in trends.incidents(conn, visits, WEEK)} == {"visit"}
    in_april = EventQuery(date_from="2019-04-01")
    assert trends.places(conn, in_april, WEEK) == trends.places(conn, EventQuery(), WEEK)


def test_the_default_week_is_the_latest_with_events_under_the_filters(conn):
    assert trends.latest_week(conn, EventQuery()) == WEEK
    assert trends.latest_week(conn, EventQuery(date_to="2019-03-25")) == date(2019, 3, 18)
    assert trends.latest_week(conn, EventQuery(status="planned")) is None
    shown = trends.what_changed(conn, EventQuery())
    assert shown.week == WEEK and shown.places == trends.places(conn, EventQuery(), WEEK)
    assert trends.what_changed(conn, EventQuery(), date(2019, 4, 3)).week == WEEK      # any day: its week
    assert trends.what_changed(conn, EventQuery(status="planned")) is None


def test_a_week_with_nothing_before_or_in_it(conn):
    empty = trends.what_changed(conn, EventQuery(), date(2018, 1, 1))
    assert (empty.places, empty.actors, empty.incidents) == ((), (), ())
