"""What every queue and stream handler does with its batch, written once: each record goes
through the record handler, and the ones that failed are reported as partial failures
(`batchItemFailures`, as `ReportBatchItemFailures` in the template asks), so one bad record
is retried (then dead-lettered) without the rest of its batch. When every record failed, the
batch fails as a whole (`BatchFailed`), so Lambda retries it as it would a crashed function.

This is the loop of Powertools' `BatchProcessor` with `process_partial_response` (same
answer, same whole-batch failure), written here because importing Powertools' batch package
loads asyncio and, once pydantic is loaded, every Powertools event model for its type hints:
~120 million instructions, ~25 ms of each queue function's cold start, for a loop of a few
lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.entrypoints.handler_setup import Entry, event_entry

R = TypeVar("R", SQSRecord, DynamoDBRecord)


class BatchFailed(Exception):
    """Every record of the batch failed: the batch is retried whole (the last record's error
    is the cause)."""


def _batch(
    event: dict[str, Any],
    record_of: Callable[[dict[str, Any]], R],
    identifier: Callable[[R], str | None],
    record_handler: Callable[[R], object],
) -> dict[str, Any]:
    """Each record of `event` through `record_handler`; the failed ones by `identifier`."""
    records = event.get("Records")
    if not records or not isinstance(records, list):
        raise ValueError("not a queue or stream batch: the event has no Records")
    failures: list[dict[str, str | None]] = []
    last_error: Exception | None = None
    for raw in records:
        record = record_of(raw)
        try:
            record_handler(record)
        except Exception as error:  # any record's failure is that record's, not the batch's
            failures.append({"itemIdentifier": identifier(record)})
            last_error = error
    if len(failures) == len(records):
        raise BatchFailed(f"all {len(records)} records of the batch failed") from last_error
    return {"batchItemFailures": failures}


def _message_id(record: SQSRecord) -> str:
    return record.message_id


def _sequence_number(record: DynamoDBRecord) -> str | None:
    """The change's sequence number (none on a malformed record: Lambda then retries the
    whole batch, as it does for any failure it cannot place)."""
    change = record.dynamodb
    return change.sequence_number if change is not None else None


def sqs_batch(
    event: dict[str, Any], record_handler: Callable[[SQSRecord], object]
) -> dict[str, Any]:
    """Each SQS record through `record_handler`; the failed ones reported for retry."""
    return _batch(event, SQSRecord, _message_id, record_handler)


def stream_batch(
    event: dict[str, Any], record_handler: Callable[[DynamoDBRecord], object]
) -> dict[str, Any]:
    """Each DynamoDB stream record through `record_handler`; failures reported by sequence."""
    return _batch(event, DynamoDBRecord, _sequence_number, record_handler)


def sqs_entry(record_handler: Callable[[SQSRecord], object]) -> Entry:
    """A queue function's Lambda entry, observed as `event_entry` makes it: each SQS record of
    a batch through `record_handler`, the failed ones reported for retry."""

    @event_entry
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return sqs_batch(event, record_handler)

    return lambda_handler
