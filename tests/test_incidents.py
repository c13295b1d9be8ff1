"""Examples of how geo.incidents groups reports of one real happening, and how geo.evaluate_incidents
scores the grouping pair by pair."""
from __future__ import annotations

import random

from geo.evaluate_incidents import article_folds, pairwise
from geo.incidents import (KM_PER_DEGREE, RULES, candidate_pairs, explain, extend, group, place_buckets,
                           report_from_event, spot)

PARIS = {"id": "fr-paris", "name": "Paris", "kind": "city", "lat": 48.8566, "lon": 2.3522}
DERNA = {"id": "ly-derna", "name": "Derna", "kind": "city", "lat": 32.767, "lon": 22.6367}
AL_MAGHAR = {"id": "ly-derna-maghar", "name": "Al-Maghar (Derna)", "kind": "district", "lat": 32.765, "lon": 22.631}
LIBYA = {"id": "country-ly", "name": "Libya", "kind": "country", "lat": 27.0, "lon": 17.0}
TRIPOLI = {"id": "ly-tripoli", "name": "Tripoli", "kind": "city", "lat": 32.8872, "lon": 13.1913}
GHOUT_AL_SHAAL = {"id": "ly-ghout-al-shaal", "name": "Ghout al-Shaal", "kind": "district",
                  "lat": 32.8733, "lon": 13.1417}
HAFTAR = {"name": "Khalifa Haftar", "affiliation": "LNA"}
LNA = {"name": "Libyan National Army", "affiliation": "LNA"}
EGYPT = {"name": "Egypt", "affiliation": "Egypt"}
MACRON = {"name": "Emmanuel Macron", "affiliation": "France"}


def report(event_id, published, outlet="", doc=None, **event):
    """A report of one event as ``python -m geo extract`` writes it (only the fields the rules read)."""
    fields = {"type": "front_line", "subtype": "fighting", "status": "occurred", "actors": [], "counterparts": [],
              "place": None, "date_start": published, "date_end": published, "sentence": f"sentence of {event_id}"}
    fields.update(event)
    return report_from_event(fields, event_id, doc or event_id.split(":")[0], published, outlet)


def visit(event_id, published, outlet, day, status="occurred", place=PARIS, **event):
    return report(event_id, published, outlet, type="visit", subtype="visit", actors=[HAFTAR],
                  counterparts=[MACRON], place=place, date_start=day, date_end=day, status=status, **event)


def clash(event_id, published, outlet, place=DERNA, actors=(LNA,), **event):
    return report(event_id, published, outlet, place=place, actors=list(actors), **event)


def test_a_planned_visit_and_the_report_that_it_happened_are_one_incident():
    planned = visit("a:0", "2019-05-20", "Al Wasat", "2019-05-22", status="planned")
    occurred = visit("b:0", "2019-05-22", "Libya Observer", "2019-05-22")
    [incident] = group([occurred, planned])
    assert incident.status == "occurred"
    assert [r.id for r in incident.reports] == ["a:0", "b:0"]         # both reports kept, earliest first
    assert str(incident.first_reported) == "2019-05-20"
    assert incident.links[0].reason == "same actors, same city (Paris), windows overlap"


def test_two_outlets_reporting_one_clash_merge_and_are_surer_than_one():
    one = clash("a:0", "2018-06-04", "Sky News Arabia", sentence="الجيش يسيطر على 75 بالمائة من درنة")
    two = clash("b:0", "2018-06-04", "Al Wasat", actors=[HAFTAR], sentence="قوات حفتر تتقدم في درنة")
    [both] = group([one, two])
    [alone] = group([one])
    assert both.outlets == ("Al Wasat", "Sky News Arabia") and both.sources == 2
    assert both.confidence > alone.confidence
    assert "affiliated actors" in both.links[0].reason          # Haftar and the LNA are one side


def test_a_word_for_word_copy_from_another_outlet_counts_once():
    text = "خلال المواجهات التي دارت في منطقة شيحا الشرقية"
    original = clash("ant_138:1", "2018-06-10", "Al Marsad", sentence=text)
    copy = clash("ant_139:1", "2018-06-10", "Afrigate", sentence=text)
    [incident] = group([original, copy])
    [alone] = group([original])
    assert len(incident.outlets) == 2 and incident.sources == 1
    assert incident.confidence == alone.confidence


def test_two_visits_of_one_person_to_one_city_a_month_apart_stay_apart():
    first = visit("a:0", "2019-05-22", "Al Wasat", "2019-05-22")
    second = visit("b:0", "2019-06-24", "Al Wasat", "2019-06-24")
    assert len(group([first, second])) == 2


def test_a_country_level_mention_does_not_merge_into_a_citys():
    in_libya = clash("a:0", "2017-05-27", "Al Ahram", place=LIBYA, actors=[EGYPT])
    in_derna = clash("b:0", "2017-05-27", "Al Wasat", place=DERNA, actors=[EGYPT])
    assert len(group([in_libya, in_derna])) == 2


def test_two_points_of_one_city_either_side_of_a_latitude_band_still_merge():
    band = RULES.city_km / KM_PER_DEGREE                            # the buckets' band of latitude, in degrees
    edge = 32 * band                                                # a band boundary near Misrata
    south = {"id": "a", "name": "Misrata port", "kind": "city", "lat": edge - 0.02, "lon": 15.2}
    north = {"id": "b", "name": "Misrata", "kind": "city", "lat": edge + 0.02, "lon": 15.2}
    assert place_buckets(spot(south))[1] != place_buckets(spot(north))[1]
    assert len(group([clash("a:0", "2019-04-10", "Al Wasat", place=south),
                      clash("b:0", "2019-04-10", "Al Marsad", place=north)])) == 1


def test_cities_a_latitude_apart_are_never_compared():
    far = clash("b:0", "2018-06-04", "Al Wasat", place=PARIS)
    assert list(candidate_pairs([clash("a:0", "2018-06-04", "Al Marsad"), far])) == []


def test_a_campaign_does_not_absorb_its_quarters_but_a_one_day_attack_takes_its_site():
    campaign = [clash("a:0", "2018-06-22", "Sky News Arabia", date_start="2018-05-07", date_end="2018-06-23"),
                clash("a:1", "2018-06-22", "Sky News Arabia", place=AL_MAGHAR)]
    assert len(group(campaign)) == 2
    attack = [clash("c:0", "2018-05-02", "Al Wasat", place=TRIPOLI, actors=()),
              clash("c:1", "2018-05-02", "Al Wasat", place=GHOUT_AL_SHAAL, actors=())]
    [incident] = group(attack)
    assert "Ghout al-Shaal in Tripoli" in incident.links[0].reason


def test_a_sentence_without_a_place_joins_its_articles_incident_or_one_naming_the_same_sides():
    placed = clash("a:0", "2018-05-16", "Sky News Arabia")
    unplaced_same_article = clash("a:1", "2018-05-16", "Sky News Arabia", place=None, actors=())
    unplaced_nobody_named = clash("b:0", "2018-05-16", "Al Wasat", place=None, actors=())
    unplaced_same_side = clash("c:0", "2018-05-16", "Al Wasat", place=None)
    reports = [placed, unplaced_same_article, unplaced_nobody_named, unplaced_same_side]
    incidents = {tuple(r.id for r in i.reports) for i in group(reports)}
    assert incidents == {("a:0", "a:1", "c:0"), ("b:0",)}


def test_a_background_window_is_compared_by_its_start():
    offensive = clash("a:0", "2018-05-16", "Sky News Arabia", date_start="2018-05-07", date_end="2018-05-17")
    since_2014 = clash("a:1", "2018-05-16", "Sky News Arabia", date_start="2014-10-01", date_end="2018-05-30")
    assert len(group([offensive, since_2014])) == 2


def test_the_incident_id_comes_from_the_earliest_report_whatever_the_input_order():
    reports = [clash(f"d{n}:0", f"2018-06-{n:02d}", f"outlet {n % 3}") for n in range(1, 10)]
    reports.append(visit("v:0", "2019-05-22", "Al Wasat", "2019-05-22"))
    expected = [(i.id, [r.id for r in i.reports]) for i in group(reports)]
    for seed in range(5):
        shuffled = reports[:]
        random.Random(seed).shuffle(shuffled)
        assert [(i.id, [r.id for r in i.reports]) for i in group(shuffled)] == expected
    assert expected[0][0] == "incident:d1:0"


def extended(old, new) -> set[frozenset[str]]:
    """The incidents once ``extend`` has joined ``new`` reports to those of ``old`` (every old report given as a
    neighbour: more than the store reads, which changes nothing), as sets of report ids."""
    incidents = {i.id: i for i in group(old)}
    incident_of = {r.id: i.id for i in incidents.values() for r in i.reports}
    joined = []
    for x in extend(new, old, incident_of, {i.id: (i.start, i.end) for i in incidents.values()}):
        joined.append(frozenset(r.id for j in x.joins for r in incidents.pop(j).reports) | {r.id for r in x.new})
    return {frozenset(r.id for r in i.reports) for i in incidents.values()} | set(joined)


def test_a_new_report_between_two_stored_incidents_makes_them_one_as_grouping_everything_does():
    june_1, june_20 = clash("a:0", "2018-06-01", "Al Wasat"), clash("b:0", "2018-06-30", "Al Wasat")
    visit_ = visit("v:0", "2019-05-22", "Al Wasat", "2019-05-22")
    bridge = clash("c:0", "2018-06-15", "Sky News Arabia")
    assert len(group([june_1, june_20])) == 2                       # 29 days apart: beyond 21 days
    [x] = extend([bridge], [june_1, june_20], {"a:0": "incident:a:0", "b:0": "incident:b:0"}, {})
    assert set(x.joins) == {"incident:a:0", "incident:b:0"} and x.why()["c:0"][0] in {"a:0", "b:0"}
    assert extended([june_1, june_20, visit_], [bridge]) == {frozenset(r.id for r in i.reports)
                                                             for i in group([june_1, june_20, visit_, bridge])}


def test_new_reports_join_stored_incidents_as_grouping_everything_would_whatever_the_split():
    places = [DERNA, TRIPOLI, LIBYA, {**DERNA, "id": "ly-derna-east", "lat": 32.80}]
    rng = random.Random(7)
    reports = [clash(f"d{n}:0", f"2018-{rng.randint(5, 8):02d}-{rng.randint(1, 28):02d}", f"outlet {n % 4}",
                     place=rng.choice(places), actors=rng.choice([(LNA,), (HAFTAR,), (EGYPT,), ()]))
               for n in range(80)]
    reports += [visit(f"v{n}:0", f"2019-05-{rng.randint(1, 28):02d}", "Al Wasat", f"2019-05-{rng.randint(1, 28):02d}")
                for n in range(20)]
    for seed in range(6):
        rng.shuffle(reports)
        cut = rng.randint(1, len(reports) - 1)
        assert extended(reports[:cut], reports[cut:]) == {frozenset(r.id for r in i.reports) for i in group(reports)}


def test_a_new_articles_site_joins_its_short_city_incident_unless_stored_reports_make_it_a_campaign():
    site = clash("c:0", "2018-06-02", "Al Wasat", place=AL_MAGHAR)
    city = clash("c:1", "2018-06-02", "Al Wasat")
    days_before = [clash(f"a{n}:0", f"2018-05-{n:02d}", "Libya Observer") for n in range(20, 31)]
    for old in ([], days_before):
        assert extended(old, [site, city]) == {frozenset(r.id for r in i.reports) for i in group(old + [site, city])}
    assert len(extended([], [site, city])) == 1 and len(extended(days_before, [site, city])) == 2


def test_extend_leaves_to_group_a_placeless_report_or_a_site_that_could_be_the_spot_of_two_incidents():
    stored = [clash("a:0", "2018-06-01", "Al Wasat")]
    placeless = clash("b:0", "2018-06-02", "Al Wasat", place=None)
    site = clash("c:0", "2018-06-02", "Al Wasat", place=AL_MAGHAR, actors=[LNA, EGYPT])
    cities = [clash("c:1", "2018-06-02", "Al Wasat"), clash("c:2", "2018-06-02", "Al Wasat", actors=[EGYPT])]
    assert [x.doubtful for x in extend([placeless], stored, {"a:0": "incident:a:0"}, {})] == [True]
    assert len(group(cities)) == 2
    assert sorted((len(x.new), x.doubtful) for x in extend([site, *cities], [], {}, {})) == [
        (1, False), (1, False), (1, True)]                 # the site stays apart, for group to decide
    assert [(len(x.new), x.doubtful) for x in extend([site, cities[0]], [], {}, {})] == [(2, False)]


def members(incidents) -> set[tuple[str, ...]]:
    return {tuple(r.id for r in i.reports) for i in incidents}


def test_a_report_an_editor_split_off_stands_alone_and_the_rest_stay_together():
    reports = [clash("a:0", "2018-06-04", "Sky News Arabia"), clash("b:0", "2018-06-04", "Al Wasat"),
               clash("c:0", "2018-06-05", "Al Marsad")]
    assert members(group(reports)) == {("a:0", "b:0", "c:0")}
    kept, alone = group(reports, separate={"b:0"})
    assert members([kept, alone]) == {("a:0", "c:0"), ("b:0",)}
    assert alone.id == "incident:b:0" and explain(alone) == ["b:0: split from its incident by an editor"]
    assert explain(kept) == ["a:0 + c:0: same actors, same city (Derna), windows 1 day apart"]


def test_a_split_off_report_takes_no_placeless_report_with_it():
    placed = clash("a:0", "2018-05-16", "Sky News Arabia")
    same_article = clash("a:1", "2018-05-16", "Sky News Arabia", place=None, actors=())
    assert members(group([placed, same_article], separate={"a:0"})) == {("a:0",), ("a:1",)}


def test_splitting_the_earliest_report_renames_the_incident_after_the_next():
    reports = [clash("a:0", "2018-06-04", "Sky News Arabia"), clash("b:0", "2018-06-05", "Al Wasat"),
               clash("c:0", "2018-06-06", "Al Marsad")]
    assert [i.id for i in group(reports, separate={"a:0"})] == ["incident:a:0", "incident:b:0"]


def test_an_editor_merges_two_visits_a_month_apart_into_one_incident():
    may = visit("a:0", "2019-05-22", "Al Wasat", "2019-05-22")
    june = visit("b:0", "2019-06-24", "Libya Observer", "2019-06-24")
    [both] = group([june, may], joined=[("b:0", "a:0")])
    assert (both.id, [r.id for r in both.reports], both.sources) == ("incident:a:0", ["a:0", "b:0"], 2)
    assert explain(both) == ["b:0 + a:0: merged by an editor"]
    assert len(group([may, june], joined=[("a:0", "gone:0")])) == 2        # a merge with a report not given


def test_a_merge_joins_whole_incidents_and_moves_no_other_report():
    derna = [clash("a:0", "2018-06-04", "Sky News Arabia"), clash("b:0", "2018-06-04", "Al Wasat")]
    tripoli = [clash("c:0", "2018-06-04", "Al Marsad", place=TRIPOLI), clash("d:0", "2018-06-04", "Al Wasat",
                                                                                place=TRIPOLI)]
    paris = [visit("v:0", "2018-06-04", "Al Wasat", "2018-06-04")]
    assert members(group(derna + tripoli + paris, joined=[("b:0", "c:0")])) == {("a:0", "b:0", "c:0", "d:0"),
                                                                               ("v:0",)}


def test_a_report_split_off_then_merged_elsewhere_joins_only_that_incident():
    derna = [clash("a:0", "2018-06-04", "Sky News Arabia"), clash("b:0", "2018-06-04", "Al Wasat")]
    tripoli = clash("c:0", "2018-06-04", "Al Marsad", place=TRIPOLI)
    assert members(group(derna + [tripoli], separate={"b:0"}, joined=[("b:0", "c:0")])) == {("a:0",),
                                                                                            ("b:0", "c:0")}


def test_pairwise_precision_and_recall_on_a_tiny_example():
    gold = {"a": "x", "b": "x", "c": "x", "d": "d"}             # a, b, c one incident; d alone
    predicted = {"a": 1, "b": 1, "c": 2, "d": 2}                # a+b right, c+d wrong, a+c and b+c missed
    s = pairwise(predicted, gold)
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 2)
    assert s["precision"] == 0.5 and abs(s["recall"] - 1 / 3) < 1e-9
    skipped = pairwise(predicted, gold, optional={"a": "x", "b": "x", "c": "x"})    # an optional incident
    assert (skipped["tp"], skipped["fp"], skipped["fn"]) == (0, 1, 0)


def test_pairwise_can_count_pairs_across_articles_only():
    gold = {("s", "1", 0): "x", ("s", "1", 1): "x", ("s", "2", 0): "x"}
    predicted = {("s", "1", 0): 1, ("s", "1", 1): 1, ("s", "2", 0): 2}
    s = pairwise(predicted, gold, across=lambda ref: ref[:2])
    assert (s["tp"], s["fp"], s["fn"]) == (0, 0, 2)


def test_articles_tied_by_an_incident_stay_in_one_fold():
    events = {("c", doc, 0): {} for doc in ("a", "b", "c", "d")}
    labels = {("c", "a", 0): "x", ("c", "b", 0): "x", ("c", "c", 0): ("c", "c", 0), ("c", "d", 0): ("c", "d", 0)}
    folds = article_folds(events, labels)
    assert folds[("c", "a")] == folds[("c", "b")]
    assert sorted(folds.values()).count(folds[("c", "a")]) == 2
