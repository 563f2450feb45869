"""The capacity forecast as GET /oversight/capacity answers it, read through the capacity view.

Imported by the route where it runs (`api_routes/capacity.py`): the forecast's modules (the
planner's capacity model, the due-date rules, the view's adapter) are ~37 M instructions
(~7 ms) of the API function's cold start, and the forecast is read a few times a month.
"""

from datetime import date
from functools import cache

from careroute.adapters.dynamodb.capacity_view import DynamoCapacityView
from careroute.adapters.dynamodb.repositories import capacity_reading
from careroute.domain.coverage import Scope
from careroute.domain.policy import Policy
from careroute.messages.api import (
    CapacityAssumptions,
    CapacityCommunity,
    CapacityHelp,
    CapacityReport,
    CapacityStreet,
)
from careroute.planning.capacity import (
    Assumptions,
    CapacityForecast,
    CommunityForecast,
    Help,
    StreetForecast,
)
from careroute.service_layer.capacity import CapacityReading, forecast_read
from careroute.service_layer.ports import ScopeDirectory
from careroute.service_layer.views import attributes


@cache
def _ports() -> tuple[CapacityReading, DynamoCapacityView]:
    """The forecast's ports, built at its first read (once per container)."""
    return capacity_reading(), DynamoCapacityView()


def forecast_report(
    first: date,
    policy: Policy,
    where: Scope,
    attempt_success: float,
    every_row: bool,
    scopes: ScopeDirectory,
) -> CapacityReport:
    """The month's forecast of a scope (read through the capacity view), as the API answers it."""
    ports, view = _ports()
    assume = Assumptions(attempt_success=attempt_success)
    result = forecast_read(first, policy, ports, where, assume, scopes, view)
    return report(result, str(where), every_row)


def hours(minutes: float) -> float:
    return round(minutes / 60, 1)


def report(result: CapacityForecast, scope: str, every_row: bool) -> CapacityReport:
    """The forecast as the API answers it: totals, then the flagged rows (or every row)."""
    communities = result.communities if every_row else result.flagged_communities
    streets = result.streets if every_row else result.flagged_streets
    return CapacityReport(
        month=f"{result.month:%Y-%m}",
        scope=scope,
        assumptions=CapacityAssumptions(
            attempt_success=result.assumptions.attempt_success,
            usable_share=result.assumptions.usable_share,
        ),
        communities=len(result.communities),
        streets=len(result.streets),
        flagged_communities=len(result.flagged_communities),
        flagged_streets=len(result.flagged_streets),
        shortfall_hours=hours(result.shortfall_minutes),
        help_hours=hours(result.help_minutes),
        uncovered_hours=hours(result.uncovered_minutes),
        community_rows=[
            _community(c)
            for c in sorted(communities, key=lambda c: (-c.shortfall_minutes, c.community_id))
        ],
        street_rows=[_street(s) for s in streets],
    )


def _community(c: CommunityForecast) -> CapacityCommunity:
    return CapacityCommunity(
        **attributes(c, "community_id", "name", "street_id", "district_id", "stewards", "elders"),
        **attributes(c, "visits_required", "tries_expected", "visit_slots"),
        street=c.street_name,
        hours_required=hours(c.minutes_required),
        hours_available=hours(c.minutes_available),
        shortfall_hours=hours(c.shortfall_minutes),
        help=[_help(h) for h in c.help],
        uncovered_hours=hours(c.uncovered_minutes),
    )


def _help(h: Help) -> CapacityHelp:
    return CapacityHelp(
        from_community_id=h.from_community_id,
        from_community=h.from_name,
        hours=hours(h.minutes),
        level=h.level,
    )


def _street(s: StreetForecast) -> CapacityStreet:
    return CapacityStreet(
        **attributes(s, "street_id", "district_id"),
        street=s.street_name,
        shortfall_hours=hours(s.shortfall_minutes),
        street_help_hours=hours(s.street_help_minutes),
        outside_help_hours=hours(s.outside_help_minutes),
        short_communities=list(s.short_communities),
    )
