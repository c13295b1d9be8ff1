"""Recognizing place names in text: clitics, cue-only names, demonyms, names inside other names."""
from datetime import date

import pytest

from geo.model import Article
from geo.pipeline import extract
from geo.resolve import resolve
from geo.text import tokenize
from geo.toponyms import find_toponyms


def places(text, gazetteer):
    """(surface text, place id, demonym) of every resolved mention, offsets checked."""
    out = []
    for m in resolve(find_toponyms(text, tokenize(text), gazetteer)):
        assert text[m.start:m.end] == m.text
        out.append((m.text, m.place.id, m.demonym))
    return out


@pytest.mark.parametrize("text, expected", [
    ("وصل الوفد وطرابلس", ("طرابلس", "ly-tripoli")),
    ("اجتماع بطرابلس", ("طرابلس", "ly-tripoli")),
    ("دعم أوروبي لليبيا", ("ليبيا", "country-ly")),
    ("بين الرباط والقاهرة", ("القاهرة", "eg-cairo")),
    ("من طبرق وبنغازي", ("بنغازي", "ly-benghazi")),
    ("وصل الوفد للقاهرة", ("لقاهرة", "eg-cairo")),   # ل + القاهرة: only the preposition leaves the span
])
def test_clitic_forms_are_found(gazetteer, text, expected):
    found = [(t, pid) for t, pid, _ in places(text, gazetteer)]
    assert found[-1] == expected


@pytest.mark.parametrize("text", ["في سرت", "معركة تحرير سرت", "بسرت", "مدينة سرت", "القتال قرب سرت"])
def test_sirte_with_a_cue_is_a_place(gazetteer, text):
    assert places(text, gazetteer) == [("سرت", "ly-sirte", False)]


@pytest.mark.parametrize("text", ["سرت شائعات في المدينة", "وسرت في الطريق", "سرت"])
def test_sirte_without_a_cue_is_the_verb(gazetteer, text):
    """سرت also means "spread" / "she walked"."""
    assert all(pid != "ly-sirte" for _, pid, _ in places(text, gazetteer))


@pytest.mark.parametrize("text", ["في البيضاء", "مدينة البيضاء", "وصل إلى البيضاء", "بالبيضاء"])
def test_bayda_with_a_cue_is_the_town(gazetteer, text):
    assert places(text, gazetteer) == [("البيضاء", "ly-bayda", False)]


@pytest.mark.parametrize("text, word", [
    pytest.param("نشرت الحكومة الورقة البيضاء", "البيضاء", id="white-paper"),
    pytest.param("رفع المقاتلون الراية البيضاء", "البيضاء", id="white-flag"),
    pytest.param("خلال الخمس سنوات الماضية", "الخمس", id="five-years-not-Khoms"),
    pytest.param("اجتاحت سيول المدينة", "سيول", id="floods-not-Seoul"),
])
def test_a_cue_only_name_without_its_cue_is_an_ordinary_word(gazetteer, text, word):
    assert [t for t, _, _ in places(text, gazetteer) if t == word] == []


@pytest.mark.parametrize("text, country", [
    ("الحكومة الليبية", "LY"), ("السلطات المصرية", "EG"), ("الجيش الأمريكي", "US"),
    ("الإدارة الأميركية", "US"), ("الرئيس الفرنسي", "FR"), ("المهاجرين الليبيين", "LY"),
    ("دوائر إماراتية", "AE"),
])
def test_demonyms_are_marked(gazetteer, text, country):
    [(_, pid, demonym)] = places(text, gazetteer)
    assert demonym is True
    assert gazetteer.get(pid).kind == "country" and gazetteer.get(pid).country == country


def test_a_name_is_not_a_demonym(gazetteer):
    assert places("زار ليبيا", gazetteer) == [("ليبيا", "country-ly", False)]


def test_tobruk_inside_the_parliament_name(gazetteer):
    """`مجلس نواب طبرق` (the Tobruk-based parliament) names Tobruk."""
    assert ("طبرق", "ly-tobruk", False) in places("قائد القوات التابعة لمجلس نواب طبرق شرقي ليبيا", gazetteer)


def test_tobruk_inside_the_parliament_name_survives_the_pipeline():
    text = "قائد القوات التابعة لمجلس نواب طبرق شرقي ليبيا خليفة حفتر"
    ex = extract(Article("t", text, date(2017, 4, 22)))
    assert "ly-tobruk" in [p.place.id for p in ex.places]
    assert "house-of-representatives" in [a.actor.id for a in ex.actors]


@pytest.mark.parametrize("text", [
    "استقبل فائز السراج الوفد",
    "تلقى رسالة من فائز السراج",
    "تلقى رسالة من السراج",              # من is a locative cue, but السراج here is the man
    "ورحب الوزير بالسراج",
])
def test_sarraj_the_man_is_not_the_sarraj_district(text):
    ex = extract(Article("t", text, date(2019, 5, 22)))
    assert "ly-sarraj" not in [p.place.id for p in ex.places]
    assert [a.actor.id for a in ex.actors] == ["fayez-al-sarraj"]


def test_the_sarraj_district_with_a_cue_and_no_person():
    ex = extract(Article("t", "سقطت قذيفة في منطقة السراج غرب طرابلس", date(2019, 5, 22)))
    assert "ly-sarraj" in [p.place.id for p in ex.places]


def test_no_seed_reads_sarraj_as_the_district(extractions):
    for ex in extractions.values():
        assert "ly-sarraj" not in [p.place.id for p in ex.places]


def test_stopwords_and_short_words_stay_out(gazetteer):
    assert places("قال إن مدينة الخميس أن تكون", gazetteer) == []
