"""Rejected urgent events go straight to the urgent-events DLQ with the reason in message
attributes (`reject_reason`, `reject_detail`): a malformed event or an unknown device will
never succeed, so it is not retried; the operator reads why on the DLQ."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from careroute.domain.errors import StorageError
from careroute.observability import logger

MAX_DETAIL = 500


def reject(dlq_url: str, body: str, reason: str, detail: str) -> None:
    import boto3  # here: a rare path, and boto3 is ~15 ms of the function's cold start

    client: Any = boto3.client("sqs")
    try:
        client.send_message(
            QueueUrl=dlq_url,
            MessageBody=body or "<empty>",
            MessageAttributes={
                "reject_reason": {"DataType": "String", "StringValue": reason},
                "reject_detail": {
                    "DataType": "String",
                    "StringValue": detail[:MAX_DETAIL] or reason,
                },
            },
        )
    except (BotoCoreError, ClientError) as exc:
        logger.exception("rejected event not dead-lettered")
        raise StorageError("could not dead-letter a rejected event") from exc
