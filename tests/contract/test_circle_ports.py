"""The 15-minute service circle's ports, memory against DynamoDB: the facilities replaced
whole, and the daily count of each scope replaced by the next. Then the circle read over
the same registry and facilities answers the same on both."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from careroute.adapters import memory_circle
from careroute.adapters.dynamodb import circle_repositories as dynamodb
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import ElderStatus, GeoPoint, Registry
from careroute.planning.service_circle import Facility, FacilityKind
from careroute.service_layer.ports import CircleCount, CircleCounts, FacilityRepository
from careroute.service_layer.service_circle import CircleReading, circle_share, scope_circle
from tests.conftest import TODAY
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend

CITY = Scope(ScopeKind.CITY, "all")
POLICY = load_policy()


@dataclass(frozen=True)
class CircleBackend:
    base: Backend
    facilities: FacilityRepository
    counts: CircleCounts

    @property
    def reading(self) -> CircleReading:
        return CircleReading(self.facilities, self.base.elders, self.base.scopes, self.counts)


def circle_of(backend: Backend) -> CircleBackend:
    """The circle's adapters of the same backend (the DynamoDB one is reset with it)."""
    if backend.name == "memory":
        return CircleBackend(
            backend, memory_circle.MemoryFacilities(), memory_circle.MemoryCircleCounts()
        )
    return CircleBackend(backend, dynamodb.DynamoFacilities(), dynamodb.DynamoCircleCounts())


@pytest.fixture
def circle(backend: Backend) -> CircleBackend:
    return circle_of(backend)


def a_facility(n: int, kind: FacilityKind = FacilityKind.SERVICE_STATION) -> Facility:
    return Facility(f"F{n:04d}", kind, "D01", GeoPoint(41.79, 123.40 + n / 1000))


def test_facilities_are_listed_by_id_and_replacing_them_drops_the_ones_left_out(
    circle: CircleBackend,
) -> None:
    assert circle.facilities.all_facilities() == []
    assert circle.facilities.replace_facilities([a_facility(3), a_facility(1)]) == 2
    assert circle.facilities.all_facilities() == [a_facility(1), a_facility(3)]

    canteen = a_facility(2, FacilityKind.CANTEEN)
    assert circle.facilities.replace_facilities([canteen]) == 1
    assert circle.facilities.all_facilities() == [canteen]


def test_each_scopes_count_reads_back_until_the_next_count_replaces_it(
    circle: CircleBackend,
) -> None:
    district = Scope(ScopeKind.DISTRICT, "D01")
    assert circle.counts.read_count(CITY) is None
    assert circle.counts.save_counts({CITY: (10, 7), district: (4, 4)}, TODAY) == 2
    assert circle.counts.read_count(CITY) == CircleCount(10, 7, TODAY)
    assert circle.counts.read_count(district) == CircleCount(4, 4, TODAY)
    assert circle.counts.read_count(Scope(ScopeKind.DISTRICT, "D02")) is None

    tomorrow = TODAY + timedelta(days=1)
    circle.counts.save_counts({CITY: (9, 9)}, tomorrow)
    assert circle.counts.read_count(CITY) == CircleCount(9, 9, tomorrow)
    assert circle.counts.read_count(district) == CircleCount(4, 4, TODAY)


def test_the_circle_reads_answer_the_same_on_memory_and_on_dynamodb(
    session_pump: Any, small_city: Registry
) -> None:
    """One facility near the edge of a street: the same circle of the street (ids outside
    included) and the same coverage figure, counted on request before the first count."""
    home = next(e for e in small_city.elders if e.status is ElderStatus.ACTIVE)
    east = GeoPoint(home.location.lat, home.location.lng + 0.01)  # some 800 m east
    station = Facility("F0001", FacilityKind.SERVICE_STATION, home.district_id, east)
    official = Caller("s", Role.STREET_OFFICIAL, home.street_id)
    street = Scope(ScopeKind.STREET, home.street_id)
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        ports = circle_of(backend).reading
        backend.communities.save_communities(small_city.communities)
        backend.elders.save_elders(small_city.elders)
        ports.facilities.replace_facilities([station])
        answers.append(
            (
                scope_circle(official, None, POLICY, ports),
                circle_share(street, POLICY, TODAY, ports),
            )
        )
    on_memory, on_dynamodb = answers
    read, share = on_memory
    assert read["scope"] == str(street)
    assert 0 < read["total"]["within"] < read["total"]["elders"]
    assert (share["elders"], share["within"]) == (read["total"]["elders"], read["total"]["within"])
    assert on_memory == on_dynamodb
