"""Stewards' routes: today's route, one outcome, a batch of outcomes queued offline.

Outcomes are idempotent per (steward, Idempotency-Key): the powertools idempotency record,
then the conditional put of the visit itself. Bodies are never logged.
"""

import json
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyValidationError

from careroute.adapters.dynamodb.repositories import route_reading, visit_recording
from careroute.domain import clock
from careroute.domain.access import Caller, Role, require_own_steward
from careroute.domain.errors import KEY_REUSED, CareRouteError, ForbiddenError
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.http_api import PathDay, PathId
from careroute.entrypoints.http_errors import status_of
from careroute.observability import metrics, tracer
from careroute.messages.api import (
    BatchItemResult,
    BatchResult,
    ErrorDetail,
    OutcomeBatch,
    OutcomeBody,
    Visit,
    error_responses,
)
from careroute.service_layer.bureau import current_policy
from careroute.service_layer.route_view import steward_route
from careroute.service_layer.visits import check_idempotency_key, record_visit

IdempotencyKey = Annotated[
    str | None,
    Header(alias="idempotency-key", description="One key per visit, e.g. a UUID; 8-128 chars"),
]
IDEMPOTENCY = IdempotencyConfig(
    event_key_jmespath="[steward_id, idempotency_key]",
    payload_validation_jmespath="request",
    expires_after_seconds=7 * 24 * 3600,
)


def steward_of(who: Caller, outcome: OutcomeBody) -> str:
    """Outcomes are recorded as the token's steward; a differing body steward_id is refused."""
    who.require(Role.STEWARD)
    if outcome.steward_id not in (None, who.scope):
        raise ForbiddenError("a steward can only record their own visits")
    return who.scope


def outcome_call(steward_id: str, key: str, outcome: OutcomeBody) -> dict[str, Any]:
    request = outcome.model_dump(mode="json", exclude={"steward_id", "idempotency_key"})
    return {"steward_id": steward_id, "idempotency_key": key, "request": request}


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    recording = visit_recording()
    reading = route_reading()
    persistence = DynamoDBPersistenceLayer(table_name=api.settings.idempotency_table)

    @app.get(
        "/stewards/<steward_id>/routes/<day>",
        summary="A steward's route for a date, with their elders' names and addresses",
        responses=error_responses(401, 403, 404, 422),
        tags=["steward"],
    )
    @tracer.capture_method
    def get_route(steward_id: PathId, day: PathDay) -> dict[str, Any]:
        require_own_steward(caller(), steward_id)
        return steward_route(steward_id, day, clock.now(), reading, reader=caller())

    @idempotent_function(  # type: ignore[untyped-decorator]  # powertools leaves it untyped
        data_keyword_argument="call", persistence_store=persistence, config=IDEMPOTENCY
    )
    def record_once(call: dict[str, Any]) -> dict[str, Any]:
        request = OutcomeBody.model_validate(call["request"]).as_request(call["steward_id"])
        record, created = record_visit(
            request, call["idempotency_key"], clock.now(), current_policy(api.policy), recording
        )
        metrics.add_metric(name="VisitsRecorded", unit=MetricUnit.Count, value=int(created))
        return {
            "visit_id": record.visit_id,
            "elder_id": record.elder_id,
            "outcome": record.outcome.value,
            "tier": record.tier.value,
            "visited_at": record.visited_at.isoformat(),
            "recorded_at": record.recorded_at.isoformat(),
        }

    @app.post(
        "/visits",
        summary="Record one visit outcome (a retry with the same Idempotency-Key stores nothing "
        "new)",
        responses={
            201: OpenAPIResponse(
                description="Recorded", content={"application/json": {"model": Visit}}
            )
        }
        | error_responses(401, 403, 404, 409, 422),
        tags=["steward"],
    )
    @tracer.capture_method
    def post_visit(
        outcome: Annotated[OutcomeBody, Body()], idempotency_key: IdempotencyKey = None
    ) -> Response[str]:
        key = check_idempotency_key(idempotency_key)
        visit = record_once(call=outcome_call(steward_of(caller(), outcome), key, outcome))
        return Response(
            status_code=HTTPStatus.CREATED,
            content_type=content_types.APPLICATION_JSON,
            body=json.dumps(visit),
        )

    @app.post(
        "/visits/batch",
        summary="Record outcomes queued offline; each item has its own idempotency key",
        description="Items are applied oldest visit first; results come back in request order. "
        "Each item is answered as POST /visits would answer it, so a resent batch stores "
        "nothing twice.",
        responses=error_responses(401, 403, 422),
        tags=["steward"],
    )
    @tracer.capture_method
    def post_visit_batch(batch: Annotated[OutcomeBatch, Body()]) -> BatchResult:
        who = caller()
        results: list[BatchItemResult] = []
        for index, item in sorted(enumerate(batch.items), key=lambda pair: pair[1].visited_at):
            result = BatchItemResult(index=index, idempotency_key=item.idempotency_key, status=201)
            try:
                call = outcome_call(steward_of(who, item), item.idempotency_key, item)
                result.visit = Visit.model_validate(record_once(call=call))
            except CareRouteError as exc:
                result.status = status_of(exc)
                result.error = ErrorDetail(code=exc.code, message=str(exc))
            except IdempotencyValidationError:
                result.status = HTTPStatus.CONFLICT
                result.error = ErrorDetail(code="conflict", message=KEY_REUSED)
            results.append(result)
        results.sort(key=lambda r: r.index)
        recorded = sum(1 for r in results if r.visit is not None)
        return BatchResult(results=results, recorded=recorded, failed=len(results) - recorded)
