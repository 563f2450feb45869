"""The ports an urgent responder is found through, and the directory read from them.

Apart from the search itself (`service_layer/responders.py`, with the steward's and the
worker's day and the routing models behind them): the incidents API builds the incident
ports, which hold these, but never searches, so it does not load the search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from careroute.domain.providers import Provider, ServiceWorker
from careroute.domain.vocabulary import Community, Steward
from careroute.service_layer.container_cache import ContainerCache
from careroute.service_layer.ports import (
    CommunityRepository,
    DayPlanRepository,
    HolidayCalendar,
    OrderRepository,
    RouteRepository,
    ServiceProviders,
    StewardRepository,
)

DIRECTORY_TTL_SECONDS = 60.0


@dataclass
class ResponderDirectory:
    communities: dict[str, Community]
    stewards: dict[str, Steward]
    """By community id."""
    holidays: frozenset[date]
    crews: dict[str, list[tuple[Provider, ServiceWorker]]] = field(default_factory=dict)
    """By district id, read on first use: the district's providers' workers."""
    workdays: frozenset[date] = frozenset()
    """Make-up working days (调休): worked although they fall on a weekly day off."""


@dataclass(frozen=True)
class Responding:
    """The ports finding a responder and changing their day read and write, with the
    directory read from them kept for a container minute (built once per container)."""

    communities: CommunityRepository
    stewards: StewardRepository
    holidays: HolidayCalendar
    providers: ServiceProviders
    plans: DayPlanRepository
    orders: OrderRepository
    routes: RouteRepository
    cache: ContainerCache[ResponderDirectory] = field(
        default_factory=lambda: ContainerCache(DIRECTORY_TTL_SECONDS), compare=False
    )


def directory(ports: Responding) -> ResponderDirectory:
    """Communities, stewards (with leave), holidays and workers, read once per container
    minute."""
    return ports.cache.get(lambda: _read_directory(ports))


def _read_directory(ports: Responding) -> ResponderDirectory:
    return ResponderDirectory(
        {c.community_id: c for c in ports.communities.all_communities()},
        {s.community_id: s for s in ports.stewards.all_stewards()},
        frozenset(ports.holidays.holidays()),
        workdays=frozenset(ports.holidays.workdays()),
    )
