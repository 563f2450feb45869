"""The queue and stream functions' batch loop answers as Lambda's partial batch response asks:
only the failed records, by message id or sequence number; a batch where every record failed
fails whole; an event without records is refused. It loads neither asyncio nor Powertools'
batch package (what it replaced, for the cold start)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from careroute.entrypoints.batch_setup import BatchFailed, sqs_batch, stream_batch


def sqs_record(message_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """An SQS record as Lambda delivers it (the fields the handlers read)."""
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": json.dumps(body),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1765000000000"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:careroute-plan-jobs",
        "awsRegion": "us-east-1",
    }


def stream_record(sequence_number: str, visit_id: str) -> dict[str, Any]:
    """A DynamoDB stream INSERT record as Lambda delivers it."""
    return {
        "eventID": f"event-{sequence_number}",
        "eventName": "INSERT",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "Keys": {"visit_id": {"S": visit_id}},
            "NewImage": {"visit_id": {"S": visit_id}},
            "SequenceNumber": sequence_number,
            "SizeBytes": 42,
            "StreamViewType": "NEW_IMAGE",
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/visits/stream/x",
    }


def test_only_the_failed_queue_records_are_reported_by_message_id() -> None:
    """Given three jobs of which the second fails, When the batch runs, Then every record was
    handled and only the second is reported for retry."""
    seen: list[str] = []

    def handler(record: SQSRecord) -> None:
        seen.append(record.message_id)
        if record.json_body["fail"]:
            raise RuntimeError("solver crashed")

    event = {"Records": [sqs_record(f"m{i}", {"fail": i == 2}) for i in (1, 2, 3)]}
    assert sqs_batch(event, handler) == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    assert seen == ["m1", "m2", "m3"]


def test_a_batch_without_failures_reports_none() -> None:
    event = {"Records": [sqs_record("m1", {}), sqs_record("m2", {})]}
    assert sqs_batch(event, lambda record: None) == {"batchItemFailures": []}


def test_failed_stream_records_are_reported_by_sequence_number() -> None:
    """Given two stream records of which the first fails, Then its sequence number is
    reported (Lambda retries the stream from it)."""

    def handler(record: DynamoDBRecord) -> None:
        assert record.dynamodb is not None
        if record.dynamodb.keys["visit_id"] == "V1":
            raise RuntimeError("counter write failed")

    event = {"Records": [stream_record("100", "V1"), stream_record("200", "V2")]}
    assert stream_batch(event, handler) == {"batchItemFailures": [{"itemIdentifier": "100"}]}


def test_a_batch_whose_every_record_failed_fails_whole_with_the_cause() -> None:
    def handler(record: SQSRecord) -> None:
        raise KeyError(record.message_id)

    event = {"Records": [sqs_record("m1", {}), sqs_record("m2", {})]}
    with pytest.raises(BatchFailed, match="all 2 records") as failed:
        sqs_batch(event, handler)
    assert isinstance(failed.value.__cause__, KeyError)


@pytest.mark.parametrize("event", [{}, {"Records": []}, {"Records": "not a list"}])
def test_an_event_without_records_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="no Records"):
        sqs_batch(event, lambda record: None)


def test_the_batch_loop_loads_neither_asyncio_nor_powertools_batch_package() -> None:
    probe = (
        "import sys, pydantic, careroute.entrypoints.batch_setup;"
        "print(sorted(m for m in ('asyncio', 'aws_lambda_powertools.utilities.batch',"
        " 'aws_lambda_powertools.utilities.parser.models') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
