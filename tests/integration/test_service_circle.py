"""The 15-minute service circle over HTTP on the local stack: officials read their scope's
share of elders within 15 minutes' walk of a facility and the ids outside; other scopes,
other roles and malformed scopes are refused. The facilities are the service-facilities
table's: one added there brings its neighbours inside; none leaves everyone outside."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from careroute_synthetic.facilities import city_facilities

from careroute.adapters.dynamodb import service_facilities
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, ElderStatus, Registry
from careroute.planning.service_circle import Facility, FacilityKind, service_circle
from careroute.service_layer import container_cache
from careroute.service_layer.service_circle import walking
from careroute_local.pump import EventPump
from tests.conftest import TODAY, bearer


def test_a_district_official_reads_the_same_figures_as_the_registry_gives(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    response = loaded_stack.invoke_http(
        "GET", "/service-circle", headers=bearer(loaded_stack, "district_official", "D01")
    )
    assert response.status == 200, response.body
    doc = response.json()
    facilities = city_facilities(small_city.communities)  # what the stack loaded
    expected = service_circle(small_city.elders, facilities, walking(load_policy()))
    assert doc["scope"] == "district:D01" and doc["limit_minutes"] == 15
    assert (doc["total"]["elders"], doc["total"]["within"]) == (
        expected.city.elders,
        expected.city.within,
    )
    assert doc["total"]["outside"] == expected.city.outside
    by_id = {row["id"]: row for row in doc["communities"]}
    assert set(by_id) == {c.community_id for c in small_city.communities}
    for cid, row in expected.communities.items():
        assert by_id[cid]["outside"] == row.outside
    text = response.body.decode()
    assert all(e.name not in text and e.address not in text for e in small_city.elders)


def test_a_street_official_reads_their_street_and_not_another_district(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    street = small_city.communities[0].street_id
    mine = loaded_stack.invoke_http(
        "GET", "/service-circle", headers=bearer(loaded_stack, "street_official", street)
    )
    assert mine.status == 200 and mine.json()["scope"] == f"street:{street}"
    wanted = {c.community_id for c in small_city.communities if c.street_id == street}
    assert {row["id"] for row in mine.json()["communities"]} == wanted
    for role, scope, query in (
        ("street_official", street, "district:D01"),
        ("district_official", "D02", "district:D01"),
        ("district_official", "D01", "city"),
        ("steward", "W0001", "district:D01"),
    ):
        response = loaded_stack.invoke_http(
            "GET", "/service-circle", headers=bearer(loaded_stack, role, scope),
            query={"scope": query},
        )  # fmt: skip
        assert response.status == 403, (role, query, response.body)


def test_a_malformed_scope_is_refused_naming_the_field(loaded_stack: EventPump) -> None:
    for query in ("planet:X", "district:", "x" * 41):
        response = loaded_stack.invoke_http(
            "GET", "/service-circle", headers=bearer(loaded_stack, "city_admin"),
            query={"scope": query},
        )  # fmt: skip
        assert response.status == 422, (query, response.body)
        assert "scope" in response.json()["error"]["message"]


def circle_of(pump: EventPump, scope: str) -> dict[str, Any]:
    response = pump.invoke_http(
        "GET", "/service-circle", headers=bearer(pump, "city_admin"), query={"scope": scope}
    )
    assert response.status == 200, response.body
    return dict(response.json())


def district_circle(pump: EventPump) -> dict[str, Any]:
    """The small city's one district (ids outside are listed below the city)."""
    return dict(circle_of(pump, "district:D01")["total"])


def test_after_the_nightly_count_the_city_reads_its_rows_and_answers_as_every_elder(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """The real ServiceCircleCountFunction stores every community's row; GET /service-circle
    of the city and the district then answers the circle over every elder, as of the count.
    A facility stored after the count shows after the next one (the read does not recount)."""
    dawn = datetime.combine(TODAY, datetime.min.time(), CHINA_TZ).replace(hour=4, minute=30)
    loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)
    facilities = city_facilities(small_city.communities)  # what the stack loaded
    expected = service_circle(small_city.elders, facilities, walking(load_policy()))
    city = circle_of(loaded_stack, "city")
    assert city["as_of"] == TODAY.isoformat()
    assert (city["total"]["elders"], city["total"]["within"]) == (
        expected.city.elders,
        expected.city.within,
    )
    assert "outside" not in city["total"]
    assert {r["id"]: r["outside"] for r in city["communities"]} == {
        cid: row.outside for cid, row in expected.communities.items()
    }
    assert district_circle(loaded_stack)["outside"] == expected.city.outside

    service_facilities.replace_facilities([])
    container_cache.forget_all()
    assert district_circle(loaded_stack)["within"] == expected.city.within  # as of the count
    loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)
    assert district_circle(loaded_stack)["within"] == 0


def test_a_facility_added_to_the_table_brings_the_elders_near_it_inside(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """Given no facility stored, nobody is inside; when one is stored at an elder's home
    (and the container's copy has expired), that elder and the neighbours are inside."""
    service_facilities.replace_facilities([])
    assert district_circle(loaded_stack)["within"] == 0
    home = next(e for e in small_city.elders if e.status is ElderStatus.ACTIVE)
    station = Facility("F9001", FacilityKind.SERVICE_STATION, home.district_id, home.location)
    service_facilities.replace_facilities([station])
    container_cache.forget_all()  # as the container's ten minutes would
    near = service_circle(small_city.elders, [station], walking(load_policy())).city
    total = district_circle(loaded_stack)
    assert (total["elders"], total["within"]) == (near.elders, near.within)
    assert 0 < near.within < near.elders and home.elder_id not in total["outside"]


def test_an_empty_facility_table_counts_everyone_outside_and_says_so(
    loaded_stack: EventPump, small_city: Registry, handler_logs: io.StringIO
) -> None:
    service_facilities.replace_facilities([])
    total = district_circle(loaded_stack)
    assert total["elders"] > 0 and total["within"] == 0 and total["share"] == 0.0
    assert len(total["outside"]) == total["elders"]
    assert "no service facilities stored" in handler_logs.getvalue()
