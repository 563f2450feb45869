"""Dispatcher (派单): orders table stream -> each newly placed order goes to the best skilled
worker by re-solving the provider's day; a schedule retries the orders still waiting and
expires those whose window has passed (never retried again).

A redelivered record changes nothing (an order no longer placed is skipped; the assignment
is one conditional transaction). Only INSERT records are orders to dispatch: every later
change of an order is a step of an order already placed.
"""

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters import dynamodb as storage
from careroute.domain import clock
from careroute.domain.policy import load_policy
from careroute.entrypoints.config import Settings
from careroute.observability import logger, metrics, tracer
from careroute.messages.visits import DispatchRetryTick
from careroute.service_layer.bureau import current_policy
from careroute.service_layer.dispatch import dispatch_order, retry_waiting

settings = Settings.from_env()
storage.bind_tables(settings)
policy = load_policy(settings.policy_file)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
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
    result = dispatch_order(order_id, clock.now(), current_policy(policy))
    metrics.add_metric(name=METRIC[result.status], unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
    tick = DispatchRetryTick.model_validate(event)
    now = clock.now()
    results = retry_waiting(tick.scheduled_time - RETRY_AFTER, now, current_policy(policy))
    summary = {
        "retried": len(results),
        "assigned": sum(1 for r in results if r.status == "assigned"),
        "expired": sum(1 for r in results if r.status == "expired"),
    }
    logger.info("waiting orders retried", extra=summary)
    return summary
