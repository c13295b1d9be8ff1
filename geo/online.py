"""Opt-in online geocoding: names the offline gazetteer can't place, asked of Nominatim.

Off unless ``$ATLAS_ONLINE_GEOCODING=1`` or ``--online-geocoding``. Then each name is asked at
most once, ever: answers, "nothing found" included, go to a SQLite cache (``data/cache/nominatim.sqlite``,
or ``$ATLAS_GEOCODER_CACHE``). Requests follow Nominatim's usage policy: an identifying user agent
(``$ATLAS_NOMINATIM_USER_AGENT`` to add a contact), at most one per second (geopy's ``RateLimiter``),
and a timeout. ``$ATLAS_NOMINATIM_URL`` points at another Nominatim (a self-hosted one).

Nothing here raises into the pipeline: a timeout, an HTTP error, a refused connection or an answer
that can't be read is logged and the name stays unresolved (not cached, so a later run asks again);
after a few failures in a row the service is left alone for the rest of the process.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from .gazetteer import DATA_DIR
from .model import Place
from .text import normalize

log = logging.getLogger(__name__)

ENV_ENABLE = "ATLAS_ONLINE_GEOCODING"
ENV_CACHE = "ATLAS_GEOCODER_CACHE"
ENV_USER_AGENT = "ATLAS_NOMINATIM_USER_AGENT"
ENV_URL = "ATLAS_NOMINATIM_URL"
DEFAULT_CACHE = DATA_DIR / "cache" / "nominatim.sqlite"
DEFAULT_USER_AGENT = "atlas-arabic-news-geocoder/1.0 (offline-first; online lookups opted in by the user)"
DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
MAX_CONSECUTIVE_FAILURES = 3

# Nominatim's place types folded onto the gazetteer's kinds.
_KINDS = {
    "country": "country",
    **dict.fromkeys(("state", "region", "province", "county", "state_district", "governorate"), "region"),
    **dict.fromkeys(("city", "town", "village", "hamlet", "municipality", "locality"), "city"),
    **dict.fromkeys(("suburb", "neighbourhood", "quarter", "city_district", "district", "borough"), "district"),
}


def enabled(flag: bool | None = None) -> bool:
    """Whether online geocoding is opted into: by ``flag`` when given, else by ``$ATLAS_ONLINE_GEOCODING``."""
    if flag is not None:
        return bool(flag)
    return os.environ.get(ENV_ENABLE, "").strip().lower() in ("1", "true", "yes", "on")


def cache_key(name: str) -> str:
    """Names that differ only in spelling variants the gazetteer ignores share one cache entry."""
    return " ".join(normalize(name).split())


class GeocodeCache:
    """Answers by name, negative ones included, in one SQLite file (safe across threads and processes)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS geocodes (key TEXT PRIMARY KEY, query TEXT NOT NULL, "
                         "place TEXT, service TEXT, fetched_at TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    def get(self, key: str) -> tuple[bool, Place | None]:
        """(whether the name was asked before, the place found then or None)."""
        conn = self._connect()
        try:
            row = conn.execute("SELECT place FROM geocodes WHERE key = ?", (key,)).fetchone()
        finally:
            conn.close()
        if row is None:
            return False, None
        if not row[0]:
            return True, None
        try:
            return True, Place(**json.loads(row[0]))
        except (ValueError, TypeError):   # written by another version of Place: ask again
            return False, None

    def put(self, key: str, query: str, place: Place | None, service: str = "") -> None:
        data = json.dumps(place.__dict__, ensure_ascii=False) if place else None
        conn = self._connect()
        try:
            with conn:
                conn.execute("INSERT OR REPLACE INTO geocodes VALUES (?,?,?,?,?)",
                             (key, query, data, service, datetime.now(timezone.utc).isoformat(timespec="seconds")))
        finally:
            conn.close()

    def __len__(self) -> int:
        conn = self._connect()
        try:
            return conn.execute("SELECT COUNT(*) FROM geocodes").fetchone()[0]
        finally:
            conn.close()


class OnlineGeocoder:
    """Nominatim behind a rate limiter and a persistent cache; ``lookup`` returns a Place or None, never raises."""

    def __init__(self, cache_path: str | os.PathLike | None = None, user_agent: str | None = None,
                 domain: str = DEFAULT_DOMAIN, scheme: str = "https", timeout: float = 5,
                 min_delay_seconds: float = 1.0, language: str = "en", proxies: dict | None = None,
                 max_failures: int = MAX_CONSECUTIVE_FAILURES):
        from geopy.adapters import URLLibAdapter
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self.service = f"{scheme}://{domain}"
        self.language = language
        self.timeout = timeout
        self.cache = GeocodeCache(cache_path or DEFAULT_CACHE)
        # The standard library's adapter: geopy's requests adapter retries a timed-out request twice
        # by itself (three requests, three timeouts), which neither the policy nor the timeout wants.
        self.nominatim = Nominatim(user_agent=user_agent or DEFAULT_USER_AGENT, domain=domain, scheme=scheme,
                                   timeout=timeout, proxies=proxies, adapter_factory=URLLibAdapter)
        # No retries: a failed name stays unresolved at once; a later run asks again.
        self._geocode = RateLimiter(self.nominatim.geocode, min_delay_seconds=min_delay_seconds, max_retries=0,
                                    error_wait_seconds=max(min_delay_seconds, 1.0), swallow_exceptions=False)
        self.max_failures = max_failures
        self.requests = 0           # sent by this instance
        self.failures = 0           # in a row
        self.disabled = False
        self._failed: set[str] = set()   # names that failed in this process: not asked again until restart
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, **overrides) -> OnlineGeocoder:
        """Configured from ``$ATLAS_GEOCODER_CACHE``, ``$ATLAS_NOMINATIM_USER_AGENT`` and ``$ATLAS_NOMINATIM_URL``."""
        kwargs: dict = {"cache_path": os.environ.get(ENV_CACHE) or None,
                        "user_agent": os.environ.get(ENV_USER_AGENT) or None}
        url = os.environ.get(ENV_URL, "").strip()
        if url:
            parts = urlsplit(url if "://" in url else f"https://{url}")
            kwargs["scheme"], kwargs["domain"] = parts.scheme, parts.netloc + parts.path.rstrip("/")
        kwargs.update(overrides)
        return cls(**kwargs)

    def __repr__(self) -> str:
        return f"OnlineGeocoder({self.service!r}, cache={str(self.cache.path)!r})"

    def lookup(self, name: str) -> Place | None:
        """The place Nominatim finds for ``name`` (from the cache when asked before), or None."""
        return self.ask(name)[1]

    def ask(self, name: str) -> tuple[bool, Place | None]:
        """(whether there is an answer, the place or None): ``(True, None)`` is "nothing found",
        ``(False, None)`` a failure (timeout, error, service left alone)."""
        name = " ".join(name.split())
        key = cache_key(name)
        if not key:
            return True, None
        asked, place = self.cache.get(key)
        if asked:
            return True, place
        with self._lock:
            if self.disabled or key in self._failed:
                return False, None
            self.requests += 1
        try:
            location = self._geocode(name, exactly_one=True, addressdetails=True, language=self.language)
            place = to_place(name, location.raw) if location is not None else None
        except Exception as e:   # GeocoderTimedOut, GeocoderUnavailable, GeocoderServiceError, bad JSON, ...
            self._failure(key, name, e)
            return False, None
        with self._lock:
            self.failures = 0
        self.cache.put(key, name, place, self.service)
        return True, place

    def _failure(self, key: str, name: str, error: Exception) -> None:
        with self._lock:
            self._failed.add(key)
            self.failures += 1
            stop = self.failures >= self.max_failures and not self.disabled
            if stop:
                self.disabled = True
        log.warning("online geocoding of %r failed (%s: %s); the name stays unresolved", name,
                    type(error).__name__, error)
        if stop:
            log.warning("online geocoding: %d failures in a row from %s; no more requests in this process",
                        self.failures, self.service)


def to_place(query: str, raw: dict) -> Place:
    """A Place from one Nominatim result (``format=json``, ``addressdetails=1``); ValueError if unusable."""
    if not isinstance(raw, dict):
        raise ValueError(f"unexpected result {raw!r:.80}")
    lat, lon = float(raw["lat"]), float(raw["lon"])
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    osm_type, osm_id = str(raw.get("osm_type") or ""), raw.get("osm_id")
    if osm_type and osm_id is not None:
        pid = f"osm-{osm_type[:1].lower()}{osm_id}"
    else:
        pid = "nominatim-" + hashlib.sha1(cache_key(query).encode("utf-8")).hexdigest()[:12]
    display = str(raw.get("display_name") or "")
    name_en = str(raw.get("name") or display.split(",")[0]).strip() or query
    kind = _KINDS.get(str(raw.get("addresstype") or ""), _KINDS.get(str(raw.get("type") or ""), "site"))
    return Place(id=pid, name_en=name_en, name_ar=query, kind=kind,
                 country=str(address.get("country_code") or "").upper(), lat=lat, lon=lon,
                 population=0, seat=False, source="nominatim")


def load_online(flag: bool | None = None, **overrides) -> OnlineGeocoder | None:
    """The online geocoder when opted into (``flag``, else ``$ATLAS_ONLINE_GEOCODING``), else None."""
    if not enabled(flag):
        return None
    geocoder = OnlineGeocoder.from_env(**overrides)
    log.info("online geocoding on: %r", geocoder)
    return geocoder
