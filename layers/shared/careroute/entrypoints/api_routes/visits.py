"""Stewards' routes: today's route, one outcome, a batch of outcomes queued offline.

An outcome is stored once per (steward, Idempotency-Key): the visit's id is derived from both
and written by a conditional put with the request's fingerprint, so a replay answers the stored
visit (`http_api.stored_once`) and the same key with another outcome is 409. The steward comes
from the token and the elder from the steward's route of the day, which the container keeps
from the steward's route read (or reads at the day's first outcome, unless the outcome brings
its stop's `stop_ref`), checked by the visit's write (`service_layer.visits`): one DynamoDB
call per outcome once both are known. Bodies are never logged.
"""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.adapters.dynamodb.repositories import route_reading, visit_recording
from careroute.domain import clock
from careroute.domain.access import Caller, Role, require_own_steward
from careroute.domain.errors import CareRouteError, ForbiddenError
from careroute.domain.vocabulary import VisitRecord
from careroute.entrypoints.api_routes import ApiSetup
from careroute.entrypoints.handler_setup import count_metrics
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    IdempotencyHeader,
    PathDay,
    PathId,
    Routes,
    check_idempotency_key,
    created_responses,
    json_response,
    stored_once,
)
from careroute.entrypoints.http_errors import status_of
from careroute.entrypoints.policy_in_force import current_policy
from careroute.messages.api import (
    BatchItemResult,
    BatchResult,
    ErrorDetail,
    OutcomeBatch,
    OutcomeBody,
    Visit,
)
from careroute.service_layer.route_view import steward_route
from careroute.service_layer.visits import record_visit

BATCH_ORDER = (
    "Items are applied oldest visit first; results come back in request order. Each item is "
    "answered as POST /visits would answer it, so a resent batch stores nothing twice."
)


def steward_of(who: Caller, outcome: OutcomeBody) -> str:
    """Outcomes are recorded as the token's steward; a differing body steward_id is refused."""
    who.require(Role.STEWARD)
    if outcome.steward_id not in (None, who.scope):
        raise ForbiddenError("a steward can only record their own visits")
    return who.scope


def visit_view(record: VisitRecord) -> dict[str, Any]:
    return {
        "visit_id": record.visit_id,
        "elder_id": record.elder_id,
        "outcome": record.outcome.value,
        "tier": record.tier.value,
        "visited_at": record.visited_at.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
    }


def add_routes(app: APIGatewayHttpResolver, api: ApiSetup) -> None:
    caller = api.caller
    route = Routes(app, "steward")
    recording = visit_recording()
    reading = route_reading()

    def record(who: Caller, key: str, outcome: OutcomeBody) -> tuple[VisitRecord, bool]:
        """The outcome stored once per (steward, key); True when stored by this call."""
        request = outcome.as_request(steward_of(who, outcome))
        policy = current_policy(api.policy)
        return record_visit(request, key, clock.now(), policy, recording, outcome.stop_ref)

    @route(
        "GET",
        "/stewards/<steward_id>/routes/<day>",
        "A steward's route for a date, with their elders' names and addresses",
    )
    def get_route(steward_id: PathId, day: PathDay) -> Response[str]:
        require_own_steward(caller(), steward_id)
        route = steward_route(steward_id, day, clock.now(), reading, reader=caller())
        # Answered as JSON text: a dict would be walked by the response validation (a
        # dict of anything: nothing to check) and encoded again, on every steward's read.
        return json_response(HTTPStatus.OK, route)

    @route(
        "POST",
        "/visits",
        "Record one visit outcome (a retry with the same Idempotency-Key stores nothing new)",
        responses=created_responses(Visit),
    )
    def post_visit(
        outcome: Annotated[OutcomeBody, Body()], idempotency_key: IdempotencyHeader = None
    ) -> Response[str]:
        visit, created = record(caller(), check_idempotency_key(idempotency_key), outcome)
        return stored_once(visit_view(visit), created, metric="VisitsRecorded")

    @route(
        "POST",
        "/visits/batch",
        "Record outcomes queued offline; each item has its own idempotency key",
        errors=INPUT_ERRORS,
        description=BATCH_ORDER,
    )
    def post_visit_batch(batch: Annotated[OutcomeBatch, Body()]) -> BatchResult:
        who = caller()
        results: list[BatchItemResult] = []
        for index, item in sorted(enumerate(batch.items), key=lambda pair: pair[1].visited_at):
            result = BatchItemResult(index=index, idempotency_key=item.idempotency_key, status=201)
            try:
                visit, created = record(who, item.idempotency_key, item)
                count_metrics(VisitsRecorded=int(created))
                result.visit = Visit.model_validate(visit_view(visit))
            except CareRouteError as exc:
                result.status = status_of(exc)
                result.error = ErrorDetail(code=exc.code, message=str(exc))
            results.append(result)
        results.sort(key=lambda r: r.index)
        recorded = sum(1 for r in results if r.visit is not None)
        return BatchResult(results=results, recorded=recorded, failed=len(results) - recorded)
