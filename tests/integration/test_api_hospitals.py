"""GET /hospitals: the city's hospitals as the steward page offers them when an elder is found
gone to hospital, nearest to the elder's home first."""

from __future__ import annotations

from careroute_synthetic.hospitals import hospitals_of
from careroute_synthetic.meals import MEAL_SEED

from careroute.domain.vocabulary import Registry
from careroute.planning.travel import haversine_m
from careroute_local.pump import EventPump
from tests.integration.api_calls import get


def test_a_steward_reads_the_hospitals_nearest_to_an_elder_first(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """Given the small city loaded with its synthetic hospitals, when a steward asks for the
    hospitals near one of their elders, every hospital comes back, nearest first, with its
    distance in whole metres."""
    elder = small_city.elders[0]
    steward = next(s for s in small_city.stewards if s.community_id == elder.community_id)
    home = elder.location
    response = get(loaded_stack, "/hospitals", "steward", steward.steward_id,
                   {"near": f"{home.lat},{home.lng}"})  # fmt: skip
    assert response.status == 200, response.text
    body = response.json()
    expected = hospitals_of(small_city.communities, MEAL_SEED)
    nearest_first = sorted(expected, key=lambda h: haversine_m(home, h.location))
    assert body["count"] == len(expected) >= 2
    assert [row["name"] for row in body["hospitals"]] == [h.name for h in nearest_first]
    first, hospital = body["hospitals"][0], nearest_first[0]
    assert (first["lat"], first["lng"]) == (hospital.location.lat, hospital.location.lng)
    assert first["distance_m"] == round(haversine_m(home, hospital.location))
    assert body["near"] == f"{home.lat},{home.lng}"


def test_without_a_point_an_official_reads_the_hospitals_by_id(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    response = get(loaded_stack, "/hospitals", "district_official", "D01")
    assert response.status == 200, response.text
    rows = response.json()["hospitals"]
    assert [r["hospital_id"] for r in rows] == sorted(r["hospital_id"] for r in rows)
    assert rows and all(r["distance_m"] is None for r in rows)
    assert rows[0]["name"] == "和平区中心医院"


def test_a_point_that_is_not_lat_lng_is_refused_naming_near(loaded_stack: EventPump) -> None:
    for near in ("41.78", "north,east", "91,123.4"):
        response = get(loaded_stack, "/hospitals", "city_admin", None, {"near": near})
        assert response.status == 422, near
        assert "near" in response.json()["error"]["message"]


def test_a_home_service_worker_may_not_read_the_hospitals(loaded_stack: EventPump) -> None:
    response = get(loaded_stack, "/hospitals", "worker", "W0001")
    assert response.status == 403
