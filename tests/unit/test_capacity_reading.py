"""The month's capacity forecast of a scope, read through the ports (on the memory adapters)."""

from __future__ import annotations

from datetime import date

import pytest
from careroute_synthetic.city import generate_city

from careroute.adapters import memory
from careroute.domain.coverage import Scope, ScopeKind
from careroute.domain.errors import NotFoundError
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import Registry
from careroute.planning.capacity import Assumptions, forecast
from careroute.service_layer.capacity import CITY, CapacityReading, capacity_forecast

POLICY = load_policy()
DECEMBER = date(2026, 12, 1)
CHRISTMAS = date(2026, 12, 25)


@pytest.fixture(scope="module")
def two_districts() -> Registry:
    """A few communities of Heping and Shenhe, history as of 20 November 2026."""
    return generate_city(3, as_of=date(2026, 11, 20), districts=["Heping", "Shenhe"], scale=0.06)


def stored(city: Registry, holidays: dict[date, str] | None = None) -> CapacityReading:
    ports = CapacityReading(
        memory.MemoryCommunities(),
        memory.MemoryStewards(),
        memory.MemoryElders(),
        memory.MemoryHolidays(holidays),
    )
    ports.communities.save_communities(city.communities)
    ports.stewards.save_stewards(city.stewards)
    ports.elders.save_elders(city.elders)
    return ports


def test_the_citys_forecast_is_the_registrys_with_the_stored_holidays(
    two_districts: Registry,
) -> None:
    """Given the registry and a holiday stored, the forecast equals the pure one over the
    same registry and holiday (communities in id order), and the holiday costs hours."""
    ports = stored(two_districts, {CHRISTMAS: "圣诞节"})
    read = capacity_forecast(DECEMBER, POLICY, ports, CITY, Assumptions(attempt_success=0.7))
    ordered = Registry(
        tuple(sorted(two_districts.communities, key=lambda c: c.community_id)),
        two_districts.stewards,
        two_districts.elders,
    )
    pure = forecast(DECEMBER, ordered, POLICY, [CHRISTMAS], Assumptions(attempt_success=0.7))
    assert read == pure
    assert len(read.communities) == len(two_districts.communities) > 4
    no_holiday = capacity_forecast(DECEMBER, POLICY, stored(two_districts), CITY)
    with_holiday = capacity_forecast(DECEMBER, POLICY, ports, CITY)
    for plain, closed in zip(no_holiday.communities, with_holiday.communities, strict=True):
        assert plain.minutes_available > closed.minutes_available


def test_a_street_is_its_districts_forecast_cut_down_and_only_its_district_is_read(
    two_districts: Registry,
) -> None:
    ports = stored(two_districts)
    street = two_districts.communities[0]
    district = Scope(ScopeKind.DISTRICT, street.district_id)
    read: list[tuple[int, int]] = []
    whole = capacity_forecast(
        DECEMBER, POLICY, ports, district, progress=lambda done, total: read.append((done, total))
    )
    in_district = [c for c in two_districts.communities if c.district_id == street.district_id]
    assert read[-1] == (len(in_district), len(in_district)) and len(read) == len(in_district)
    assert {c.community_id for c in whole.communities} == {c.community_id for c in in_district}
    cut = capacity_forecast(DECEMBER, POLICY, ports, Scope(ScopeKind.STREET, street.street_id))
    same_street = [c for c in whole.communities if c.street_id == street.street_id]
    assert cut.communities == tuple(same_street)
    assert [s.street_id for s in cut.streets] == [street.street_id]
    one = capacity_forecast(
        DECEMBER, POLICY, ports, Scope(ScopeKind.COMMUNITY, street.community_id)
    )
    assert [c.community_id for c in one.communities] == [street.community_id]


def test_a_scope_without_communities_is_not_found(two_districts: Registry) -> None:
    with pytest.raises(NotFoundError, match="district:D99"):
        capacity_forecast(DECEMBER, POLICY, stored(two_districts), Scope.parse("district:D99"))
