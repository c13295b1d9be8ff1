"""Property: extraction never crashes on arbitrary Unicode, and every span it returns slices the input."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.pipeline import extract_jsonl_record
from tests.conftest import read_seeds

WORDS = sorted({w for a in read_seeds() for w in a.text.split()})
ARABIC = st.characters(min_codepoint=0x0600, max_codepoint=0x06FF)
TEXT = st.lists(st.one_of(st.sampled_from(WORDS), st.text(ARABIC, max_size=6), st.text(max_size=6),
                          st.sampled_from([" ", "\n", "،", ".", "؟", "ـ", "\u064e", "\ufeff", "&amp;", "<b>"])),
                max_size=60).map("".join)


def assert_spans_slice(text: str, out: dict) -> None:
    for kind in ("places", "actors", "events"):
        for item in out[kind]:
            assert 0 <= item["start"] <= item["end"] <= len(text)
            if kind != "events":
                assert text[item["start"]:item["end"]] == item["text"]
            else:
                assert item["sentence"] in text and text[item["start"]:item["end"]] in item["sentence"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(), TEXT), published=st.one_of(st.none(), st.dates().map(str)))
def test_extract_never_crashes_and_spans_slice_the_input(text, published):
    out = extract_jsonl_record({"id": "x", "text": text, "published": published})
    assert out["id"] == "x"
    assert_spans_slice(text, out)
