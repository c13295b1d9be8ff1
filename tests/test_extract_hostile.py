"""``python -m geo extract`` on hostile input (issue 10): each bad line gets its own error line, saying
what is wrong, and the line after it still gets its extraction; a text with no full stops is read
through a window around each trigger. Blank lines (only spaces, tabs, CR) get no output line."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from benchmarks.bench_long_text import run_on_text
from geo import pipeline
from geo.cli import run_extract
from geo.events import sentence_views
from geo.events.roles import load_roles
from geo.events.sentence import RULE_WINDOW_TOKENS
from geo.model import Article
from geo.sources import MAX_BYTES
from geo.text import tokenize
from tests.conftest import ROOT

GOOD = {"id": "next", "text": "زار فائز السراج القاهرة أمس والتقى الرئيس عبد الفتاح السيسي.", "published": "2019-05-22"}
GOOD_LINE = json.dumps(GOOD, ensure_ascii=False).encode("utf-8")
JSON_SPACE = b" \t\r\n"


def extract_lines(*lines: bytes) -> list[dict]:
    """What ``extract`` writes for these lines of standard input, each output line parsed; the output
    as a whole must be valid UTF-8."""
    out = io.StringIO()
    assert run_extract(io.BytesIO(b"\n".join(lines) + b"\n"), out) == 0
    out.getvalue().encode("utf-8")
    return [json.loads(line) for line in out.getvalue().split("\n")[:-1]]    # JSON lines end in "\n" only: a
    # U+0085 or U+2028 in a value is text, though ``str.splitlines`` would break there


@pytest.fixture(scope="module")
def good_output() -> dict:
    """The extraction of the good line, as ``extract`` writes it (through JSON)."""
    return json.loads(json.dumps(pipeline.extract_jsonl_record(GOOD)))


def error_then_good(bad: bytes, good_output: dict) -> dict:
    """The error object of a bad line, checked to be one and to leave the good line after it intact."""
    error, after = extract_lines(bad, GOOD_LINE)
    assert set(error) == {"id", "error"}
    assert after == good_output and after["places"]
    return error


# --- named examples ---------------------------------------------------------------------------------

def test_arrays_nested_5000_deep(good_output):
    error = error_then_good(b"[" * 5000 + b"]" * 5000, good_output)
    assert error == {"id": None, "error": "not a JSON line we can read: arrays or objects nested too deep"}


def test_a_record_with_a_field_nested_5000_deep(good_output):
    error = error_then_good(b'{"id": "deep", "text": "x", "extra": ' + b"[" * 5000 + b"]" * 5000 + b"}", good_output)
    assert "nested too deep" in error["error"]


def test_a_lone_surrogate_in_the_text_is_refused(good_output):
    error = error_then_good(b'{"id": "lone", "text": "\\u0632\\ud800\\u0627\\u0631"}', good_output)
    assert error == {"id": "lone", "error": "'text' is not valid Unicode: a lone surrogate '\\ud800' at character 1 "
                                            "(a \\u escape with no pair)"}


def test_a_lone_surrogate_in_the_id_is_refused_and_the_line_stays_utf8(good_output):
    error = error_then_good(b'{"id": "x\\udc00", "text": "\\u0632\\u0627\\u0631"}', good_output)
    assert error["error"].startswith("'id' is not valid Unicode: a lone surrogate '\\udc00' at character 1")


def test_a_surrogate_pair_is_one_character_and_is_read(good_output):
    (out,) = extract_lines(b'{"id": "emoji", "text": "\\ud83d\\ude00 \\u0632\\u0627\\u0631"}')
    assert "error" not in out and out["id"] == "emoji"


def test_an_invalid_utf8_byte(good_output):
    error = error_then_good(b'{"id": "latin-1", "text": "caf\xe9"}', good_output)
    assert error == {"id": None, "error": "not UTF-8: byte 0xe9 at byte 30 of the line"}


def test_an_invalid_utf8_byte_on_standard_input_of_the_command():
    """The command itself reads bytes: the bad line's error, then the good line's extraction."""
    proc = subprocess.run([sys.executable, "-m", "geo", "extract"], input=b'{"id": "bad", "text": "\xff"}\n' + GOOD_LINE,
                          capture_output=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    error, after = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert error["error"].startswith("not UTF-8: byte 0xff")
    assert after["id"] == "next" and after["events"]


def test_a_text_over_the_size_limit(good_output):
    error = error_then_good(json.dumps({"id": "huge", "text": "x" * (MAX_BYTES + 1)}).encode(), good_output)
    assert error == {"id": "huge", "error": f"text too large ({MAX_BYTES + 1:,} bytes; the limit is {MAX_BYTES:,})"}


def test_the_size_limit_counts_utf8_bytes_not_characters(good_output):
    arabic = "ز" * (MAX_BYTES // 2 + 1)      # 2 bytes each: over the limit in fewer characters
    error = error_then_good(json.dumps({"id": "huge", "text": arabic}).encode(), good_output)
    assert error["error"].startswith(f"text too large ({MAX_BYTES + 2:,} bytes")


@pytest.mark.parametrize("line", [b"[1, 2, 3]", b'"just a string"', b"null", b"42"])
def test_a_json_line_that_is_not_an_object(line, good_output):
    assert error_then_good(line, good_output) == {"id": None, "error": "each line must be a JSON object"}


def test_a_field_of_the_wrong_type(good_output):
    error = error_then_good(b'{"id": "p", "text": "x", "date_precision": [1]}', good_output)
    assert error == {"id": "p", "error": "'date_precision' must be one of ['day', 'month', 'year'], got [1]"}


def test_the_extractor_failing_on_one_record(monkeypatch, good_output):
    real = pipeline.extract

    def fails_on_cursed(article, resources=None):
        if article.id == "cursed":
            raise RuntimeError("boom")
        return real(article, resources)

    monkeypatch.setattr(pipeline, "extract", fails_on_cursed)
    error = error_then_good(b'{"id": "cursed", "text": "x"}', good_output)
    assert error == {"id": "cursed", "error": "could not be processed (RuntimeError: boom)"}


def test_ctrl_c_still_stops_the_run(monkeypatch):
    def interrupted(article, resources=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "extract", interrupted)
    with pytest.raises(KeyboardInterrupt):
        extract_lines(GOOD_LINE)


def test_blank_lines_get_no_output_line(good_output):
    assert extract_lines(GOOD_LINE, b"", b"  \t\r", GOOD_LINE) == [good_output, good_output]


def test_text_streams_are_read_as_well_as_bytes(good_output):
    out = io.StringIO()
    run_extract(io.StringIO('{"id": "lone", "text": "\\ud800"}\n' + GOOD_LINE.decode("utf-8") + "\n"), out)
    error, after = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "lone surrogate" in error["error"] and after == good_output


# --- any bytes at all -------------------------------------------------------------------------------

_VALUES = st.one_of(st.text(max_size=12), st.sampled_from(["\ud800", "ز\udfffا", "2019-05-22", "month", ""]),
                    st.integers(), st.none(), st.lists(st.integers(), max_size=3))
_RECORDS = st.dictionaries(st.sampled_from(["id", "text", "published", "date_precision", "other"]), _VALUES)
LINES = st.one_of(
    st.binary(max_size=40),
    _RECORDS.map(lambda r: json.dumps(r).encode()),                                   # surrogates as \u escapes
    st.integers(1, 6000).map(lambda n: b"[" * n + b"]" * n),
    st.tuples(st.integers(0, len(GOOD_LINE) - 1), st.integers(0, 255)).map(           # the good line, one byte changed
        lambda ib: GOOD_LINE[:ib[0]] + bytes([ib[1]]) + GOOD_LINE[ib[0] + 1:]),
    st.just(GOOD_LINE),
)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(LINES, max_size=5))
@example(lines=[b'{"id":"\\u0085"}'])           # a next-line control in an id: written as is, still one line
def test_any_bytes_give_one_json_line_per_non_blank_input_line(lines):
    data = b"\n".join(lines)
    given_lines = [x for x in data.split(b"\n") if x.strip(JSON_SPACE)]
    out = extract_lines(data)
    assert len(out) == len(given_lines)
    for line, o in zip(given_lines, out):
        assert isinstance(o, dict) and "id" in o
        assert set(o) in ({"id", "error"}, {"id", "places", "actors", "events"})
        if line == GOOD_LINE:
            assert o["id"] == "next" and "error" not in o


# --- a text with no full stops ----------------------------------------------------------------------

def views(text: str):
    """The sentence views the event rules see for a text."""
    ex = pipeline.extract(Article("t", text))
    res = pipeline.load_resources()
    return list(sentence_views(ex.sentences, tokenize(text), ex.places, ex.actors, ex.times, res.triggers,
                               res.actors, load_roles()))


def test_the_rules_of_a_trigger_read_all_of_a_normal_sentence(seeds):
    for article in seeds.values():
        for v in views(article.text):
            assert all(v.around(m) is v for m, _ in v.triggers)


def test_the_rules_of_a_trigger_read_a_window_of_a_run_on_text():
    (v,) = views(run_on_text(100_000))
    assert len(v.tokens) > 10 * RULE_WINDOW_TOKENS and len(v.triggers) > 100
    for m, t in v.triggers:
        w = v.around(m)
        assert len(w.tokens) <= 2 * RULE_WINDOW_TOKENS + (m.last - m.first)
        start, end = w.tokens[0].start, w.tokens[-1].end
        assert all(start <= x.start < end for x in w.places + w.actors + w.states)
        assert all(start <= c.start < end for c, _ in w.triggers) and (m, t) in w.triggers


def test_an_event_in_a_run_on_text_is_read_as_in_its_own_sentence():
    filler = " الطقس معتدل والسماء صافية" * 2000
    (alone,) = pipeline.extract(Article("t", "زار حفتر باريس الأسبوع الماضي")).events
    (found,) = pipeline.extract(Article("t", filler + " زار حفتر باريس الأسبوع الماضي" + filler)).events
    assert (found.type, found.trigger, found.place.id, [a.id for a in found.actors]) == \
        (alone.type, alone.trigger, alone.place.id, [a.id for a in alone.actors]) == \
        ("visit", "زار", "fr-paris", ["khalifa-haftar"])
