"""What the urgent-response unit tests share: a Tuesday (`at` a time of it; TEN its ten
o'clock), communities of street S1 (district D1) around elder E1's C1, stewards on an
08:30-17:00 shift, and the responders' ports in memory over a given registry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from careroute.adapters import memory, memory_orders, memory_visits
from careroute.domain.policy import load_policy
from careroute.domain.vocabulary import (
    CHINA_TZ,
    Community,
    GeoPoint,
    Steward,
    TimeWindow,
    TravelMode,
    parse_clock,
)
from careroute.service_layer.container_cache import ContainerCache
from careroute.service_layer.responders import DIRECTORY_TTL_SECONDS, Responding

POLICY = load_policy()
DAY = date(2026, 12, 8)  # a Tuesday
TEN = datetime(2026, 12, 8, 10, 0, tzinfo=CHINA_TZ)
SHIFT = TimeWindow.parse("08:30", "17:00")


def at(clock: str) -> datetime:
    """`clock` (HH:MM) on DAY, China time."""
    return datetime.combine(DAY, datetime.min.time(), CHINA_TZ) + timedelta(
        seconds=parse_clock(clock)
    )


def a_community(community_id: str, lat: float) -> Community:
    """A community of street S1 (district D1) at `lat` north, 123.4 east (C1 is at 41.8)."""
    return Community(community_id, "社区", "S1", "街道", "D1", "区", GeoPoint(lat, 123.4), 400)


def a_steward(steward_id: str, community_id: str, leave: frozenset[date] = frozenset()) -> Steward:
    return Steward(steward_id, community_id, "管家", SHIFT, None, TravelMode.BIKE, leave=leave)


def memory_responding(
    communities: memory.MemoryCommunities,
    stewards: memory.MemoryStewards,
    cache: ContainerCache[Any] | None = None,
) -> Responding:
    """The responders' ports in memory over `communities` and `stewards`: no holidays, no
    providers, no orders or routes yet."""
    quota, plans = memory_orders.MemoryQuota(), memory_orders.MemoryDayPlans()
    return Responding(
        communities=communities,
        stewards=stewards,
        holidays=memory.MemoryHolidays(),
        providers=memory_orders.MemoryProviders(),
        plans=plans,
        orders=memory_orders.MemoryOrders(quota, plans),
        routes=memory_visits.MemoryRoutes(),
        cache=cache or ContainerCache(DIRECTORY_TTL_SECONDS),
    )
