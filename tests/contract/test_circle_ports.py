"""The 15-minute service circle's ports, memory against DynamoDB: the facilities replaced
whole, the daily count of each scope and each community's row replaced by the next. Then
the circle read over the same registry and facilities answers the same on both, and the
read summed from the nightly rows answers what the circle computed over every elder does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from careroute.adapters import memory_circle
from careroute.adapters.dynamodb import circle_repositories as dynamodb
from careroute.adapters.dynamodb import service_facilities
from careroute.adapters.dynamodb.circle_rows import DynamoCircleRows
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Elder, ElderStatus, GeoPoint, Registry
from careroute.planning.service_circle import Facility, FacilityKind, service_circle
from careroute.service_layer.ports import CircleCount, CircleCounts, FacilityRepository
from careroute.service_layer.ports.circle_rows import CircleRows, CommunityCircle
from careroute.service_layer.service_circle import (
    CircleCounting,
    CircleReading,
    circle_share,
    count_circles,
    row_document,
    scope_circle,
    walking,
)
from tests.conftest import TODAY
from tests.contract.conftest import Backend, dynamodb_backend, memory_backend
from tests.contract.use_case_ports import AreaBackend

CITY = Scope(ScopeKind.CITY, "all")
POLICY = load_policy()


@dataclass(frozen=True)
class CircleBackend(AreaBackend):
    facilities: FacilityRepository
    counts: CircleCounts
    rows: CircleRows


def circle_of(backend: Backend) -> CircleBackend:
    """The circle's adapters of the same backend (the DynamoDB one is reset with it)."""
    if backend.name == "memory":
        return CircleBackend(
            backend,
            memory_circle.MemoryFacilities(),
            memory_circle.MemoryCircleCounts(),
            memory_circle.MemoryCircleRows(),
        )
    return CircleBackend(
        backend, service_facilities, dynamodb.DynamoCircleCounts(), DynamoCircleRows()
    )


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
        ports = circle_of(backend).ports(CircleReading)
        backend.communities.save_communities(small_city.communities)
        backend.elders.save_elders(small_city.elders)
        ports.facilities.replace_facilities([station])
        answers.append(
            (
                scope_circle(official, None, TODAY, POLICY, ports),
                circle_share(street, POLICY, TODAY, ports),
            )
        )
    on_memory, on_dynamodb = answers
    read, share = on_memory
    assert read["scope"] == str(street)
    assert 0 < read["total"]["within"] < read["total"]["elders"]
    assert (share["elders"], share["within"]) == (read["total"]["elders"], read["total"]["within"])
    assert on_memory == on_dynamodb


def test_each_communitys_row_reads_back_until_the_next_count_replaces_it(
    circle: CircleBackend,
) -> None:
    ids = [f"C{n:04d}" for n in range(120)]
    rows = [CommunityCircle(c, "D01", TODAY, 3, 1, (f"E{c}a", f"E{c}b")) for c in ids]
    assert circle.rows.read_rows(ids) == {}
    assert circle.rows.save_rows(rows) == 120
    assert circle.rows.read_rows(ids) == {r.community_id: r for r in rows}  # one query
    assert circle.rows.read_rows(["C0003", "C0999"]) == {"C0003": rows[3]}

    empty = CommunityCircle("C0003", "D01", TODAY + timedelta(days=1), 0, 0, ())
    circle.rows.save_rows([empty])
    assert circle.rows.read_rows(["C0003", "C0004"]) == {"C0003": empty, "C0004": rows[4]}


def computed(scope_elders: list[Elder], facilities: list[Facility], city: bool) -> dict[str, Any]:
    """GET /service-circle's figures computed over every elder of the scope (no `as_of`)."""
    report = service_circle(scope_elders, facilities, walking(POLICY))
    return {
        "total": {k: v for k, v in row_document(report.city, ids=not city).items() if k != "id"},
        "districts": [row_document(r, ids=False) for r in report.districts.values()],
        "communities": [row_document(r) for r in report.communities.values()],
    }


def test_the_circle_summed_from_the_nightly_rows_is_the_one_over_every_elder(
    session_pump: Any, small_city: Registry
) -> None:
    """Three stations; the nightly count stores every community's row; the city, a district,
    a street and a community read from the rows answer as the circle computed over their
    elders, on memory and DynamoDB alike. A community registered after the count is counted
    from its elders on request, and the answer still equals the full computation."""
    active = [e for e in small_city.elders if e.status is ElderStatus.ACTIVE]
    stations = [
        Facility(f"F{n}", FacilityKind.DAY_CARE, e.district_id, e.location)
        for n, e in enumerate(active[:: max(1, len(active) // 3)][:3])
    ]
    first = small_city.communities[0]
    scopes = ["city", f"district:{first.district_id}", f"street:{first.street_id}",
              f"community:{first.community_id}"]  # fmt: skip
    admin = Caller("a", Role.CITY_ADMIN, "")
    late = small_city.communities[-1].community_id  # registered after the count
    at_count = [c for c in small_city.communities if c.community_id != late]
    answers = []
    for backend in (memory_backend(), dynamodb_backend(session_pump)):
        circle = circle_of(backend.holding(small_city))
        circle.facilities.replace_facilities(stations)
        counted = [e for e in small_city.elders if e.community_id != late]
        count_circles(at_count, counted, POLICY, TODAY, circle.ports(CircleCounting))
        answers.append(
            [scope_circle(admin, s, TODAY, POLICY, circle.ports(CircleReading)) for s in scopes]
        )

    on_memory, on_dynamodb = answers
    assert on_memory == on_dynamodb
    for text, answer in zip(scopes, on_memory, strict=True):
        members = set(backend.scopes.communities_in(Scope.parse(text)))
        elders = [e for e in small_city.elders if e.community_id in members]
        expected = computed(elders, stations, city=text == "city")
        assert {k: answer[k] for k in expected} == {**expected, "total": {
            **expected["total"], "id": text}}, text  # fmt: skip
        assert answer["as_of"] == TODAY.isoformat()
    city = on_memory[0]
    assert 0 < city["total"]["within"] < city["total"]["elders"]
    assert late in {c["id"] for c in city["communities"]}
