"""Follow-up tickets over HTTP: a scope's tickets, and closing one with its result."""

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from careroute.adapters.dynamodb.repositories import ticketing
from careroute.domain import clock
from careroute.domain.tickets import TicketSource
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import INPUT_ERRORS, PathId, Routes, ScopeQuery
from careroute.messages.api import CloseTicketBody, TicketList, TicketRow
from careroute.service_layer.scope_access import parse_scope
from careroute.service_layer.tickets import TicketFilter, close_ticket, list_tickets

SourceQuery = Annotated[
    TicketSource | None,
    Query(
        description="visit (findings), benefit (whom the benefit scan notified), inspection "
        "(rectification items) or unreachable (elders nobody found in the policy's failed tries)"
    ),
]


DEFAULT_PAGE, MOST_PER_PAGE = 100, 500
"""A page of tickets when `limit` is absent, and the most a page holds: what is long is paged
(a city's open tickets at a month's end are thousands); the whole list is the export's."""
LimitQuery = Annotated[
    int,
    Query(
        ge=1,
        le=MOST_PER_PAGE,
        description=f"Tickets per page (default {DEFAULT_PAGE}, at most {MOST_PER_PAGE}); "
        "follow next_cursor for the rest",
    ),
]
AfterQuery = Annotated[
    str | None, Query(description="The previous page's next_cursor; absent: the first page")
]


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    ports = ticketing()
    route = Routes(app, "officials")

    @route("GET", "/tickets", errors=INPUT_ERRORS)
    def get_tickets(
        scope: ScopeQuery,
        status: Annotated[TicketFilter, Query()] = TicketFilter.OPEN,
        source: SourceQuery = None,
        limit: LimitQuery = DEFAULT_PAGE,
        after: AfterQuery = None,
    ) -> TicketList:
        """Follow-up tickets of a scope (officials in scope, city admin; a steward: their
        community), soonest due first, a page at a time (`count` is of them all;
        `next_cursor` while more follow)"""
        where = parse_scope(scope)
        return list_tickets(caller(), where, status, clock.now(), ports, source, limit, after)

    @route("POST", "/tickets/<ticket_id>/close")
    def post_ticket_close(ticket_id: PathId, body: Annotated[CloseTicketBody, Body()]) -> TicketRow:
        """Close a ticket with the action taken and its result (the community's steward or officials
        in scope)"""
        return close_ticket(caller(), ticket_id, body.action, body.result, clock.now(), ports)
