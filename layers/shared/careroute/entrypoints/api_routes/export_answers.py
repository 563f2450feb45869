"""The officials' export files as the export routes answer them (`api_routes/exports.py`).

Imported by the routes where they run: the exports' use cases, the month's misses and their
ports are ~37 M instructions (~7 ms) of the API function's cold start, and an export is
asked for a few times a month.
"""

import base64
from datetime import date, datetime
from functools import cache

from aws_lambda_powertools.event_handler import Response, content_types

from careroute.adapters.dynamodb import coverage, scopes
from careroute.adapters.dynamodb.misses_view import DynamoMissesView
from careroute.adapters.dynamodb.oversight_repositories import overdue_reading
from careroute.adapters.dynamodb.repositories import DynamoElders, DynamoVisits, ticketing
from careroute.adapters.export_files import ExportFormat, export_file
from careroute.domain.access import Caller
from careroute.domain.policy import Policy
from careroute.domain.tickets import TicketSource
from careroute.entrypoints.api_routes.exports import NEXT_PART
from careroute.entrypoints.export_setup import export_job_ports
from careroute.messages.export_jobs import ExportJobView, TicketsFileBody
from careroute.service_layer import export_jobs
from careroute.service_layer.exports import (
    ExportPart,
    ExportTable,
    TicketsAsked,
    coverage_export,
    misses_export,
    overdue_export,
    tickets_export,
)
from careroute.service_layer.month_misses import MissesReading
from careroute.service_layer.officials import OverdueReading
from careroute.service_layer.tickets import TicketFilter, Ticketing


@cache
def _job_ports() -> export_jobs.ExportJobPorts:
    """The background exports' ports, built at the first one asked for or read."""
    return export_job_ports()


@cache
def _ports() -> tuple[OverdueReading, Ticketing, MissesReading]:
    """The exports' ports, built at the first export (once per container)."""
    misses = MissesReading(scopes, DynamoElders(), DynamoVisits(), DynamoMissesView())
    return overdue_reading(), ticketing(), misses


def file_response(
    table: ExportTable, kind: ExportFormat, part: ExportPart | None = None
) -> Response[str]:
    """The table written as `kind`, sent as a download (a part of one with where the next
    part starts). The body goes base64-encoded, as API Gateway passes a binary body: given
    bytes, powertools would first validate them as text against the route's annotation, and
    an XLSX file is not UTF-8."""
    written = export_file(table, kind, part is None or part.first)
    body = base64.b64encode(written.body).decode("ascii")
    headers = {"Content-Disposition": written.disposition}
    if part is not None and part.next_cursor is not None:
        headers[NEXT_PART] = part.next_cursor
    response = Response(200, written.content_type, body, headers=headers)
    response.base64_encoded = True
    return response


def coverage_file(who: Caller, month: str, scope: str, kind: ExportFormat) -> Response[str]:
    return file_response(coverage_export(who, month, scope, scopes, coverage), kind)


def overdue_file(
    who: Caller, scope: str, on: date, policy: Policy, kind: ExportFormat
) -> Response[str]:
    overdue, _, _ = _ports()
    return file_response(overdue_export(who, scope, on, policy, overdue, coverage), kind)


def tickets_file(
    who: Caller,
    scope: str,
    status: TicketFilter,
    source: TicketSource | None,
    part_of: tuple[int | None, str | None],
    now: datetime,
    kind: ExportFormat,
) -> Response[str]:
    """The tickets' file, or the part of it after `part_of`'s cursor of at most its limit."""
    _, tickets, _ = _ports()
    limit, after = part_of
    part = tickets_export(who, TicketsAsked(scope, status, source, limit, after), now, tickets)
    return file_response(part.table, kind, part)


def misses_file(
    who: Caller, month: str, scope: str, on: date, policy: Policy, kind: ExportFormat
) -> Response[str]:
    _, _, misses = _ports()
    return file_response(misses_export(who, month, scope, on, policy, misses, coverage), kind)


def ask_for_tickets_file(who: Caller, body: TicketsFileBody, now: datetime) -> Response[str]:
    """202 with the pending job, and where to read it (relative to /exports/tickets)."""
    _, tickets, _ = _ports()
    asked = TicketsAsked(body.scope, TicketFilter(body.status), body.source)
    job = export_jobs.ask_for_tickets_file(who, asked, body.format, now, _job_ports(), tickets)
    view = ExportJobView.of(job).model_dump_json()
    headers = {"Location": f"jobs/{job.job_id}"}
    return Response(202, content_types.APPLICATION_JSON, view, headers=headers)


def export_job(who: Caller, job_id: str, now: datetime) -> ExportJobView:
    return export_jobs.export_job_status(who, job_id, now, _job_ports())
