"""Inspections API: an inspector reads their route for a date and posts results (one per
Idempotency-Key; rectification items become follow-up tickets once); district officials and
the city admin read the month's inspection progress (due vs done vs overdue) and the care
institutions' beds, occupancy and star ratings."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.adapters.dynamodb.inspection_repositories import inspecting
from careroute.domain import clock
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    DistrictScopeQuery,
    IdempotencyHeader,
    OptionalMonthQuery,
    PathDay,
    PathId,
    area_api,
    check_idempotency_key,
    created_responses,
    http_handler,
    stored_once,
)
from careroute.messages.inspections import InspectionProgress, InspectionResultBody
from careroute.messages.institutions import InstitutionReport
from careroute.service_layer.inspections import inspector_route, progress, record_result
from careroute.service_layer.institutions import institutions

setup = with_policy()
ports = inspecting()
app, caller, route = area_api("inspections")


@route("GET", "/inspectors/<inspector_id>/routes/<day>")
def get_route(inspector_id: PathId, day: PathDay) -> dict[str, Any]:
    """An inspector's route for a date: targets in order with times (no personal data)"""
    return inspector_route(caller(), inspector_id, day, ports)


@route("POST", "/inspections/results", responses=created_responses())
def post_result(
    body: Annotated[InspectionResultBody, Body()], idempotency_key: IdempotencyHeader = None
) -> Response[str]:
    """Record an inspection result (a retry with the same Idempotency-Key stores nothing)"""
    key = check_idempotency_key(idempotency_key)
    result, created = record_result(caller(), body, key, clock.now(), setup.policy(), ports)
    return stored_once(result, created, metric="InspectionResultsRecorded")


@route("GET", "/inspections/progress", errors=INPUT_ERRORS)
def get_progress(
    scope: DistrictScopeQuery = "city",
    month: OptionalMonthQuery = None,
) -> InspectionProgress:
    """Inspections due vs done vs overdue in a month, per district (officials, admin)"""
    today = clock.today()
    return progress(caller(), scope, month or today.strftime("%Y-%m"), today, ports)


@route("GET", "/institutions", errors=INPUT_ERRORS)
def get_institutions(scope: DistrictScopeQuery = "city") -> InstitutionReport:
    """Care institutions' beds, occupancy and star ratings (from their latest inspection), per
    institution and district (officials, admin)"""
    rubric = setup.policy().inspections.rating
    return institutions(caller(), scope, clock.today(), rubric, ports)


lambda_handler = http_handler(app)


cold_start.loaded()
