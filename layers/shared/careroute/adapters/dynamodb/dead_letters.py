"""Move dead-lettered messages back to the queue they came from, for another try.

Safe to repeat: each message is sent back before it is deleted from the DLQ (a crash in
between leaves a copy in both, which the idempotent consumers absorb), and a second run
finds the DLQ empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from careroute.domain.errors import StorageError


@dataclass(frozen=True)
class Redriven:
    moved: int
    left: int


def dead_letter_queue_of(queue_url: str) -> str:
    """The URL of the DLQ named in a queue's redrive policy."""
    sqs: Any = boto3.client("sqs")
    try:
        attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
        policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
        name = policy["deadLetterTargetArn"].rsplit(":", 1)[1]
        return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])
    except (BotoCoreError, ClientError, KeyError) as exc:
        raise StorageError(f"cannot find the dead-letter queue of {queue_url}: {exc}") from exc


def redrive(dlq_url: str, queue_url: str, limit: int | None = None) -> Redriven:
    """Move up to `limit` messages (default: all visible) from `dlq_url` to `queue_url`."""
    sqs: Any = boto3.client("sqs")
    moved = 0
    try:
        while limit is None or moved < limit:
            batch = min(10, limit - moved) if limit is not None else 10
            messages = sqs.receive_message(
                QueueUrl=dlq_url,
                MaxNumberOfMessages=batch,
                VisibilityTimeout=60,
                WaitTimeSeconds=0,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                break
            entries = [
                {
                    "Id": str(i),
                    "MessageBody": m["Body"],
                    **(
                        {"MessageAttributes": m["MessageAttributes"]}
                        if "MessageAttributes" in m
                        else {}
                    ),
                }
                for i, m in enumerate(messages)
            ]
            sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
            if sent.get("Failed"):
                raise StorageError(f"{len(sent['Failed'])} messages could not be sent back")
            sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(messages)
                ],
            )
            moved += len(messages)
        attributes = sqs.get_queue_attributes(
            QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
    except (BotoCoreError, ClientError) as exc:
        raise StorageError(f"redrive stopped after {moved} messages: {exc}") from exc
    return Redriven(moved=moved, left=int(attributes["ApproximateNumberOfMessages"]))


def replay(dlq_url: str, handle: Callable[[str], object], limit: int | None = None) -> Redriven:
    """Give each dead letter's body to `handle`; delete it only once `handle` returned.

    A message `handle` raises on stays in the DLQ (it becomes visible again after the
    receive's visibility timeout) and counts as left. For dead letters that cannot simply go
    back to a queue, e.g. stream batches: `handle` replays them itself.
    """
    sqs: Any = boto3.client("sqs")
    moved = failed = 0
    try:
        while limit is None or moved + failed < limit:
            batch = min(10, limit - moved - failed) if limit is not None else 10
            messages = sqs.receive_message(
                QueueUrl=dlq_url, MaxNumberOfMessages=batch, VisibilityTimeout=300,
                WaitTimeSeconds=0,
            ).get("Messages", [])  # fmt: skip
            if not messages:
                break
            for message in messages:
                try:
                    handle(message["Body"])
                except Exception:
                    failed += 1
                    continue
                sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
                moved += 1
        attributes = sqs.get_queue_attributes(
            QueueUrl=dlq_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
    except (BotoCoreError, ClientError) as exc:
        raise StorageError(f"replay stopped after {moved} messages: {exc}") from exc
    left = sum(int(v) for v in attributes.values())
    return Redriven(moved=moved, left=left)


def queue_beside(queue_url: str, suffix: str, name: str) -> str:
    """The URL of the stack's queue `name`, found from one of its queues ending in `suffix`
    (template.yaml names queues `${AWS::StackName}-<name>`)."""
    sqs: Any = boto3.client("sqs")
    queue_name = queue_url.rsplit("/", 1)[1]
    if not queue_name.endswith(suffix):
        raise StorageError(f"{queue_name} does not end in {suffix}")
    try:
        return str(sqs.get_queue_url(QueueName=queue_name[: -len(suffix)] + name)["QueueUrl"])
    except (BotoCoreError, ClientError) as exc:
        raise StorageError(f"no queue {name} beside {queue_name}: {exc}") from exc
