"""Officials' capacity forecast: which communities and streets of a scope cannot reach 100 %
of the month's visits unaided, and the helper-hours each needs, from whom."""

from datetime import date
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from careroute.adapters.dynamodb.capacity_view import DynamoCapacityView
from careroute.adapters.dynamodb.repositories import DynamoCoverage, DynamoScopes, capacity_reading
from careroute.domain.errors import ValidationError
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import MonthQuery, Routes, ScopeQuery
from careroute.entrypoints.policy_in_force import current_policy
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
from careroute.service_layer.capacity import forecast_read
from careroute.service_layer.scope_access import readable_known_scope
from careroute.service_layer.views import attributes

AttemptSuccessQuery = Annotated[
    float, Query(gt=0, le=1, description="Share of tries that end in a visit (default 0.85)")
]
RowsQuery = Annotated[
    Literal["flagged", "all"], Query(description="flagged (default) or every community and street")
]


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    ports = capacity_reading()
    scopes, coverage, view = DynamoScopes(), DynamoCoverage(), DynamoCapacityView()
    route = Routes(app, "officials")

    @route("GET", "/oversight/capacity")
    def get_capacity(
        month: MonthQuery,
        scope: ScopeQuery = "city",
        attempt_success: AttemptSuccessQuery = Assumptions.attempt_success,
        rows: RowsQuery = "flagged",
    ) -> CapacityReport:
        """The month's capacity forecast of a scope: who cannot reach 100 % unaided, and the help"""
        where = readable_known_scope(caller(), scope, scopes, coverage)
        first = first_day(month)
        assume = Assumptions(attempt_success=attempt_success)
        policy = current_policy(api.policy)
        result = forecast_read(first, policy, ports, where, assume, scopes, view)
        return report(result, str(where), every_row=rows == "all")


def first_day(month: str) -> date:
    """The month's first day; ValidationError for a month the calendar has not (0000-01)."""
    try:
        return date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise ValidationError(f"month: {exc}") from exc


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
