"""Needs-assessment API: an assessor reads a route for a date and posts a graded care level
(one result per Idempotency-Key; a replay answers the stored result and stores nothing)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.adapters.dynamodb.assessment_repositories import assessing
from careroute.domain import clock
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import (
    IdempotencyHeader,
    PathDay,
    PathId,
    area_api,
    created_responses,
    http_handler,
    stored_once,
)
from careroute.messages.assessments import AssessmentResultBody
from careroute.service_layer.assessments import assessor_route, record_result
from careroute.service_layer.visits import check_idempotency_key

setup = with_policy()
ports = assessing()
app, caller, route = area_api("assessments")


@route(
    "GET",
    "/assessors/<assessor_id>/routes/<day>",
    "An assessor's route for a date: requests in order with times (elder ids only)",
)
def get_route(assessor_id: PathId, day: PathDay) -> dict[str, Any]:
    return assessor_route(caller(), assessor_id, day, ports)


@route(
    "POST",
    "/assessments/results",
    "Record a graded care level (a retry with the same Idempotency-Key stores nothing)",
    responses=created_responses(),
)
def post_result(
    body: Annotated[AssessmentResultBody, Body()], idempotency_key: IdempotencyHeader = None
) -> Response[str]:
    key = check_idempotency_key(idempotency_key)
    result, created = record_result(caller(), body, key, clock.now(), setup.policy(), ports)
    return stored_once(result, created, metric="AssessmentsRecorded")


lambda_handler = http_handler(app)
