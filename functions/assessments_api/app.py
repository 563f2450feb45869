"""Needs-assessment API: an assessor reads a route for a date and posts a graded care level
(one result per request; a retry with the same Idempotency-Key stores nothing)."""

import json
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute import clock, storage
from careroute.api_models import error_responses
from careroute.assessment_messages import AssessmentResultBody
from careroute.auth import Caller
from careroute.config import Settings
from careroute.http_errors import register_error_handlers
from careroute.messages import ID_PATTERN
from careroute.observability import logger, metrics, tracer
from careroute.policy import load_policy
from careroute.services.assessments import assessor_route, record_result
from careroute.services.bureau import current_policy
from careroute.services.visits import check_idempotency_key

settings = Settings.from_env()
storage.bind_tables(settings)
policy = load_policy(settings.policy_file)
app = APIGatewayHttpResolver(enable_validation=True)
register_error_handlers(app)


def caller() -> Caller:
    return Caller.from_claims(app.current_event.request_context.authorizer.jwt_claim)


@app.get(
    "/assessors/<assessor_id>/routes/<day>",
    summary="An assessor's route for a date: requests in order with times (elder ids only)",
    responses=error_responses(401, 403, 404, 422),
    tags=["assessments"],
)
@tracer.capture_method
def get_route(
    assessor_id: Annotated[str, Path(pattern=ID_PATTERN)], day: Annotated[date, Path()]
) -> dict[str, Any]:
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
    idempotency_key: Annotated[str | None, Header(alias="idempotency-key")] = None,
) -> Response[str]:
    key = check_idempotency_key(idempotency_key)
    doc = record_result(caller(), body, key, clock.now(), current_policy(policy))
    metrics.add_metric(name="AssessmentsRecorded", unit=MetricUnit.Count, value=int(doc["created"]))
    status = HTTPStatus.CREATED if doc["created"] else HTTPStatus.OK
    return Response(status, content_types.APPLICATION_JSON, json.dumps(doc, ensure_ascii=False))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
