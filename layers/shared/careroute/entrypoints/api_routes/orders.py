"""Home-service orders over HTTP (下单—接单—监管): families, stewards and the call centre
place orders; workers read their day and accept, start, complete or reject; officials read
the oversight of their district or the city and every order's recorded steps.

Bad input is 422 {"error": {"code": "invalid_request", "message": "<field>: <problem>"}};
a free order over the elder's monthly free minutes is 409 `quota_exhausted` (place it again
with "self_paid": true); an illegal step is 409 `conflict`. Bodies are never logged.
"""

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from careroute.adapters.dynamodb.order_repositories import order_taking
from careroute.domain import clock
from careroute.domain.access import Caller
from careroute.domain.orders import OrderAction
from careroute.entrypoints.handler_setup import PolicySetup
from careroute.entrypoints.http_api import (
    INPUT_ERRORS,
    DistrictScopeQuery,
    IdempotencyHeader,
    MonthQuery,
    PathDay,
    PathId,
    Routes,
    check_idempotency_key,
    created_responses,
    stored_once,
)
from careroute.messages.orders import OrderBody
from careroute.service_layer.orders import (
    OrderRequest,
    act,
    order_events,
    order_view,
    oversight,
    place_order,
    readable_order,
    worker_day,
)


def add_routes(
    app: APIGatewayHttpResolver, setup: PolicySetup, caller: Callable[[], Caller]
) -> None:
    ports = order_taking()
    route = Routes(app, "orders")

    @route("POST", "/orders", responses=created_responses())
    def post_order(
        body: Annotated[OrderBody, Body()], idempotency_key: IdempotencyHeader = None
    ) -> Response[str]:
        """Place a home-service order (once per Idempotency-Key)"""
        key = check_idempotency_key(idempotency_key)
        request = OrderRequest(**body.model_dump())
        rules = setup.policy().home_services
        order, created = place_order(caller(), request, key, clock.now(), rules, ports)
        return stored_once(order_view(order), created, metric="OrdersPlaced")

    @route("POST", "/orders/<order_id>/<action>")
    def post_step(order_id: PathId, action: Annotated[OrderAction, Path()]) -> dict[str, Any]:
        """accept, start, complete, reject or cancel"""
        return order_view(act(caller(), order_id, action, clock.now(), ports))

    @route("GET", "/orders/<order_id>")
    def get_order(order_id: PathId) -> dict[str, Any]:
        """One order: status, worker, times (no personal data)"""
        return order_view(readable_order(caller(), order_id, ports))

    @route("GET", "/orders/<order_id>/events")
    def get_events(order_id: PathId) -> dict[str, Any]:
        """Every recorded step of an order"""
        steps = order_events(caller(), order_id, ports)
        return {
            "order_id": order_id,
            "events": [
                {"seq": e.seq, "action": e.action.value, "status": e.status.value,
                 "at": e.at.isoformat(), "by": e.by, "note": e.note or None}
                for e in steps
            ],
        }  # fmt: skip

    @route("GET", "/workers/<worker_id>/orders/<day>")
    def get_worker_day(worker_id: PathId, day: PathDay) -> dict[str, Any]:
        """A worker's orders of a day, in order"""
        rows = worker_day(caller(), worker_id, day, ports)
        return {"worker_id": worker_id, "date": day.isoformat(), "orders": rows}

    @route("GET", "/oversight/orders", errors=INPUT_ERRORS)
    def get_oversight(scope: DistrictScopeQuery, month: MonthQuery) -> dict[str, Any]:
        """Order status counts, dispatch waiting time, quota use"""
        return oversight(caller(), scope, month, ports)
