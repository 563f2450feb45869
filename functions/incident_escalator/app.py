"""Minute escalator: a Scheduler tick -> stalled incidents are dispatched again, incidents
not acknowledged in time move up a level."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.order_repositories import incident_handling
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.messages.incidents import IncidentTick
from careroute.service_layer.incident_tracking import escalate_unacknowledged

setup = handler_setup.with_policy()
ports = incident_handling()


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    at = IncidentTick.model_validate(event).scheduled_time
    run = escalate_unacknowledged(at, setup.policy(), ports)
    count_metrics(IncidentsEscalated=run.escalated, IncidentsRedispatched=run.redispatched)
    summary = {
        "scheduled_time": at.isoformat(),
        "escalated": run.escalated,
        "redispatched": run.redispatched,
    }
    return reported("incidents escalated", summary)
