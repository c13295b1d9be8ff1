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


# --- titles given to someone else, short forms, unknown titled people, surnames, acting states ---

D2017, D2018 = date(2017, 6, 1), date(2018, 6, 1)


def ids(text, lexicon, published=D2019):
    return [(t, a.id) for t, a in actors(text, lexicon, published)]


def test_a_former_holder_is_not_the_sitting_one(lexicon):
    """``الأسبق``/``السابق`` after a title: Sarkozy, not Macron."""
    assert ids("التقى الرئيس الفرنسي الأسبق نيكولا ساركوزي بعدد من المسؤولين", lexicon) == [
        ("نيكولا ساركوزي", "nicolas-sarkozy")]
    assert ids("وقال وزير الخارجية الأمريكي السابق إن الحل سياسي", lexicon) == []
    assert ids("وقال الرئيس الفرنسي إن باريس تدعم الحل السياسي", lexicon) == [("الرئيس الفرنسي", "emmanuel-macron")]


def test_another_countrys_chamber_is_not_the_libyan_one(lexicon):
    """``رئيس مجلس النواب`` followed by ``الإيطالي`` is not Aguila Saleh; bare, it is."""
    assert ids("وانتقد رئيس مجلس النواب الإيطالي روبرتو فيكو القرار", lexicon, D2018) == [
        ("رئيس مجلس النواب الإيطالي", "roberto-fico"), ("روبرتو فيكو", "roberto-fico")]
    assert ids("وصوت مجلس النواب الإيطالي على القرار", lexicon, D2018) == []
    assert ids("وقال رئيس مجلس النواب إن الجلسة ستعقد غدا", lexicon, D2018) == [("رئيس مجلس النواب", "aguila-saleh")]


def test_a_title_beside_another_persons_name_is_that_persons(lexicon):
    """Fico, head of the Italian chamber, named before the title; Alfano named after it in 2019."""
    assert ids("وصرح روبرت فيكو رئيس مجلس النواب المنبثق من حركة خمس نجوم", lexicon, D2018) == [
        ("روبرت فيكو", "roberto-fico"), ("حركة خمس نجوم", "five-star-movement")]
    assert ids("قال وزير الخارجية الإيطالي أنجلينو ألفانو إن بلاده تدعم حكومة الوفاق", lexicon) == [
        ("أنجلينو ألفانو", "angelino-alfano"), ("حكومة الوفاق", "gna")]
    assert ids("قال وزير الخارجية الإيطالي أنجلينو ألفانو إن بلاده تدعم حكومة الوفاق", lexicon, D2017) == [
        ("وزير الخارجية الإيطالي", "angelino-alfano"), ("أنجلينو ألفانو", "angelino-alfano"), ("حكومة الوفاق", "gna")]


@pytest.mark.parametrize("text, name, affiliation, home", [
    ("قال وزير الخارجية الإيطالي، ماركو روسيني، إن روما تدعم الحوار", "ماركو روسيني", "Italy", "it-rome"),
    ("قال وزير الصناعة التونسي زياد فلاني إن المعبر سيفتح قريبا", "زياد فلاني", "Tunisia", "tn-tunis"),
    ("وقال المتحدث باسم البحرية الليبية، العميد أيوب قاسم، إن 41 مهاجرا أنقذوا", "أيوب قاسم", "Libya", "ly-tripoli"),
])
def test_a_titled_person_not_in_the_lexicon_is_an_unknown_actor_of_the_titles_country(
        lexicon, gazetteer, text, name, affiliation, home):
    [(found, actor)] = actors(text, lexicon)
    assert found == name and actor.id.startswith("unknown:") and actor.kind == "person"
    assert (actor.affiliation, actor.home_base) == (affiliation, home)
    assert gazetteer.get(actor.home_base) is not None


@pytest.mark.parametrize("text", [
    "وزير الخارجية الإيطالي يزور طرابلس الأسبوع المقبل.",      # a verb after the title, not a name
    "وقال وزير الصناعة التونسي، الذي زار المعبر، إن الحركة عادية",
    "التقى وزير الداخلية التونسي\nعدد من المسؤولين",
    "والرئيس الفرنسي وجه الدعوة إلى رؤساء عدد من الدول",     # a clause goes on after the two words
    "أعلن المتحدث باسم البحرية الليبية العميد أيوب قاسم فجر الثلاثاء إنقاذ 41 مهاجرا",
])
def test_no_unknown_actor_without_a_name_after_the_title(lexicon, text):
    assert not [a for _, a in actors(text, lexicon) if a.id.startswith("unknown:")]


def test_the_army_short_forms_need_the_lnas_side_in_the_article(lexicon):
    """``الجيش الليبي`` is the LNA in a Derna report naming al-Mismari, or naming no faction; in an
    article about the GNA alone (Sarraj asking to arm "the Libyan army") it is not."""
    assert ids("أحرزت قوات الجيش الليبي تقدما في درنة، وقال المسماري إن المعارك مستمرة", lexicon, D2018) == [
        ("الجيش الليبي", "lna"), ("المسماري", "ahmed-al-mismari")]
    assert ids("الجيش الليبي يعلن سيطرته على 75 بالمائة من درنة", lexicon, D2018) == [("الجيش الليبي", "lna")]
    assert ids("وتقدم الجيش الوطني باتجاه وسط المدينة", lexicon, D2018) == [("الجيش الوطني", "lna")]
    assert ids("طلب السراج رفع حظر التسليح عن الجيش الليبي، وأشاد بدعم حكومة الوفاق", lexicon, D2017) == [
        ("السراج", "fayez-al-sarraj"), ("حكومة الوفاق", "gna")]
    assert ids("قال الجيش الوطني السوري إن قواته تقدمت", lexicon, D2018) == []


@pytest.mark.parametrize("name", ["الجيش الليبي الوطني", "قوات حفتر", "القيادة العامة بالقوات المسلحة الليبية"])
def test_more_names_of_the_lna(lexicon, name):
    assert ids(f"وأعلنت {name} السيطرة على المنطقة", lexicon, D2018) == [(name, "lna")]


def test_a_surname_alone_after_the_full_name(lexicon):
    """``ماي`` (too ambiguous for the lexicon) is Theresa May once the article names her in full."""
    text = "وقالت رئيسة الوزراء البريطانية، تريزا ماي، إن بلحاج تعرض لمعاملة مروعة. وقالت ماي إن الحكومة أخطأت"
    assert ids(text, lexicon, D2018) == [("رئيسة الوزراء البريطانية", "theresa-may"), ("تريزا ماي", "theresa-may"),
                                         ("بلحاج", "abdelhakim-belhaj"), ("ماي", "theresa-may")]
    assert ids("قالت ماي إن الحكومة أخطأت", lexicon, D2018) == []


def test_a_particle_surname_and_the_elided_alef(lexicon):
    text = "وقال محمود بن رمضان إن العدد كبير. وأوضح بن رمضان أن المقيمين يواجهون صعوبات"
    assert ids(text, lexicon, date(2016, 3, 1)) == [("محمود بن رمضان", "mahmoud-ben-romdhane"),
                                                    ("بن رمضان", "mahmoud-ben-romdhane")]
    text = "وأشاد وزير التجارة فيصل الحفيان بالقرار. وقال مصدر للحفيان إن الاتفاق قريب"
    assert ("لحفيان", "faical-hafiane") in ids(text, lexicon, D2018)


def test_a_country_beside_a_verb_of_acting_is_its_state(lexicon):
    assert ids("بريطانيا تعتذر للمعارض الليبي عبد الحكيم بلحاج", lexicon, D2018) == [
        ("بريطانيا", "state-gb"), ("عبد الحكيم بلحاج", "abdelhakim-belhaj")]
    assert ids("وأكدت روسيا دعمها للحل السياسي", lexicon, D2018) == [("روسيا", "state-ru")]
    assert ids("وصل الوفد إلى روسيا أمس", lexicon, D2018) == []


def test_english_spelling_variants(lexicon):
    from geo.actors import actor_aliases, english_spellings
    assert "Abdel Fattah al-Sisi" in actor_aliases(lexicon.actors["abdel-fattah-el-sisi"], lexicon)
    assert "Mohamed bin Zayed" in actor_aliases(lexicon.actors["mohammed-bin-zayed"], lexicon)
    assert "Khalifa al-Ghawil" in actor_aliases(lexicon.actors["khalifa-ghwell"], lexicon)
    assert {"Ahmed al-Mismari", "Ahmad al-Mismari", "Ahmed el-Mismari", "Ahmed Mismari"} <= english_spellings(
        "Ahmed al-Mismari")


def test_the_actor_json_carries_the_aliases_and_the_scorer_accepts_them():
    from geo.evaluate import actor_outcomes
    from geo.pipeline import extract_jsonl_record
    text = "وأكد الرئيس المصري عبد الفتاح السيسي أنه أمر بتنفيذ ضربات"
    out = extract_jsonl_record({"id": "x", "text": text, "published": "2017-05-27"})
    [sisi] = [a for a in out["actors"] if a["id"] == "abdel-fattah-el-sisi" and a["text"] == "عبد الفتاح السيسي"]
    assert sisi["name"] == "Abdel Fattah el-Sisi" and "Abdel Fattah al-Sisi" in sisi["aliases"]
    gold = [{"start": sisi["start"], "end": sisi["end"], "name": "Abdel Fattah al-Sisi"}]
    assert actor_outcomes(gold, [sisi]) == ["tp"]
    assert actor_outcomes(gold, [{**sisi, "aliases": []}]) == ["fp", "fn"]
