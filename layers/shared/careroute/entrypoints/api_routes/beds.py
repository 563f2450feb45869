"""Home care beds over HTTP (家庭养老床位): officials record an eligible elder's bed and step it
(built with its equipment, accepted, closed) and read the month's bed coverage; a provider's
workers read their bed route of a day and record each service visit.

Bad input is 422 {"error": {"code": "invalid_request", "message": "<field>: <problem>"}},
an ineligible elder included (the message says why); a step the bed's status does not allow,
or a second open bed for an elder, is 409 `conflict`. Nothing is written in either case.
"""

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from careroute.adapters.dynamodb.bed_repositories import bed_keeping
from careroute.domain import clock
from careroute.domain.access import Caller
from careroute.entrypoints.handler_setup import PolicySetup
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    IdempotencyHeader,
    MonthQuery,
    PathDay,
    PathId,
    Routes,
    ScopeQuery,
    check_idempotency_key,
    created_responses,
    stored_once,
)
from careroute.messages.beds import BedBody, BedStepBody, BedVisitBody
from careroute.service_layer.beds import (
    BedRequest,
    BedVisitRequest,
    bed_coverage,
    bed_view,
    bed_visit_view,
    readable_bed,
    record_bed,
    record_bed_visit,
    step_bed,
    worker_bed_route,
)


def add_routes(
    app: APIGatewayHttpResolver, setup: PolicySetup, caller: Callable[[], Caller]
) -> None:
    ports = bed_keeping()
    route = Routes(app, "home care beds")

    @route("POST", "/beds", responses=created_responses())
    def post_bed(
        body: Annotated[BedBody, Body()], idempotency_key: IdempotencyHeader = None
    ) -> Response[str]:
        """Record an eligible elder's home care bed (once per Idempotency-Key)"""
        key = check_idempotency_key(idempotency_key)
        request = BedRequest(**body.model_dump())
        rules = setup.policy().home_care_beds
        bed, created = record_bed(caller(), request, key, clock.now(), rules, ports)
        return stored_once(bed_view(bed), created, metric="BedsRecorded")

    @route("POST", "/beds/<bed_id>/steps")
    def post_bed_step(bed_id: PathId, body: Annotated[BedStepBody, Body()]) -> dict[str, Any]:
        """Build (with its equipment), accept or close a bed"""
        equipment = frozenset(body.equipment)
        after = step_bed(caller(), bed_id, body.action, body.on, equipment, clock.now(), ports)
        return bed_view(after)

    @route("GET", "/beds/<bed_id>")
    def get_bed(bed_id: PathId) -> dict[str, Any]:
        """One bed: elder, provider, equipment, status and dates"""
        return bed_view(readable_bed(caller(), bed_id, ports))

    @route("POST", "/beds/<bed_id>/visits", responses=created_responses())
    def post_bed_visit(
        bed_id: PathId,
        body: Annotated[BedVisitBody, Body()],
        idempotency_key: IdempotencyHeader = None,
    ) -> Response[str]:
        """A worker of the bed's provider records a service visit (once per Idempotency-Key)"""
        key = check_idempotency_key(idempotency_key)
        request = BedVisitRequest(body.visited_at, body.outcome, body.minutes, body.note)
        rules = setup.policy().home_care_beds
        visit, created = record_bed_visit(caller(), bed_id, request, key, clock.now(), rules, ports)
        return stored_once(bed_visit_view(visit), created, metric="BedVisitsRecorded")

    @route("GET", "/workers/<worker_id>/bed-routes/<day>")
    def get_bed_route(worker_id: PathId, day: PathDay) -> dict[str, Any]:
        """A worker's bed visits of a day"""
        return worker_bed_route(caller(), worker_id, day, ports)

    @route("GET", "/oversight/beds", errors=INPUT_ERRORS)
    def get_bed_coverage(month: MonthQuery, scope: ScopeQuery = "city") -> dict[str, Any]:
        """The month's home care beds in a scope (as of yesterday): due, served, misses, hours"""
        rules = setup.policy().home_care_beds
        return bed_coverage(caller(), scope, month, clock.today(), rules, ports)
