"""The month's capacity forecast of a scope, from the stored registry and holidays.

Helpers for a short community come from its street and then its district, so the forecast is
always made over whole districts (those holding the scope asked for) and then cut down to the
scope: a street's answer names the same helpers as its district's.

The nightly count (which reads the whole registry anyway) forecasts this month and the next
with the default assumptions and stores each district's part (`keep_forecasts`); an
official's read with those assumptions is cut from the stored districts (`forecast_read`),
any other assumptions, or a month or district not stored, are forecast on request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    ScopeDirectory,
    StewardRepository,
)
from careroute.service_layer.ports.capacity_view import CapacityView, DistrictForecast

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


def keep_forecasts(
    months: Iterable[date],
    registry: Registry,
    policy: Policy,
    calendar: HolidayCalendar,
    view: CapacityView,
    as_of: date,
) -> int:
    """Forecast each month (its first day) over the whole registry with the default
    assumptions, and store each district's part as made on `as_of`; the parts written."""
    ordered = Registry(
        tuple(sorted(registry.communities, key=lambda c: c.community_id)),
        tuple(registry.stewards),
        tuple(registry.elders),
    )
    holidays, workdays = tuple(calendar.holidays()), tuple(calendar.workdays())
    districts = sorted({c.district_id for c in ordered.communities})
    written = 0
    for month in months:
        whole = forecast(month, ordered, policy, holidays, None, workdays)
        written += view.save_forecasts(
            DistrictForecast(d, as_of, limited_to(whole, Scope(ScopeKind.DISTRICT, d)))
            for d in districts
        )
    return written


def stored_forecast(
    month: date, scope: Scope, scopes: ScopeDirectory, view: CapacityView
) -> tuple[CapacityForecast, date] | None:
    """The scope's forecast cut from the stored districts' (default assumptions), and the
    day the oldest part was made; None when the view does not hold the districts asked."""
    stored = view.read_forecasts(month)
    if scope.kind is ScopeKind.CITY:
        districts = sorted(stored)
    else:
        held = (scope, *scopes.ancestors(scope))
        districts = [s.scope_id for s in held if s.kind is ScopeKind.DISTRICT]
    if not districts or any(d not in stored for d in districts):
        return None
    parts = [stored[d] for d in districts]
    whole = replace(
        parts[0].forecast,
        communities=tuple(
            sorted((c for p in parts for c in p.forecast.communities), key=lambda c: c.community_id)
        ),
        streets=tuple(
            sorted((s for p in parts for s in p.forecast.streets), key=lambda s: s.street_id)
        ),
    )
    return limited_to(whole, scope), min(p.as_of for p in parts)


def forecast_read(
    month: date,
    policy: Policy,
    ports: CapacityReading,
    scope: Scope,
    assumptions: Assumptions,
    scopes: ScopeDirectory,
    view: CapacityView,
) -> CapacityForecast:
    """An official's forecast: cut from the stored one when it answers (the default
    assumptions, its districts stored), else forecast over the registry now."""
    if assumptions == Assumptions():
        found = stored_forecast(month, scope, scopes, view)
        if found is not None:
            return found[0]
    return capacity_forecast(month, policy, ports, scope, assumptions)
