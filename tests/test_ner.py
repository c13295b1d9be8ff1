"""The optional neural NER: loading CAMeL's recognizer offline, spans back to the text, the merge.

The model here is a tiny random-weight BERT built by the test: its labels are noise, so the
merge is tested with fixed labels standing in for the model's predictions, and the real model
only for what it must do whatever its weights (load offline, one label per token).
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

import geo.ner as ner_mod
from geo.augment import merge_ner, unknown_actor
from geo.model import Article
from geo.ner import Entity, NerRecognizer, decode, entity_type, load_ner
from geo.pipeline import Resources, extract, extraction_json, load_resources
from geo.store import connect, read_document, save
from geo.text import split_sentences, tokenize
from tiny_ner import build_tiny_ner

ROOT = Path(__file__).resolve().parent.parent

# Lexicon finds طرابلس (place) and فائز السراج (actor). سرت needs a locative cue the sentence
# lacks, so only the NER finds it (after a و clitic). زغوانة is in no gazetteer. سالم الورفلي and
# شركة الكهرباء are in no lexicon. مصطفى غريان is a person whose name holds a town (غريان).
TEXT = ("وصل فائز السراج إلى طرابلس أمس ثم توجه وسرت مع سالم الورفلي.\n"
        "وقالت شركة الكهرباء إن زغوانة بلا كهرباء، وصرح مصطفى غريان بذلك.")
LABELS = {"فائز": "B-PERS", "السراج": "I-PERS", "طرابلس": "B-LOC", "وسرت": "B-LOC", "سالم": "B-PERS",
          "الورفلي": "I-PERS", "شركة": "B-ORG", "الكهرباء": "I-ORG", "زغوانة": "B-LOC", "مصطفى": "B-PERS",
          "غريان": "I-PERS", "أمس": "B-MISC"}


class FixedLabels:
    """Stands in for camel_tools' NERecognizer: a label per word from a table, ``O`` otherwise."""

    def __init__(self, table: dict[str, str]):
        self.table = table
        self.calls: list[list[list[str]]] = []

    def predict(self, sentences, batch_size=32):
        self.calls.append(sentences)
        return [[self.table.get(w, "O") for w in words] for words in sentences]


@pytest.fixture(autouse=True)
def fresh_reports():
    """Each test sees the once-per-process reports afresh."""
    ner_mod._reported.clear()
    yield
    ner_mod._reported.clear()


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_ner(tmp_path_factory.mktemp("ner") / "tiny", [t.text for t in tokenize(TEXT)])


@pytest.fixture
def no_network(monkeypatch):
    """Any connection that isn't to this machine fails the test."""
    import socket
    real = socket.create_connection
    attempts = []

    def guard(address, *args, **kwargs):
        host = address[0]
        if host not in ("127.0.0.1", "localhost", "::1"):
            attempts.append(address)
            raise OSError(f"test forbids network access to {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guard)
    return attempts


def resources_with(recognizer) -> Resources:
    base = load_resources()
    return Resources(base.gazetteer, base.actors, base.triggers, NerRecognizer(recognizer, "fixed"))


# --- labels to spans -------------------------------------------------------------------------------

def test_entity_types_fold_other_tag_sets():
    assert [entity_type(x) for x in ("B-LOC", "I-PERS", "B-PER", "S-ORG", "LOC", "O", "")] == \
        ["LOC", "PERS", "PERS", "ORG", "LOC", "", ""]


def test_decode_reads_bio_and_leaves_punctuation_out():
    text = "زار ( فائز السراج ) طرابلس وبنغازي ، تونس"
    tokens = tokenize(text)
    labels = ["O", "B-PERS", "I-PERS", "I-PERS", "I-PERS", "B-LOC", "B-LOC", "I-LOC", "I-ORG"]
    spans = decode(labels, tokens)
    assert [(text[e.start:e.end], e.label) for e in spans] == \
        [("فائز السراج", "PERS"), ("طرابلس", "LOC"), ("وبنغازي", "LOC"), ("تونس", "ORG")]


def test_an_inside_label_after_another_type_starts_an_entity():
    text = "أ ب ج د"
    spans = decode(["I-LOC", "I-LOC", "I-PERS", "O"], tokenize(text))
    assert [(text[s:e], label) for s, e, label in spans] == [("أ ب", "LOC"), ("ج", "PERS")]


def test_entities_map_back_to_the_text_exactly():
    text = "  قال  فائزُ السرّاج:\n«طرابلس» آمنة.  "
    rec = NerRecognizer(FixedLabels({"فائزُ": "B-PERS", "السرّاج": "I-PERS", "طرابلس": "B-LOC"}))
    ents = rec.find_entities(text, split_sentences(text), tokenize(text))
    assert [(text[e.start:e.end], e.label) for e in ents] == [("فائزُ السرّاج", "PERS"), ("طرابلس", "LOC")]


def test_one_predict_call_per_article_with_one_word_list_per_sentence():
    fake = FixedLabels(LABELS)
    NerRecognizer(fake).find_entities(TEXT, split_sentences(TEXT), tokenize(TEXT))
    assert len(fake.calls) == 1
    sentences = split_sentences(TEXT)
    assert [" ".join(words) for words in fake.calls[0]] == \
        [" ".join(t.text for t in tokenize(s.text)) for s in sentences]


# --- loading -----------------------------------------------------------------------------------------

def test_no_model_configured_is_quietly_off(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("ATLAS_NER_MODEL", raising=False)
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))       # nothing installed there
    with caplog.at_level(logging.INFO, logger="geo.ner"):
        assert load_ner() is None
        assert load_ner() is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len([r for r in caplog.records if "camel_data -i ner-arabert" in r.getMessage()]) == 1


def test_a_missing_model_directory_is_reported_once(tmp_path, caplog):
    missing = tmp_path / "no-such-model"
    with caplog.at_level(logging.WARNING, logger="geo.ner"):
        assert load_ner(missing) is None
        assert load_ner(str(missing)) is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(missing) in warnings[0] and "no such directory" in warnings[0]


@pytest.mark.parametrize("broken, reason", [
    ({"config.json": "{}"}, "id2label"),
    ({"config.json": json.dumps({"id2label": {"0": "O", "1": "B-LOC"}})}, "model.safetensors"),
    ({"config.json": json.dumps({"id2label": {"0": "O", "1": "B-LOC"}}), "model.safetensors": ""}, "vocab.txt"),
])
def test_an_incomplete_model_directory_says_what_is_missing(tmp_path, caplog, broken, reason):
    for name, content in broken.items():
        (tmp_path / name).write_text(content)
    with caplog.at_level(logging.WARNING, logger="geo.ner"):
        assert load_ner(tmp_path) is None
    assert reason in caplog.text


def test_off_turns_ner_off_without_a_warning(monkeypatch, caplog):
    monkeypatch.setenv("ATLAS_NER_MODEL", "off")
    with caplog.at_level(logging.INFO, logger="geo.ner"):
        assert load_ner() is None
    assert caplog.text == ""


def test_the_environment_selects_the_model(monkeypatch, tiny_model, no_network):
    monkeypatch.setenv("ATLAS_NER_MODEL", str(tiny_model))
    rec = load_ner()
    assert isinstance(rec, NerRecognizer) and rec.model_dir == tiny_model
    assert not no_network


def test_the_tiny_model_loads_offline_and_labels_every_token(tiny_model, no_network):
    before = os.environ.get("CAMELTOOLS_DATA")
    rec = load_ner(tiny_model)
    assert rec is not None, "the tiny model should load"
    assert os.environ.get("CAMELTOOLS_DATA") == before, "the environment is restored after the import"
    labels = set(json.loads((tiny_model / "config.json").read_text())["id2label"].values())
    sentences = split_sentences(TEXT)
    words = [[t.text for t in tokenize(s.text)] for s in sentences]
    predicted = rec.predict(words)
    assert [len(x) for x in predicted] == [len(w) for w in words]
    assert all(label in labels for x in predicted for label in x)
    # A word the BERT tokenizer reads as nothing (a lone direction mark) still gets its label.
    odd = ["طرابلس", "\u200f", "سرت"]
    assert len(rec.predict([odd])[0]) == 3
    for e in rec.find_entities(TEXT, sentences, tokenize(TEXT)):
        piece = TEXT[e.start:e.end]
        assert piece == piece.strip() and piece and e.label in ("LOC", "PERS", "ORG", "MISC")
        assert any(t.start == e.start for t in tokenize(TEXT)) and any(t.end == e.end for t in tokenize(TEXT))
    assert not no_network


def test_direct_prediction_labels_exactly_as_camels_predict(tiny_model):
    """Our batching (padding to the longest segment) gives CAMeL's labels, long sentences included."""
    rec = load_ner(tiny_model)
    sentences = [[t.text for t in tokenize(s.text)] for s in split_sentences(TEXT)]
    sentences += [["طرابلس", "\u200f", "سرت"], [], ["\u200f"], ["وصل"] * 300,       # > 254 pieces: two segments
                  [c for c in "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" * 12]]
    ours = rec.predict(sentences)
    camel = [rec._align(w, labels) for w, labels in zip(sentences, rec.recognizer.predict(sentences))]
    assert ours == camel
    assert [len(x) for x in ours] == [len(w) for w in sentences]


def test_the_real_wrapper_with_its_predictions_fixed(tiny_model, monkeypatch):
    """The loaded CAMeL recognizer with ``predict`` replaced: the same merge as with the stand-in."""
    rec = load_ner(tiny_model)
    monkeypatch.setattr(rec.recognizer, "predict",
                        lambda sentences, batch_size=32: [[LABELS.get(w, "O") for w in s] for s in sentences])
    base = load_resources()
    ex = extract(Article("t", TEXT, date(2020, 1, 15)), Resources(base.gazetteer, base.actors, base.triggers, rec))
    assert ("سرت", "ly-sirte", "ner") in [(p.text, p.place.id, p.recognizer) for p in ex.places]


def test_loading_imports_camel_ner_without_a_catalogue_or_a_download(tiny_model, tmp_path):
    """In a fresh process with no CAMeL data at all and every socket refused."""
    code = textwrap.dedent(f"""
        import os, socket, sys
        def refuse(*a, **k):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from geo.ner import load_ner
        rec = load_ner({str(tiny_model)!r})
        assert rec is not None
        print(len(rec.predict([["وصل", "فائز", "السراج"]])[0]), os.environ.get("CAMELTOOLS_DATA"))
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("CAMELTOOLS_DATA", "ATLAS_NER_MODEL")}
    env["HOME"] = str(tmp_path)           # camel's default data folder: empty, no catalogue
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["3", "None"]
    assert not (tmp_path / ".camel_tools" / "catalogue.json").exists()


def test_the_default_path_imports_no_torch(tmp_path):
    from geo.gazetteer import load_gazetteer
    load_gazetteer()      # the index on disk, as after any first start (building it once uses geopy's distance)
    code = ("import sys\nimport geo.pipeline as p\nfrom geo.model import Article\n"
            "ex = p.extract(Article('a', 'زار فائز السراج القاهرة أمس.'))\n"
            "r = p.load_resources()\n"
            "print(len(ex.places) > 0, r.ner, r.online, sorted(m for m in ('torch', 'transformers', 'camel_tools.ner', "
            "'camel_tools.data', 'geopy') if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if k not in ("ATLAS_NER_MODEL", "ATLAS_ONLINE_GEOCODING")}
    env["CAMELTOOLS_DATA"] = str(tmp_path)       # as if nothing were installed
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "None", "None", "[]"]


def test_without_the_ner_packages_a_model_is_refused_with_the_install_to_run(tiny_model):
    """The default install has no torch: asking for the model then says what to install, and extraction goes on."""
    code = ("import sys, logging\nsys.modules['torch'] = None   # as in an install without requirements-ner.txt\n"
            "logging.basicConfig()\nfrom geo.ner import load_ner\nprint(load_ner(sys.argv[1]))")
    out = subprocess.run([sys.executable, "-c", code, str(tiny_model)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "None", out.stderr
    assert "pip install -r requirements-ner.txt" in out.stderr


def test_the_readme_names_what_the_default_install_leaves_out_of_camel_tools():
    """What ``pip check`` reports after the README's default install: camel-tools' declared requirements that
    neither requirements.txt nor its packages bring (read from the installed packages' metadata)."""
    from importlib.metadata import distribution
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    todo = [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]
    brought = set()
    while todo:
        req = todo.pop()
        if canonicalize_name(req.name) in brought:
            continue
        brought.add(canonicalize_name(req.name))
        for dep in map(Requirement, distribution(req.name).requires or ()):
            if dep.marker is None or any(dep.marker.evaluate({"extra": e}) for e in req.extras or {""}):
                todo.append(dep)
    declared = [Requirement(r) for r in distribution("camel-tools").requires]
    declared = {canonicalize_name(r.name) for r in declared if r.marker is None or r.marker.evaluate({"extra": ""})}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme[readme.index("The default install has no torch"):readme.index("Install and run")].split())
    said = lambda names: ", ".join(sorted(names))  # noqa: E731
    assert said(declared - brought) == said(n for n in declared - brought if n in text.lower())
    missing = text[text.index("reports the other"):text.index("which only the rest")]
    assert not [n for n in declared & brought if n in missing.lower()], missing       # brought: not missing


def test_an_installed_camel_model_is_found_without_configuration(monkeypatch, tmp_path, tiny_model):
    installed = tmp_path / "data" / "ner" / "arabert"
    installed.parent.mkdir(parents=True)
    installed.symlink_to(tiny_model, target_is_directory=True)
    monkeypatch.delenv("ATLAS_NER_MODEL", raising=False)
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    rec = load_ner()
    assert rec is not None and rec.model_dir == installed


# --- the merge ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def merged():
    art = Article("t", TEXT, date(2020, 1, 15))
    return extract(art, resources_with(FixedLabels(LABELS))), extract(art)


def test_spans_slice_the_text(merged):
    ex, _ = merged
    for m in ex.places + ex.actors:
        assert TEXT[m.start:m.end] == m.text


def test_lexicon_results_stay_and_are_confirmed_not_duplicated(merged):
    ex, plain = merged
    places = [(p.text, p.place.id, p.recognizer) for p in ex.places]
    assert places.count(("طرابلس", "ly-tripoli", "lexicon+ner")) == 1
    assert [p.text for p in ex.places].count("طرابلس") == 1
    actors = [(a.text, a.actor.id, a.recognizer) for a in ex.actors]
    assert ("فائز السراج", "fayez-al-sarraj", "lexicon+ner") in actors
    assert [a.actor.id for a in ex.actors].count("fayez-al-sarraj") == 1
    assert all(p.recognizer == "lexicon" for p in plain.places)


def test_a_location_the_lexicon_missed_is_placed_by_the_gazetteer(merged):
    ex, plain = merged
    assert "سرت" not in [p.text for p in plain.places]          # no locative cue: the lexicon skips it
    sirte = [p for p in ex.places if p.place.id == "ly-sirte"]
    assert len(sirte) == 1 and sirte[0].recognizer == "ner"
    assert sirte[0].text == "سرت" and TEXT[sirte[0].start - 1] == "و"   # the clitic stays outside the span


def test_a_location_no_gazetteer_knows_stays_unresolved(merged):
    ex, _ = merged
    assert not [p for p in ex.places if "زغوانة" in p.text]


def test_people_and_organisations_outside_the_lexicon_are_unknown_actors(merged):
    ex, _ = merged
    unknown = {a.text: a for a in ex.actors if a.actor.id.startswith("unknown:")}
    assert set(unknown) == {"سالم الورفلي", "شركة الكهرباء", "مصطفى غريان"}
    salem = unknown["سالم الورفلي"].actor
    assert salem == unknown_actor("سالم الورفلي", "person")
    assert (salem.kind, salem.affiliation, salem.home_base, salem.name_ar) == ("person", "Unknown", "", "سالم الورفلي")
    assert unknown["شركة الكهرباء"].actor.kind == "organisation"
    assert all(a.recognizer == "ner" for a in unknown.values())


def test_a_town_inside_a_persons_name_is_part_of_the_name(merged):
    ex, plain = merged
    assert "غريان" in [p.text for p in plain.places]
    assert "غريان" not in [p.text for p in ex.places]


def test_misc_entities_are_ignored_and_mentions_are_sorted_with_sentences(merged):
    ex, _ = merged
    assert "أمس" not in [m.text for m in ex.places + ex.actors]
    for mentions in (ex.places, ex.actors):
        assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    second = split_sentences(TEXT)[1].start
    assert all((m.sentence == 1) == (m.start >= second) for m in ex.places + ex.actors)


def test_the_json_and_the_store_record_the_recognizer(merged, tmp_path):
    ex, _ = merged
    out = json.loads(json.dumps(extraction_json(ex)))
    assert {p["recognizer"] for p in out["places"]} == {"lexicon+ner", "ner"}
    assert {"text": "سالم الورفلي", "affiliation": "Unknown", "recognizer": "ner"}.items() <= \
        next(a for a in out["actors"] if a["text"] == "سالم الورفلي").items()
    with closing(connect(tmp_path / "atlas.sqlite")) as conn:
        assert save(conn, ex) == "added"
        rows = conn.execute("SELECT text, recognizer FROM actor_mentions ORDER BY start").fetchall()
        assert ("سالم الورفلي", "ner") in [tuple(r) for r in rows]
        assert conn.execute("SELECT affiliation FROM actors WHERE id = ?",
                            ("unknown:" + "سالم الورفلي",)).fetchone()[0] == "Unknown"
        doc = read_document(conn, "t")
    assert {"سالم الورفلي", "شركة الكهرباء"} <= {a["text"] for a in doc["actors"] if a["affiliation"] == "Unknown"}


def test_an_article_without_entities_is_left_as_the_lexicon_found_it():
    art = Article("n", "زار فائز السراج القاهرة أمس.", date(2020, 1, 15))
    ex, plain = extract(art, resources_with(FixedLabels({}))), extract(art)
    assert extraction_json(ex) == extraction_json(plain)


def test_a_failing_model_is_reported_once_and_skipped(caplog):
    class Broken:
        def predict(self, sentences, batch_size=32):
            raise RuntimeError("out of memory")

    art = Article("b", TEXT, date(2020, 1, 15))
    with caplog.at_level(logging.WARNING, logger="geo.ner"):
        res = resources_with(Broken())
        ex = extract(art, res)
        extract(art, res)
    assert extraction_json(ex) == extraction_json(extract(art))
    assert caplog.text.count("out of memory") == 1


def test_merge_ner_directly_returns_new_lists():
    art = Article("d", TEXT, date(2020, 1, 15))
    res = load_resources()
    tokens, sentences = tokenize(TEXT), split_sentences(TEXT)
    places, actors = [], []
    p2, a2 = merge_ner(art, sentences, tokens, places, actors, NerRecognizer(FixedLabels(LABELS)),
                       res.gazetteer, res.actors)
    assert places == [] and actors == []
    assert {"طرابلس", "سرت"} <= {p.text for p in p2}
    assert {"فائز السراج", "سالم الورفلي"} <= {a.text for a in a2}


def test_entity_is_a_plain_triple():
    assert Entity(1, 4, "LOC") == (1, 4, "LOC")


# --- the command line --------------------------------------------------------------------------------

def run_cli(*args: str, lines: list[dict]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ATLAS_NER_MODEL", "ATLAS_STORE")}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          input="\n".join(json.dumps(x, ensure_ascii=False) for x in lines), timeout=180)


def test_cli_ner_model_flag_runs_the_model(tiny_model):
    records = [{"id": "a", "text": TEXT, "published": "2020-01-15"}, {"id": "b", "text": "زار فائز السراج القاهرة."}]
    out = run_cli("extract", "--ner-model", str(tiny_model), lines=records)
    assert out.returncode == 0, out.stderr
    results = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["id"] for r in results] == ["a", "b"]
    for rec, res in zip(records, results):
        for m in res["places"] + res["actors"]:
            assert rec["text"][m["start"]:m["end"]] == m["text"]
            assert m["recognizer"] in ("lexicon", "ner", "lexicon+ner")


def test_cli_reports_a_missing_model_once_and_goes_on(tmp_path):
    missing = tmp_path / "nowhere"
    records = [{"id": str(i), "text": "زار فائز السراج القاهرة."} for i in range(3)]
    out = run_cli("extract", "--ner-model", str(missing), lines=records)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 3
    assert out.stderr.count(f"the model directory {missing} cannot be used") == 1


def test_ingest_passes_the_resources_on(tmp_path):
    from geo.ingest import ingest
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    with closing(connect(tmp_path / "atlas.sqlite")) as conn:
        report = ingest([folder], conn, resources=resources_with(FixedLabels(LABELS)))
        assert len(report.added) == 1
        rows = {tuple(r) for r in conn.execute("SELECT text, recognizer FROM place_mentions")}
    assert {("سرت", "ner"), ("طرابلس", "lexicon+ner")} <= rows
