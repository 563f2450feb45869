"""Dispatcher (派单): orders table stream -> each newly placed order goes to the best skilled
worker by re-solving the provider's day; a schedule retries the orders still waiting and
expires those whose window has passed (never retried again).

A redelivered record changes nothing (an order no longer placed is skipped; the assignment
is one conditional transaction). Only INSERT records are orders to dispatch: every later
change of an order is a step of an order already placed.
"""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.dispatch_repositories import order_dispatch
from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.entrypoints.batch_setup import stream_batch
from careroute.entrypoints.handler_setup import event_entry, reported
from careroute.messages.visits import DispatchRetryTick
from careroute.observability import metrics
from careroute.service_layer.dispatch import dispatch_order, retry_waiting

setup = handler_setup.with_policy()
ports = order_dispatch()
RETRY_AFTER = timedelta(minutes=5)
METRIC = {
    "assigned": "OrdersAssigned",
    "waiting": "OrdersWaiting",
    "expired": "OrdersExpired",
    "skipped": "OrdersSkipped",
}


def record_handler(record: DynamoDBRecord) -> None:
    if record.event_name is not DynamoDBRecordEventName.INSERT or record.dynamodb is None:
        return
    order_id = str(record.dynamodb.keys["order_id"])
    result = dispatch_order(order_id, clock.now(), setup.policy(), ports)
    metrics.add_metric(name=METRIC[result.status], unit=MetricUnit.Count, value=1)


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        return stream_batch(event, record_handler)
    tick = DispatchRetryTick.model_validate(event)
    results = retry_waiting(tick.scheduled_time - RETRY_AFTER, clock.now(), setup.policy(), ports)
    summary = {
        "retried": len(results),
        "assigned": sum(1 for r in results if r.status == "assigned"),
        "expired": sum(1 for r in results if r.status == "expired"),
    }
    return reported("waiting orders retried", summary)


cold_start.loaded()
