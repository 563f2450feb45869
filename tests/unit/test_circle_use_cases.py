"""The 15-minute service circle's use cases on the memory adapters: the daily count of every
scope, the coverage figure read from it (or counted on request before it, once a day), an
official's read of a scope, and the container's short copy of the facilities."""

from __future__ import annotations

from datetime import timedelta

import pytest

from careroute.adapters import memory, memory_circle
from careroute.adapters.cached import CachedFacilities
from careroute.domain.access import Caller, Role
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import ForbiddenError, ValidationError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import GeoPoint, Registry
from careroute.planning.service_circle import Facility, FacilityKind, service_circle
from careroute.service_layer import container_cache
from careroute.service_layer.ports import CircleCount
from careroute.service_layer.service_circle import (
    CircleCounting,
    CircleReading,
    circle_share,
    count_circles,
    scope_circle,
    walking,
)
from tests.conftest import TODAY
from tests.unit.conftest import STREET_AS_OF

POLICY = load_policy()
CITY = Scope(ScopeKind.CITY, "all")


def station(city: Registry, n: int = 0) -> Facility:
    """A service station at an elder's home."""
    e = city.elders[n]
    return Facility(f"F{n:04d}", FacilityKind.SERVICE_STATION, e.district_id, e.location)


def reading(city: Registry) -> CircleReading:
    """The city in memory, with one service station (`station(city)`) and no counts yet."""
    communities, elders = memory.MemoryCommunities(), memory.MemoryElders()
    communities.save_communities(city.communities)
    elders.save_elders(city.elders)
    facilities = memory_circle.MemoryFacilities()
    facilities.replace_facilities([station(city)])
    return CircleReading(
        facilities,
        elders,
        memory.MemoryScopes(communities),
        memory_circle.MemoryCircleCounts(),
        memory_circle.MemoryCircleRows(),
    )


def test_the_daily_count_stores_every_scope_and_the_coverage_figure_reads_it(
    one_street: Registry,
) -> None:
    ports = reading(one_street)
    counting = CircleCounting(ports.facilities, ports.counts, ports.rows)

    counts = count_circles(
        one_street.communities, one_street.elders, POLICY, STREET_AS_OF, counting
    )
    expected = service_circle(one_street.elders, [station(one_street)], walking(POLICY)).city
    assert counts[CITY] == (expected.elders, expected.within)
    community = one_street.communities[0]
    assert Scope(ScopeKind.STREET, community.street_id) in counts
    assert ports.counts.read_count(CITY) == CircleCount(*counts[CITY], STREET_AS_OF)

    later = STREET_AS_OF + timedelta(days=3)
    share = circle_share(CITY, POLICY, later, ports)
    assert (share["elders"], share["within"], share["as_of"]) == (
        expected.elders,
        expected.within,
        STREET_AS_OF.isoformat(),
    )


def test_before_the_first_count_a_scope_is_counted_on_request_once_a_day(
    one_street: Registry,
) -> None:
    ports = reading(one_street)
    community = Scope(ScopeKind.COMMUNITY, one_street.elders[0].community_id)

    first = circle_share(community, POLICY, STREET_AS_OF, ports)
    assert first["within"] > 0 and first["as_of"] == STREET_AS_OF.isoformat()
    ports.facilities.replace_facilities([])
    assert circle_share(community, POLICY, STREET_AS_OF, ports) == first  # kept for the day
    next_day = STREET_AS_OF + timedelta(days=1)
    assert circle_share(community, POLICY, next_day, ports)["within"] == 0
    ports.facilities.replace_facilities([station(one_street)])
    container_cache.forget_all()  # a fresh container counts afresh
    assert circle_share(community, POLICY, next_day, ports)["within"] == first["within"]


def test_an_official_reads_their_own_scope_and_the_city_lists_no_ids(
    one_street: Registry,
) -> None:
    ports = reading(one_street)
    street_id = one_street.communities[0].street_id

    own = scope_circle(Caller("s", Role.STREET_OFFICIAL, street_id), None, TODAY, POLICY, ports)
    assert own["scope"] == f"street:{street_id}" and own["limit_minutes"] == 15
    assert len(own["total"]["outside"]) == own["total"]["elders"] - own["total"]["within"]
    assert {c["id"] for c in own["communities"]} <= {c.community_id for c in one_street.communities}
    city = scope_circle(Caller("a", Role.CITY_ADMIN, ""), "city", TODAY, POLICY, ports)
    assert "outside" not in city["total"] and all("outside" not in d for d in city["districts"])

    with pytest.raises(ForbiddenError):
        scope_circle(
            Caller("o", Role.STREET_OFFICIAL, "S999"), f"street:{street_id}", TODAY, POLICY, ports
        )
    with pytest.raises(ValidationError, match="no communities"):
        scope_circle(Caller("a", Role.CITY_ADMIN, ""), "street:S999", TODAY, POLICY, ports)


def test_the_container_keeps_the_facilities_until_they_expire_or_are_replaced() -> None:
    stored = memory_circle.MemoryFacilities()
    now = [0.0]
    cached = CachedFacilities(stored, ttl_seconds=600, monotonic=lambda: now[0])
    first = Facility("F1", FacilityKind.DAY_CARE, "D01", GeoPoint(41.8, 123.4))
    stored.replace_facilities([first])
    assert cached.all_facilities() == [first]

    stored.replace_facilities([])  # changed behind the container's back
    assert cached.all_facilities() == [first]
    now[0] = 601.0
    assert cached.all_facilities() == []
    assert cached.replace_facilities([first]) == 1
    assert cached.all_facilities() == [first]
