"""Needs-assessment API: a steward, the family or an official asks for an elder's assessment;
an assessor reads a route for a date and posts the instrument's scores, which give the care
level (one result per Idempotency-Key; a replay answers the stored result and stores
nothing); officials read the district's request figures."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.adapters.dynamodb.assessment_repositories import assessing
from careroute.domain import clock
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    DistrictScopeQuery,
    IdempotencyHeader,
    PathDay,
    PathId,
    area_api,
    check_idempotency_key,
    created_responses,
    http_handler,
    stored_once,
)
from careroute.messages.assessments import (
    AssessmentRequestBody,
    AssessmentResultBody,
    AssessmentSummary,
)
from careroute.service_layer.assessment_requests import open_request, summary
from careroute.service_layer.assessments import assessor_route, record_result

setup = with_policy()
ports = assessing()
app, caller, route = area_api("assessments")


@route("GET", "/assessors/<assessor_id>/routes/<day>")
def get_route(assessor_id: PathId, day: PathDay) -> dict[str, Any]:
    """An assessor's route for a date: requests in order with times (elder ids only)"""
    return assessor_route(caller(), assessor_id, day, ports)


@route("POST", "/assessments/results", responses=created_responses())
def post_result(
    body: Annotated[AssessmentResultBody, Body()], idempotency_key: IdempotencyHeader = None
) -> Response[str]:
    """Record a graded care level (a retry with the same Idempotency-Key stores nothing)"""
    key = check_idempotency_key(idempotency_key)
    result, created = record_result(caller(), body, key, clock.now(), setup.policy(), ports)
    return stored_once(result, created, metric="AssessmentsRecorded")


@route("POST", "/assessments/requests", responses=created_responses())
def post_request(body: Annotated[AssessmentRequestBody, Body()]) -> Response[str]:
    """Ask for an elder's needs assessment (steward, family, officials); asking again the same day
    answers the open request"""
    request, created = open_request(caller(), body, clock.today(), setup.policy(), ports)
    return stored_once(request, created, metric="AssessmentRequestsOpened")


@route("GET", "/assessments/summary", errors=INPUT_ERRORS)
def get_summary(scope: DistrictScopeQuery = "city") -> AssessmentSummary:
    """Assessment requests open, overdue and done per district, the done ones by ability and care
    level (officials, admin)"""
    return summary(caller(), scope, clock.today(), setup.policy(), ports)


lambda_handler = http_handler(app)


cold_start.loaded()
