"""Officials' exports: a month's coverage, the overdue elders, the tickets and the month's
misses of a scope as a CSV or XLSX file with Chinese headers, the same numbers as GET
/coverage, /overdue and /tickets (each with that route's parameters, plus `format`).
Officials' roles only; the scope is checked as on the JSON routes.

A district's or the city's whole ticket list is a file written in the background: POST
/exports/tickets answers at once (202, the job), GET /exports/jobs/{job_id} tells its owner
whether the file is there and gives a short-lived link to it; GET /exports/tickets of such a
list answers only in parts (`limit`).

Each route imports its answer (`export_answers`) where it runs: the exports' use cases are
~7 ms of the API function's cold start, and an export is asked for a few times a month."""

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from careroute.adapters.export_files import CONTENT_TYPES, ExportFormat
from careroute.domain import clock
from careroute.domain.errors import ValidationError
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.api_routes.officials import OnQuery
from careroute.entrypoints.api_routes.tickets import SourceQuery
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    MonthQuery,
    PathId,
    Routes,
    ScopeQuery,
)
from careroute.entrypoints.policy_in_force import current_policy
from careroute.messages.export_jobs import ExportJobView, TicketsFileBody
from careroute.service_layer.scope_access import parse_scope
from careroute.service_layer.tickets import WIDE_SCOPES, TicketFilter

FormatQuery = Annotated[
    ExportFormat, Query(description="csv (UTF-8 with a byte-order mark) or xlsx")
]
FILE_RESPONSES: dict[int, OpenAPIResponse] = {
    200: {
        "description": "The file, with Chinese column headers (Content-Disposition: attachment)",
        "content": {
            CONTENT_TYPES[ExportFormat.CSV]: {"schema": {"type": "string"}},
            CONTENT_TYPES[ExportFormat.XLSX]: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


NEXT_PART = "X-Next-Cursor"
"""The response header naming where the next part of a CSV export in parts starts."""
PART_RESPONSES: dict[int, OpenAPIResponse] = {
    200: {
        **FILE_RESPONSES[200],
        "headers": {
            NEXT_PART: {
                "description": "Present while more parts follow: pass it back as `after`",
                "schema": {"type": "string"},
            }
        },
    }
}
PartLimitQuery = Annotated[
    int | None,
    Query(
        ge=1,
        le=5000,
        description="CSV only: at most this many rows, then the X-Next-Cursor header leads to "
        "the next part (the parts in order are the whole file); absent: every row, for a "
        "street or a community only (a district's or the city's whole list: POST "
        "/exports/tickets)",
    ),
]
PartAfterQuery = Annotated[
    str | None, Query(description="The previous part's X-Next-Cursor; absent: the first part")
]
JOB_RESPONSES: dict[int, OpenAPIResponse] = {
    202: {
        "description": "Asked for: the job (pending); read it at the Location given "
        "(jobs/{job_id}, relative to this route) until it is done or failed",
        "headers": {"Location": {"description": "jobs/{job_id}", "schema": {"type": "string"}}},
        "content": {"application/json": {"model": ExportJobView}},
    }
}


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    route = Routes(app, "officials")

    @route("GET", "/exports/coverage", errors=READ_ERRORS, responses=FILE_RESPONSES)
    def get_coverage_export(
        month: MonthQuery, scope: ScopeQuery = "city", format: FormatQuery = ExportFormat.CSV
    ) -> Response[str]:
        """A month's visit coverage of a scope per risk tier as CSV or XLSX (GET /coverage's
        rows)"""
        from careroute.entrypoints.api_routes.export_answers import coverage_file

        return coverage_file(caller(), month, scope, format)

    @route("GET", "/exports/overdue", errors=READ_ERRORS, responses=FILE_RESPONSES)
    def get_overdue_export(
        scope: ScopeQuery = "city", on: OnQuery = None, format: FormatQuery = ExportFormat.CSV
    ) -> Response[str]:
        """The elders of a scope past their visit deadline as CSV or XLSX (ids and dates, no
        names)"""
        from careroute.entrypoints.api_routes.export_answers import overdue_file

        policy = current_policy(api.policy)
        return overdue_file(caller(), scope, on or clock.today(), policy, format)

    @route("GET", "/exports/tickets", errors=INPUT_ERRORS, responses=PART_RESPONSES)
    def get_tickets_export(
        scope: ScopeQuery,
        status: Annotated[TicketFilter, Query()] = TicketFilter.OPEN,
        source: SourceQuery = None,
        format: FormatQuery = ExportFormat.CSV,
        limit: PartLimitQuery = None,
        after: PartAfterQuery = None,
    ) -> Response[str]:
        """The follow-up tickets of a scope as CSV or XLSX (ids, no names), soonest due
        first; a CSV in parts of `limit` rows on request"""
        if format is not ExportFormat.CSV and (limit is not None or after is not None):
            raise ValidationError("format: only a CSV export comes in parts (limit, after)")
        if limit is None and parse_scope(scope).kind in WIDE_SCOPES:
            raise ValidationError(
                "limit: a district's or the city's whole ticket list is written in the "
                "background (POST /exports/tickets, then GET /exports/jobs/{job_id}); "
                "or ask for it in parts with limit"
            )
        from careroute.entrypoints.api_routes.export_answers import tickets_file

        part_of = (limit, after)
        return tickets_file(caller(), scope, status, source, part_of, clock.now(), format)

    @route("GET", "/exports/misses", errors=READ_ERRORS, responses=FILE_RESPONSES)
    def get_misses_export(
        month: MonthQuery,
        scope: ScopeQuery = "city",
        on: OnQuery = None,
        format: FormatQuery = ExportFormat.CSV,
    ) -> Response[str]:
        """The elders of a scope a month missed, with causes, as CSV or XLSX (ids, no names)"""
        from careroute.entrypoints.api_routes.export_answers import misses_file

        policy = current_policy(api.policy)
        return misses_file(caller(), month, scope, on or clock.today(), policy, format)

    @route("POST", "/exports/tickets", errors=WRITE_ERRORS, responses=JOB_RESPONSES)
    def post_tickets_export(body: Annotated[TicketsFileBody, Body()]) -> Response[str]:
        """Ask for the follow-up tickets of a scope as one CSV or XLSX file, written in the
        background (every row; 202 with the job at once)"""
        from careroute.entrypoints.api_routes.export_answers import ask_for_tickets_file

        return ask_for_tickets_file(caller(), body, clock.now())

    @route("GET", "/exports/jobs/<job_id>")
    def get_export_job(job_id: PathId) -> ExportJobView:
        """An export job of yours: pending, done (with a link to the file valid for minutes)
        or failed (with why)"""
        from careroute.entrypoints.api_routes.export_answers import export_job

        return export_job(caller(), job_id, clock.now())
