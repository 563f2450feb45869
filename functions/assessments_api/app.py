"""Needs-assessment API: an assessor reads a route for a date and posts a graded care level
(one result per request; a retry with the same Idempotency-Key stores nothing)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.domain import clock
from careroute.entrypoints.handler_setup import with_policy
from careroute.entrypoints.http_api import (
    IdempotencyHeader,
    PathDay,
    PathId,
    caller_of,
    http_entry,
    new_resolver,
    stored_once,
)
from careroute.observability import metrics, tracer
from careroute.messages.api import error_responses
from careroute.messages.assessments import AssessmentResultBody
from careroute.service_layer.assessments import assessor_route, record_result
from careroute.service_layer.visits import check_idempotency_key

setup = with_policy()
app = new_resolver()
caller = caller_of(app)


@app.get(
    "/assessors/<assessor_id>/routes/<day>",
    summary="An assessor's route for a date: requests in order with times (elder ids only)",
    responses=error_responses(401, 403, 404, 422),
    tags=["assessments"],
)
@tracer.capture_method
def get_route(assessor_id: PathId, day: PathDay) -> dict[str, Any]:
    return assessor_route(caller(), assessor_id, day)


@app.post(
    "/assessments/results",
    summary="Record a graded care level (a retry with the same Idempotency-Key stores nothing)",
    responses=error_responses(401, 403, 404, 409, 422),
    tags=["assessments"],
)
@tracer.capture_method
def post_result(
    body: Annotated[AssessmentResultBody, Body()],
    idempotency_key: IdempotencyHeader = None,
) -> Response[str]:
    key = check_idempotency_key(idempotency_key)
    doc = record_result(caller(), body, key, clock.now(), setup.policy())
    metrics.add_metric(name="AssessmentsRecorded", unit=MetricUnit.Count, value=int(doc["created"]))
    return stored_once(doc, doc["created"])


@http_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
