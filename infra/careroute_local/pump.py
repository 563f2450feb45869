"""The event pump: delivers schedules, SQS batches, stream records and HTTP requests to handlers.

moto stores data but runs no code (without Docker), fires no schedules and serves no HTTP API.
This module plays the part of Lambda's pollers, EventBridge Scheduler and API Gateway for the
local stack: it calls THE SAME `functions/<name>/app.py:lambda_handler` that runs in Lambda,
with real Lambda event shapes, wired exactly as template.yaml says (batch sizes, partial batch
responses, visibility timeouts, redrive, bisection, retries, on-failure destinations, schedule
expressions and time zones, HTTP routes and stage). Nothing is hand-listed here.

Semantics kept from Lambda (so tests of retries and duplicates mean something):
- SQS: a batch is deleted only for the records that succeeded (all of them when the function
  does not report batch item failures; none if it raised). Failures stay invisible until the
  queue's visibility timeout, then moto's redrive moves them to the DLQ on the receive after
  maxReceiveCount. `workers > 1` runs invocations in that many processes (Lambda concurrency).
- DynamoDB streams: in order per shard; partial failures retry from the first failed sequence
  number; errors bisect the batch when enabled (a split does not use up a retry), a batch that
  still fails after MaximumRetryAttempts goes to the OnFailure queue as Lambda's record and the
  shard moves on. With MaximumRetryAttempts -1 (infinite) the shard stays blocked and the next
  drain tries again.
- HTTP: API Gateway HTTP API, payload format 2.0, one request at a time per function. Routes
  behind a JWT authorizer need `Authorization: Bearer <token>` from the local dev issuer
  (careroute_local.dev_auth): missing, forged or expired -> 401 {"message":"Unauthorized"};
  the verified claims reach the handler in requestContext.authorizer.jwt.claims.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import logging
import multiprocessing
import os
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType, TracebackType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlencode
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError
from croniter import croniter

from careroute.domain import clock
from careroute_local.dev_auth import DevIssuer
from careroute_local.lambda_context import LocalLambdaContext
from careroute_local.stack import LocalStack
from careroute_local.template import (
    FunctionSpec,
    HttpApiEvent,
    HttpApiSpec,
    ScheduleEvent,
    StreamEvent,
    Template,
)

__all__ = [
    "MAX_HTTP_BODY",
    "DrainStats",
    "EventPump",
    "HttpResponse",
    "LocalHttpServer",
    "load_handler",
    "next_schedule_time",
]

log = logging.getLogger("careroute_local")

Handler = Callable[[Any, Any], Any]
MAX_HTTP_BODY = 1024 * 1024  # the brief's approximation of API Gateway's payload limit
_BLOCKED_SHARD_RETRIES = 10  # MaximumRetryAttempts -1: give up for this drain after this many
_TEXT_TYPES = re.compile(
    r"^(text/|application/(json|xml|javascript|graphql|x-www-form-urlencoded)|"
    r"application/[\w.+-]+\+(json|xml))",
    re.IGNORECASE,
)


@dataclass
class DrainStats:
    """What one drain did. `messages` counts deliveries (a retried message counts again)."""

    batches: int = 0  # handler invocations
    messages: int = 0  # messages / stream records delivered
    succeeded: int = 0  # deleted from the queue / checkpointed past
    failed: int = 0  # failed deliveries
    dead_lettered: int = 0  # moved to the DLQ (delta of its depth) / sent to OnFailure
    invisible_left: int = 0  # SQS: failed or delayed messages still invisible at the end
    errors: list[str] = field(default_factory=list)  # tracebacks of raised handler errors
    seconds: float = 0.0


class HttpResponse(NamedTuple):
    """API Gateway's answer: `status, headers, body = response` also works."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


# ---------------------------------------------------------------------- handlers


def load_handler(spec: FunctionSpec) -> Handler:
    """Import a function's handler by file path, once, under a module name unique to it."""
    digest = hashlib.sha1(str(spec.handler_path).encode()).hexdigest()[:10]
    module_name = f"_lambda_{spec.logical_id}_{digest}"
    module: ModuleType | None = sys.modules.get(module_name)
    if module is None:
        # Like Lambda: the code directory first on sys.path while the handler is imported,
        # then the layers (/opt/python). Afterwards the code directory moves to the end, so
        # that several functions' directories in one process do not shadow other imports.
        code_dir = str(spec.code_dir)
        sys.path.insert(0, code_dir)
        for layer in spec.layer_dirs:
            if str(layer) not in sys.path:
                sys.path.append(str(layer))
        module_spec = importlib.util.spec_from_file_location(module_name, spec.handler_path)
        if module_spec is None or module_spec.loader is None:
            raise ImportError(f"cannot load {spec.handler_path}")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[module_name]
            raise
        finally:
            sys.path.remove(code_dir)
            if code_dir not in sys.path:
                sys.path.append(code_dir)
    handler: Handler = getattr(module, spec.handler_function)
    return handler


def _call(spec: FunctionSpec, handler: Handler, event: Any) -> Any:
    """One invocation: JSON in, JSON out, like Lambda (non-JSON results are errors)."""
    payload = json.loads(json.dumps(event))
    started = time.monotonic()
    result = handler(payload, LocalLambdaContext.for_function(spec))
    elapsed = time.monotonic() - started
    if elapsed > spec.timeout:
        log.warning(
            "%s took %.1fs, over its %ss Timeout: Lambda would have stopped it",
            spec.logical_id,
            elapsed,
            spec.timeout,
        )
    try:
        return json.loads(json.dumps(result))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"Runtime.MarshalError: {spec.logical_id} result: {exc}") from exc


# Worker processes (workers > 1): one handler per process, imported once by the initializer.
_worker_function: tuple[FunctionSpec, Handler] | None = None


def _worker_init(spec: FunctionSpec, environment: dict[str, str]) -> None:
    global _worker_function
    os.environ.update(environment)
    logging.basicConfig(level=logging.WARNING)
    _worker_function = (spec, load_handler(spec))


def _worker_invoke(event: Any) -> tuple[bool, Any]:
    assert _worker_function is not None, "worker not initialised"
    spec, handler = _worker_function
    try:
        return True, _call(spec, handler, event)
    except Exception:
        return False, traceback.format_exc()


class _InlineExecutor:
    """Runs an invocation in this process; looks like a process pool to drain_queue."""

    def __init__(self, pump: EventPump, spec: FunctionSpec) -> None:
        self._pump = pump
        self._spec = spec

    def submit(self, event: Any) -> Future[tuple[bool, Any]]:
        future: Future[tuple[bool, Any]] = Future()
        future.set_result(self._pump._invoke_safely(self._spec, event))
        return future


class _PoolExecutor:
    def __init__(self, spec: FunctionSpec, workers: int, environment: dict[str, str]) -> None:
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(spec, environment),
        )

    def submit(self, event: Any) -> Future[tuple[bool, Any]]:
        return self.pool.submit(_worker_invoke, event)


# ---------------------------------------------------------------------- schedules


def _aws_dow(field_: str) -> str:
    """AWS day-of-week (1-7 = SUN-SAT, `?`, `L`, `#`) to croniter's (0-6 = SUN-SAT)."""
    if field_ == "?":
        return "*"

    def num(x: str) -> str:
        return str(int(x) - 1) if x.isdigit() else x

    def rng(x: str) -> str:
        return "-".join(num(p) for p in x.split("-"))

    parts = []
    for part in field_.split(","):
        if "#" in part:
            day, nth = part.split("#", 1)
            parts.append(f"{num(day)}#{nth}")
        elif part == "L":
            parts.append("6")  # alone, L means the last day of the week: Saturday
        elif part.endswith("L"):
            parts.append(f"L{num(part[:-1])}")  # 6L: the last Friday of the month
        elif "/" in part:
            base, step = part.split("/", 1)
            parts.append(f"{rng(base)}/{step}")
        else:
            parts.append(rng(part))
    return ",".join(parts)


def _years(field_: str) -> set[int] | None:
    if field_ in ("*", "?"):
        return None
    years: set[int] = set()
    for part in field_.split(","):
        if "/" in part:
            start, step = part.split("/", 1)
            first = 1970 if start == "*" else int(start.split("-")[0])
            years.update(range(first, 2200, int(step)))
        elif "-" in part:
            a, b = part.split("-", 1)
            years.update(range(int(a), int(b) + 1))
        else:
            years.add(int(part))
    return years


def next_schedule_time(expression: str, timezone: str, after: datetime) -> datetime | None:
    """Next fire time (UTC) strictly after `after` of an AWS cron()/rate()/at() expression.

    rate() counts from `after` (the previous fire or the start). None when it never fires again.
    """
    after = _as_utc(after)
    expression = expression.strip()
    inner = expression[expression.index("(") + 1 : expression.rindex(")")].strip()
    tz = ZoneInfo(timezone)
    if expression.startswith("rate("):
        value, unit = inner.split()
        seconds = {"minute": 60, "hour": 3600, "day": 86400}[unit.rstrip("s")]
        return after + timedelta(seconds=int(value) * seconds)
    if expression.startswith("at("):
        at = datetime.fromisoformat(inner).replace(tzinfo=tz).astimezone(UTC)
        return at if at > after else None
    if not expression.startswith("cron("):
        raise ValueError(f"not a schedule expression: {expression}")
    fields = inner.split()
    if len(fields) != 6:
        raise ValueError(f"AWS cron needs 6 fields (min hour dom month dow year): {expression}")
    minute, hour, dom, month, dow, year = fields
    expr = f"{minute} {hour} {'*' if dom == '?' else dom} {month} {_aws_dow(dow)}"
    years = _years(year)
    it = croniter(expr, after.astimezone(tz))
    for _ in range(100_000):
        candidate: datetime = it.get_next(datetime)
        if years is None or candidate.year in years:
            return candidate.astimezone(UTC)
        if candidate.year > max(years):
            return None
    return None


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso_z(moment: datetime, millis: bool = False) -> str:
    text = _as_utc(moment).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")


# ---------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class _Route:
    spec: FunctionSpec
    event: HttpApiEvent
    api: HttpApiSpec
    pattern: re.Pattern[str] | None  # None for $default
    literal_segments: int
    greedy: bool


def _route(spec: FunctionSpec, event: HttpApiEvent, api: HttpApiSpec) -> _Route:
    if event.path == "$default":
        return _Route(spec, event, api, None, 0, True)
    regex, literals, greedy = "", 0, False
    for segment in event.path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            regex += f"/(?P<{segment[1:-2]}>.+)"
            greedy = True
        elif segment.startswith("{") and segment.endswith("}"):
            regex += f"/(?P<{segment[1:-1]}>[^/]+)"
        elif segment:
            regex += "/" + re.escape(segment)
            literals += 1
    return _Route(spec, event, api, re.compile((regex or "/") + "$"), literals, greedy)


class LocalHttpServer(ThreadingHTTPServer):
    """The local HTTP API. `shutdown()` stops it and closes its socket."""

    daemon_threads = True

    def shutdown(self) -> None:
        super().shutdown()
        self.server_close()


# ---------------------------------------------------------------------- the pump


class EventPump:
    """Delivers events to the template's functions, in-process (or in worker processes)."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        stack.apply_environment()  # before any handler is imported
        self._handlers: dict[str, Handler] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._pools: dict[tuple[str, int], _PoolExecutor] = {}
        # (stream ARN, shard id) -> (last delivered sequence number, next shard iterator)
        self._positions: dict[tuple[str, str], tuple[str, str | None]] = {}
        self._generation = stack.generation
        # With a journaled stack (state_dir), each shard's last finished sequence number is
        # saved after every batch: a restarted pump resumes there (replay keeps the numbers).
        self._checkpoints = _Checkpoints(stack.state_dir)
        self._stream_lock = threading.RLock()
        self._route_table: tuple[Template, list[_Route]] | None = None
        self._issuer: DevIssuer | None = None

    @property
    def issuer(self) -> DevIssuer:
        """The local JWT issuer whose tokens the HTTP API accepts (dev keys, see dev_auth)."""
        if self._issuer is None:
            self._issuer = DevIssuer()
        return self._issuer

    def verify_token(self, authorization: str | None) -> dict[str, Any] | None:
        return self.issuer.verify(authorization)

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Stop worker processes."""
        for executor in self._pools.values():
            executor.pool.shutdown(wait=True, cancel_futures=True)
        self._pools.clear()

    def __enter__(self) -> EventPump:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ invoking

    def invoke(self, function_logical_id: str, event: Any) -> Any:
        """Call a function's handler with any event (JSON round-tripped); errors propagate."""
        spec = self.stack.template.functions[function_logical_id]
        with self._lock(function_logical_id):
            handler = self._handlers.get(function_logical_id)
            if handler is None:
                handler = self._handlers[function_logical_id] = load_handler(spec)
            return _call(spec, handler, event)

    def _invoke_safely(self, spec: FunctionSpec, event: Any) -> tuple[bool, Any]:
        try:
            return True, self.invoke(spec.logical_id, event)
        except Exception:
            return False, traceback.format_exc()

    def _lock(self, function_logical_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(function_logical_id, threading.Lock())

    # ------------------------------------------------------------------ schedules

    def _schedule(self, function_logical_id: str, event_name: str | None) -> ScheduleEvent:
        schedules = self.stack.template.functions[function_logical_id].schedules
        if event_name is not None:
            schedules = [s for s in schedules if s.name == event_name]
        if len(schedules) != 1:
            raise ValueError(f"{function_logical_id}: name one of its schedule events")
        return schedules[0]

    def schedule_event(
        self, function_logical_id: str, scheduled_time: datetime, event_name: str | None = None
    ) -> Any:
        """The payload the scheduler would send at `scheduled_time`."""
        schedule = self._schedule(function_logical_id, event_name)
        region, account = self.stack.region, self.stack.template.account_id
        if schedule.type == "ScheduleV2":
            text = schedule.input if schedule.input is not None else "{}"
            for placeholder, value in {
                "<aws.scheduler.scheduled-time>": _iso_z(scheduled_time),
                "<aws.scheduler.execution-id>": str(uuid.uuid4()),
                "<aws.scheduler.attempt-number>": "1",
                "<aws.scheduler.schedule-arn>": (
                    f"arn:aws:scheduler:{region}:{account}:schedule/default/"
                    f"{schedule.schedule_name}"
                ),
            }.items():
                text = text.replace(placeholder, value)
            try:
                return json.loads(text)
            except ValueError:
                return text
        if schedule.input is not None:
            return json.loads(schedule.input)
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": account,
            "time": _iso_z(scheduled_time),
            "region": region,
            "resources": [f"arn:aws:events:{region}:{account}:rule/{schedule.schedule_name}"],
            "detail": {},
        }

    def fire_schedule(
        self,
        function_logical_id: str,
        scheduled_time: datetime,
        event_name: str | None = None,
        *,
        overrides: Mapping[str, Any] | None = None,
    ) -> Any:
        """Invoke a scheduled function as its schedule would at `scheduled_time`.

        `overrides` are merged into the (JSON object) Input, e.g. to replay a given plan date.
        """
        event = self.schedule_event(function_logical_id, scheduled_time, event_name)
        if overrides:
            if not isinstance(event, dict):
                raise ValueError(f"{function_logical_id}: the schedule Input is not an object")
            event.update(overrides)
        return self.invoke(function_logical_id, event)

    def next_fire_time(
        self, function_logical_id: str, after: datetime, event_name: str | None = None
    ) -> datetime | None:
        """When the function's schedule fires next after `after` (UTC), in its time zone."""
        schedule = self._schedule(function_logical_id, event_name)
        return next_schedule_time(schedule.expression, schedule.timezone, after)

    # ------------------------------------------------------------------ SQS

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
        in_flight: dict[Future[tuple[bool, Any]], list[dict[str, Any]]] = {}
        empty_polls = 0
        while True:
            while len(in_flight) < workers and (max_batches is None or stats.batches < max_batches):
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

    def _depth(self, queue_logical_id: str | None) -> int:
        if queue_logical_id is None:
            return 0
        return sum(self.stack.queue_depth(queue_logical_id).values())

    def _executor(self, spec: FunctionSpec, workers: int) -> _InlineExecutor | _PoolExecutor:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        if workers == 1:
            return _InlineExecutor(self, spec)
        key = (spec.logical_id, workers)
        if key not in self._pools:
            env = self.stack.function_environment(spec.logical_id)
            self._pools[key] = _PoolExecutor(spec, workers, env)
        return self._pools[key]

    def _outcome(
        self, future: Future[tuple[bool, Any]], spec: FunctionSpec, workers: int
    ) -> tuple[bool, Any]:
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
        outcome: tuple[bool, Any],
        partial: bool,
        retry_failed_now: bool,
        stats: DrainStats,
    ) -> None:
        ok, result = outcome
        ids = [m["MessageId"] for m in messages]
        if not ok:
            stats.errors.append(str(result))
            log.warning("SQS batch of %d failed: %s", len(ids), _last_line(result))
            failed = set(ids)
        elif partial:
            failed = _failed_items(result, ids)
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

    # ------------------------------------------------------------------ DynamoDB streams

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
                    _failed_items(result, sequence_numbers)
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
                log.warning("stream batch of %d failed: %s", len(batch), _last_line(result))
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
        dynamodb = dict(raw["dynamodb"])
        created = dynamodb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
        record = {
            "eventID": raw["eventID"],
            "eventName": raw["eventName"],
            "eventVersion": raw.get("eventVersion", "1.1"),
            "eventSource": "aws:dynamodb",
            "awsRegion": self.stack.region,  # moto always says us-east-1
            "dynamodb": _jsonable(dynamodb),
            "eventSourceARN": arn,
        }
        if "userIdentity" in raw:  # TTL deletions
            record["userIdentity"] = raw["userIdentity"]
        return record

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
            "timestamp": _iso_z(datetime.now(UTC), millis=True),
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso_z(
                    datetime.fromtimestamp(first["ApproximateCreationDateTime"], UTC)
                ),
                "approximateArrivalOfLastRecord": _iso_z(
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

    # ------------------------------------------------------------------ HTTP API

    def invoke_http(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        query: Mapping[str, str | Sequence[str]] | str | None = None,
        body: str | bytes | None = None,
        jwt_claims: Mapping[str, Any] | None = None,
    ) -> HttpResponse:
        """One request through the HTTP API. `path` excludes the stage ("/visits")."""
        response, cookies = self._http(method, path, headers, query, body, jwt_claims)
        if cookies:
            response.headers["set-cookie"] = ", ".join(cookies)
        return response

    def _http(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        query: Mapping[str, str | Sequence[str]] | str | None,
        body: str | bytes | None,
        jwt_claims: Mapping[str, Any] | None,
    ) -> tuple[HttpResponse, list[str]]:
        method = method.upper()
        path, _, path_query = path.partition("?")
        if query is None:
            raw_query = path_query
        elif isinstance(query, str):
            raw_query = query
        else:
            raw_query = urlencode(query, doseq=True)
        matched = self._match(method, path)
        if matched is None:
            return _api_error(404, "Not Found"), []
        route, path_params = matched
        if jwt_claims is None and _needs_token(route):
            # API Gateway's JWT authorizer: no valid token, no invocation.
            jwt_claims = self.verify_token(_header(headers, "authorization"))
            if jwt_claims is None:
                return _api_error(401, "Unauthorized"), []
        if route.event.payload_format_version != "2.0":
            raise NotImplementedError(f"{route.event.route_key}: only payload format 2.0")
        event = self._http_event(route, method, path, raw_query, headers, body, path_params,
                                 jwt_claims)  # fmt: skip
        ok, result = self._invoke_safely(route.spec, event)
        if not ok:
            log.warning("%s failed: %s", route.event.route_key, _last_line(result))
            return _api_error(500, "Internal Server Error"), []
        return _http_result(result)

    def _routes(self) -> list[_Route]:
        template = self.stack.template  # replaced by start() and reset(): rebuild then
        if self._route_table is None or self._route_table[0] is not template:
            apis = template.http_apis
            routes = [_route(f, e, apis[e.api_logical_id]) for f, e in template.http_routes()]
            self._route_table = (template, routes)
        return self._route_table[1]

    def _match(self, method: str, path: str) -> tuple[_Route, dict[str, str]] | None:
        best: tuple[tuple[int, int, int, int], _Route, dict[str, str]] | None = None
        for route in self._routes():
            if route.event.method not in (method, "ANY") and route.event.path != "$default":
                continue
            if route.pattern is None:
                params: dict[str, str] = {}
                rank = (0, 0, 0, 0)
            else:
                match = route.pattern.match(path)
                if match is None:
                    continue
                params = {k: unquote(v) for k, v in match.groupdict().items()}
                rank = (1, int(not route.greedy), route.literal_segments,
                        int(route.event.method == method))  # fmt: skip
            if best is None or rank > best[0]:
                best = (rank, route, params)
        return None if best is None else (best[1], best[2])

    def _http_event(
        self,
        route: _Route,
        method: str,
        path: str,
        raw_query: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
        body: str | bytes | None,
        path_params: dict[str, str],
        jwt_claims: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        api = route.api
        stage = api.stage_name
        raw_path = path if stage == "$default" else f"/{stage}{path}"
        domain = f"{api.api_id}.execute-api.{self.stack.region}.amazonaws.com"
        pairs = headers.items() if isinstance(headers, Mapping) else (headers or [])
        lowered: dict[str, str] = {}
        cookies: list[str] = []
        for name, value in pairs:
            key = name.lower()
            if key == "cookie":
                cookies.extend(c.strip() for c in str(value).split(";") if c.strip())
            else:
                lowered[key] = f"{lowered[key]},{value}" if key in lowered else str(value)
        data = body.encode() if isinstance(body, str) else body
        lowered.setdefault("host", domain)
        lowered.setdefault("x-forwarded-for", "127.0.0.1")
        lowered.setdefault("x-forwarded-port", "443")
        lowered.setdefault("x-forwarded-proto", "https")
        lowered.setdefault(
            "x-amzn-trace-id", f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}"
        )
        if data:
            lowered["content-length"] = str(len(data))
        now = datetime.now(UTC)
        request_id = base64.b64encode(os.urandom(12)).decode()[:16] + "="
        route_key = route.event.route_key
        context: dict[str, Any] = {
            "accountId": self.stack.template.account_id,
            "apiId": api.api_id,
            "domainName": domain,
            "domainPrefix": api.api_id,
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": stage,
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        }
        if jwt_claims is not None:
            context["authorizer"] = {"jwt": {"claims": dict(jwt_claims), "scopes": None}}
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": raw_path,
            "rawQueryString": raw_query,
        }
        if cookies:
            event["cookies"] = cookies
        event["headers"] = lowered
        if raw_query:
            grouped: dict[str, list[str]] = {}
            for key, value in parse_qsl(raw_query, keep_blank_values=True):
                grouped.setdefault(key, []).append(value)
            event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped.items()}
        event["requestContext"] = context
        if path_params:
            event["pathParameters"] = path_params
        is_base64 = False
        if data:
            text = _as_text(data, lowered.get("content-type"))
            is_base64 = text is None
            event["body"] = base64.b64encode(data).decode() if text is None else text
        event["isBase64Encoded"] = is_base64
        return event

    def serve_http(self, host: str = "127.0.0.1", port: int = 0) -> tuple[LocalHttpServer, str]:
        """Serve the HTTP API on 127.0.0.1 in a daemon thread; returns (server, base URL)."""
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the local HTTP API listens on 127.0.0.1 only")
        stages = {api.stage_name for api in self.stack.template.http_apis.values()}
        stage = stages.pop() if len(stages) == 1 else "$default"
        prefix = "" if stage == "$default" else f"/{stage}"
        pump = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, a keep-alive client's
            # delayed ACK stalls the body ~40 ms. API Gateway answers without that stall.
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_HTTP_BODY:
                    # Read what the client sends (up to a bound) before answering: closing on
                    # an unread body resets the connection and the client never sees the 413.
                    remaining = min(length, 16 * MAX_HTTP_BODY)
                    while remaining > 0:
                        chunk = self.rfile.read(min(remaining, 1 << 16))
                        if not chunk:
                            break
                        remaining -= len(chunk)
                    self.close_connection = True
                    self._send(_api_error(413, "Request Entity Too Large"), [])
                    return
                body = self.rfile.read(length) if length else None
                path, _, query = self.path.partition("?")
                if prefix and not (path == prefix or path.startswith(prefix + "/")):
                    self._send(_api_error(404, "Not Found"), [])
                    return
                response, cookies = pump._http(
                    self.command, path[len(prefix) :] or "/", list(self.headers.items()),
                    query, body, None,
                )  # fmt: skip
                self._send(response, cookies)

            def _send(self, response: HttpResponse, cookies: list[str]) -> None:
                self.send_response(response.status)
                for name, value in response.headers.items():
                    if name not in ("content-length", "connection"):
                        self.send_header(name, value)
                for cookie in cookies:
                    self.send_header("set-cookie", cookie)
                self.send_header("content-length", str(len(response.body)))
                if self.close_connection:
                    self.send_header("connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("http %s", format % args)

        server = LocalHttpServer((host, port), RequestHandler)
        thread = threading.Thread(target=server.serve_forever, name="careroute-http", daemon=True)
        thread.start()
        return server, f"http://{host}:{server.server_address[1]}{prefix}"

    # ------------------------------------------------------------------ main loop

    def run_forever(
        self, stop_event: threading.Event, *, poll_interval: float = 0.5, workers: int = 1
    ) -> None:
        """Poll queues and streams and fire schedules on the real clock until stop_event."""
        template = self.stack.template
        queues = [
            q for q in template.queues
            if any(e.queue_logical_id == q for f in template.functions.values()
                   for e in f.sqs_events)
        ]  # fmt: skip
        tables = [
            t for t in template.tables
            if any(e.table_logical_id == t for f in template.functions.values()
                   for e in f.stream_events)
        ]  # fmt: skip
        now = clock.now()
        next_at: dict[tuple[str, str], datetime | None] = {
            (f.logical_id, s.name): next_schedule_time(s.expression, s.timezone, now)
            for f in template.functions.values()
            for s in f.schedules
            if s.enabled
        }
        while not stop_event.is_set():
            for queue_id in queues:
                try:
                    self.drain_queue(queue_id, workers=workers)
                except Exception:
                    log.exception("draining %s failed", queue_id)
            for table_id in tables:
                try:
                    self.drain_stream(table_id)
                except Exception:
                    log.exception("draining the stream of %s failed", table_id)
            for (function_id, event_name), when in list(next_at.items()):
                if when is None or when > clock.now():
                    continue
                self._fire_or_dead_letter(function_id, event_name, when)
                next_at[(function_id, event_name)] = self.next_fire_time(
                    function_id, when, event_name
                )
            stop_event.wait(poll_interval)

    def _fire_or_dead_letter(self, function_id: str, event_name: str, when: datetime) -> None:
        event = self.schedule_event(function_id, when, event_name)
        try:
            self.invoke(function_id, event)
            return
        except Exception as exc:
            log.exception("schedule %s.%s failed", function_id, event_name)
            error = exc
        schedule = self._schedule(function_id, event_name)
        if schedule.dlq_logical_id is None:
            return
        spec = self.stack.template.functions[function_id]
        attributes = {
            "ERROR_CODE": type(error).__name__,
            "ERROR_MESSAGE": str(error)[:1000] or type(error).__name__,
            "RETRY_ATTEMPTS": "0",
            "TARGET_ARN": spec.arn,
            "SCHEDULE_ARN": (
                f"arn:aws:scheduler:{self.stack.region}:{self.stack.template.account_id}:"
                f"schedule/default/{schedule.schedule_name}"
            ),
        }
        self.stack.client("sqs").send_message(
            QueueUrl=self.stack.queue_url(schedule.dlq_logical_id),
            MessageBody=json.dumps(event),
            MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
            },
        )


# ---------------------------------------------------------------------- helpers


class _Checkpoints:
    """Stream positions on disk: {table logical id: {shard id: last finished sequence}}.

    Written (atomically) after each batch the consumer finished; a crash before the write
    redelivers that batch, which the consumers absorb (they are idempotent). None: memory only.
    """

    def __init__(self, state_dir: Any) -> None:
        self.path = None if state_dir is None else state_dir / "stream_positions.json"
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._saved: dict[str, dict[str, str]] = {}
        if self.path is not None and self.path.exists():
            self._saved = json.loads(self.path.read_text("utf-8"))

    def get(self, table: str, shard: str) -> str | None:
        return self._saved.get(table, {}).get(shard)

    def save(self, table: str, shard: str, sequence: str) -> None:
        self._saved.setdefault(table, {})[shard] = sequence
        self._write()

    def forget(self, table: str) -> None:
        self._saved.pop(table, None)
        self._write()

    def clear(self) -> None:
        self._saved.clear()
        self._write()

    def _write(self) -> None:
        if self.path is None:
            return
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._saved), "utf-8")
        os.replace(temporary, self.path)


def _last_line(text: Any) -> str:
    lines = str(text).strip().splitlines()
    return lines[-1] if lines else ""


def _chunks(items: list[Any], size: int) -> Iterable[list[tuple[int, Any]]]:
    indexed = list(enumerate(items))
    for start in range(0, len(indexed), size):
        yield indexed[start : start + size]


def _failed_items(result: Any, identifiers: list[str]) -> set[str]:
    """batchItemFailures as Lambda reads them: anything malformed fails the whole batch."""
    if result is None or not isinstance(result, dict):
        return set()
    failures = result.get("batchItemFailures")
    if not failures:
        return set()
    known = set(identifiers)
    failed: set[str] = set()
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in known:
            return known
        failed.add(identifier)
    return failed


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


def _jsonable(value: Any) -> Any:
    """boto3's stream record as Lambda's JSON: bytes (B, BS) become base64 strings."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def _as_text(data: bytes, content_type: str | None) -> str | None:
    """The body as text when API Gateway would pass it unencoded, else None (base64)."""
    if content_type is not None and not _TEXT_TYPES.match(content_type.strip()):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _needs_token(route: _Route) -> bool:
    authorizer = route.event.authorizer or route.api.default_authorizer
    return authorizer is not None and authorizer != "NONE"


def _header(headers: Mapping[str, str] | Iterable[tuple[str, str]] | None, name: str) -> str | None:
    pairs = headers.items() if isinstance(headers, Mapping) else (headers or [])
    return next((str(v) for k, v in pairs if k.lower() == name), None)


def _api_error(status: int, message: str) -> HttpResponse:
    body = json.dumps({"message": message}).encode()
    return HttpResponse(status, {"content-type": "application/json"}, body)


def _http_result(result: Any) -> tuple[HttpResponse, list[str]]:
    """Map a handler's result to the HTTP response, following payload format 2.0's rules."""
    if isinstance(result, dict) and "statusCode" in result:
        try:
            status = int(result["statusCode"])
            headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
            cookies = [str(c) for c in result.get("cookies") or []]
            body = result.get("body")
            if body is None:
                data = b""
            elif not isinstance(body, str):
                log.warning("HTTP response body is not a string; API Gateway expects one")
                data = json.dumps(body).encode()
            elif result.get("isBase64Encoded"):
                data = base64.b64decode(body)
            else:
                data = body.encode()
        except (TypeError, ValueError, AttributeError):
            log.warning("malformed Lambda proxy response: %r", result)
            return _api_error(500, "Internal Server Error"), []
        return HttpResponse(status, headers, data), cookies
    # Anything else is the body of a 200 JSON response; a string is passed as it is.
    text = result if isinstance(result, str) else json.dumps(result)
    return HttpResponse(200, {"content-type": "application/json"}, text.encode()), []
