"""CloudWatch Logs subscription filters for the local stack: log lines to the functions that
subscribe to them.

In Lambda a function's log lines go to its log group, and a subscription filter hands the
lines matching its pattern to a function in batches (`{"awslogs": {"data": gzip+base64}}`),
invoked asynchronously: retried twice on error (EventInvokeConfig), then sent to the
function's DeadLetterQueue. Here the lines are the log records a handler's logger (the
Powertools logger and its children) emits while it runs in this process, formatted by the
same formatter, so they are the lines Lambda would have printed. Each is kept for the
subscriptions of the function's log group whose filter it matches, and `deliver_logs` hands
them over (`run_forever` calls it on every poll). Handlers running in worker processes (queue
drains with `workers > 1`) are not captured: none of them logs what a subscription reads.
Lines not yet delivered are lost when the stack is reset or the process stops.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import threading
import time
import traceback
import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from careroute_local.pump.batches import DrainStats
from careroute_local.pump.function_runner import FunctionRunner, last_line
from careroute_local.pump.log_filters import LogFilter, log_filter
from careroute_local.stack import LocalStack
from careroute_local.template import FunctionSpec, LogSubscriptionEvent, Template

log = logging.getLogger("careroute_local")

MAX_BATCH = 1000
"""Log events per delivery at most (CloudWatch Logs batches up to 1 MB of them)."""


@dataclass(frozen=True)
class Subscription:
    function: FunctionSpec
    event: LogSubscriptionEvent
    filter: LogFilter


_running: ContextVar[tuple[LogSubscriptions, FunctionSpec] | None] = ContextVar(
    "careroute_local_running_function", default=None
)
"""The pump and function whose handler runs in this thread (set by `invoke`)."""


class _Capture(logging.Handler):
    """Hands each record logged while a handler runs to the pump that invoked it."""

    def emit(self, record: logging.LogRecord) -> None:
        running = _running.get()
        if running is not None:
            pump, spec = running
            pump.capture_line(spec, record.created, self.format(record))


_capture = _Capture()


class _LastLine(threading.local):
    """The record a formatter formatted last in this thread, and the line it made."""

    record: logging.LogRecord | None = None
    line = ""


def _formatting_once(formatter: logging.Formatter) -> None:
    """Make `formatter` keep its last line per thread, so that the capture takes the line the
    function printed instead of formatting the record a second time: Lambda formats each
    line once, and every function's lines are captured (all share the log group the audit
    writer subscribes to)."""
    format_record = formatter.format
    last = _LastLine()

    def format_once(record: logging.LogRecord) -> str:
        if last.record is not record:
            last.line = format_record(record)
            last.record = record
        return last.line

    setattr(formatter, "format", format_once)  # noqa: B010 (an instance's own method)


def _install_capture() -> None:
    """Attach the capture to the functions' logger once per process, formatting as it does
    (the same formatter, which formats each record once for both).

    Imported here, after the stack applied the functions' environment: the logger and the
    metrics read POWERTOOLS_* when first imported."""
    from careroute.observability import logger as function_logger

    functions_logger = logging.getLogger(function_logger.name)
    if _capture not in functions_logger.handlers:
        formatter = function_logger.registered_formatter
        _formatting_once(formatter)
        _capture.setFormatter(formatter)
        functions_logger.addHandler(_capture)


class LogSubscriptions(FunctionRunner):
    """Captures the functions' log lines and delivers them to the subscribed functions."""

    def __init__(self, stack: LocalStack) -> None:
        super().__init__(stack)
        _install_capture()
        self._log_lock = threading.Lock()
        self._log_generation = stack.generation
        self._pending: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        """The log events captured, as CloudWatch Logs sends them, by the subscribed function,
        its subscription event and the log stream (each stream's lines are delivered apart)."""
        self._subscriptions: tuple[Template, dict[str, list[Subscription]]] | None = None

    def invoke(self, function_logical_id: str, event: Any) -> Any:
        spec = self.stack.template.functions[function_logical_id]
        token = _running.set((self, spec))
        try:
            return super().invoke(function_logical_id, event)
        finally:
            _running.reset(token)

    def capture_line(self, spec: FunctionSpec, created: float, message: str) -> None:
        """Keep a line `spec`'s handler logged for each subscription whose filter it matches."""
        subscriptions = self._subscriptions_of(spec.log_group)
        if not subscriptions:
            return
        day = time.strftime("%Y/%m/%d", time.gmtime(created))
        stream = f"{day}/{spec.name}[$LATEST]local"
        event = {"id": uuid.uuid4().hex, "timestamp": int(created * 1000), "message": message}
        with self._log_lock:
            self._forget_if_reset()
            for subscription in subscriptions:
                if subscription.filter.matches(message):
                    key = (subscription.function.logical_id, subscription.event.name, stream)
                    self._pending.setdefault(key, []).append(event)

    def pending_log_lines(self) -> int:
        """Captured lines not delivered yet."""
        with self._log_lock:
            self._forget_if_reset()
            return sum(len(events) for events in self._pending.values())

    def deliver_logs(self) -> DrainStats:
        """Deliver the lines captured so far to their subscriptions' functions, in batches;
        a batch failing every retry goes to the function's DeadLetterQueue (or is dropped)."""
        started = time.perf_counter()
        with self._log_lock:
            self._forget_if_reset()
            taken, self._pending = self._pending, {}
        stats = DrainStats()
        for (function_id, event_name, stream), events in taken.items():
            spec = self.stack.template.functions[function_id]
            source = next(e for e in spec.events_of(LogSubscriptionEvent) if e.name == event_name)
            for first in range(0, len(events), MAX_BATCH):
                batch = events[first : first + MAX_BATCH]
                event = self._awslogs_event(source, stream, batch)
                self._invoke_async(spec, event, len(batch), stats)
        stats.seconds = time.perf_counter() - started
        return stats

    def _invoke_async(self, spec: FunctionSpec, event: Any, lines: int, stats: DrainStats) -> None:
        """One asynchronous invocation: the first try and the retries, then the DLQ."""
        error = ""
        for _attempt in range(1 + spec.async_retry_attempts):
            stats.batches += 1
            stats.messages += lines
            try:
                self.invoke(spec.logical_id, event)
            except Exception:
                error = traceback.format_exc()
                stats.failed += lines
                stats.errors.append(error)
                continue
            stats.succeeded += lines
            return
        log.warning("%s failed %d log lines: %s", spec.logical_id, lines, last_line(error))
        if spec.dead_letter_queue_logical_id is None:
            return
        self.stack.client("sqs").send_message(
            QueueUrl=self.stack.queue_url(spec.dead_letter_queue_logical_id),
            MessageBody=json.dumps(event),
            MessageAttributes={
                "RequestID": {"DataType": "String", "StringValue": str(uuid.uuid4())},
                "ErrorCode": {"DataType": "String", "StringValue": "200"},
                "ErrorMessage": {"DataType": "String", "StringValue": last_line(error)[:1000]},
            },
        )
        stats.dead_lettered += lines

    def _awslogs_event(
        self, source: LogSubscriptionEvent, stream: str, events: list[dict[str, Any]]
    ) -> Any:
        """The event CloudWatch Logs sends a subscribed function: gzip'd JSON, base64."""
        data = {
            "messageType": "DATA_MESSAGE",
            "owner": self.stack.template.account_id,
            "logGroup": source.log_group,
            "logStream": stream,
            "subscriptionFilters": [source.filter_name],
            "logEvents": events,
        }
        packed = gzip.compress(json.dumps(data).encode())
        return {"awslogs": {"data": base64.b64encode(packed).decode()}}

    def _subscriptions_of(self, log_group: str) -> list[Subscription]:
        template = self.stack.template  # replaced by start() and reset(): rebuild then
        if self._subscriptions is None or self._subscriptions[0] is not template:
            by_group: dict[str, list[Subscription]] = {}
            for spec, event in template.triggers(LogSubscriptionEvent):
                subscription = Subscription(spec, event, log_filter(event.filter_pattern))
                by_group.setdefault(event.log_group, []).append(subscription)
            self._subscriptions = (template, by_group)
        return self._subscriptions[1].get(log_group, [])

    def _forget_if_reset(self) -> None:
        """After reset() the lines captured before belong to a stack that is gone."""
        if self._log_generation != self.stack.generation:
            self._pending.clear()
            self._log_generation = self.stack.generation
