"""The coverage report carries the scope's 15-minute service circle: the same counts and
share GET /service-circle gives for that scope (and the registry's own figure), no elder
ids; read from the daily count once there is one, counted on request before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from careroute_synthetic.facilities import city_facilities

from careroute.adapters.dynamodb import registry
from careroute.domain import clock
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import CHINA_TZ, Registry
from careroute.planning.service_circle import COUNTED, CircleReport, service_circle
from careroute.service_layer.service_circle import walking
from careroute_local.pump import EventPump
from tests.conftest import bearer

NOW = datetime(2026, 12, 1, 10, tzinfo=CHINA_TZ)
MONTH = "2026-12"


@pytest.fixture(autouse=True)
def fresh_circle() -> Iterator[None]:
    """The reports' morning. (Another test's city cannot answer from the container's caches:
    forget_container_caches drops them around every test.)"""
    with clock.use(lambda: NOW):
        yield


def city_report(city: Registry) -> CircleReport:
    """The circle of `city` with the facilities the stack loaded for it."""
    return service_circle(city.elders, city_facilities(city.communities), walking(load_policy()))


def get(pump: EventPump, path: str, role: str, scope_id: str | None, **query: str) -> Any:
    response = pump.invoke_http("GET", path, headers=bearer(pump, role, scope_id), query=query)
    assert response.status == 200, response.body
    return response.json()


@pytest.mark.parametrize(
    ("role", "scope_of"),
    [
        ("city_admin", lambda c: "city"),
        ("district_official", lambda c: f"district:{c.district_id}"),
        ("street_official", lambda c: f"street:{c.street_id}"),
        ("street_official", lambda c: f"community:{c.community_id}"),
    ],
)
def test_each_scopes_report_has_the_circle_share_the_circle_api_gives(
    loaded_stack: EventPump, small_city: Registry, role: str, scope_of: Any
) -> None:
    community = small_city.communities[0]
    scope = scope_of(community)
    own = None if role == "city_admin" else scope.split(":")[1]
    if scope.startswith("community:"):
        own = community.street_id
    report = get(loaded_stack, "/coverage", role, own, month=MONTH, scope=scope)
    circle = get(loaded_stack, "/service-circle", role, own, scope=scope)["total"]
    assert report["service_circle"] == {
        "limit_minutes": 15,
        "elders": circle["elders"],
        "within": circle["within"],
        "share": circle["share"],
        "as_of": "2026-12-01",
    }
    assert circle["elders"] > 0 and 0 < circle["within"] <= circle["elders"]
    if scope == "city":
        expected = city_report(small_city).city
        assert (circle["elders"], circle["within"]) == (expected.elders, expected.within)
    assert "outside" not in report["service_circle"]


def test_the_daily_count_is_what_reports_read_until_the_next_count(
    loaded_stack: EventPump, small_city: Registry
) -> None:
    """The ServiceCircleCountFunction's schedule stores every scope's count; reports read
    it (as of its day), so an elder who leaves the registry still counts until the next
    night's count: what a monthly report can live with, for one item read per report."""
    dawn = datetime(2026, 12, 1, 4, 30, tzinfo=CHINA_TZ)
    summary = loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn)
    first = get(loaded_stack, "/coverage", "city_admin", None, month=MONTH, scope="city")
    expected = city_report(small_city)
    assert first["service_circle"]["as_of"] == "2026-12-01"
    assert (summary["elders"], summary["within"]) == (expected.city.elders, expected.city.within)
    assert (first["service_circle"]["elders"], first["service_circle"]["within"]) == (
        expected.city.elders,
        expected.city.within,
    )
    # scopes: every community, street and district of the city, and the city
    c = small_city.communities
    assert (
        summary["scopes"]
        == len(c) + len({x.street_id for x in c}) + len({x.district_id for x in c}) + 1
    )
    gone = next(e for e in small_city.elders if e.status in COUNTED)
    outside = gone.elder_id in expected.city.outside
    registry.ElderModel.get(gone.community_id, gone.elder_id).delete()
    same_day = get(loaded_stack, "/coverage", "city_admin", None, month=MONTH, scope="city")
    assert same_day["service_circle"] == first["service_circle"]

    loaded_stack.fire_schedule("ServiceCircleCountFunction", dawn + timedelta(days=1))
    with clock.use(lambda: NOW + timedelta(days=1)):
        next_day = get(loaded_stack, "/coverage", "city_admin", None, month=MONTH, scope="city")
    circle = next_day["service_circle"]
    assert circle["as_of"] == "2026-12-02"
    assert circle["elders"] == first["service_circle"]["elders"] - 1
    assert circle["within"] == first["service_circle"]["within"] - (0 if outside else 1)
    street = f"street:{gone.street_id}"
    in_street = get(loaded_stack, "/coverage", "street_official", gone.street_id,
                    month=MONTH, scope=street)["service_circle"]  # fmt: skip
    assert in_street["as_of"] == "2026-12-02" and in_street["elders"] == sum(
        1 for e in small_city.elders
        if e.street_id == gone.street_id and e.status in COUNTED and e is not gone
    )  # fmt: skip
