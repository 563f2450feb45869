"""EventBridge Scheduler (ScheduleV2) and EventBridge rules (Schedule) for the local stack.

The events a function's schedule would send, fired on demand (tests, the simulation) or when
due (`run_forever`); a failed scheduled invocation goes to the schedule's dead-letter queue
with the attributes the Scheduler sets.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from careroute_local.pump.function_runner import FunctionRunner
from careroute_local.pump.schedule_expressions import iso_z, next_schedule_time
from careroute_local.template import ScheduleEvent

log = logging.getLogger("careroute_local")


class ScheduleTriggers(FunctionRunner):
    """Fires the template's schedule events at the functions they target."""

    def _schedule(self, function_logical_id: str, event_name: str | None) -> ScheduleEvent:
        schedules = self.stack.template.functions[function_logical_id].schedules
        if event_name is not None:
            schedules = [s for s in schedules if s.name == event_name]
        if len(schedules) != 1:
            raise ValueError(f"{function_logical_id}: name one of its schedule events")
        return schedules[0]

    def _schedule_arn(self, schedule: ScheduleEvent) -> str:
        region, account = self.stack.region, self.stack.template.account_id
        return f"arn:aws:scheduler:{region}:{account}:schedule/default/{schedule.schedule_name}"

    def schedule_event(
        self, function_logical_id: str, scheduled_time: datetime, event_name: str | None = None
    ) -> Any:
        """The payload the scheduler would send at `scheduled_time`."""
        schedule = self._schedule(function_logical_id, event_name)
        region, account = self.stack.region, self.stack.template.account_id
        if schedule.type == "ScheduleV2":
            text = schedule.input if schedule.input is not None else "{}"
            for placeholder, value in {
                "<aws.scheduler.scheduled-time>": iso_z(scheduled_time),
                "<aws.scheduler.execution-id>": str(uuid.uuid4()),
                "<aws.scheduler.attempt-number>": "1",
                "<aws.scheduler.schedule-arn>": self._schedule_arn(schedule),
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
            "time": iso_z(scheduled_time),
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
            "SCHEDULE_ARN": self._schedule_arn(schedule),
        }
        self.stack.client("sqs").send_message(
            QueueUrl=self.stack.queue_url(schedule.dlq_logical_id),
            MessageBody=json.dumps(event),
            MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
            },
        )
