"""Events read from sentences: visits, front lines and diplomatic flows, with status and date.

The first half runs on small sentences written for the purpose, the second on the seed articles
(the events the product promises, checked against the Arabic text and tests/gold/seeds.jsonl).
"""
from datetime import date

import pytest

from geo.model import Article, Event
from geo.pipeline import extract

PUBLISHED = date(2019, 5, 22)        # a Wednesday


def events(text, published=PUBLISHED, precision="day") -> list[Event]:
    return extract(Article("t", text, published, precision)).events


def ids(actors) -> set[str]:
    return {a.id for a in actors}


def pick(evs, type, actor=None, place=None, status=None) -> list[Event]:
    """The events of a type, optionally with an actor, a place and a status."""
    return [e for e in evs if e.type == type
            and (actor is None or actor in ids(e.actors))
            and (place is None or (e.place is not None and e.place.id == place))
            and (status is None or e.status == status)]


def one(evs, type, actor=None, place=None, status=None) -> Event:
    found = pick(evs, type, actor, place, status)
    assert found, f"no {type} event of {actor} at {place} ({status}) among " + \
        repr([(e.type, sorted(ids(e.actors)), e.place and e.place.id, e.status) for e in evs])
    return found[0]


# --- visits ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, actor, place", [
    ("وصل السراج إلى واشنطن أمس.", "fayez-al-sarraj", "us-washington"),
    ("زار حفتر باريس الأسبوع الماضي.", "khalifa-haftar", "fr-paris"),
    ("توجه السراج إلى القاهرة أمس.", "fayez-al-sarraj", "eg-cairo"),
])
def test_visit_occurred(text, actor, place):
    ev = one(events(text), "visit", actor, place)
    assert ev.status == "occurred"
    assert ev.subtype == "visit"


def test_a_visit_starts_at_the_visitors_seat_and_is_hosted_by_the_destination():
    ev = one(events("وصل السراج إلى واشنطن أمس."), "visit", "fayez-al-sarraj", "us-washington")
    assert ev.origin.id == "ly-tripoli"
    assert ids(ev.counterparts) == {"state-us"}
    assert ev.trigger == "وصل"


@pytest.mark.parametrize("text, actor, place", [
    ("تلقى السراج دعوة لزيارة واشنطن.", "fayez-al-sarraj", "us-washington"),
    ("ينتظر أن يصل حفتر إلى روما.", "khalifa-haftar", "it-rome"),
    ("من المقرر أن يزور السراج القاهرة.", "fayez-al-sarraj", "eg-cairo"),
    ("سيزور حفتر باريس للقاء ماكرون.", "khalifa-haftar", "fr-paris"),
])
def test_visit_planned(text, actor, place):
    assert one(events(text), "visit", actor, place).status == "planned"


def test_an_invitation_is_also_a_planned_flow_from_the_inviter():
    evs = events("تلقى السراج دعوة لزيارة واشنطن.")
    flow = one(evs, "diplomatic_flow", "state-us")
    assert (flow.subtype, flow.status) == ("invitation", "planned")
    assert [a.id for a in flow.counterparts] == ["fayez-al-sarraj"]   # received: Sarraj is the invitee


@pytest.mark.parametrize("text", [
    "وفد من حكومة الوفاق وصل القاهرة.",
    "زار وفد من حكومة الوفاق القاهرة.",
    "استقبلت القاهرة وفدا من حكومة الوفاق.",
])
def test_a_delegation_travels_for_its_government(text):
    ev = one(events(text), "visit", "gna", "eg-cairo")
    assert ev.status == "occurred"
    assert ev.origin.id == "ly-tripoli"


@pytest.mark.parametrize("text, visitor, place, host", [
    pytest.param("استقبال القاهرة لوفد الوفاق يأتي بعد تراجعها عن دعم حفتر.", "gna", "eg-cairo", None,
                 id="cairo-receives-gna"),
    pytest.param("استقبل السيسي في القاهرة وفدا من حكومة الوفاق.", "gna", "eg-cairo", "abdel-fattah-el-sisi",
                 id="sisi-receives-gna"),
    pytest.param("استقبل حفتر في بنغازي وزير الخارجية الإيطالي.", "enzo-moavero-milanesi", "ly-benghazi",
                 "khalifa-haftar", id="haftar-receives-italian-fm"),
])
def test_a_reception_is_a_visit_by_the_guest_not_the_host(text, visitor, place, host):
    evs = events(text)
    ev = one(evs, "visit", visitor, place)
    assert ev.status == "occurred"
    travellers = {a for e in pick(evs, "visit") for a in ids(e.actors)}
    assert travellers == {visitor}
    if host:
        assert host not in travellers


# --- front lines -------------------------------------------------------------------------------

def test_front_line_with_its_parties():
    text = "اندلعت اشتباكات بين الجيش الوطني الليبي وقوات حكومة الوفاق في عين زارة."
    ev = one(events(text), "front_line", place="ly-ain-zara")
    assert ids(ev.actors) == {"lna", "gna"}
    assert (ev.status, ev.subtype, ev.counterparts, ev.origin) == ("occurred", "fighting", [], None)


def test_front_line_by_an_attacker():
    ev = one(events("قصفت قوات الجيش الوطني الليبي مطار معيتيقة."), "front_line", place="ly-mitiga")
    assert ids(ev.actors) == {"lna"}


@pytest.mark.parametrize("text", [
    pytest.param('تدور معارك عنيفة في "عين زارة" و"خلة الفرجان" و"قصر بن غشير".', id="quoted"),
    pytest.param("تدور معارك عنيفة في عين زارة وخلة الفرجان وقصر بن غشير.", id="attached-waw"),
    pytest.param("تدور معارك عنيفة في عين زارة، وخلة الفرجان، وقصر بن غشير.", id="commas"),
])
def test_every_place_of_a_listed_front_is_a_front_line(text):
    places = {e.place.id for e in pick(events(text), "front_line")}
    assert places == {"ly-ain-zara", "ly-khallet-al-furjan", "ly-qasr-bin-ghashir"}


@pytest.mark.parametrize("text", [
    pytest.param("ومن المتوقع هجوم قوات حكومة الوفاق على ترهونة.", id="expected"),
    pytest.param("يعتزم الجيش الوطني الليبي شن هجوم على ترهونة.", id="intends"),
])
def test_front_line_planned(text):
    assert one(events(text), "front_line", place="ly-tarhuna").status == "planned"


# --- diplomatic flows --------------------------------------------------------------------------

def test_a_call_joins_both_sides_seats():
    text = "أجرى وزير الخارجية الأمريكي مايك بومبيو اتصالا هاتفيا مع وزير الخارجية المصري سامح شكري."
    ev = one(events(text), "diplomatic_flow", "mike-pompeo")
    assert ev.subtype == "call" and ev.status == "occurred"
    assert ids(ev.counterparts) == {"sameh-shoukry"}
    assert ev.origin.id == "us-washington"          # the caller's seat
    assert ev.place.id == "eg-cairo"                # the other side's seat
    assert ev.venue is False


def test_a_received_call_runs_from_the_caller():
    """`تلقى حفتر اتصالا هاتفيا من بومبيو`: Pompeo called Haftar, so the arc starts in Washington."""
    ev = one(events("تلقى حفتر اتصالا هاتفيا من بومبيو."), "diplomatic_flow")
    assert ids(ev.actors) == {"mike-pompeo"} and ids(ev.counterparts) == {"khalifa-haftar"}
    assert (ev.origin.id, ev.place.id) == ("us-washington", "ly-rajma")


def test_call_planned():
    ev = one(events("يعتزم السراج إجراء اتصال هاتفي مع أردوغان."), "diplomatic_flow", "fayez-al-sarraj")
    assert (ev.subtype, ev.status) == ("call", "planned")
    assert ids(ev.counterparts) == {"recep-tayyip-erdogan"}


def test_meeting_at_a_named_venue_occurred_and_implies_the_trip():
    evs = events("التقى السراج الرئيس المصري السيسي في القاهرة أمس.")
    flow = one(evs, "diplomatic_flow", "fayez-al-sarraj", "eg-cairo")
    assert (flow.subtype, flow.status, flow.venue) == ("meeting", "occurred", True)
    assert ids(flow.counterparts) == {"abdel-fattah-el-sisi"}
    visit = one(evs, "visit", "fayez-al-sarraj", "eg-cairo")
    assert visit.status == "occurred"


def test_meeting_planned():
    evs = events("من المقرر أن يلتقي السراج الرئيس المصري السيسي في القاهرة الأسبوع المقبل.")
    assert one(evs, "diplomatic_flow", "fayez-al-sarraj", "eg-cairo").status == "planned"


# --- dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, start, end, precision", [
    ("وصل السراج إلى واشنطن أمس.", date(2019, 5, 21), date(2019, 5, 21), "day"),
    ("زار حفتر القاهرة في 3 مايو.", date(2019, 5, 3), date(2019, 5, 3), "day"),
])
def test_a_date_in_the_sentence_dates_the_event(text, start, end, precision):
    ev = one(events(text), "visit")
    assert (ev.date_start, ev.date_end, ev.date_precision, ev.date_source) == (start, end, precision, "text")


@pytest.mark.parametrize("precision, start, end", [
    ("day", date(2019, 5, 22), date(2019, 5, 22)),
    ("month", date(2019, 5, 1), date(2019, 5, 31)),
    ("year", date(2019, 1, 1), date(2019, 12, 31)),
])
def test_an_undated_event_takes_the_publication_window(precision, start, end):
    ev = one(events("وصل السراج إلى واشنطن.", precision=precision), "visit")
    assert (ev.date_start, ev.date_end, ev.date_precision, ev.date_source) == (start, end, precision, "published")


def test_a_relative_date_in_an_article_dated_to_the_month_keeps_every_possible_day():
    """Published "some day in May 2019" (the manifest's day is a placeholder): "yesterday" is any
    day from 30 April to 30 May, not the day before the placeholder."""
    ev = one(events("وصل السراج إلى واشنطن أمس.", precision="month"), "visit")
    assert ev.date_source == "text"
    assert ev.date_start <= date(2019, 4, 30) and ev.date_end >= date(2019, 5, 30)


def test_without_a_publication_date_an_undated_event_has_none():
    ev = one(events("وصل السراج إلى واشنطن.", published=None), "visit")
    assert (ev.date_start, ev.date_end, ev.date_source) == (None, None, "")


def test_a_future_date_makes_the_event_planned():
    ev = one(events("يلتقي السراج ماكرون في باريس الأسبوع المقبل."), "diplomatic_flow", "fayez-al-sarraj")
    assert ev.status == "planned"
    assert ev.date_start > PUBLISHED and ev.date_source == "text"


# --- the seeds ----------------------------------------------------------------------------------

def in_sentence(ev: Event, words: str) -> bool:
    """The event is told in a sentence holding these words (its own, or a report merged into it)."""
    return any(words in s.text for s in [ev.sentence, *ev.reports])


def overlaps(ev: Event, start: date, end: date) -> bool:
    return ev.date_start is not None and ev.date_start <= end and ev.date_end >= start


def test_seed_001_sarraj_arrives_in_washington(extractions):
    ev = one(extractions["001"].events, "visit", "fayez-al-sarraj", "us-washington", "occurred")
    assert in_sentence(ev, "إلى العاصمة الأمريكية واشنطن أمس الخميس")
    assert (ev.date_start, ev.date_source) == (date(2017, 11, 30), "text")     # Thursday, the day before


def test_seed_001_sarraj_at_the_pentagon(extractions):
    ev = one(extractions["001"].events, "visit", "fayez-al-sarraj", "us-pentagon", "occurred")
    assert in_sentence(ev, "في مقر وزارة الدفاع")
    assert "jim-mattis" in ids(ev.counterparts)
    assert overlaps(ev, date(2017, 11, 30), date(2017, 12, 1))


def test_seed_000_the_june_invitation_to_washington(extractions):
    ev = one(extractions["000"].events, "visit", "fayez-al-sarraj", "us-washington", "planned")
    assert in_sentence(ev, "دعوة لزيارة العاصمة الأميركية واشنطن خلال شهر يونيو/حزيران المقبل")
    assert date(2017, 6, 1) <= ev.date_start <= ev.date_end <= date(2017, 6, 30)
    assert ev.date_source == "text"


def test_seed_003_haftar_in_paris(extractions):
    ev = one(extractions["003"].events, "visit", "khalifa-haftar", "fr-paris", "occurred")
    assert in_sentence(ev, "زيارة إلى العاصمة الفرنسيّة، باريس")
    assert (ev.date_start, ev.date_end) == (date(2019, 5, 22), date(2019, 5, 22))   # اليوم الأربعاء


def test_seed_003_haftar_expected_in_rome(extractions):
    evs = pick(extractions["003"].events, "visit", "khalifa-haftar", "it-rome")
    assert evs and all(e.status == "planned" for e in evs)
    assert any(in_sentence(e, "ينتظر أن يصل المشير خليفة حفتر، إلى العاصمة الإيطالية، روما") for e in evs)


def test_seed_003_sarraj_in_brussels(extractions):
    ev = one(extractions["003"].events, "visit", "fayez-al-sarraj", "be-brussels", "occurred")
    assert in_sentence(ev, "في العاصمة البلجيكية بروكسل")
    assert "donald-tusk" in ids(ev.counterparts)
    assert (ev.date_start, ev.date_end) == (date(2019, 5, 20), date(2019, 5, 20))   # الاثنين الماضي


def test_seed_002_gna_delegation_in_cairo(extractions):
    ev = one(extractions["002"].events, "visit", "gna", "eg-cairo", "occurred")
    assert in_sentence(ev, "وصل القاهرة الثلاثاء")
    assert "state-eg" in ids(ev.counterparts)
    # a Tuesday near a publication date known only to the month (September 2020)
    assert overlaps(ev, date(2020, 8, 25), date(2020, 9, 30))


def test_seed_002_haftar_travelled_nowhere(extractions):
    """Seed 002 tells of Cairo receiving the GNA and of a *possible* Haftar trip to Paris; no trip
    of Haftar's has happened."""
    assert pick(extractions["002"].events, "visit", "khalifa-haftar", status="occurred") == []


def test_seed_000_mismari_meets_egyptians_in_cairo(extractions):
    ev = one(extractions["000"].events, "diplomatic_flow", "ahmed-al-mismari", "eg-cairo", "occurred")
    assert in_sentence(ev, "اجتماعات عدة مع مسؤولين وقيادات عسكرية مصرية في القاهرة")
    assert "state-eg" in ids(ev.counterparts)
    assert ev.subtype == "meeting" and ev.venue
    assert overlaps(ev, date(2017, 3, 25), date(2017, 4, 29))    # "last week", April 2017


def test_seed_004_the_us_ambassador_to_visit_misrata(extractions):
    ev = one(extractions["004"].events, "visit", "stephanie-williams", "ly-misrata", "planned")
    assert in_sentence(ev, "ستزور، الثلاثاء، مصراتة")
    assert "mike-pompeo" not in ids(ev.counterparts)   # Pompeo is in Washington, not her host


@pytest.mark.parametrize("place, words", [
    ("ly-tripoli", "من جبهات القتال في طرابلس"),
    ("ly-ain-zara", '"عين زارة"'),
    ("ly-khallet-al-furjan", '"خلة الفرجان"'),
    ("ly-qasr-bin-ghashir", '"قصر بن غشيز"'),
])
def test_seed_004_front_lines(extractions, place, words):
    evs = pick(extractions["004"].events, "front_line", place=place)
    assert any(in_sentence(e, words) for e in evs)
    assert all(e.status == "occurred" for e in evs)


def test_seed_004_pompeo_calls_shoukry(extractions):
    ev = one(extractions["004"].events, "diplomatic_flow", "mike-pompeo", "eg-cairo", "occurred")
    assert ev.subtype == "call"
    assert ids(ev.counterparts) == {"sameh-shoukry"}
    assert ev.origin.id == "us-washington"
    assert in_sentence(ev, "في اتصال هاتفي مع وزير خارجية الانقلاب سامح شكري")


PUBLICATION_WINDOWS = {     # seeds/manifest.csv, by hand
    "000": (date(2017, 4, 1), date(2017, 4, 30), "month"),
    "001": (date(2017, 12, 1), date(2017, 12, 1), "day"),
    "002": (date(2020, 9, 1), date(2020, 9, 30), "month"),
    "003": (date(2019, 5, 22), date(2019, 5, 22), "day"),
    "004": (date(2019, 9, 1), date(2019, 9, 30), "month"),
}


@pytest.mark.parametrize("doc_id", sorted(PUBLICATION_WINDOWS))
def test_seed_event_dates_come_from_the_text_or_the_publication(extractions, doc_id):
    ex = extractions[doc_id]
    times = {(t.date_start, t.date_end, t.precision) for t in ex.times}
    assert ex.events
    for ev in ex.events:
        assert ev.date_source in ("text", "published"), ev
        assert ev.date_start <= ev.date_end
        if ev.date_source == "published":
            assert (ev.date_start, ev.date_end, ev.date_precision) == PUBLICATION_WINDOWS[doc_id]
        else:
            assert (ev.date_start, ev.date_end, ev.date_precision) in times


@pytest.mark.parametrize("doc_id", sorted(PUBLICATION_WINDOWS))
def test_seed_events_are_well_formed(extractions, doc_id):
    for ev in extractions[doc_id].events:
        assert ev.type in ("visit", "front_line", "diplomatic_flow")
        assert ev.status in ("occurred", "planned")
        assert ev.place is not None
        assert ev.sentence.start <= ev.start < ev.end <= ev.sentence.end
        assert 0 < ev.confidence <= 1
        if ev.type == "diplomatic_flow":
            assert ev.actors and ev.counterparts
            assert not ids(ev.actors) & ids(ev.counterparts)
