"""Examples of Arabic temporal expressions and the dates geo.dates resolves them to.

Most examples are published on Friday 2017-12-01, so: Thu 30 Nov, Wed 29, Tue 28, Mon 27,
Sun 26, Sat 25; weeks run Saturday–Friday.
"""
from datetime import date, datetime

import pytest

from geo.dates import find_dates

FRI = date(2017, 12, 1)
D = date


def one(text, published=FRI):
    """The single expression found in ``text``, checked to slice the text exactly."""
    found = find_dates(text, published)
    assert len(found) == 1, found
    t = found[0]
    assert text[t.start:t.end] == t.text
    return t


def resolved(text, published=FRI):
    t = one(text, published)
    return t.date_start, t.date_end, t.precision


# --- days --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, day", [
    ("أمس", D(2017, 11, 30)),
    ("أمس الخميس", D(2017, 11, 30)),
    ("يوم أمس", D(2017, 11, 30)),
    ("بالأمس", D(2017, 11, 30)),
    ("أول أمس", D(2017, 11, 29)),
    ("أمس الأول", D(2017, 11, 29)),
    ("اليوم", D(2017, 12, 1)),
    ("اليوم الجمعة", D(2017, 12, 1)),
    ("اليوم، الجمعة", D(2017, 12, 1)),
    ("صباح اليوم", D(2017, 12, 1)),
    ("غداً السبت", D(2017, 12, 2)),
    ("بعد غد", D(2017, 12, 3)),
])
def test_yesterday_today_tomorrow(text, day):
    assert resolved(text) == (day, day, "day")


def test_named_weekday_wins_over_a_late_publication_date():
    """Published on Saturday, "yesterday Thursday" is still Thursday."""
    assert resolved("أمس الخميس", date(2017, 12, 2))[0] == D(2017, 11, 30)


@pytest.mark.parametrize("text, day", [
    ("الثلاثاء", D(2017, 11, 28)),              # bare: most recent, on or before publication
    ("يوم الأربعاء", D(2017, 11, 29)),
    ("مساء الثلاثاء", D(2017, 11, 28)),
    ("الجمعة", D(2017, 12, 1)),                 # the publication day itself
    ("السبت", D(2017, 11, 25)),
    ("الأربعاء الماضي", D(2017, 11, 29)),       # past: strictly before publication
    ("يوم الأربعاء الماضي", D(2017, 11, 29)),
    ("الاثنين الماضي", D(2017, 11, 27)),
    ("الجمعة الماضية", D(2017, 11, 24)),
    ("الأربعاء المقبل", D(2017, 12, 6)),        # next: strictly after publication
    ("الجمعة المقبلة", D(2017, 12, 8)),
    ("الأحد القادم", D(2017, 12, 3)),
])
def test_weekdays(text, day):
    assert resolved(text) == (day, day, "day")


def test_weekday_between_dashes_names_the_span_without_them():
    t = one("المشير خليفة حفتر -اليوم الأربعاء- في باريس", date(2019, 5, 22))
    assert (t.text, t.date_start, t.precision) == ("اليوم الأربعاء", D(2019, 5, 22), "day")


def test_last_wednesday_published_on_a_wednesday_is_a_week_back():
    assert resolved("الأربعاء الماضي", date(2019, 5, 22))[0] == D(2019, 5, 15)


# --- weeks, months, years relative to publication ---------------------------------------------

@pytest.mark.parametrize("text, start, end", [
    ("الأسبوع الماضي", D(2017, 11, 18), D(2017, 11, 24)),
    ("الأسبوع الجاري", D(2017, 11, 25), D(2017, 12, 1)),
    ("الأسبوع الحالي", D(2017, 11, 25), D(2017, 12, 1)),
    ("هذا الأسبوع", D(2017, 11, 25), D(2017, 12, 1)),
    ("الأسبوع المقبل", D(2017, 12, 2), D(2017, 12, 8)),
    ("الأسبوع الأخير من الشهر الماضي", D(2017, 11, 24), D(2017, 11, 30)),
    ("الأسبوع الثاني من يناير 2016", D(2016, 1, 8), D(2016, 1, 14)),
])
def test_weeks(text, start, end):
    assert resolved(text) == (start, end, "week")


@pytest.mark.parametrize("text, start, end", [
    ("الشهر الجاري", D(2017, 12, 1), D(2017, 12, 31)),
    ("الشهر الحالي", D(2017, 12, 1), D(2017, 12, 31)),
    ("هذا الشهر", D(2017, 12, 1), D(2017, 12, 31)),
    ("الشهر الماضي", D(2017, 11, 1), D(2017, 11, 30)),
    ("الشهر المقبل", D(2018, 1, 1), D(2018, 1, 31)),
    ("مطلع الشهر الجاري", D(2017, 12, 1), D(2017, 12, 10)),
    ("منتصف الشهر المقبل", D(2018, 1, 11), D(2018, 1, 20)),
    ("نهاية الشهر", D(2017, 12, 21), D(2017, 12, 31)),
])
def test_relative_months(text, start, end):
    assert resolved(text) == (start, end, "month")


@pytest.mark.parametrize("text, start, end", [
    ("عام 2011", D(2011, 1, 1), D(2011, 12, 31)),
    ("العام 2011", D(2011, 1, 1), D(2011, 12, 31)),
    ("سنة 2011", D(2011, 1, 1), D(2011, 12, 31)),
    ("العام الماضي", D(2016, 1, 1), D(2016, 12, 31)),
    ("السنة الماضية", D(2016, 1, 1), D(2016, 12, 31)),
    ("العام الجاري", D(2017, 1, 1), D(2017, 12, 31)),
    ("العام الحالي", D(2017, 1, 1), D(2017, 12, 31)),
    ("هذا العام", D(2017, 1, 1), D(2017, 12, 31)),
    ("العام المقبل", D(2018, 1, 1), D(2018, 12, 31)),
    ("نهاية العام الماضي", D(2016, 9, 1), D(2016, 12, 31)),
    ("أواخر عام 2015", D(2015, 9, 1), D(2015, 12, 31)),
    ("بين عامي 1978 و1987", D(1978, 1, 1), D(1987, 12, 31)),
    ("من عام 2011 إلى عام 2014", D(2011, 1, 1), D(2014, 12, 31)),
])
def test_years(text, start, end):
    assert resolved(text) == (start, end, "year")


# --- month names -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, month", [
    ("يناير", 1), ("كانون الثاني", 1), ("فبراير", 2), ("شباط", 2), ("مارس", 3), ("آذار", 3),
    ("أبريل", 4), ("إبريل", 4), ("ابريل", 4), ("نيسان", 4), ("مايو", 5), ("أيار", 5),
    ("يونيو", 6), ("يونيه", 6), ("حزيران", 6), ("يوليو", 7), ("يوليه", 7), ("تموز", 7),
    ("أغسطس", 8), ("اغسطس", 8), ("آب", 8), ("سبتمبر", 9), ("أيلول", 9),
    ("أكتوبر", 10), ("تشرين الأول", 10), ("نوفمبر", 11), ("تشرين الثاني", 11),
    ("ديسمبر", 12), ("كانون الأول", 12),
])
def test_every_month_spelling(name, month):
    start, end, precision = resolved(f"في {name} 2016")
    assert (start.year, start.month, end.month, precision) == (2016, month, month, "month")


@pytest.mark.parametrize("text, published, year, month", [
    ("يونيو/حزيران المقبل", date(2017, 4, 22), 2017, 6),
    ("شهر يونيو/حزيران المقبل", date(2017, 4, 22), 2017, 6),
    ("يونيو/حزيران المقبل", FRI, 2018, 6),
    ("إبريل الماضي", date(2019, 9, 20), 2019, 4),
    ("أبريل الماضي", date(2019, 4, 20), 2018, 4),       # strictly before the publication month
    ("في أغسطس", FRI, 2017, 8),                         # bare: most recent ...
    ("في أبريل", date(2017, 4, 22), 2017, 4),           # ... up to the publication month
    ("في أغسطس", date(2017, 3, 1), 2016, 8),
    ("ديسمبر 2015", None, 2015, 12),                    # absolute: no publication date needed
    ("ديسمبر من العام الماضي", FRI, 2016, 12),
    ("فبراير (شباط) الماضي", FRI, 2017, 2),
    ("أيار/مايو الماضي", FRI, 2017, 5),
])
def test_months(text, published, year, month):
    start, end, precision = resolved(text, published)
    assert (start, precision) == (D(year, month, 1), "month")
    assert (end.year, end.month, end.day > 27) == (year, month, True)


def test_since_last_april_is_just_the_month():
    assert one("منذ إبريل الماضي", date(2019, 9, 20)).text == "إبريل الماضي"


@pytest.mark.parametrize("text, published, day", [
    ("4 إبريل", date(2019, 9, 20), D(2019, 4, 4)),
    ("4 إبريل", date(2019, 4, 2), D(2018, 4, 4)),         # most recent past occurrence
    ("4 أبريل 2019", None, D(2019, 4, 4)),
    ("يوم 4 أبريل", date(2019, 9, 20), D(2019, 4, 4)),
    ("الخميس 4 أبريل 2019", None, D(2019, 4, 4)),
    ("٤ أبريل ٢٠١٩", None, D(2019, 4, 4)),                # Arabic-Indic digits
    ("20/10/2011", None, D(2011, 10, 20)),
])
def test_day_and_month(text, published, day):
    assert resolved(text, published) == (day, day, "day")


@pytest.mark.parametrize("text, published, start, end, precision", [
    ("أواخر أغسطس الماضي", date(2020, 9, 8), D(2020, 8, 21), D(2020, 8, 31), "month"),
    ("مطلع يناير 2016", None, D(2016, 1, 1), D(2016, 1, 10), "month"),
    ("منتصف مارس 2016", None, D(2016, 3, 11), D(2016, 3, 20), "month"),
    ("نهاية الأسبوع الأول من شهر أغسطس", date(2020, 9, 8), D(2020, 8, 5), D(2020, 8, 7), "week"),
])
def test_parts_of_a_period(text, published, start, end, precision):
    assert resolved(text, published) == (start, end, precision)


# --- what is not a date ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "استمر النزاع منذ 20 عامًا",          # a duration
    "قتل 7 أشخاص في الاشتباكات",          # a bare number
    "في 2011 سقط النظام",                  # a bare year: only with عام / العام / سنة
    "في ذكرى ثورة 17 فبراير",              # a name
    "مارس الجيش ضغوطا على الحكومة",       # مارس the verb
    "قرب باب العزيزية",                    # باب is not آب
    "في اليوم الأول من المؤتمر",           # a day of the story, not today
    "في ذلك اليوم",
    "ويقول المسؤولون إن الحكومة تعمل على تحسين الأوضاع الأمنية والاقتصادية في البلاد.",
    "",
])
def test_not_dates(text):
    assert find_dates(text, FRI) == []


def test_without_publication_date_only_absolute_expressions_resolve():
    text = "وصل أمس الخميس بعد أن وقّع الاتفاق في ديسمبر 2015 وأعلن الحظر عام 2011 الأسبوع الماضي"
    assert [t.text for t in find_dates(text, None)] == ["ديسمبر 2015", "عام 2011"]


def test_datetime_publication_is_accepted():
    assert resolved("أمس", datetime(2017, 12, 1, 9, 30))[0] == D(2017, 11, 30)


# --- spans -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("في الأسبوعِ الماضي", "الأسبوعِ الماضي"),       # marks inside, and after the last letter
    ("وَصَلَ أَمْسِ الخَمِيسِ", "أَمْسِ الخَمِيسِ"),
    ("وصل يوم الخمـــيس", "يوم الخمـــيس"),           # tatweel
    ("وفي العامِ الماضي", "العامِ الماضي"),           # proclitics stay outside the span
    ("وبعام 2011", "عام 2011"),
    ("للعام الماضي", "للعام الماضي"),
    ("وأمس", "أمس"),
    ("لافتاً إلى ديسمبر 2015 الماضي", "ديسمبر 2015"),
])
def test_spans_slice_the_original_text(text, expected):
    t = one(text)
    assert t.text == expected and text[t.start:t.end] == expected


def test_realistic_sentence():
    text = "ووصل رئيس المجلس الرئاسى فائز السراج إلى واشنطن أمس الخميس في زيارة رسمية"
    t = one(text)
    assert (t.text, t.date_start, t.date_end, t.precision) == (
        "أمس الخميس", D(2017, 11, 30), D(2017, 11, 30), "day")
    assert t.start == text.index("أمس")


def test_paragraph_expressions_are_sorted_disjoint_and_exact():
    text = ("قال مصدرٌ مطّلع إنّ السراج التقى حفتر مساء الثلاثاء في باريس، بعد لقاءٍ جمعهما "
            "في أواخر أغسطس الماضي، على أن يجتمعا مجدداً الأسبوعَ المقبل، وذلك منذ الاتفاق "
            "الموقّع في ديسمبر/كانون الأول 2015 والحرب التي شنّها القذافي بين عامي 1978 و1987.")
    found = find_dates(text, date(2020, 9, 8))
    assert [t.text for t in found] == ["مساء الثلاثاء", "أواخر أغسطس الماضي", "الأسبوعَ المقبل",
                                       "ديسمبر/كانون الأول 2015", "بين عامي 1978 و1987"]
    assert all(text[t.start:t.end] == t.text for t in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
