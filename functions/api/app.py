"""HTTP API: stewards fetch routes and post outcomes; officials read coverage.

Every 4xx has one JSON shape, {"error": {"code": ..., "message": ...}}; a 5xx never carries
internals. Outcomes are idempotent per Idempotency-Key (powertools record + conditional put).
"""

import json
import re
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError as PydanticValidationError

from careroute import storage
from careroute.config import Settings
from careroute.coverage import Scope
from careroute.exceptions import (
    CareRouteError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from careroute.messages import VisitRequest
from careroute.observability import logger, metrics, tracer
from careroute.policy import load_policy
from careroute.services.route_view import steward_route
from careroute.services.visits import check_idempotency_key, record_visit
from careroute.storage.coverage import read_coverage, scope_exists

settings = Settings.from_env()
storage.bind_tables(settings)
policy = load_policy(settings.policy_file)
app = APIGatewayHttpResolver()
idempotency_config = IdempotencyConfig(
    event_key_jmespath="[steward_id, idempotency_key]",
    payload_validation_jmespath="request",
    expires_after_seconds=7 * 24 * 3600,
)
persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
STATUS_OF = {
    ValidationError: HTTPStatus.UNPROCESSABLE_ENTITY,
    NotFoundError: HTTPStatus.NOT_FOUND,
    ForbiddenError: HTTPStatus.FORBIDDEN,
    ConflictError: HTTPStatus.CONFLICT,
    StorageError: HTTPStatus.SERVICE_UNAVAILABLE,
}


def error(status: HTTPStatus, code: str, message: str) -> Response[str]:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(f"date must be YYYY-MM-DD, got {text!r}") from exc


@app.get("/stewards/<steward_id>/routes/<day>")
@tracer.capture_method
def get_route(steward_id: str, day: str) -> dict[str, Any]:
    return steward_route(steward_id, parse_date(day))


@idempotent_function(
    data_keyword_argument="call", persistence_store=persistence, config=idempotency_config
)
def record_once(call: dict[str, Any]) -> dict[str, Any]:
    request = VisitRequest.model_validate(call["request"])
    record, created = record_visit(request, call["idempotency_key"], datetime.now(UTC), policy)
    metrics.add_metric(name="VisitsRecorded", unit=MetricUnit.Count, value=int(created))
    return {
        "visit_id": record.visit_id,
        "elder_id": record.elder_id,
        "outcome": record.outcome.value,
        "tier": record.tier.value,
        "visited_at": record.visited_at.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
    }


@app.post("/visits")
@tracer.capture_method
def post_visit() -> Response[str]:
    key = check_idempotency_key(app.current_event.headers.get("idempotency-key"))
    try:
        body = json.loads(app.current_event.body or "")
    except json.JSONDecodeError as exc:
        raise ValidationError(f"body is not valid JSON: {exc.msg} at position {exc.pos}") from exc
    request = VisitRequest.model_validate(body)
    call = {
        "steward_id": request.steward_id,
        "idempotency_key": key,
        "request": json.loads(request.model_dump_json()),
    }
    visit = record_once(call=call)
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(visit),
    )


@app.get("/coverage")
@tracer.capture_method
def get_coverage() -> dict[str, Any]:
    month = app.current_event.get_query_string_value("month") or ""
    if not MONTH.match(month):
        raise ValidationError("query parameter month must be YYYY-MM, e.g. month=2026-12")
    try:
        scope = Scope.parse(app.current_event.get_query_string_value("scope") or "city")
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    if not scope_exists(scope):
        raise NotFoundError(f"unknown scope {scope}")
    return {"month": month, "scope": str(scope), "tiers": read_coverage(month, scope)}


@app.exception_handler(CareRouteError)
def handle_domain_error(exc: CareRouteError) -> Response[str]:
    status = STATUS_OF.get(type(exc), HTTPStatus.BAD_REQUEST)
    return error(status, exc.code, str(exc))


@app.exception_handler(PydanticValidationError)
def handle_invalid_body(exc: PydanticValidationError) -> Response[str]:
    problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()]
    return error(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_request", "; ".join(problems))


@app.exception_handler(IdempotencyValidationError)
def handle_key_reuse(exc: IdempotencyValidationError) -> Response[str]:
    message = "this Idempotency-Key was already used for a different visit; use a new key"
    return error(HTTPStatus.CONFLICT, "conflict", message)


@app.not_found
def handle_not_found(exc: Exception) -> Response[str]:
    return error(HTTPStatus.NOT_FOUND, "not_found", "no such route")


@app.exception_handler(Exception)
def handle_unexpected(exc: Exception) -> Response[str]:
    logger.exception("unhandled error")
    return error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "internal error; try again later")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    idempotency_config.register_lambda_context(context)
    return app.resolve(event, context)
