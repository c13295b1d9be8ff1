"""Longest-match phrase lookup: what is found, and which characters of the text it covers."""
import pytest

from geo.lexicon import Lexicon
from geo.text import tokenize


def find(lexicon: Lexicon, text: str) -> list[tuple[str, tuple]]:
    """(the span's surface text, payloads) for every match, checking the offsets on the way."""
    out = []
    for m in lexicon.find(tokenize(text)):
        out.append((text[m.start:m.end], m.payloads))
    return out


@pytest.fixture(scope="module")
def places() -> Lexicon[str]:
    return Lexicon([
        ("طرابلس", "tripoli"), ("طبرق", "tobruk"), ("ليبيا", "libya"), ("القاهرة", "cairo"),
        ("بنغازي", "benghazi"), ("نغازي", "not-a-place"),          # a stripped reading of بنغازي
        ("مجلس نواب", "council"), ("مجلس نواب طبرق", "hor"),       # a phrase and its longer form
        ("عين زارة", "ain-zara"), ("زارة الخارجية", "overlap"),   # overlap on زارة
    ])


def test_longest_match_wins(places):
    """`مجلس نواب طبرق` is one span, not `مجلس نواب` plus `طبرق`."""
    assert find(places, "قائد القوات التابعة مجلس نواب طبرق شرقي ليبيا") == [
        ("مجلس نواب طبرق", ("hor",)), ("ليبيا", ("libya",))]


def test_shorter_entry_still_matches_alone(places):
    assert find(places, "اجتمع مجلس نواب المدينة") == [("مجلس نواب", ("council",))]


def test_leftmost_match_wins_and_matches_do_not_overlap(places):
    """`عين زارة` starts first, so `زارة الخارجية` (longer, but later) is not read."""
    assert find(places, "أهالي عين زارة الخارجية") == [("عين زارة", ("ain-zara",))]


def test_consecutive_matches_are_all_found(places):
    assert find(places, "طرابلس طبرق القاهرة") == [
        ("طرابلس", ("tripoli",)), ("طبرق", ("tobruk",)), ("القاهرة", ("cairo",))]


@pytest.mark.parametrize("text, span, payload", [
    ("وطرابلس", "طرابلس", "tripoli"),
    ("بطرابلس", "طرابلس", "tripoli"),
    ("لليبيا", "ليبيا", "libya"),           # ل + ليبيا
    ("والقاهرة", "القاهرة", "cairo"),
    ("وبنغازي", "بنغازي", "benghazi"),
    # ل + القاهرة with the alef elided in writing: only the preposition leaves the span
    # (tests/gold/README.md: للقاهرة -> لقاهرة).
    ("للقاهرة", "لقاهرة", "cairo"),
])
def test_proclitics_are_stripped_and_kept_out_of_the_span(places, text, span, payload):
    sentence = f"وصل الوفد {text} أمس"
    [m] = places.find(tokenize(sentence))
    assert sentence[m.start:m.end] == span
    assert m.payloads == (payload,)
    assert m.clitics is True


def test_a_bare_name_carries_no_clitics(places):
    [m] = places.find(tokenize("طرابلس"))
    assert (m.start, m.end, m.clitics) == (0, 6, False)


def test_clitics_are_stripped_from_the_first_token_only(places):
    """`عين وزارة` ("eye of a ministry") is not `عين زارة`; `وعين زارة` is."""
    assert find(places, "عين وزارة") == []
    assert find(places, "وعين زارة") == [("عين زارة", ("ain-zara",))]
    assert find(places, "مجلس ونواب طبرق") == [("طبرق", ("tobruk",))]


def test_the_unstripped_reading_wins_when_both_exist(places):
    """`بنغازي` is the city, not ب + `نغازي`."""
    [m] = places.find(tokenize("بنغازي"))
    assert m.payloads == ("benghazi",)
    assert (m.start, m.end, m.clitics) == (0, 6, False)


@pytest.mark.parametrize("text, span", [
    ("وصل إلى طَرابُلُس أمس", "طَرابُلُس"),          # diacritics inside the name
    ("وصل إلى طرابـــلس أمس", "طرابـــلس"),          # tatweel inside the name
    ("وصل وَطَرابُلس", "طَرابُلس"),                  # a vowelled clitic stays out of the span
    ("وصل بِطرابُـلس", "طرابُـلس"),
    ("وصل لِلْقاهِرة", "لْقاهِرة"),                  # ل + ال: the second lam is the article's
    ("بيان مجلـــسِ نوابِ طبرقَ اليوم", "مجلـــسِ نوابِ طبرقَ"),
])
def test_spans_slice_the_original_text_exactly(places, text, span):
    [m] = places.find(tokenize(text))
    assert text[m.start:m.end] == span
    assert text.index(span) == m.start


def test_one_phrase_can_carry_several_payloads():
    lex = Lexicon([("طرابلس", "LY"), ("طرابلس", "LB"), ("طرابلس", "LY")])
    [m] = lex.find(tokenize("في طرابلس"))
    assert m.payloads == ("LY", "LB")            # in insertion order, no duplicates
    assert lex.lookup("طرابلس") == ["LY", "LB"]


def test_spelling_variants_share_one_entry():
    """Phrases are keyed on their normalized tokens: فائز = فايز, أ = ا, ة = ه."""
    lex = Lexicon([("فائز السراج", "a"), ("فايز السراج", "b")])
    assert lex.lookup("فائز السراج") == ["a", "b"]
    assert "فايز السراج" in lex
    assert "الأمريكية" not in lex
    text = "التقى فايز السراج"
    [m] = lex.find(tokenize(text))
    assert text[m.start:m.end] == "فايز السراج"
    assert m.payloads == ("a", "b")


def test_token_indices_of_a_match():
    lex = Lexicon([("مجلس نواب طبرق", "hor")])
    tokens = tokenize("قال مجلس نواب طبرق اليوم")
    [m] = lex.find(tokens)
    assert (m.first, m.last) == (1, 4)
    assert [t.text for t in tokens[m.first:m.last]] == ["مجلس", "نواب", "طبرق"]


def test_a_prefix_alone_is_no_match():
    lex = Lexicon([("مجلس نواب طبرق", "hor")])
    assert lex.find(tokenize("مجلس نواب")) == []
    assert lex.find(tokenize("")) == []
