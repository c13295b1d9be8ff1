"""Actors: the curated lexicon of people, organisations and states, and finding them in text.

Names always point at their actor; office titles (``وزير الخارجية الأمريكي``) only while the
article's publication date falls in the holder's term, and not when the text says the title is
someone else's: a former holder (``الرئيس الفرنسي الأسبق``), another country's body
(``رئيس مجلس النواب`` + ``الإيطالي``), or a different person named beside it. Short forms such as
``الجيش الليبي`` stand for their actor unless the article names only a rival faction. A person the
lexicon doesn't know, introduced by a title (``قال وزير الصناعة التونسي زياد العذاري إن``), is an
unknown actor with the affiliation of the title's country. A surname alone (``قالت ماي``) is the
person the article names in full; a country beside a verb of acting (``بريطانيا تعتذر``) is its
state. English spelling variants (el-Sisi / al-Sisi) travel with each actor as aliases.
"""
from __future__ import annotations

import bisect
import csv
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from .gazetteer import DATA_DIR, demonym_forms, read_demonyms
from .lexicon import Lexicon, Match
from .model import Actor, ActorMention
from .text import Token, clitic_variants, is_punct, normalize

# Libya's factions: their actors belong to Libya when a demonym follows them.
LIBYAN_AFFILIATIONS = ("GNA", "LNA", "HoR")
# The word after a title that makes it a former holder's.
FORMER = frozenset(normalize(w) for w in ("السابق", "السابقة", "الأسبق", "الأسبقة", "سابق", "سابقة",
                                          "الراحل", "الراحلة", "المخلوع", "المعزول", "المقال"))
# Heads of office titles: a demonym after one of these (within a few words) titles a person.
TITLE_HEADS = frozenset(normalize(w) for w in (
    "وزير", "وزيرة", "رئيس", "رئيسة", "الرئيس", "الرئيسة", "سفير", "السفير", "سفيرة", "السفيرة", "مندوب",
    "المندوب", "مندوبة", "المندوبة", "المتحدث", "المتحدثة", "الناطق", "الناطقة", "نائب", "النائب", "نائبة",
    "النائبة", "قائد", "القائد", "مدير", "المدير", "مديرة", "زعيم", "الزعيم", "المستشار", "مستشار",
    "المستشارة", "المبعوث", "مبعوث", "المبعوثة", "القنصل", "قنصل", "الأمين", "أمين", "آمر", "الملك",
    "العاهل", "الأمير", "أمير", "ولي", "المفوض", "مفوض", "النائبة", "عضو", "البرلماني", "البرلمانية"))
# Words that end a name or rule one out after a title: function words and the usual next words.
NOT_NAME = frozenset(normalize(w) for w in (
    "إن", "أن", "إنه", "أنه", "إنها", "أنها", "في", "على", "إلى", "من", "عن", "مع", "لدى", "خلال", "بعد", "قبل",
    "الذي", "التي", "الذين", "وقال", "قال", "قالت", "أن", "يوم", "اليوم", "أمس", "هذا", "هذه", "ذلك", "تلك",
    "السابق", "السابقة", "الأسبق", "الحالي", "الحالية", "الجديد", "الجديدة", "المكلف", "المكلفة", "بالإنابة",
    "لشؤون", "للشؤون", "ما", "لا", "لم", "لن", "قد", "كما", "حيث", "وهو", "وهي", "هو", "هي", "بين", "عبر",
    "أيضا", "أول", "أمام", "حول", "ضد", "عند", "منذ", "نحو", "تحت", "فوق", "دون", "غير", "كل", "بعض", "إنّ",
    "أنّ", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "صباح", "مساء", "فجر",
    "ظهر", "عصر", "ليلة", "صباحا", "مساء", "ظهرا", "عقب", "إثر", "لـ", "عام", "العام"))
# What may follow a name introduced by a title, besides punctuation: ``قال الوزير فلان إن ...``.
NAME_END = frozenset(normalize(w) for w in ("إن", "أن", "إنه", "أنه", "إنها", "أنها", "إنّ", "أنّ", "بأن", "بأنه"))
# Speech verbs: ``قال وزير ... التونسي فلان`` introduces the person by the title.
SPEECH = frozenset(normalize(w) for w in (
    "قال", "قالت", "أكد", "أكدت", "أعلن", "أعلنت", "أوضح", "أوضحت", "أشار", "أشارت", "صرح", "صرحت", "أضاف",
    "أضافت", "دعا", "دعت", "حذر", "حذرت", "أفاد", "أفادت", "اعتبر", "اعتبرت", "طالب", "طالبت", "شدد", "شددت",
    "نفى", "نفت", "كشف", "كشفت", "أكّد", "رأى", "رأت", "يقول", "تقول", "وصف", "وصفت"))
# Ranks and honorifics before a name are not part of it.
RANKS = frozenset(normalize(w) for w in (
    "العميد", "اللواء", "العقيد", "الفريق", "المشير", "الرائد", "النقيب", "المقدم", "الملازم", "الدكتور", "د",
    "الشيخ", "السيد", "السيدة", "المهندس", "الأستاذ", "الحاج", "عميد", "لواء", "عقيد"))
# Verbs that make a country named beside them an acting state: ``بريطانيا تعتذر``, ``أكدت روسيا``.
STATE_VERBS = frozenset(normalize(w) for w in (
    "قالت", "أكدت", "أعلنت", "نفت", "رفضت", "طالبت", "دعت", "أدانت", "رحبت", "حذرت", "هددت", "وسعت", "وسّعت",
    "اعتذرت", "قامت", "قررت", "بدأت", "أرسلت", "نشرت", "شنت", "استدعت", "طردت", "سحبت", "منحت", "قدمت",
    "عرضت", "وقعت", "تعهدت", "اتهمت", "أعربت", "أبدت", "شاركت", "استضافت", "فرضت", "علقت", "أغلقت", "سلمت",
    "وافقت", "دعمت", "اعتزمت", "سعت", "واصلت", "استقبلت", "ساعدت", "تدخلت", "أيدت", "عارضت", "اعترفت",
    "تعتذر", "تؤكد", "تعلن", "تنفي", "ترفض", "تطالب", "تدعو", "تدين", "ترحب", "تحذر", "تهدد", "توسع", "تقرر",
    "تبدأ", "ترسل", "تستدعي", "تطرد", "تسحب", "تمنح", "تقدم", "تعرض", "توقع", "تتعهد", "تتهم", "تعرب", "تشارك",
    "تستضيف", "تفرض", "تعلق", "تغلق", "تسلم", "توافق", "تدعم", "تعتزم", "تسعى", "تواصل", "تستقبل", "تساعد",
    "تتدخل", "تؤيد", "تعارض", "تعترف", "تستعد", "تنشر", "تشن", "تبحث", "تسعى", "تريد", "ترى", "رأت",
    "قال", "أكد", "أعلن", "نفى", "رفض", "طالب", "دعا", "أدان", "رحب", "حذر", "هدد", "استقبل", "يعلن", "يؤكد",
    "يرفض", "يدعو", "يدين", "يرحب", "يستقبل"))
UNKNOWN_NAME_WORDS = (2, 4)     # an unknown person's name: this many words, inclusive
# Given names that begin like a present-tense verb (ي / ت), so are not read as one.
GIVEN_NAMES = frozenset(normalize(w) for w in (
    "يوسف", "ياسين", "يحيى", "يونس", "ياسر", "يسرى", "يزيد", "يعقوب", "يوسي", "يان", "تامر", "توفيق", "تميم",
    "تيريزا", "تريزا", "توماس", "تشاك", "تيسير", "توني", "تونس", "تركي", "تاج", "تاجر"))
# The word before a surname that belongs to it: ``بن رمضان``, ``أبو سهمين``.
SURNAME_PARTICLES = frozenset(("بن", "ابن", "أبو", "ابو", "بو", "عبد", "ولد"))


@dataclass(frozen=True)
class ActorRef:
    """A name or title in the lexicon, with the period in which it points at the actor.

    ``anchored``: a short form, standing for its actor only where the article names the same side
    by another form. ``acting``: a country's name, its state actor only beside a verb of acting
    (``بريطانيا تعتذر``); otherwise it is just a place."""
    actor_id: str
    valid_from: date | None = None
    valid_to: date | None = None
    title: bool = False
    anchored: bool = False
    acting: bool = False

    def valid_on(self, day: date | None) -> bool:
        if self.acting:
            return False
        if day is None:
            return self.valid_from is None and self.valid_to is None
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass
class ActorLexicon:
    actors: dict[str, Actor]
    names: Lexicon[ActorRef]
    aliases_en: dict[str, tuple[str, ...]] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)                   # demonym key -> country code
    countries: dict[str, tuple[str, str]] = field(default_factory=dict)      # code -> (affiliation, home base)
    affiliation_country: dict[str, str] = field(default_factory=dict)        # affiliation -> code
    surnames: dict[str, set[str]] = field(default_factory=dict)              # person id -> last-word keys
    one_word_names: frozenset[str] = frozenset()                              # one-word names' keys

    def by_affiliation_state(self, country_code: str) -> Actor | None:
        """The state actor standing for a country (``state-eg`` for EG), if the lexicon has one."""
        return self.actors.get(f"state-{country_code.lower()}")

    def country_of(self, actor: Actor) -> str:
        """The country code an actor belongs to (LY for Libya's factions), or '' when it has none."""
        return self.affiliation_country.get(actor.affiliation, "")


# Romanizations of the same Arabic name part, any of which a reference may use.
_SPELLINGS = (("Mohammed", "Mohamed", "Muhammad", "Mohammad", "Mohamad"), ("Ahmed", "Ahmad"),
              ("Khaled", "Khalid"), ("Mustafa", "Mostafa", "Moustafa"), ("Youssef", "Yousef", "Yusuf", "Youssef"),
              ("Osama", "Usama"), ("Hussein", "Husain", "Hussain"), ("Salem", "Salim"), ("Omar", "Umar"),
              ("Abdullah", "Abdallah"), ("Mahmoud", "Mahmud"), ("Nasser", "Naser"), ("Saleh", "Salih"),
              ("Abdel ", "Abdul ", "Abd al-"), ("Abdel", "Abdul", "Abdal"), ("Sadiq", "Sadeq", "Sadek"))


def english_spellings(name: str) -> set[str]:
    """Spelling variants of an English name: Mohammed/Mohamed, Ahmed/Ahmad, al-/el-, the article
    dropped (``Abdel Fattah el-Sisi`` -> ``Abdel Fattah al-Sisi``, ``Abdel Fattah Sisi``)."""
    out = {name}
    for group in _SPELLINGS:
        for form in group:
            if form in name:
                out |= {n.replace(form, other) for n in out for other in group}
                break
    for n in list(out):
        out |= {n.replace("el-", "al-"), n.replace("al-", "el-"), n.replace("al-", "").replace("el-", "")}
        if " al-" in n:
            out.add(n.replace(" al-", " Al "))
    return {" ".join(n.split()) for n in out}


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


def _countries(data_dir: Path, actors: dict[str, Actor], country_names: dict[str, list[str]],
               ) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Place id -> country code for every gazetteer row, and per country the affiliation and home base
    of its people: the state actor's if the lexicon has one, else the country's name and its capital.
    The Arabic names of every country are added to ``country_names``."""
    place_country: dict[str, str] = {}
    names: dict[str, str] = {}
    capitals: dict[str, tuple[int, str]] = {}
    with open(data_dir / "gazetteer.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            code = r["country"].strip()
            if not code:
                continue
            place_country[r["id"]] = code
            if r["kind"] == "country":
                names[code] = r["name_en"]
                country_names.setdefault(code, []).extend(
                    n.strip() for n in [r["name_ar"], *r["aliases_ar"].split("|")] if n.strip())
                capitals.setdefault(code, (-1, r["id"]))
            elif r["kind"] == "city" and r["seat"] == "1":
                population = int(r["population"] or 0)
                if population > capitals.get(code, (-1, ""))[0]:
                    capitals[code] = (population, r["id"])
    countries = {code: (name, capitals.get(code, (0, f"country-{code.lower()}"))[1]) for code, name in names.items()}
    for actor in actors.values():
        if actor.id.startswith("state-"):
            code = actor.id[len("state-"):].upper()
            countries[code] = (actor.affiliation, actor.home_base or countries.get(code, ("", ""))[1])
    return place_country, countries


@lru_cache(maxsize=4)
def load_actors(data_dir: Path = DATA_DIR) -> ActorLexicon:
    """The lexicon from ``actors.csv``, ``titles.csv`` and ``demonyms.csv`` (cached per process)."""
    actors: dict[str, Actor] = {}
    aliases_en: dict[str, tuple[str, ...]] = {}
    surnames: dict[str, set[str]] = {}
    one_word: set[str] = set()
    names: Lexicon[ActorRef] = Lexicon()
    with open(data_dir / "actors.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            actor = Actor(r["id"], r["name_en"], r["name_ar"], r["kind"], r["affiliation"], r["home_base"])
            actors[actor.id] = actor
            written = [actor.name_en, *((r.get("aliases_en") or "").split("|"))]
            variants = {v for w in written if w.strip() for v in english_spellings(w.strip())}
            aliases_en[actor.id] = tuple(sorted(variants - {actor.name_en}))
            for n in [r["name_ar"], *r["aliases_ar"].split("|")]:
                if n.strip():
                    names.add(n.strip(), ActorRef(actor.id))
                    if len(n.split()) == 1:
                        one_word.add(normalize(n.strip()))
                    if actor.kind == "person":
                        surnames.setdefault(actor.id, set()).add(normalize(n.split()[-1]))
    titles = data_dir / "titles.csv"
    if titles.exists():
        with open(titles, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                ref = ActorRef(r["actor_id"], _day(r["valid_from"]), _day(r["valid_to"]), title=True,
                               anchored=(r.get("anchored") or "").strip() == "1")
                for t in r["title_ar"].split("|"):
                    if t.strip():
                        names.add(t.strip(), ref)
    lexicon = ActorLexicon(actors, names, aliases_en, surnames=surnames, one_word_names=frozenset(one_word))
    if (data_dir / "gazetteer.csv").exists() and (data_dir / "demonyms.csv").exists():
        country_names: dict[str, list[str]] = {}
        place_country, lexicon.countries = _countries(data_dir, actors, country_names)
        for code, written in country_names.items():
            state = lexicon.by_affiliation_state(code)
            if state is not None:
                for n in written:
                    names.add(n, ActorRef(state.id, acting=True))
        for adjective, place_id in read_demonyms(data_dir / "demonyms.csv"):
            code = place_country.get(place_id)
            if code:
                for form in demonym_forms(adjective):
                    lexicon.demonyms.setdefault(form, code)
        lexicon.affiliation_country = {aff: code for code, (aff, _) in lexicon.countries.items()}
        lexicon.affiliation_country.update({aff: "LY" for aff in LIBYAN_AFFILIATIONS})
    return lexicon


def actor_aliases(actor: Actor, lexicon: ActorLexicon | None = None) -> list[str]:
    """The English spelling variants of a lexicon actor (``el-Sisi`` / ``al-Sisi``); none for unknown ones."""
    return list((lexicon or load_actors()).aliases_en.get(actor.id, ()))


def find_actors(text: str, tokens: list[Token], lexicon: ActorLexicon, published: date | None) -> list[ActorMention]:
    """Actor mentions; a title whose term does not cover ``published``, or that the text gives to
    someone else, is left out; a titled person not in the lexicon becomes an unknown actor."""
    found: list[tuple[Match, ActorMention]] = []
    anchored: set[int] = set()      # ids of the mentions found by a short form only
    matches = lexicon.names.find(tokens)
    found += _titled_unknowns(text, tokens, matches, lexicon)
    for k, m in enumerate(matches):
        refs = [r for r in m.payloads if r.valid_on(published)]
        if not refs and _acting(tokens, m):
            refs = [r for r in m.payloads if r.acting]
        ids = {r.actor_id for r in refs}
        if len(ids) != 1:
            continue
        actor = lexicon.actors[ids.pop()]
        title = all(r.title for r in refs)
        following = tokens[m.last].key if m.last < len(tokens) else ""
        if title and following in FORMER:
            continue        # الرئيس الفرنسي الأسبق: not the sitting president
        country = lexicon.demonyms.get(following)
        if country and lexicon.country_of(actor) not in ("", country):
            continue        # رئيس مجلس النواب الإيطالي: another country's body
        if title and actor.kind == "person":
            holder = _title_holder_named(text, tokens, matches, k, actor, lexicon)
            if holder is not None:
                found.append(holder)    # the title is the named person's, not the term's holder
                continue
        mention = ActorMention(m.start, m.end, text[m.start:m.end], actor, title=title)
        found.append((m, mention))
        if all(r.anchored for r in refs):
            anchored.add(id(mention))
    found.sort(key=lambda f: f[0].first)
    found = _drop_titles_beside_other_people(tokens, found)
    sides = {a.actor.affiliation for _, a in found if id(a) not in anchored}
    out = [a for _, a in found if id(a) not in anchored or _anchored_ok(a.actor, sides)]
    return _surname_mentions(text, out, lexicon.one_word_names)


def _anchored_ok(actor: Actor, sides: set[str]) -> bool:
    """A short form (``الجيش الليبي``) stands for its actor unless the article names a rival Libyan
    faction and no one of the actor's side: beside the GNA alone it is the GNA's army."""
    rivals = set(LIBYAN_AFFILIATIONS) - {actor.affiliation, "HoR"}
    return actor.affiliation in sides or not (rivals & sides)


def _acting(tokens: list[Token], m: Match) -> bool:
    """A country's name is its state acting when a verb of acting stands right before it
    (``أكدت روسيا``) or right after it (``بريطانيا تعتذر``)."""
    if m.first > 0 and _word_in(tokens[m.first - 1].key, STATE_VERBS):
        return True
    return m.last < len(tokens) and tokens[m.last].key in STATE_VERBS


def _surname_mentions(text: str, mentions: list[ActorMention], lexicon_words: frozenset[str] = frozenset(),
                      ) -> list[ActorMention]:
    """The surname alone of a person the article names in full is that person: ``قالت ماي`` after
    ``تريزا ماي``. Surnames shared by two of the article's people are left out; an unknown person's
    surname counts only with its article or particle (``الناكوع``, ``بن رمضان``). One regex pass."""
    people: dict[str, str | None] = {}
    actors: dict[str, Actor] = {}
    for a in mentions:
        if a.actor.kind != "person" or a.title:
            continue
        words = a.text.split()
        if len(words) < 2:
            continue
        surname = words[-1]
        if len(words) >= 3 and words[-2] in SURNAME_PARTICLES:
            surname = " ".join(words[-2:])
        elif a.actor.id.startswith("unknown:") and not surname.startswith("ال"):
            continue
        if len(surname) < 3 or not surname.replace(" ", "").isalpha() or normalize(surname) in lexicon_words:
            continue        # too short, or a name the lexicon finds anyway (السراج)
        known = people.get(surname, a.actor.id)
        people[surname] = known if known == a.actor.id else None
        actors[a.actor.id] = a.actor
    people = {s: i for s, i in people.items() if i is not None}
    if not people:
        return mentions
    alternatives = []
    for s in sorted(people, key=len, reverse=True):
        alternatives.append(re.escape(s))
        if s.startswith("ال"):
            alternatives.append("ل" + re.escape(s[2:]))      # للحفيان: ل + لحفيان, the alef elided
    pattern = re.compile(rf"(?<!\w)(?:[وف]?[بلك]?)({'|'.join(alternatives)})(?!\w)")
    spans = sorted((a.start, a.end) for a in mentions)
    starts = [s for s, _ in spans]
    out = list(mentions)
    for hit in pattern.finditer(text):
        start, end = hit.span(1)
        i = bisect.bisect_right(starts, start) - 1
        if (i >= 0 and spans[i][1] > start) or (i + 1 < len(spans) and spans[i + 1][0] < end):
            continue        # inside or across a mention already found
        written = hit.group(1)
        surname = written if written in people else "ال" + written[1:]
        out.append(ActorMention(start, end, text[start:end], actors[people[surname]]))
    return sorted(out, key=lambda a: (a.start, a.end))


def _drop_titles_beside_other_people(tokens: list[Token], found: list[tuple[Match, ActorMention]],
                                     ) -> list[tuple[Match, ActorMention]]:
    """A person's title right before or after another person's name (a comma between at most) is
    that person's title: ``روبرتو فيكو رئيس مجلس النواب`` is not Aguila Saleh."""
    def adjacent(a: Match, b: Match) -> bool:       # b follows a
        gap = b.first - a.last
        return gap == 0 or (gap == 1 and is_punct(tokens[a.last].text) and tokens[a.last].text in "،,-–")

    keep = []
    for i, (m, a) in enumerate(found):
        if a.title and a.actor.kind == "person":
            neighbours = [found[j] for j in (i - 1, i + 1) if 0 <= j < len(found)]
            if any(n.actor.kind == "person" and not n.title and n.actor.id != a.actor.id
                   and (adjacent(nm, m) or adjacent(m, nm)) for nm, n in neighbours):
                continue
        keep.append((m, a))
    return keep


@lru_cache(maxsize=50_000)
def _word_in(key: str, words: frozenset[str]) -> bool:
    """Whether a token key, as written or with its proclitics stripped, is one of ``words`` (cached)."""
    return any(stem in words for _, stem in clitic_variants(key))


def _head_before(tokens: list[Token], i: int, floor: int) -> bool:
    """Whether one of the (up to four) words before token ``i``, after token ``floor``, heads a title."""
    for j in range(i - 1, max(floor, i - 5) - 1, -1):
        key = tokens[j].key
        if not key[:1].isalpha():
            return False
        if _word_in(key, TITLE_HEADS):
            return j == 0 or _introduced(tokens, j)
    return False


def _introduced(tokens: list[Token], head: int) -> bool:
    """The title is the subject of a speech verb, or set off by a comma / starts a sentence."""
    before = tokens[head - 1]
    return is_punct(before.text) or _word_in(before.key, SPEECH)


def _name_after(text: str, tokens: list[Token], j: int, stop: int, lexicon: ActorLexicon) -> tuple[int, int] | None:
    """The token range of a name right after a title ending before token ``j``: a comma and ranks
    skipped, then two to four words followed by punctuation or ``إن``/``أن`` (not by a line break,
    the end of the text or any other word; not a verb), before ``stop`` (the next lexicon match)."""
    n = len(tokens)
    if j < n and tokens[j].text in "،,":
        j += 1
    while j < n and tokens[j].key in RANKS:
        j += 1
    start = j
    lo, hi = UNKNOWN_NAME_WORDS
    while j < n and j - start <= hi:
        t = tokens[j]
        if j > start and "\n" in text[tokens[j - 1].end:t.start]:
            return None     # the line (a headline) ends: no telling a name from the rest of it
        if is_punct(t.text) or t.key in NOT_NAME:
            break
        if j >= stop or t.key in lexicon.demonyms or not t.key.isalpha():
            return None     # a known actor (or another demonym, a number) where the name would be
        j += 1
    if not lo <= j - start <= hi or j >= n or "\n" in text[tokens[j - 1].end:tokens[j].start]:
        return None
    if not (is_punct(tokens[j].text) or tokens[j].key in NAME_END):
        return None         # الرئيس الفرنسي وجه الدعوة إلى: a clause goes on, not a name
    first = tokens[start].key
    if first in SPEECH or first in STATE_VERBS or (first[0] in "يت" and len(first) >= 4 and first not in GIVEN_NAMES):
        return None         # يزور، تستقبل: a verb, not a name
    return start, j


def _unknown_person(text: str, tokens: list[Token], first: int, last: int, country: str,
                    lexicon: ActorLexicon) -> tuple[Match, ActorMention]:
    """An unknown person named by tokens ``first..last`` (exclusive), with the affiliation and home
    base of ``country`` when known (``unknown:<normalized name>``, as ``geo.augment`` names them)."""
    from .augment import unknown_actor      # augment imports this module
    start, end = tokens[first].start, tokens[last - 1].end
    actor = unknown_actor(text[start:end], "person")
    affiliation, home = lexicon.countries.get(country, ("", ""))
    if affiliation:
        actor = replace(actor, affiliation=affiliation, home_base=home)
    return Match(start, end, first, last, (), False), ActorMention(start, end, text[start:end], actor)


def _titled_unknowns(text: str, tokens: list[Token], matches: list[Match], lexicon: ActorLexicon,
                     ) -> list[tuple[Match, ActorMention]]:
    """``[قال] وزير الصناعة التونسي[،] زياد العذاري``: an unknown person with Tunisia's affiliation.
    A demonym outside the lexicon's matches must follow a title head, introduced by a speech verb or
    a comma, and be followed by a name (``_name_after``); a known name there wins."""
    demonyms = lexicon.demonyms
    at = [i for i, t in enumerate(tokens) if t.key in demonyms]     # a dict test per token: cheap
    if not at:
        return []
    firsts = [m.first for m in matches]
    out = []
    for i in at:
        k = bisect.bisect_right(firsts, i)      # matches[k - 1] starts at or before i
        if k > 0 and matches[k - 1].last > i:
            continue        # inside a title or name of the lexicon (وزير الخارجية الإيطالي)
        floor = matches[k - 1].last if k > 0 else 0
        stop = matches[k].first if k < len(matches) else len(tokens)
        if not _head_before(tokens, i, floor):
            continue
        name = _name_after(text, tokens, i + 1, stop, lexicon)
        if name is not None:
            out.append(_unknown_person(text, tokens, *name, demonyms[tokens[i].key], lexicon))
    return out


def _title_holder_named(text: str, tokens: list[Token], matches: list[Match], k: int, actor: Actor,
                        lexicon: ActorLexicon) -> tuple[Match, ActorMention] | None:
    """A lexicon title followed by a name the lexicon doesn't know (``قال وزير الخارجية الإيطالي،
    ماركو روسي،``): the title is that person's. A name ending in the holder's surname is the holder
    spelt otherwise; any other is an unknown person of the title's country."""
    m = matches[k]
    if not (m.first == 0 or _introduced(tokens, m.first) or (m.last < len(tokens) and tokens[m.last].text in "،,")):
        return None
    stop = matches[k + 1].first if k + 1 < len(matches) else len(tokens)
    name = _name_after(text, tokens, m.last, stop, lexicon)
    if name is None:
        return None
    first, last = name
    if tokens[last - 1].key in lexicon.surnames.get(actor.id, ()):
        start, end = tokens[first].start, tokens[last - 1].end
        return Match(start, end, first, last, (), False), ActorMention(start, end, text[start:end], actor)
    return _unknown_person(text, tokens, first, last, lexicon.country_of(actor), lexicon)
