"""Arabic temporal expressions, resolved against an article's publication date.

``find_dates(text, published)`` works on a normalised copy of the text (diacritics and tatweel
dropped, أ/إ/آ → ا, ى → ي, ة → ه, Arabic-Indic digits → ASCII): cheap set/str operations find
anchor words (أمس، الأسبوع، عام، a month or weekday name...), ONE compiled regex is matched at
the word starts around each anchor, each hit goes to the resolver for its kind, and its span
is mapped back onto the original text.

Conventions:
- a week runs Saturday–Friday (the Libyan calendar week, Friday being the day of rest);
- أوائل/منتصف/أواخر (early/mid/late) narrow a month to days 1–10 / 11–20 / 21–end, a week to
  its first / middle / last three days, a year to Jan–Apr / May–Aug / Sep–Dec; the precision
  stays that of the unit the text names;
- a bare month or weekday is the most recent one up to and including the publication date;
- relative expressions need ``published``; absolute ones resolve without it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from calendar import monthrange
from datetime import date, datetime, timedelta
from itertools import accumulate

from geo.model import TimeExpr

__all__ = ["find_dates"]

# --- normalisation: removed characters (spans are mapped back) and 1:1 letter folds ----------

_REMOVED = re.compile("([\u0610-\u061a\u064b-\u065f\u0670\u0640\u200c-\u200f]+)")
_INDIC_DIGIT = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_MARK_OR_DIGIT = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640\u200c-\u200f"
                            "\u0660-\u0669\u06f0-\u06f9]")
_FOLDS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ة", "ه"))
_DIGITS = tuple((chr(z + i), str(i)) for z in (0x660, 0x6F0) for i in range(10))  # ٤ → 4


def _fold(s: str) -> str:
    """أ/إ/آ/ٱ → ا, ى → ي, ة → ه: tables and patterns below go through this too."""
    for a, b in _FOLDS:
        s = s.replace(a, b)
    return s


# --- word tables, in ordinary spelling (folded at import) ---------------------------------------

def _folded(table):
    """The table with its words folded like the text (a dict keeps its values)."""
    if isinstance(table, dict):
        return {_fold(k): v for k, v in table.items()}
    return {_fold(w) for w in table}


_MONTHS = _folded({
    "يناير": 1, "كانون الثاني": 1, "جانفي": 1,
    "فبراير": 2, "شباط": 2, "فيفري": 2,
    "مارس": 3, "آذار": 3,
    "أبريل": 4, "إبريل": 4, "نيسان": 4, "أفريل": 4,
    "مايو": 5, "أيار": 5,
    "يونيو": 6, "يونيه": 6, "حزيران": 6, "جوان": 6,
    "يوليو": 7, "يوليه": 7, "تموز": 7, "جويلية": 7,
    "أغسطس": 8, "آب": 8,
    "سبتمبر": 9, "أيلول": 9,
    "أكتوبر": 10, "تشرين الأول": 10,
    "نوفمبر": 11, "تشرين الثاني": 11,
    "ديسمبر": 12, "كانون الأول": 12,
})
# month names that are also common words (مارس "he practised", آب/أب "father"): alone, they
# count only after a preposition such as في or منذ
_AMBIGUOUS_MONTHS = _folded({"مارس", "آب"})
_MONTH_CUES = _folded({"في", "منذ", "خلال", "حتى", "قبل", "بعد", "من", "إلى", "مع", "غضون",
                       "بحلول"})
# a date that is part of a name: ثورة 17 فبراير, شارع 7 نوفمبر, الفاتح من سبتمبر
_NAME_BEFORE = re.compile(_fold(r"(?:ثورة|ثورتي|انتفاضة|شهداء|ثوار|حركة|كتيبة|لواء|ميدان|ساحة|شارع"
                                r"|الفاتح\s+من)\s*$"))

# العام after a title is "general": الأمين العام السابق is the former secretary-general
_TITLE_BEFORE = re.compile(_fold(r"(?:أمين|نائب|مدعي|مدير|مراقب|مفتش|قائد|منسق|مقرر)\s*$"))

_WEEKDAYS = _folded({"الاثنين": 0, "الإثنين": 0, "الاتنين": 0, "الثلاثاء": 1, "الثلثاء": 1,
                     "الأربعاء": 2, "الخميس": 3, "الجمعة": 4, "السبت": 5, "الأحد": 6})

_PARTS = _folded({"أوائل": "early", "مطلع": "early", "بداية": "early", "بدايات": "early",
                  "مستهل": "early", "منتصف": "mid", "أواسط": "mid", "أواخر": "late",
                  "نهاية": "late", "نهايات": "late", "آخر": "late", "ختام": "late"})

_TIMES_OF_DAY = _folded({"صباح", "مساء", "ليلة", "فجر", "ظهر", "ظهيرة", "عصر"})

_WEEK_ORDINALS = _folded({"الأول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الأخير": -1})

# relative words (after ال, also feminine): -1 past, 0 current, +1 next
_RELATIVE = _folded({"ماضي": -1, "منصرم": -1, "فائت": -1, "منقضي": -1, "سابق": -1,
                     "جاري": 0, "حالي": 0, "مقبل": 1, "قادم": 1})


def _alt(words) -> str:
    """Regex alternation of table words, longest first; spaces inside names are flexible."""
    pats = (w.replace(" ال", r"\s+(?:ال)?") for w in sorted(words, key=len, reverse=True))
    return "(?:" + "|".join(pats) + ")"


MONTH, WEEKDAY, PART = _alt(_MONTHS), _alt(_WEEKDAYS), _alt(_PARTS)
ORDINAL = _alt(_WEEK_ORDINALS)
REL = "ال" + _alt(_RELATIVE) + "ه?"
YEAR = r"(?:19|20)\d\d(?!\d)"
AL = r"(?:ال|(?<=ل)ل)"                      # article, or what is left of it in للعام
UNIT = r"(?:أسبوع|شهر|عام|سنة)"
TIME_OF_DAY = _alt(_TIMES_OF_DAY)


def _month_spec(p: str) -> str:
    """A month name (or the "يونيو/حزيران" pair) with an optional year or relative word."""
    return (rf"(?P<{p}_mon>{MONTH})(?:\s*[/(]\s*{MONTH}\s*\)?)?"
            rf"(?:\s*[،,]?\s*(?:من\s+)?(?:(?:ال)?(?:عام|سنة)\s+)?(?P<{p}_year>{YEAR})"
            rf"|\s+(?:من\s+)?(?P<{p}_yrel>(?:ال)?(?:عام|سنة)\s+{REL}|هذا\s+العام|هذه\s+السنة)"
            rf"|\s+(?P<{p}_rel>{REL}))?")


# One alternation; at a given start the first alternative that matches wins, so the longer
# forms come first.  Each alternative is a named group: m.lastgroup is the kind.
_PATTERN = re.compile(_fold(rf"""
(?<!\w)[وف]?[بل]?                                   # proclitics, outside the span
(?:
 (?P<span>(?:(?:بين|منذ|من)\s+)?{AL}?(?:عامي|عامين|أعوام|سنتي|عام|سنة)\s+(?P<span_a>{YEAR})
     \s*(?:و|-|–|إلى|حتى)\s*(?:(?:ال)?(?:عام|سنة)\s+)?(?P<span_b>{YEAR}))
|(?P<numeric>(?P<num_d>\d\d?)[/-](?P<num_m>\d\d?)[/-](?P<num_y>{YEAR})
     |(?P<iso_y>{YEAR})-(?P<iso_m>\d\d)-(?P<iso_d>\d\d))
|(?P<wom>(?:(?P<wom_part>{PART})\s+)?{AL}?أسبوع\s+(?P<wom_ord>{ORDINAL})\s+(?:من\s+)?
     (?:(?:(?:ال)?شهر\s+)?{_month_spec('wom')}|(?P<wom_this>(?:ال)?شهر\s+{REL}|هذا\s+الشهر|الشهر)))
|(?P<dmy>(?:{TIME_OF_DAY}\s+)?(?:يوم\s+)?(?:{WEEKDAY}\s*[،,]?\s*)?(?:الموافق\s+)?
     (?:ال\s*)?(?P<dmy_day>\d\d?)\s*(?:من\s+)?(?:(?:ال)?شهر\s+)?{_month_spec('dmy')})
|(?P<mon>(?:(?P<mon_part>{PART})\s+)?(?:(?:ال)?شهر\s+)?{_month_spec('mon')})
|(?P<year>(?:(?P<year_part>{PART})\s+)?{AL}?(?:عام|سنة)\s+(?P<year_y>{YEAR}))
|(?P<rel>(?:(?P<rel_part>{PART})\s+)?(?P<rel_body>{AL}{UNIT}\s+{REL}|هذ[اه]\s+ال{UNIT}))
|(?P<part>(?P<part_part>{PART})\s+ال(?P<part_unit>{UNIT}))
|(?P<day>(?:{TIME_OF_DAY}\s+)?(?:يوم\s+)?
     (?P<day_word>أول\s+(?:من\s+)?أمس|(?:ال)?أمس(?:\s+الأول)?|اليوم|غدا|بعد\s+غد)
     (?:\s*[،,\-–]?\s*(?P<day_wd>{WEEKDAY}))?)
|(?P<wday>(?:{TIME_OF_DAY}\s+)?(?:يوم\s+)?(?P<wday_wd>{WEEKDAY})(?:\s+(?P<wday_rel>{REL}))?)
)(?!\w)
"""), re.VERBOSE)

# Stage 1 of the scan: every expression contains one of these words within its first ~20
# characters.  Whole tokens (with any proclitic) are found with set and str operations, which
# is ~10x cheaper than letting the big regex try every position of the text.
_ANCHOR_WORDS = _folded({"أمس", "الأمس", "اليوم", "يوم", "غدا", "غد", "أسبوع", "الأسبوع",
                         "شهر", "الشهر", "عام", "العام", "عامي", "عامين", "العامين", "أعوام",
                         "الأعوام", "سنة", "السنة", "سنتي", *_WEEKDAYS,
                         *(w.split()[0] for w in _MONTHS)})
_PROCLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
_ANCHORS = frozenset({p + w for w in _ANCHOR_WORDS for p in _PROCLITICS}
                     | {p + "ل" + w[1:] for w in _ANCHOR_WORDS if w.startswith("ال")
                        for p in ("", "و", "ف")})                       # للعام، وللشهر
_PUNCTUATION = "،,.:;؛()[]\"'«»-–—/!?؟…"
# words that may open an expression before its first anchor (plus 1–2 digit day numbers)
_LEADERS = {*_PARTS, *_TIMES_OF_DAY,
            *_folded({"بين", "منذ", "من", "هذا", "هذه", "أول", "بعد", "الموافق"})}

_NEXT_ARTICLE = re.compile(r"\s+ال")
_NARRATIVE_DAY = {"ذلك", "نفس", "ذات"}        # في ذلك اليوم: a day of the story, not today


# --- date helpers ----------------------------------------------------------------------------

def _month_end(y: int, m: int) -> date:
    return date(y, m, monthrange(y, m)[1])


def _rel(words: str) -> int:
    """-1 / 0 / +1 for the relative word in ``words`` (هذا / هذه → 0)."""
    return next((v for k, v in _RELATIVE.items() if k in words), 0)


def _week_of(d: date) -> tuple[date, date]:
    """The Saturday–Friday week containing ``d``."""
    start = d - timedelta((d.weekday() - 5) % 7)
    return start, start + timedelta(6)


def _narrow(unit: str, lo: date, hi: date, part: str | None) -> tuple[date, date]:
    """Early / mid / late part of a month, year or run of days."""
    if not part:
        return lo, hi
    if unit == "month":
        a, b = {"early": (1, 10), "mid": (11, 20), "late": (21, hi.day)}[part]
        return lo.replace(day=a), lo.replace(day=b)
    if unit == "year":
        a, b = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[part]
        return date(lo.year, a, 1), _month_end(lo.year, b)
    n = (hi - lo).days
    if n < 3:
        return lo, hi
    off = {"early": 0, "mid": (n - 2) // 2, "late": n - 2}[part]
    return lo + timedelta(off), lo + timedelta(off + 2)


def _month_num(word: str) -> int:
    word = " ".join(word.split())
    if " " in word and " ال" not in word:       # تشرين اول → تشرين الاول
        word = word.replace(" ", " ال")
    return _MONTHS[word]


def _month_year(m: re.Match, p: str, pub: date | None) -> tuple[int, int] | None:
    """(year, month) of a month spec; without a year, relative to the publication month."""
    mon = _month_num(m[f"{p}_mon"])
    if m[f"{p}_year"]:
        return int(m[f"{p}_year"]), mon
    if pub is None:
        return None
    if m[f"{p}_yrel"]:
        return pub.year + _rel(m[f"{p}_yrel"]), mon
    rel = _rel(m[f"{p}_rel"]) if m[f"{p}_rel"] else None
    if rel == -1:                               # إبريل الماضي: strictly before this month
        return (pub.year if mon < pub.month else pub.year - 1), mon
    if rel == 1:                                # يونيو المقبل: strictly after this month
        return (pub.year if mon > pub.month else pub.year + 1), mon
    if rel == 0:
        return pub.year, mon
    return (pub.year if mon <= pub.month else pub.year - 1), mon   # bare: most recent


# --- one resolver per kind: (match, published, normalised text) → (start, end, precision) ----

def _span(m, pub, norm):
    a, b = int(m["span_a"]), int(m["span_b"])
    return (date(a, 1, 1), date(b, 12, 31), "year") if a <= b else None


def _numeric(m, pub, norm):
    if m["iso_y"]:
        d = date(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    else:
        d = date(int(m["num_y"]), int(m["num_m"]), int(m["num_d"]))
    return d, d, "day"


def _week_of_month(m, pub, norm):
    if m["wom_this"]:
        if pub is None:
            return None
        first = date(pub.year, pub.month, 1)
        shift = _rel(m["wom_this"])
        if shift == -1:
            first = (first - timedelta(1)).replace(day=1)
        elif shift == 1:
            first = (first + timedelta(31)).replace(day=1)
        y, mon = first.year, first.month
    else:
        ym = _month_year(m, "wom", pub)
        if ym is None:
            return None
        y, mon = ym
    last = _month_end(y, mon)
    n = _WEEK_ORDINALS[m["wom_ord"]]
    lo = last - timedelta(6) if n == -1 else date(y, mon, 7 * n - 6)
    lo, hi = _narrow("week", lo, lo + timedelta(6), _PARTS.get(m["wom_part"]))
    return lo, hi, "week"


def _day_month_year(m, pub, norm):
    mon, day = _month_num(m["dmy_mon"]), int(m["dmy_day"])
    if m["dmy_year"] or m["dmy_yrel"]:
        ym = _month_year(m, "dmy", pub)
        if ym is None:
            return None
        y = ym[0]
    elif pub is None:
        return None
    else:                       # 4 إبريل: most recent on or before publication (or as told)
        rel = _rel(m["dmy_rel"]) if m["dmy_rel"] else None
        y = pub.year
        if rel == 1:
            y += (mon, day) <= (pub.month, pub.day)
        elif rel == -1:
            y -= (mon, day) >= (pub.month, pub.day)
        elif rel is None:
            y -= (mon, day) > (pub.month, pub.day)
    try:
        d = date(y, mon, day)
    except ValueError:          # 31 فبراير
        return None
    return d, d, "day"


def _month(m, pub, norm):
    word = m["mon_mon"]
    if (word in _AMBIGUOUS_MONTHS and m["mon"] == word and not m["mon_part"]
            and not _cue_before(norm, m.start("mon"))):
        return None
    ym = _month_year(m, "mon", pub)
    if ym is None:
        return None
    lo, hi = date(*ym, 1), _month_end(*ym)
    return (*_narrow("month", lo, hi, _PARTS.get(m["mon_part"])), "month")


def _year(m, pub, norm):
    y = int(m["year_y"])
    return (*_narrow("year", date(y, 1, 1), date(y, 12, 31), _PARTS.get(m["year_part"])), "year")


def _unit_window(unit: str, pub: date, shift: int) -> tuple[date, date]:
    """The week / month / year containing ``pub``, shifted by ``shift`` units."""
    if unit == "week":
        lo, hi = _week_of(pub)
        return lo + timedelta(7 * shift), hi + timedelta(7 * shift)
    if unit == "month":
        k = pub.year * 12 + pub.month - 1 + shift
        return date(k // 12, k % 12 + 1, 1), _month_end(k // 12, k % 12 + 1)
    return date(pub.year + shift, 1, 1), date(pub.year + shift, 12, 31)


def _unit_name(words: str) -> str:
    return "week" if "اسبوع" in words else "month" if "شهر" in words else "year"


def _relative(m, pub, norm):
    if pub is None:
        return None
    unit = _unit_name(m["rel_body"])
    if "عام" in m["rel_body"] and _TITLE_BEFORE.search(norm, max(0, m.start() - 12), m.start()):
        return None
    lo, hi = _unit_window(unit, pub, _rel(m["rel_body"]))
    return (*_narrow(unit, lo, hi, _PARTS.get(m["rel_part"])), unit)


def _part_of_current(m, pub, norm):
    """نهاية الشهر, مطلع العام: part of the current unit."""
    if pub is None:
        return None
    unit = _unit_name(m["part_unit"])
    lo, hi = _unit_window(unit, pub, 0)
    return (*_narrow(unit, lo, hi, _PARTS[m["part_part"]]), unit)


def _day(m, pub, norm):
    if pub is None:
        return None
    word = " ".join(m["day_word"].split())
    if word == "اليوم" and not m["day_wd"]:
        if _NEXT_ARTICLE.match(norm, m.end("day")):         # اليوم الأول, اليوم العالمي
            return None
        if _word_before(norm, m.start("day"))[1] in _NARRATIVE_DAY:
            return None
    if "امس" in word:                                       # أمس, أول أمس, أمس الأول
        offset = -2 if "اول" in word else -1
    elif "غد" in word:                                      # غدا, بعد غد
        offset = 2 if "بعد" in word else 1
    else:
        offset = 0
    d = pub + timedelta(offset)
    if m["day_wd"]:                                         # أمس الخميس: trust the weekday
        delta = (_WEEKDAYS[m["day_wd"]] - d.weekday()) % 7
        if offset < 0 or (offset == 0 and delta > 3):
            delta -= 7 if delta else 0
        d += timedelta(delta)
    return d, d, "day"


def _weekday(m, pub, norm):
    if pub is None:
        return None
    wd = _WEEKDAYS[m["wday_wd"]]
    rel = _rel(m["wday_rel"]) if m["wday_rel"] else 0
    if rel == -1:                                           # الأربعاء الماضي: 1–7 days back
        d = pub - timedelta((pub.weekday() - wd - 1) % 7 + 1)
    elif rel == 1:                                          # الأربعاء المقبل: 1–7 days ahead
        d = pub + timedelta((wd - pub.weekday() - 1) % 7 + 1)
    else:                                                   # الثلاثاء: 0–6 days back
        d = pub - timedelta((pub.weekday() - wd) % 7)
    return d, d, "day"


_RESOLVERS = {"span": _span, "numeric": _numeric, "wom": _week_of_month,
              "dmy": _day_month_year, "mon": _month, "year": _year, "rel": _relative,
              "part": _part_of_current, "day": _day, "wday": _weekday}
_MAY_BE_A_NAME = {"dmy", "mon"}


def _cue_before(norm: str, start: int) -> bool:
    w = _word_before(norm, start)[1]
    return w in _MONTH_CUES or (w[:1] in ("و", "ف") and w[1:] in _MONTH_CUES)


# --- span mapping and the entry point --------------------------------------------------------

class _Offsets:
    """The text without marks, and the map from its offsets back to the original's."""

    def __init__(self, text: str):
        parts = _REMOVED.split(text)            # kept, removed, kept, ..., kept
        kept = parts[0::2]
        self.norm = "".join(kept)
        self.kept_at = [0, *accumulate(map(len, kept))][:-1]     # piece starts in norm
        self.orig_at = [0, *accumulate(map(len, parts))][0::2]   # piece starts in text

    def __call__(self, i: int) -> int:
        # marks right before i count as before it: a start skips a proclitic's marks,
        # an end keeps the marks of the expression's last letter
        k = bisect_right(self.kept_at, i) - 1
        return self.orig_at[k] + i - self.kept_at[k]


def _normalise(text: str) -> tuple[str, object]:
    """The text with marks removed and letters folded, and a map back to original offsets."""
    orig, norm, folds = (lambda i: i), text, _FOLDS
    if _MARK_OR_DIGIT.search(text):             # one scan in the common case
        if _REMOVED.search(text):
            orig = _Offsets(text)
            norm = orig.norm
        if _INDIC_DIGIT.search(norm):
            folds = _FOLDS + _DIGITS
    for a, b in folds:                          # str.replace beats str.translate here
        norm = norm.replace(a, b)
    return norm, orig


def _anchors(norm: str) -> list[int]:
    """Start offsets of anchor words (whole tokens) and numeric dates, sorted."""
    words = norm
    for c in _PUNCTUATION:
        words = words.replace(c, " ")
    found = []
    for sep in "/-":                            # numeric dates: 12/10/2016, 2016-10-12
        i = norm.find(sep)
        while i >= 0:
            j = i
            while j and norm[j - 1].isdigit():
                j -= 1
            if i - j in (1, 2, 4):
                found.append(j)
            i = norm.find(sep, i + 1)
    for token in _ANCHORS.intersection(words.split()):
        i, n = norm.find(token), len(token)
        while i >= 0:
            if not (i and norm[i - 1].isalnum()) and not norm[i + n:i + n + 1].isalnum():
                found.append(i)
            i = norm.find(token, i + n)
    return sorted(found)


def _word_before(norm: str, i: int) -> tuple[int, str]:
    """Start and text of the word before offset ``i`` (a word start), skipping blanks and
    punctuation; (-1, "") if there is none."""
    j = i - 1
    while j >= 0 and not norm[j].isalnum():
        j -= 1
    end = j + 1
    while j >= 0 and norm[j].isalnum():
        j -= 1
    return (j + 1, norm[j + 1:end]) if end else (-1, "")


def _leads(word: str) -> bool:
    """Can ``word`` open an expression whose first anchor comes later (نهاية، بين، 4، صباح)?"""
    number = word[2:] if word.startswith("ال") else word           # 4, الـ17
    return (word in _LEADERS or word[1:] in _LEADERS or word[2:] in _LEADERS
            or (number.isdigit() and len(number) <= 2))


def _matches(norm: str):
    """Leftmost non-overlapping matches of _PATTERN, tried only at the word holding an anchor
    and at the leading words just before it."""
    end = 0
    for k in _anchors(norm):
        if k < end:
            continue
        starts = [k]
        while len(starts) < 4:
            j, word = _word_before(norm, starts[-1])
            if j < end or not _leads(word):
                break
            starts.append(j)
        for s in reversed(starts):                  # leftmost first
            m = _PATTERN.match(norm, s)
            if m:
                end = m.end()
                yield m
                break


def find_dates(text: str, published: date | None) -> list[TimeExpr]:
    """Temporal expressions in ``text``, resolved against ``published``, sorted by start."""
    if isinstance(published, datetime):
        published = published.date()
    norm, orig = _normalise(text)
    out = []
    for m in _matches(norm):
        kind = m.lastgroup
        if kind in _MAY_BE_A_NAME and _NAME_BEFORE.search(norm, max(0, m.start() - 25), m.start()):
            continue
        try:
            resolved = _RESOLVERS[kind](m, published, norm)
        except ValueError:                          # impossible date such as 31/02/2019
            resolved = None
        if resolved:
            start = m.start(kind)
            if start > m.start() and norm.startswith("لل", start - 1):   # للعام: keep both lams
                start -= 1
            s, e = orig(start), orig(m.end(kind))
            out.append(TimeExpr(s, e, text[s:e], *resolved))
    return out
