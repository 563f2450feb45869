"""Officials' reads: a month's coverage of a scope, and the elders past their deadline."""

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query

from careroute.adapters.dynamodb import coverage, scopes
from careroute.adapters.dynamodb.circle_repositories import circle_reading
from careroute.adapters.dynamodb.oversight_repositories import overdue_reading
from careroute.adapters.dynamodb.repositories import ticketing
from careroute.domain import clock
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import MonthQuery, Routes, ScopeQuery
from careroute.entrypoints.policy_in_force import current_policy
from careroute.messages.api import OverdueList
from careroute.service_layer.officials import overdue_in
from careroute.service_layer.scope_access import readable_known_scope
from careroute.service_layer.service_circle import circle_share
from careroute.service_layer.tickets import ticket_figures

OnQuery = Annotated[date | None, Query(description="YYYY-MM-DD; default today (Asia/Shanghai)")]
DEFAULT_PAGE = 500
LimitQuery = Annotated[int, Query(ge=1, le=5000, description="Elders per page (at most 5,000)")]
AfterQuery = Annotated[
    str | None, Query(description="The previous page's next_cursor; absent: the first page")
]


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    tickets = ticketing()
    overdue = overdue_reading()
    circle = circle_reading()
    route = Routes(app, "officials")

    @route("GET", "/coverage")
    def get_coverage(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
        """Visit coverage for a month and scope, per risk tier (no names)"""
        where = readable_known_scope(caller(), scope, scopes, coverage)
        return {
            "month": month,
            "scope": str(where),
            "tiers": coverage.read_coverage(month, where),
            "tickets": ticket_figures(where, month, clock.now(), tickets),
            "service_circle": circle_share(
                where, current_policy(api.policy), clock.today(), circle
            ),
        }

    @route("GET", "/overdue")
    def get_overdue(
        scope: ScopeQuery = "city",
        on: OnQuery = None,
        limit: LimitQuery = DEFAULT_PAGE,
        after: AfterQuery = None,
    ) -> OverdueList:
        """Active elders past their visit deadline in a scope (ids and dates, no names), most
        overdue first, a page at a time; the counts per tier and district are of them all"""
        where = readable_known_scope(caller(), scope, scopes, coverage)
        day = on or clock.today()
        return overdue_in(where, day, current_policy(api.policy), overdue, limit, after)
