"""Minute escalator: a Scheduler tick -> incidents not acknowledged in time move up a level."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute import storage
from careroute.config import Settings
from careroute.incident_messages import IncidentTick
from careroute.observability import logger, metrics, tracer
from careroute.services.incidents import escalate_unacknowledged

settings = Settings.from_env()
storage.bind_tables(settings)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = IncidentTick.model_validate(event)
    raised = escalate_unacknowledged(tick.scheduled_time)
    metrics.add_metric(name="IncidentsEscalated", unit=MetricUnit.Count, value=raised)
    summary = {"scheduled_time": tick.scheduled_time.isoformat(), "escalated": raised}
    logger.info("incidents escalated", extra=summary)
    return summary
