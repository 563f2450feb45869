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
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.metrics import MetricUnit

from careroute.domain import clock
from careroute.domain.access import Caller
from careroute.domain.orders import OrderAction
from careroute.entrypoints.handler_setup import PolicySetup
from careroute.entrypoints.http_api import (
    MONTH_PATTERN,
    IdempotencyHeader,
    PathDay,
    PathId,
    stored_once,
)
from careroute.observability import metrics, tracer
from careroute.messages.api import OrderBody, error_responses
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
from careroute.service_layer.visits import check_idempotency_key


def add_routes(
    app: APIGatewayHttpResolver, setup: PolicySetup, caller: Callable[[], Caller]
) -> None:
    @app.post(
        "/orders",
        summary="Place a home-service order (once per Idempotency-Key)",
        responses=error_responses(401, 403, 404, 409, 422),
        tags=["orders"],
    )
    @tracer.capture_method
    def post_order(
        body: Annotated[OrderBody, Body()],
        idempotency_key: IdempotencyHeader = None,
    ) -> Response[str]:
        key = check_idempotency_key(idempotency_key)
        request = OrderRequest(**body.model_dump())
        rules = setup.policy().home_services
        order, created = place_order(caller(), request, key, clock.now(), rules)
        metrics.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=int(created))
        return stored_once(order_view(order), created)

    @app.post(
        "/orders/<order_id>/<action>",
        summary="accept, start, complete, reject or cancel",
        responses=error_responses(401, 403, 404, 409, 422),
        tags=["orders"],
    )
    @tracer.capture_method
    def post_step(order_id: PathId, action: Annotated[OrderAction, Path()]) -> dict[str, Any]:
        return order_view(act(caller(), order_id, action, clock.now()))

    @app.get(
        "/orders/<order_id>",
        summary="One order: status, worker, times (no personal data)",
        responses=error_responses(401, 403, 404, 422),
        tags=["orders"],
    )
    @tracer.capture_method
    def get_order(order_id: PathId) -> dict[str, Any]:
        return order_view(readable_order(caller(), order_id))

    @app.get(
        "/orders/<order_id>/events",
        summary="Every recorded step of an order",
        responses=error_responses(401, 403, 404, 422),
        tags=["orders"],
    )
    @tracer.capture_method
    def get_events(order_id: PathId) -> dict[str, Any]:
        steps = order_events(caller(), order_id)
        return {
            "order_id": order_id,
            "events": [
                {"seq": e.seq, "action": e.action.value, "status": e.status.value,
                 "at": e.at.isoformat(), "by": e.by, "note": e.note or None}
                for e in steps
            ],
        }  # fmt: skip

    @app.get(
        "/workers/<worker_id>/orders/<day>",
        summary="A worker's orders of a day, in order",
        responses=error_responses(401, 403, 404, 422),
        tags=["orders"],
    )
    @tracer.capture_method
    def get_worker_day(worker_id: PathId, day: PathDay) -> dict[str, Any]:
        rows = worker_day(caller(), worker_id, day)
        return {"worker_id": worker_id, "date": day.isoformat(), "orders": rows}

    @app.get(
        "/oversight/orders",
        summary="Order status counts, dispatch waiting time, quota use",
        responses=error_responses(401, 403, 422),
        tags=["orders"],
    )
    @tracer.capture_method
    def get_oversight(
        scope: Annotated[str, Query(max_length=80, description="city or district:ID")],
        month: Annotated[str, Query(pattern=MONTH_PATTERN)],
    ) -> dict[str, Any]:
        return oversight(caller(), scope, month)
