"""Tokens keep offsets into the original text; keys are what matching compares."""
from camel_tools.tokenizers.word import simple_word_tokenize

from geo.text import clitic_variants, normalize, original_offset, split_sentences, tokenize


def test_tokens_are_camel_tools_tokens_with_offsets(seeds):
    for article in seeds.values():
        tokens = tokenize(article.text)
        assert [t.text for t in tokens] == simple_word_tokenize(article.text)
        assert all(article.text[t.start:t.end] == t.text for t in tokens)


def test_normalize_folds_spelling_variants():
    assert normalize("فائز") == normalize("فايز")
    assert normalize("الأميركيّة") == normalize("الاميركية")
    assert normalize("إبريل") == normalize("ابريل") == normalize("أبريل")
    assert normalize("الليبى") == normalize("الليبي")
    assert normalize("القاهرة") == "القاهره"
    assert normalize("لـ") == "ل"


def test_clitic_readings_of_a_token():
    stems = lambda w: [s for _, s in clitic_variants(normalize(w))]  # noqa: E731
    assert "طرابلس" in stems("وطرابلس")
    assert "طرابلس" in stems("بطرابلس")
    assert "ليبيا" in stems("لليبيا")
    assert "القاهره" in stems("والقاهرة")
    assert "القاهره" in stems("للقاهرة")
    assert "بنغازي" in stems("وبنغازي")
    assert stems("بنغازي")[0] == "بنغازي"      # the unstripped reading comes first


def test_offsets_skip_diacritics_inside_clitics():
    assert original_offset("وَطرابلس", 1) == 2
    assert original_offset("وطرابلس", 1) == 1


def test_sentences_slice_the_text():
    text = "وصل السراج إلى واشنطن. والتقى ترامب؟ نعم!\nسطر جديد"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["وصل السراج إلى واشنطن.", "والتقى ترامب؟", "نعم!", "سطر جديد"]
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.index for s in sentences] == [0, 1, 2, 3]


def test_decimal_points_do_not_split():
    assert len(split_sentences("بلغ النمو 2.5 في المئة هذا العام.")) == 1


def test_the_character_classes_are_camel_tools_own_without_its_slow_import():
    from camel_tools.utils.charsets import AR_DIAC_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET
    from camel_tools.utils.dediac import dediac_ar

    from geo.text import AR_DIACRITICS, is_punct_symbol
    assert set(AR_DIACRITICS) == AR_DIAC_CHARSET
    assert {chr(c) for c in range(0x110000) if is_punct_symbol(chr(c))} == UNICODE_PUNCT_SYMBOL_CHARSET
    word = "مُحَمَّدٌ ٱلسَّرَّاجُ"
    assert normalize(word) == normalize(dediac_ar(word))
