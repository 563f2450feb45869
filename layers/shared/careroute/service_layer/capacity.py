"""The month's capacity forecast of a scope, from the stored registry and holidays.

Helpers for a short community come from its street and then its district, so the forecast is
always made over whole districts (those holding the scope asked for) and then cut down to the
scope: a street's answer names the same helpers as its district's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from careroute.domain.coverage import Scope, ScopeKind, scopes_of
from careroute.domain.errors import NotFoundError
from careroute.domain.policy import Policy
from careroute.domain.vocabulary import Elder, Registry
from careroute.planning.capacity import Assumptions, CapacityForecast, forecast
from careroute.service_layer.ports import (
    CommunityRepository,
    ElderRepository,
    HolidayCalendar,
    StewardRepository,
)

CITY = Scope(ScopeKind.CITY, "all")

Progress = Callable[[int, int], None]
"""Told (communities read, communities to read) as the elders are read."""


@dataclass(frozen=True)
class CapacityReading:
    """The ports the forecast reads: the registry and the bureau's holidays."""

    communities: CommunityRepository
    stewards: StewardRepository
    elders: ElderRepository
    holidays: HolidayCalendar


def within(scope: Scope, community_id: str, street_id: str, district_id: str) -> bool:
    """Whether the community of these ids lies in the scope."""
    return scope.kind is ScopeKind.CITY or scope in scopes_of(community_id, street_id, district_id)


def capacity_forecast(
    month: date,
    policy: Policy,
    ports: CapacityReading,
    scope: Scope = CITY,
    assumptions: Assumptions | None = None,
    progress: Progress | None = None,
) -> CapacityForecast:
    """The month's forecast for the communities and streets of `scope` (NotFoundError when the
    registry has no community there), helpers drawn from their whole districts."""
    communities = list(ports.communities.all_communities())
    districts = {
        c.district_id
        for c in communities
        if within(scope, c.community_id, c.street_id, c.district_id)
    }
    if not districts:
        raise NotFoundError(f"no community in {scope}")
    pool = sorted(
        (c for c in communities if c.district_id in districts), key=lambda c: c.community_id
    )
    pool_ids = {c.community_id for c in pool}
    stewards = [s for s in ports.stewards.all_stewards() if s.community_id in pool_ids]
    elders: list[Elder] = []
    for done, community in enumerate(pool, start=1):
        elders.extend(ports.elders.elders_of_community(community.community_id))
        if progress is not None:
            progress(done, len(pool))
    registry = Registry(tuple(pool), tuple(stewards), tuple(elders))
    calendar = ports.holidays
    whole = forecast(month, registry, policy, calendar.holidays(), assumptions, calendar.workdays())
    return limited_to(whole, scope)


def limited_to(whole: CapacityForecast, scope: Scope) -> CapacityForecast:
    """The forecast's communities and streets inside `scope` (their help keeps its helpers,
    wherever they are)."""
    if scope.kind is ScopeKind.CITY:
        return whole
    communities = tuple(
        c for c in whole.communities if within(scope, c.community_id, c.street_id, c.district_id)
    )
    streets = {c.street_id for c in communities}
    return replace(
        whole,
        communities=communities,
        streets=tuple(s for s in whole.streets if s.street_id in streets),
    )
