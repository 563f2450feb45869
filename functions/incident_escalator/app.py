"""Minute escalator: a Scheduler tick -> stalled incidents are dispatched again, incidents
not acknowledged in time move up a level."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.entrypoints import handler_setup
from careroute.observability import logger, metrics, tracer
from careroute.messages.incidents import IncidentTick
from careroute.service_layer.incidents import escalate_unacknowledged

setup = handler_setup.with_policy()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = IncidentTick.model_validate(event)
    run = escalate_unacknowledged(tick.scheduled_time, setup.policy())
    metrics.add_metric(name="IncidentsEscalated", unit=MetricUnit.Count, value=run.escalated)
    metrics.add_metric(name="IncidentsRedispatched", unit=MetricUnit.Count, value=run.redispatched)
    summary = {
        "scheduled_time": tick.scheduled_time.isoformat(),
        "escalated": run.escalated,
        "redispatched": run.redispatched,
    }
    logger.info("incidents escalated", extra=summary)
    return summary
