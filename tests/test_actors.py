"""Actors: names and aliases always, office titles only within their holder's term."""
from datetime import date

import pytest

from geo.actors import load_actors, find_actors
from geo.text import tokenize

D2019 = date(2019, 6, 1)


@pytest.fixture(scope="module")
def lexicon():
    return load_actors()


def actors(text, lexicon, published=D2019):
    """(surface text, actor) of every mention, offsets checked."""
    out = []
    for m in find_actors(text, tokenize(text), lexicon, published):
        assert text[m.start:m.end] == m.text
        out.append((m.text, m.actor))
    return out


@pytest.mark.parametrize("name, actor_id, name_en, affiliation, home", [
    ("فائز السراج", "fayez-al-sarraj", "Fayez al-Sarraj", "GNA", "ly-tripoli"),
    ("فايز السراج", "fayez-al-sarraj", "Fayez al-Sarraj", "GNA", "ly-tripoli"),
    ("السراج", "fayez-al-sarraj", "Fayez al-Sarraj", "GNA", "ly-tripoli"),
    ("خليفة حفتر", "khalifa-haftar", "Khalifa Haftar", "LNA", "ly-rajma"),
    ("حفتر", "khalifa-haftar", "Khalifa Haftar", "LNA", "ly-rajma"),
    ("المشير", "khalifa-haftar", "Khalifa Haftar", "LNA", "ly-rajma"),
    ("حكومة الوفاق", "gna", "Government of National Accord", "GNA", "ly-tripoli"),
    ("حكومة الوفاق الوطني", "gna", "Government of National Accord", "GNA", "ly-tripoli"),
    ("الجيش الوطني الليبي", "lna", "Libyan National Army", "LNA", "ly-rajma"),
    ("ترامب", "donald-trump", "Donald Trump", "United States", "us-white-house"),
    ("ماكرون", "emmanuel-macron", "Emmanuel Macron", "France", "fr-elysee"),
    ("بومبيو", "mike-pompeo", "Mike Pompeo", "United States", "us-washington"),
    ("شكري", "sameh-shoukry", "Sameh Shoukry", "Egypt", "eg-cairo"),
])
def test_names_and_aliases(lexicon, gazetteer, name, actor_id, name_en, affiliation, home):
    [(text, actor)] = actors(f"وقال {name} أمس", lexicon)
    assert text == name
    assert (actor.id, actor.name_en, actor.affiliation, actor.home_base) == (actor_id, name_en, affiliation, home)
    assert gazetteer.get(actor.home_base) is not None


# Where the home bases are: Haftar's headquarters at al-Rajma east of Benghazi, the GNA in Tripoli,
# the White House, the Elysee, Cairo.
@pytest.mark.parametrize("actor_id, country, lat, lon", [
    ("khalifa-haftar", "LY", 32.08, 20.34), ("fayez-al-sarraj", "LY", 32.89, 13.19),
    ("donald-trump", "US", 38.90, -77.04), ("emmanuel-macron", "FR", 48.87, 2.32),
    ("sameh-shoukry", "EG", 30.04, 31.24),
])
def test_home_bases_are_where_the_actor_sits(lexicon, gazetteer, actor_id, country, lat, lon):
    home = gazetteer.get(lexicon.actors[actor_id].home_base)
    assert home.country == country
    assert abs(home.lat - lat) < 0.1 and abs(home.lon - lon) < 0.1


def test_every_actor_has_a_home_base_in_the_gazetteer(lexicon, gazetteer):
    missing = {a.id: a.home_base for a in lexicon.actors.values() if gazetteer.get(a.home_base) is None}
    assert missing == {}


def test_every_actor_is_complete(lexicon):
    for a in lexicon.actors.values():
        assert a.id and a.name_en and a.name_ar and a.affiliation, a
        assert a.kind in ("person", "organisation", "state"), a


def test_state_actors_stand_for_their_country(lexicon):
    assert lexicon.by_affiliation_state("EG").name_en == "Egypt"
    assert lexicon.by_affiliation_state("us").name_en == "United States"
    assert lexicon.by_affiliation_state("ZZ") is None


def test_clitics_stay_outside_the_actor_span(lexicon):
    assert [(t, a.id) for t, a in actors("التقى السراج وحفتر", lexicon)] == [
        ("السراج", "fayez-al-sarraj"), ("حفتر", "khalifa-haftar")]


def test_the_longest_name_wins(lexicon):
    """`صدام حفتر` is Haftar's son, not Haftar."""
    assert [a.id for _, a in actors("وصل صدام حفتر", lexicon)] == ["saddam-haftar"]


@pytest.mark.parametrize("title, published, actor_id", [
    ("وزير الخارجية الأمريكي", date(2019, 6, 1), "mike-pompeo"),
    ("وزير الخارجية الأميركي", date(2019, 6, 1), "mike-pompeo"),
    ("وزير الخارجية الأمريكي", date(2017, 6, 1), "rex-tillerson"),
    ("الرئيس الأمريكي", date(2017, 6, 1), "donald-trump"),
    ("الرئيس الأمريكي", date(2019, 6, 1), "donald-trump"),
    ("الرئيس الأمريكي", date(2015, 6, 1), "barack-obama"),
    ("المشير", date(2019, 6, 1), "khalifa-haftar"),        # field marshal since September 2016
    ("رئيس المجلس الرئاسي", date(2017, 12, 1), "fayez-al-sarraj"),
])
def test_titles_within_their_term(lexicon, title, published, actor_id):
    [(text, actor)] = actors(f"أكد {title} اليوم", lexicon, published)
    assert (text, actor.id) == (title, actor_id)


@pytest.mark.parametrize("title, published", [
    ("المشير", date(2015, 6, 1)),                      # before Haftar's promotion
    ("المشير", None),                                  # no date, no title
    ("الرئيس الأمريكي", None),
    ("رئيس المجلس الرئاسي", date(2022, 1, 1)),          # after Sarraj left office
])
def test_titles_outside_a_term_stay_unknown(lexicon, title, published):
    assert actors(f"أكد {title} اليوم", lexicon, published) == []


def test_names_need_no_date(lexicon):
    assert [a.id for _, a in actors("قال حفتر", lexicon, None)] == ["khalifa-haftar"]


@pytest.mark.parametrize("text", ["قال محمد عبد الله للصحفيين", "صرح المتحدث باسم الوزارة", "أكد مصدر رفيع المستوى"])
def test_unknown_people_stay_unknown(lexicon, text):
    assert actors(text, lexicon) == []
