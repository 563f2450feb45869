"""Minute escalator: a Scheduler tick -> stalled incidents are dispatched again, incidents
not acknowledged in time move up a level; responders and offices are told."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from dataclasses import replace
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.order_repositories import incident_handling
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.entrypoints.notification_setup import notices
from careroute.messages.incidents import IncidentTick
from careroute.service_layer.incidents import escalate_unacknowledged

setup = handler_setup.with_policy()
ports = replace(incident_handling(), notices=notices())


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    at = IncidentTick.model_validate(event).scheduled_time
    run = escalate_unacknowledged(at, setup.policy(), ports)
    count_metrics(
        IncidentsEscalated=run.escalated,
        IncidentsRedispatched=run.redispatched,
        **run.told.metrics(),
    )
    summary = {
        "scheduled_time": at.isoformat(),
        "escalated": run.escalated,
        "redispatched": run.redispatched,
        **run.told.summary(),
    }
    return reported("incidents escalated", summary)


cold_start.loaded()
