"""The event rules one class at a time, each on a sentence in the style of real news, plus the
registry of kinds, the trigger table's checks and the merging of reports."""
from datetime import date

import pytest

from geo.events import KINDS, TriggerTableError
from geo.events.merge import merge_reports
from geo.events.triggers import check_row, load_triggers
from geo.model import Article, Event
from geo.pipeline import extract

PUBLISHED = date(2018, 6, 12)


def events(text: str, kind: str | None = None) -> list[Event]:
    evs = extract(Article("t", text, PUBLISHED)).events
    return [e for e in evs if kind is None or e.type == kind]


def names(actors) -> set[str]:
    return {a.name_en for a in actors}


# --- diplomatic flows -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "أجرى السراج اتصالا هاتفيا مع الرئيس المصري عبد الفتاح السيسي.",
    "بحث السراج في تواصل مع الرئيس المصري عبد الفتاح السيسي الأوضاع في طرابلس.",
])
def test_a_call_in_its_other_wordings_joins_both_sides(text):
    (ev,) = events(text, "diplomatic_flow")
    assert ev.subtype == "call"
    assert {a.id for a in ev.actors + ev.counterparts} >= {"fayez-al-sarraj", "abdel-fattah-el-sisi"}


def test_a_state_acts_when_it_stands_beside_the_trigger():
    (ev,) = events("اعتذرت الحكومة البريطانية للسراج عن تصريحات وزير سابق.", "diplomatic_flow")
    assert names(ev.actors) == {"United Kingdom"}
    assert names(ev.counterparts) == {"Fayez al-Sarraj"}


def test_a_demonym_inside_a_title_is_the_person_not_a_second_side():
    evs = events("التقى الرئيس الأمريكي دونالد ترامب مع السراج في البيت الأبيض.", "diplomatic_flow")
    assert evs
    sides = [names(e.actors) | names(e.counterparts) for e in evs]
    assert all("United States" not in s for s in sides)


def test_every_party_listed_in_a_meeting_is_a_counterpart_host_first():
    (ev,) = events("استضاف الرئيس الفرنسي إيمانويل ماكرون لقاء مع السراج وحفتر في باريس.", "diplomatic_flow")
    assert names(ev.actors) == {"Emmanuel Macron"}
    assert names(ev.counterparts) == {"Fayez al-Sarraj", "Khalifa Haftar"}


def test_a_trigger_with_its_own_subject_takes_whom_the_sentence_before_named():
    text = "وصل السراج وحفتر إلى باريس أمس. والتقيا بالرئيس ماكرون في قصر الإليزيه."
    flows = [e for e in events(text, "diplomatic_flow") if e.sentence.index == 1]
    assert flows and "Emmanuel Macron" in names(flows[0].actors) | names(flows[0].counterparts)
    assert names(flows[0].actors) | names(flows[0].counterparts) & {"Fayez al-Sarraj", "Khalifa Haftar"}


def test_an_agreement_far_from_any_side_is_a_topic_not_a_flow():
    text = ("قال حفتر إن الحوار مع قيادات موالية لحكومة الوفاق يهدف إلى البدء في حوار غير مباشر "
            "من أجل الاتفاق على عدة نقاط.")
    assert not [e for e in events(text, "diplomatic_flow") if e.subtype == "agreement"]


def test_of_two_readings_for_one_pair_the_call_is_kept():
    text = "دعا وزير الخارجية الأمريكي مايك بومبيو، في اتصال هاتفي مع وزير الخارجية المصري سامح شكري، إلى حل سياسي."
    (ev,) = [e for e in events(text, "diplomatic_flow") if "Mike Pompeo" in names(e.actors)]
    assert ev.subtype == "call"


# --- front lines ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "ويقاتل الجيش الوطني الليبي للسيطرة على درنة.",
    "أحرزت قوات الجيش الوطني الليبي تقدما جديدا في مدينة درنة.",
])
def test_fighting_in_verb_and_noun_wordings(text):
    (ev,) = events(text, "front_line")
    assert ev.place.name_en == "Derna"
    assert "Libyan National Army" in names(ev.actors)


def test_an_armed_group_named_in_the_sentence_is_a_party():
    (ev,) = events("اندلعت اشتباكات عنيفة بين الجيش الوطني الليبي وتنظيم أنصار الشريعة في بنغازي.", "front_line")
    assert names(ev.actors) >= {"Libyan National Army", "Ansar al-Sharia"}


@pytest.mark.parametrize("text", [
    "أطلق سكان بنغازي النار في الهواء احتفالا بعيد الفطر.",
    "عقدت في باريس قمة حول وقف إطلاق النار في ليبيا.",
])
def test_celebrations_and_summits_are_not_fighting(text):
    assert events(text, "front_line") == []


# --- one event, several reports -------------------------------------------------------------------

def test_one_battle_told_twice_is_one_event_with_both_sentences():
    text = "اندلعت اشتباكات في درنة أمس. وتواصلت المعارك في درنة حتى المساء."
    (ev,) = events(text, "front_line")
    assert [ev.sentence.index] + [s.index for s in ev.reports] == [0, 1]


def test_two_quarters_of_a_city_stay_two_fronts():
    text = "اندلعت اشتباكات في عين زارة أمس. وتواصلت المعارك في قصر بن غشير حتى المساء."
    assert {e.place.name_en for e in events(text, "front_line")} == {"Ain Zara", "Qasr bin Ghashir"}


def test_merging_needs_the_same_status():
    planned, done = events("سيزور حفتر باريس الأسبوع المقبل.", "visit") + events("زار حفتر باريس.", "visit")
    assert len(merge_reports([planned, done])) == 2


# --- the registry and the trigger table -----------------------------------------------------------

def test_the_shipped_trigger_table_loads_and_an_unknown_kind_in_one_stops_the_load(tmp_path):
    assert load_triggers().lookup("اتصال هاتفي")[0].subtype == "call"
    assert set(KINDS) == {"visit", "front_line", "diplomatic_flow"}
    (tmp_path / "triggers.csv").write_text("phrase_ar,type,subtype,status\nهدنة,truce,,\n", encoding="utf-8")
    with pytest.raises(TriggerTableError, match="line 2: unknown type 'truce'"):
        load_triggers(tmp_path)


@pytest.mark.parametrize("row, message", [
    ({"phrase_ar": "هدنة", "type": "truce", "subtype": "", "status": ""}, "unknown type 'truce'"),
    ({"phrase_ar": "هدنة", "type": "front_line", "subtype": "truce", "status": ""}, "no subtype 'truce'"),
    ({"phrase_ar": "هدنة", "type": "front_line", "subtype": "fighting", "status": "maybe"}, "status"),
    ({"phrase_ar": "", "type": "front_line", "subtype": "fighting", "status": ""}, "no phrase"),
])
def test_a_bad_trigger_row_is_an_error_naming_its_line(row, message):
    with pytest.raises(TriggerTableError, match=f"line 7: .*{message}"):
        check_row(7, row)


# --- visits ---------------------------------------------------------------------------------------

def test_a_return_home_is_a_visit():
    (ev,) = events("عاد المشير خليفة حفتر إلى بنغازي أمس بعد رحلة علاج في باريس.", "visit")
    assert (ev.subtype, ev.place.name_en, names(ev.actors)) == ("return", "Benghazi", {"Khalifa Haftar"})


def test_a_tour_visits_every_stop_it_lists():
    evs = events("بدأ السراج جولة إلى روما وباريس وبرلين.", "visit")
    assert {e.place.name_en for e in evs} == {"Rome", "Paris", "Berlin"}


def test_a_visit_noun_after_in_x_is_a_stay_there():
    (ev,) = events("وكان حفتر في باريس في جولة خارجية قبل نحو أسبوعين.", "visit")
    assert (ev.place.name_en, names(ev.actors)) == ("Paris", {"Khalifa Haftar"})


def test_a_verb_that_wants_ila_takes_no_bare_object():
    assert events("ورجحت الصحيفة أن تتوجه إيطاليا نحو تنظيم انتخابات جديدة.", "visit") == []


def test_a_destination_column_other_than_to_is_refused():
    with pytest.raises(TriggerTableError, match="destination"):
        check_row(3, {"phrase_ar": "توجه", "type": "visit", "subtype": "visit", "status": "", "destination": "by"})


# --- more flows and front lines -------------------------------------------------------------------

def test_the_sides_named_after_bayna_are_the_flow():
    (ev,) = events("عقد لقاء أمس بين الجانبين المصري والإيطالي في القاهرة.", "diplomatic_flow")
    assert names(ev.actors) | names(ev.counterparts) == {"Egypt", "Italy"}


def test_a_newspapers_demonym_is_not_its_state_acting():
    evs = events("وقالت صحيفة العرب اللندنية إن المؤتمر هدفه تكريس حضور باريس في ليبيا.", "diplomatic_flow")
    assert all("United Kingdom" not in names(e.actors) | names(e.counterparts) for e in evs)


def test_a_place_something_is_driven_out_of_is_the_front():
    (ev,) = events("وأطلق الجيش الوطني الليبي حملته العسكرية لطرد داعش من بنغازي.", "front_line")
    assert ev.place.name_en == "Benghazi"


def test_where_a_body_sits_is_not_a_front():
    text = "وقال المتحدث إن حكومة الوفاق في طرابلس لن تقبل باستمرار الحرب."
    assert [e.place.name_en for e in events(text, "front_line")] == []


# --- round two: rules written on the second half of the corpus ------------------------------------

def test_every_party_after_bayna_takes_part_the_first_hosting():
    text = ("وجرى أمس اجتماع بين ولي عهد أبوظبي الشيخ محمد بن زايد، والرئيس المصري عبد الفتاح السيسي، "
            "ورئيس حكومة الوفاق فايز السراج، وقائد الجيش الوطني الليبي خليفة حفتر.")
    (ev,) = events(text, "diplomatic_flow")
    assert {a.id for a in ev.actors} == {"mohammed-bin-zayed"}
    assert {a.id for a in ev.counterparts} >= {"abdel-fattah-el-sisi", "fayez-al-sarraj", "khalifa-haftar"}


def test_the_agent_of_qamat_biha_is_the_side_acting():
    (ev,) = events("وفشلت جهود الوساطة التي قامت بها الأمم المتحدة بين السراج وحفتر.", "diplomatic_flow")
    assert names(ev.actors) == {"United Nations"}


def test_a_message_runs_from_whom_it_comes_from():
    text = "سلم السفير البريطاني عبد الحكيم بلحاج رسالة اعتذار من رئيسة الوزراء تيريزا ماي خلال استقباله بإسطنبول."
    (ev,) = [e for e in events(text, "diplomatic_flow") if e.subtype == "statement"]
    assert "Theresa May" in names(ev.actors)
    assert ev.place.name_en == "Istanbul" and ev.venue


def test_a_courts_sessions_are_not_talks():
    text = "وحضر قاضي التحقيق جلسات تحقيق مع عدد من الموقوفين المصريين في القاهرة."
    assert events(text, "diplomatic_flow") == []


def test_the_killing_of_a_named_person_is_not_a_front():
    assert events("وأكدت شهادات مصريين مقتل الصحفي سفيان الشورابي في مدينة درنة.", "front_line") == []


def test_strikes_on_a_country_with_no_town_named_put_the_front_on_the_country():
    (ev,) = events("وشن الجيش المصري سلسلة غارات على معسكرات لتدريب متشددين في ليبيا.", "front_line")
    assert ev.place.name_en == "Libya"
    assert "Egypt" in names(ev.actors)


def test_a_battle_in_general_does_not_fall_back_on_the_country():
    assert events("وعجز عن حسم المعارك المتتالية وفشل في إثبات أنه الأقوى في ليبيا.", "front_line") == []


def test_a_named_venue_wins_over_a_seat_when_reports_merge():
    text = ("لقاء محمد الناصر بوزير خارجية مصر سامح شكري. "
            "وجمع اللقاء بقصر باردو رئيس مجلس نواب الشعب محمد الناصر بوزير الخارجية المصري سامح شكري.")
    (ev,) = events(text, "diplomatic_flow")
    assert ev.venue and ev.place.country == "TN"
    assert len(ev.reports) == 1
