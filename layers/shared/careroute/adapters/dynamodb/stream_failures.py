"""Stream batches a consumer gave up on: read back from the stream by their OnFailure record.

When a stream consumer exhausts its retries, Lambda (and the local pump) sends the batch's
description, not its records, to the OnFailure queue: stream ARN, shard, first and last
sequence numbers, attempts and condition. The records themselves stay in the stream for 24 h;
this module reads them back so that an operator can replay them (`careroute redrive`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import BotoCoreError, ClientError

from careroute.domain.errors import StorageError

_deserializer = TypeDeserializer()


@dataclass(frozen=True)
class FailedBatch:
    """One OnFailure record: where the batch lies in the stream, and why it failed."""

    stream_arn: str
    shard_id: str
    first_sequence: str
    last_sequence: str
    size: int
    condition: str
    attempts: int

    @classmethod
    def from_message(cls, body: str) -> FailedBatch:
        record = json.loads(body)
        info = record["DDBStreamBatchInfo"]
        return cls(
            stream_arn=info["streamArn"],
            shard_id=info["shardId"],
            first_sequence=info["startSequenceNumber"],
            last_sequence=info["endSequenceNumber"],
            size=int(info["batchSize"]),
            condition=record["requestContext"]["condition"],
            attempts=int(record["requestContext"]["approximateInvokeCount"]),
        )


class StreamExpired(StorageError):
    """The batch's records are no longer in the stream (kept 24 h)."""


def new_images(batch: FailedBatch) -> Iterator[dict[str, Any]]:
    """The NewImage (deserialised) of every INSERT of the batch, in stream order."""
    streams: Any = boto3.client("dynamodbstreams")
    last = int(batch.last_sequence)
    try:
        iterator = streams.get_shard_iterator(
            StreamArn=batch.stream_arn,
            ShardId=batch.shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=batch.first_sequence,
        )["ShardIterator"]
        while iterator:
            response = streams.get_records(ShardIterator=iterator, Limit=1000)
            for record in response.get("Records", []):
                if int(record["dynamodb"]["SequenceNumber"]) > last:
                    return
                if record["eventName"] == "INSERT" and "NewImage" in record["dynamodb"]:
                    image = record["dynamodb"]["NewImage"]
                    yield {k: _deserializer.deserialize(v) for k, v in image.items()}
            if not response.get("Records"):
                return
            iterator = response.get("NextShardIterator")
    except ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code in ("TrimmedDataAccessException", "ResourceNotFoundException"):
            raise StreamExpired(
                f"stream records {batch.first_sequence}.. are gone: {code}"
            ) from exc
        raise StorageError(f"cannot read the failed stream batch: {exc}") from exc
    except BotoCoreError as exc:
        raise StorageError(f"cannot read the failed stream batch: {exc}") from exc
