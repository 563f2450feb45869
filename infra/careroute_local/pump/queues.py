"""Lambda's SQS poller for the local stack: batches to the consumer, then delete or retry.

A batch is deleted only for the records that succeeded (all of them when the function does not
report batch item failures; none if it raised). Failures stay invisible until the queue's
visibility timeout, then moto's redrive moves them to the DLQ on the receive after
maxReceiveCount. `workers > 1` runs invocations in that many processes (Lambda concurrency).
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from careroute_local.pump.batches import DrainStats, failed_items
from careroute_local.pump.function_runner import FunctionRunner, last_line
from careroute_local.pump.worker_pool import InlineExecutor, Outcome, PoolExecutor
from careroute_local.stack import LocalStack
from careroute_local.template import FunctionSpec

log = logging.getLogger("careroute_local")


class QueuePoller(FunctionRunner):
    """Drains the template's queues into the functions they trigger."""

    def __init__(self, stack: LocalStack) -> None:
        super().__init__(stack)
        self._pools: dict[tuple[str, int], PoolExecutor] = {}

    def stop_workers(self) -> None:
        """Stop the worker processes of every `workers > 1` drain."""
        for executor in self._pools.values():
            executor.pool.shutdown(wait=True, cancel_futures=True)
        self._pools.clear()

    def start_workers(self, queue_logical_id: str, workers: int) -> None:
        """Start the worker processes a `workers > 1` drain of the queue uses (importing its
        consumer takes them seconds): a drain that waits for jobs to come starts with them."""
        spec, _source = self.stack.template.sqs_consumer(queue_logical_id)
        executor = self._executor(spec, workers)
        if isinstance(executor, PoolExecutor):
            executor.start(workers)

    def drain_queue(
        self,
        queue_logical_id: str,
        *,
        max_batches: int | None = None,
        workers: int = 1,
        retry_failed_now: bool = False,
        on_batch: Callable[[int], None] | None = None,
    ) -> DrainStats:
        """Deliver a queue's messages to its consumer until the queue has none visible.

        `on_batch(succeeded_so_far)` is called after each batch is settled (progress bars).
        """
        started = time.perf_counter()
        template = self.stack.template
        queue = template.queues[queue_logical_id]
        spec, source = template.sqs_consumer(queue_logical_id)
        sqs = self.stack.client("sqs")
        url = self.stack.queue_url(queue_logical_id)
        stats = DrainStats()
        dlq_before = self._depth(queue.dlq_logical_id)
        in_flight: dict[Future[Outcome], list[dict[str, Any]]] = {}
        # Worker processes get a batch more each, queued in the pool: a worker that finishes
        # takes the next at once instead of waiting while this thread settles and receives.
        ahead = workers if workers == 1 else 2 * workers
        empty_polls = 0
        while True:
            while len(in_flight) < ahead and (max_batches is None or stats.batches < max_batches):
                messages = self._receive(sqs, url, source.batch_size, queue.visibility_timeout)
                if not messages:
                    break
                empty_polls = 0
                stats.batches += 1
                stats.messages += len(messages)
                event = {"Records": [self._sqs_record(m, queue.arn) for m in messages]}
                # Looked up each time: a crashed worker pool is replaced by a fresh one.
                in_flight[self._executor(spec, workers).submit(event)] = messages
            if in_flight:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    messages = in_flight.pop(future)
                    outcome = self._outcome(future, spec, workers)
                    self._settle(
                        sqs, url, messages, outcome, source.report_batch_item_failures,
                        retry_failed_now, stats,
                    )  # fmt: skip
                    if on_batch is not None:
                        on_batch(stats.succeeded)
                continue
            if max_batches is not None and stats.batches >= max_batches:
                break
            depth = self.stack.queue_depth(queue_logical_id)
            if depth["visible"] == 0 or empty_polls >= 3:
                break
            empty_polls += 1  # visible but not received: moto just dead-lettered them
            time.sleep(0.02)
        depth = self.stack.queue_depth(queue_logical_id)
        stats.invisible_left = depth["not_visible"] + depth["delayed"]
        stats.dead_lettered = self._depth(queue.dlq_logical_id) - dlq_before
        stats.seconds = time.perf_counter() - started
        return stats

    @contextmanager
    def polling(self, queue_logical_id: str, every: float = 0.2) -> Iterator[None]:
        """Drain one queue in a background thread every `every` seconds while the block runs,
        as Lambda's poller feeds a function while requests come in (`run_forever` polls every
        queue, stream and schedule; this, only the queue a test or a benchmark waits on)."""
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(every):
                try:
                    self.drain_queue(queue_logical_id)
                except Exception:
                    log.exception("draining %s failed", queue_logical_id)

        poller = threading.Thread(target=poll, name=f"poll-{queue_logical_id}", daemon=True)
        poller.start()
        try:
            yield
        finally:
            stop.set()
            poller.join(timeout=60)

    def _depth(self, queue_logical_id: str | None) -> int:
        if queue_logical_id is None:
            return 0
        return sum(self.stack.queue_depth(queue_logical_id).values())

    def _executor(self, spec: FunctionSpec, workers: int) -> InlineExecutor | PoolExecutor:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        if workers == 1:
            return InlineExecutor(self._invoke_safely, spec)
        key = (spec.logical_id, workers)
        if key not in self._pools:
            env = self.stack.function_environment(spec.logical_id)
            self._pools[key] = PoolExecutor(spec, workers, env)
        return self._pools[key]

    def _outcome(self, future: Future[Outcome], spec: FunctionSpec, workers: int) -> Outcome:
        try:
            return future.result()
        except BrokenProcessPool:
            # A worker died (crash, os._exit, import error): like a crashed Lambda runtime,
            # the batch fails. Start fresh workers for the next batch.
            pool = self._pools.pop((spec.logical_id, workers), None)
            if pool is not None:
                pool.pool.shutdown(wait=False, cancel_futures=True)
            return False, "Runtime.ExitError: a worker process died"

    @staticmethod
    def _receive(sqs: Any, url: str, batch_size: int, visibility: int) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while len(messages) < batch_size:
            response = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(10, batch_size - len(messages)),
                VisibilityTimeout=visibility,
                WaitTimeSeconds=0,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            page = response.get("Messages", [])
            if not page:
                break
            messages.extend(page)
        return messages

    def _sqs_record(self, message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
        attributes = {
            name: _sqs_message_attribute(value)
            for name, value in (message.get("MessageAttributes") or {}).items()
        }
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes") or {}),
            "messageAttributes": attributes,
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": self.stack.region,
        }

    def _settle(
        self,
        sqs: Any,
        url: str,
        messages: list[dict[str, Any]],
        outcome: Outcome,
        partial: bool,
        retry_failed_now: bool,
        stats: DrainStats,
    ) -> None:
        ok, result = outcome
        ids = [m["MessageId"] for m in messages]
        if not ok:
            stats.errors.append(str(result))
            log.warning("SQS batch of %d failed: %s", len(ids), last_line(result))
            failed = set(ids)
        elif partial:
            failed = failed_items(result, ids)
        else:
            failed = set()
        done = [m for m in messages if m["MessageId"] not in failed]
        for chunk in _chunks(done, 10):
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in chunk],
            )
        stats.succeeded += len(done)
        stats.failed += len(failed)
        if retry_failed_now and failed:
            retry = [m for m in messages if m["MessageId"] in failed]
            for chunk in _chunks(retry, 10):
                sqs.change_message_visibility_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                        for i, m in chunk
                    ],
                )


def _chunks(items: list[Any], size: int) -> Iterable[list[tuple[int, Any]]]:
    indexed = list(enumerate(items))
    for start in range(0, len(indexed), size):
        yield indexed[start : start + size]


def _sqs_message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        converted["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return converted
