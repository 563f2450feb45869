"""Lambda's DynamoDB stream poller for the local stack: each record once, in order per shard.

Partial failures retry from the first failed sequence number; errors bisect the batch when
enabled (a split does not use up a retry); a batch that still fails after MaximumRetryAttempts
goes to the OnFailure queue as Lambda's record and the shard moves on. With
MaximumRetryAttempts -1 (infinite) the shard stays blocked and the next drain tries again.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from careroute_local.pump.batches import DrainStats, failed_items
from careroute_local.pump.function_runner import FunctionRunner, last_line
from careroute_local.pump.schedule_expressions import iso_z
from careroute_local.pump.stream_checkpoints import StreamCheckpoints
from careroute_local.stack import LocalStack
from careroute_local.template import FunctionSpec, StreamEvent

log = logging.getLogger("careroute_local")

_BLOCKED_SHARD_RETRIES = 10  # MaximumRetryAttempts -1: give up for this drain after this many


class StreamPoller(FunctionRunner):
    """Drains the template's table streams into the functions they trigger."""

    def __init__(self, stack: LocalStack) -> None:
        super().__init__(stack)
        # (stream ARN, shard id) -> (last delivered sequence number, next shard iterator)
        self._positions: dict[tuple[str, str], tuple[str, str | None]] = {}
        self._generation = stack.generation
        # With a journaled stack (state_dir), each shard's last finished sequence number is
        # saved after every batch: a restarted pump resumes there (replay keeps the numbers).
        self._checkpoints = StreamCheckpoints(stack.state_dir)
        self._stream_lock = threading.RLock()

    def drain_stream(self, table_logical_id: str) -> DrainStats:
        """Deliver the table's new stream records to its consumer, each once, in order."""
        with self._stream_lock:  # run_forever and a test may both drain: one at a time
            return self._drain_stream(table_logical_id)

    def _drain_stream(self, table_logical_id: str) -> DrainStats:
        started = time.perf_counter()
        if self._generation != self.stack.generation:  # reset(): new streams, old positions
            self._positions.clear()
            self._checkpoints.clear()
            self._generation = self.stack.generation
        spec, source = self.stack.template.stream_consumer(table_logical_id)
        arn = self.stack.stream_arn(table_logical_id)
        streams = self.stack.client("dynamodbstreams")
        stats = DrainStats()
        for shard_id in self._shards(streams, arn):
            saved = self._checkpoints.get(table_logical_id, shard_id)
            if (arn, shard_id) not in self._positions and saved is not None:
                self._positions[(arn, shard_id)] = (saved, None)
            while True:
                before = self._positions.get((arn, shard_id), (None, None))[0]
                records = self._read(streams, arn, shard_id, source.batch_size)
                if not records:
                    break
                done = self._deliver_stream_batch(spec, source, arn, shard_id, records, stats)
                if done is None:  # blocked (infinite retries): rewind, try again next drain
                    if before is None:
                        self._positions.pop((arn, shard_id), None)
                    else:
                        self._positions[(arn, shard_id)] = (before, None)
                    break
                self._checkpoints.save(table_logical_id, shard_id, done)
                if done != records[-1]["dynamodb"]["SequenceNumber"]:
                    self._positions[(arn, shard_id)] = (done, None)
                    break
        stats.seconds = time.perf_counter() - started
        return stats

    def redeliver_stream(self, table_logical_id: str) -> DrainStats:
        """Replay the whole stream from TRIM_HORIZON (duplicate deliveries, on purpose)."""
        with self._stream_lock:
            arn = self.stack.stream_arn(table_logical_id)
            for key in [k for k in self._positions if k[0] == arn]:
                del self._positions[key]
            self._checkpoints.forget(table_logical_id)
            return self._drain_stream(table_logical_id)

    @staticmethod
    def _shards(streams: Any, arn: str) -> list[str]:
        shard_ids: list[str] = []
        request: dict[str, Any] = {"StreamArn": arn}
        while True:
            description = streams.describe_stream(**request)["StreamDescription"]
            shard_ids.extend(s["ShardId"] for s in description.get("Shards", []))
            if not description.get("LastEvaluatedShardId"):
                return shard_ids
            request["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def _read(self, streams: Any, arn: str, shard_id: str, batch_size: int) -> list[dict[str, Any]]:
        """Up to batch_size records after this shard's position; remembers the iterator."""
        last, iterator = self._positions.get((arn, shard_id), (None, None))
        renewed = iterator is None
        if iterator is None:
            iterator = self._iterator(streams, arn, shard_id, last)
        records: list[dict[str, Any]] = []
        while iterator and len(records) < batch_size:
            try:
                response = streams.get_records(
                    ShardIterator=iterator, Limit=min(1000, batch_size - len(records))
                )
            except ClientError as exc:  # a kept iterator expires after 15 minutes in AWS
                if (
                    renewed
                    or records
                    or exc.response["Error"]["Code"] != "ExpiredIteratorException"
                ):
                    raise
                iterator, renewed = self._iterator(streams, arn, shard_id, last), True
                continue
            iterator = response.get("NextShardIterator")
            if not response.get("Records"):
                break
            records.extend(response["Records"])
        if records:
            last = records[-1]["dynamodb"]["SequenceNumber"]
        if last is not None:
            self._positions[(arn, shard_id)] = (last, iterator)
        return records

    @staticmethod
    def _iterator(streams: Any, arn: str, shard_id: str, last: str | None) -> str:
        request = {"StreamArn": arn, "ShardId": shard_id}
        if last is None:
            request["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            request.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=last)
        iterator: str = streams.get_shard_iterator(**request)["ShardIterator"]
        return iterator

    def _deliver_stream_batch(
        self,
        spec: FunctionSpec,
        source: StreamEvent,
        arn: str,
        shard_id: str,
        raw_records: list[dict[str, Any]],
        stats: DrainStats,
    ) -> str | None:
        """Lambda's stream semantics for one batch.

        Returns the sequence number of the last record done with (processed or sent to the
        OnFailure destination), or None if not even the first one is (a blocked shard).
        """
        records = [self._stream_record(r, arn) for r in raw_records]
        max_retries = source.maximum_retry_attempts
        last_done: str | None = None
        # A stack of (records, retries used, invocations so far); bisection pushes halves.
        pending: list[tuple[list[dict[str, Any]], int, int]] = [(records, 0, 0)]
        while pending:
            batch, retries, invokes = pending.pop()
            stats.batches += 1
            stats.messages += len(batch)
            ok, result = self._invoke_safely(spec, {"Records": batch})
            invokes += 1
            sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
            if ok:
                failed = (
                    failed_items(result, sequence_numbers)
                    if source.report_batch_item_failures
                    else set()
                )
                first = min(
                    (i for i, s in enumerate(sequence_numbers) if s in failed), default=None
                )
                if first is None:
                    stats.succeeded += len(batch)
                    last_done = sequence_numbers[-1]
                    continue
                stats.succeeded += first
                stats.failed += len(batch) - first
                if first:
                    last_done = sequence_numbers[first - 1]
                batch, error = batch[first:], None
            else:
                stats.failed += len(batch)
                stats.errors.append(str(result))
                log.warning("stream batch of %d failed: %s", len(batch), last_line(result))
                error = "Unhandled"
                if (
                    source.bisect_on_error
                    and len(batch) > 1
                    and (max_retries < 0 or retries < max_retries)
                ):
                    half = len(batch) // 2
                    pending.append((batch[half:], retries, invokes))
                    pending.append((batch[:half], retries, invokes))
                    continue
            if max_retries < 0 and retries >= _BLOCKED_SHARD_RETRIES:
                stats.errors.append(f"{spec.logical_id}: shard {shard_id} blocked")
                return last_done
            if max_retries < 0 or retries < max_retries:
                pending.append((batch, retries + 1, invokes))
                continue
            self._on_failure(spec, source.on_failure_queue_logical_id, arn, shard_id, batch,
                             invokes, error)  # fmt: skip
            stats.dead_lettered += len(batch)
            last_done = batch[-1]["dynamodb"]["SequenceNumber"]
        return last_done

    def _stream_record(self, raw: dict[str, Any], arn: str) -> dict[str, Any]:
        return lambda_stream_record(raw, arn, self.stack.region)

    def _on_failure(
        self,
        spec: FunctionSpec,
        queue_logical_id: str | None,
        arn: str,
        shard_id: str,
        batch: list[dict[str, Any]],
        invokes: int,
        function_error: str | None,
    ) -> None:
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
        if function_error:
            response_context["functionError"] = function_error
        record = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": spec.arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": invokes,
            },
            "responseContext": response_context,
            "version": "1.0",
            "timestamp": iso_z(datetime.now(UTC), millis=True),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": iso_z(
                    datetime.fromtimestamp(first["ApproximateCreationDateTime"], UTC)
                ),
                "approximateArrivalOfLastRecord": iso_z(
                    datetime.fromtimestamp(last["ApproximateCreationDateTime"], UTC)
                ),
                "batchSize": len(batch),
                "streamArn": arn,
            },
        }
        if queue_logical_id is None:
            log.warning("%s dropped %d stream records: no OnFailure", spec.logical_id, len(batch))
            return
        self.stack.client("sqs").send_message(
            QueueUrl=self.stack.queue_url(queue_logical_id), MessageBody=json.dumps(record)
        )


def lambda_stream_record(raw: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    """A record as DynamoDB Streams gives it (boto3) in the shape Lambda hands it to a
    function: the creation time in epoch seconds, bytes as base64, the stream's ARN and region
    (moto always says us-east-1), and who deleted it for a TTL deletion."""
    dynamodb = dict(raw["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    record = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": raw.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": _jsonable(dynamodb),
        "eventSourceARN": arn,
    }
    if "userIdentity" in raw:  # TTL deletions
        record["userIdentity"] = raw["userIdentity"]
    return record


def _jsonable(value: Any) -> Any:
    """boto3's stream record as Lambda's JSON: bytes (B, BS) become base64 strings."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value
