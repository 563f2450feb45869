"""Officials' capacity forecast: which communities and streets of a scope cannot reach 100 %
of the month's visits unaided, and the helper-hours each needs, from whom.

The forecast itself (`capacity_report`) is imported where the route runs: it is read a few
times a month, and its modules are ~7 ms of the API function's cold start."""

from datetime import date
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from careroute.adapters.dynamodb import coverage, scopes
from careroute.domain.errors import ValidationError
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import MonthQuery, Routes, ScopeQuery
from careroute.entrypoints.policy_in_force import current_policy
from careroute.messages.api import CapacityReport
from careroute.service_layer.scope_access import readable_known_scope

DEFAULT_ATTEMPT_SUCCESS = 0.85
"""The forecast's default share of tries that end in a visit (`planning.capacity.Assumptions`),
named here so that the route's signature does not import the forecast; a test keeps the two
equal."""

AttemptSuccessQuery = Annotated[
    float, Query(gt=0, le=1, description="Share of tries that end in a visit (default 0.85)")
]
RowsQuery = Annotated[
    Literal["flagged", "all"], Query(description="flagged (default) or every community and street")
]


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    route = Routes(app, "officials")

    @route("GET", "/oversight/capacity")
    def get_capacity(
        month: MonthQuery,
        scope: ScopeQuery = "city",
        attempt_success: AttemptSuccessQuery = DEFAULT_ATTEMPT_SUCCESS,
        rows: RowsQuery = "flagged",
    ) -> CapacityReport:
        """The month's capacity forecast of a scope: who cannot reach 100 % unaided, and the help"""
        where = readable_known_scope(caller(), scope, scopes, coverage)
        first, policy = first_day(month), current_policy(api.policy)
        # Imported here, the one exception to imports at the top (see the module's docstring).
        from careroute.entrypoints.api_routes.capacity_report import forecast_report

        return forecast_report(first, policy, where, attempt_success, rows == "all", scopes)


def first_day(month: str) -> date:
    """The month's first day; ValidationError for a month the calendar has not (0000-01)."""
    try:
        return date.fromisoformat(f"{month}-01")
    except ValueError as exc:
        raise ValidationError(f"month: {exc}") from exc
