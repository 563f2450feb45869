"""What every queue and stream handler does with its batch, written once: it hands the batch
to Powertools with partial failures reported, so one bad record is retried (then
dead-lettered) without the rest of its batch.

Apart from `handler_setup` so that scheduled and HTTP functions, which get no batches, do not
load Powertools' batch processing at cold start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.entrypoints.handler_setup import Entry, event_entry


def _batch(
    kind: EventType,
    event: dict[str, Any],
    context: LambdaContext,
    record_handler: Callable[..., Any],
) -> dict[str, Any]:
    processor = BatchProcessor(event_type=kind)
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)


def sqs_batch(
    event: dict[str, Any], context: LambdaContext, record_handler: Callable[..., Any]
) -> dict[str, Any]:
    """Each SQS record through `record_handler`; the failed ones reported for retry."""
    return _batch(EventType.SQS, event, context, record_handler)


def stream_batch(
    event: dict[str, Any], context: LambdaContext, record_handler: Callable[..., Any]
) -> dict[str, Any]:
    """Each DynamoDB stream record through `record_handler`; failures reported by sequence."""
    return _batch(EventType.DynamoDBStreams, event, context, record_handler)


def sqs_entry(record_handler: Callable[..., Any]) -> Entry:
    """A queue function's Lambda entry, observed as `event_entry` makes it: each SQS record of
    a batch through `record_handler`, the failed ones reported for retry."""

    @event_entry
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return sqs_batch(event, context, record_handler)

    return lambda_handler
