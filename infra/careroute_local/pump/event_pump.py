"""The event pump: every event source of the local stack in one object, and its main loop.

`EventPump` is the schedules, the SQS and stream pollers, the HTTP API and the log
subscriptions together (each in its own module, sharing one `FunctionRunner`); `run_forever`
drives them all on the clock as `careroute run` does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from careroute.domain import clock
from careroute_local.pump.http_api import HttpApi
from careroute_local.pump.log_subscriptions import LogSubscriptions
from careroute_local.pump.queues import QueuePoller
from careroute_local.pump.schedule_expressions import next_schedule_time
from careroute_local.pump.schedules import ScheduleTriggers
from careroute_local.pump.streams import StreamPoller
from careroute_local.template import SqsEvent, StreamEvent

log = logging.getLogger("careroute_local")


class EventPump(ScheduleTriggers, QueuePoller, StreamPoller, HttpApi, LogSubscriptions):
    """Delivers events to the template's functions, in-process (or in worker processes)."""

    def close(self) -> None:
        """Stop worker processes."""
        self.stop_workers()

    def __enter__(self) -> EventPump:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def run_forever(
        self,
        stop_event: threading.Event,
        *,
        poll_interval: float = 0.5,
        workers: int = 1,
        before_schedule: Callable[[str, datetime], None] | None = None,
    ) -> None:
        """Poll queues and streams and fire schedules on the real clock until stop_event.

        `before_schedule(function_id, when)` runs before each schedule fires: the local stack
        uses it to put in place what the outside world would have by then (the synthetic
        city's lunch orders before the meal planner's evening run)."""
        template = self.stack.template
        sqs_events = [e for _, e in template.triggers(SqsEvent)]
        stream_events = [e for _, e in template.triggers(StreamEvent)]
        queues = [q for q in template.queues if any(e.queue_logical_id == q for e in sqs_events)]
        tables = [t for t in template.tables if any(e.table_logical_id == t for e in stream_events)]
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
            try:
                self.deliver_logs()
            except Exception:
                log.exception("delivering log lines failed")
            for (function_id, event_name), when in list(next_at.items()):
                if when is None or when > clock.now():
                    continue
                if before_schedule is not None:
                    before_schedule(function_id, when)
                self._fire_or_dead_letter(function_id, event_name, when)
                next_at[(function_id, event_name)] = self.next_fire_time(
                    function_id, when, event_name
                )
            stop_event.wait(poll_interval)
