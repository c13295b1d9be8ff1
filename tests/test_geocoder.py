"""The offline gazetteer behind geopy's geocoder interface."""
import pytest
from geopy.distance import geodesic
from geopy.location import Location

from geo.geocoder import GazetteerGeocoder

TRIPOLI = (32.89, 13.19)


@pytest.fixture(scope="module")
def geocoder(gazetteer):
    return GazetteerGeocoder(gazetteer)


def km(location: Location, point) -> float:
    return geodesic(location.point, point).km


def test_tripoli_is_a_geopy_location_in_libya(geocoder):
    loc = geocoder.geocode("طرابلس")
    assert isinstance(loc, Location)
    assert km(loc, TRIPOLI) < 5
    assert (loc.latitude, loc.longitude) == tuple(loc.point)[:2]
    assert loc.raw["id"] == "ly-tripoli" and loc.raw["country"] == "LY"
    assert "طرابلس" in loc.address


@pytest.mark.parametrize("query, point", [
    ("Tripoli", TRIPOLI), ("tripoli", TRIPOLI), ("  Tripoli ", TRIPOLI),
    ("Cairo", (30.04, 31.24)), ("Paris", (48.86, 2.35)), ("Misrata", (32.38, 15.09)),
    ("القاهرة", (30.04, 31.24)), ("مصراتة", (32.38, 15.09)), ("واشنطن", (38.90, -77.04)),
])
def test_arabic_and_english_names(geocoder, query, point):
    assert km(geocoder.geocode(query), point) < 25


def test_all_namesakes_best_first(geocoder):
    found = geocoder.geocode("طرابلس", exactly_one=False)
    assert isinstance(found, list) and all(isinstance(x, Location) for x in found)
    assert [x.raw["id"] for x in found] == ["ly-tripoli", "lb-tripoli"]
    paris = geocoder.geocode("باريس", exactly_one=False)
    assert paris[0].raw["id"] == "fr-paris"
    assert "US" in [x.raw["country"] for x in paris[1:]]      # Paris, Texas comes after


@pytest.mark.parametrize("codes", ["LB", "lb", ["LB"], ["lb", "SY"]])
def test_country_codes_filter(geocoder, codes):
    loc = geocoder.geocode("طرابلس", country_codes=codes)
    assert loc.raw["id"] == "lb-tripoli"
    assert km(loc, (34.44, 35.85)) < 10


def test_country_codes_can_filter_everything_out(geocoder):
    assert geocoder.geocode("طرابلس", country_codes="FR") is None


def test_context_flips_tripoli_to_lebanon(geocoder):
    assert geocoder.geocode("طرابلس", context={"LB"}).raw["id"] == "lb-tripoli"
    assert geocoder.geocode("طرابلس", context={"LY"}).raw["id"] == "ly-tripoli"


@pytest.mark.parametrize("query", ["ززززز", "Atlantis", ""])
def test_unknown_names_give_none(geocoder, query):
    assert geocoder.geocode(query) is None
    assert not geocoder.geocode(query, exactly_one=False)


def test_no_socket_is_opened(no_network):
    geocoder = GazetteerGeocoder()
    assert km(geocoder.geocode("طرابلس"), TRIPOLI) < 5
    assert geocoder.geocode("Paris").raw["country"] == "FR"
    assert geocoder.geocode("طرابلس", exactly_one=False, context={"LB"})[0].raw["id"] == "lb-tripoli"
