"""Hourly escalator: a Scheduler tick -> open tickets past due move up a level."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.repositories import DynamoTickets
from careroute.entrypoints import handler_setup
from careroute.observability import logger, metrics, tracer
from careroute.messages.visits import EscalationTick
from careroute.service_layer.tickets import escalate_overdue, overdue_count

handler_setup.bound_settings()
tickets = DynamoTickets()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = EscalationTick.model_validate(event)
    raised = escalate_overdue(tickets, tick.scheduled_time)
    # Still open past their due time after this run (the sparse index: open tickets only).
    overdue = overdue_count(tickets, tick.scheduled_time)
    metrics.add_metric(name="TicketsEscalated", unit=MetricUnit.Count, value=raised)
    metrics.add_metric(name="TicketsOverdue", unit=MetricUnit.Count, value=overdue)
    summary = {
        "scheduled_time": tick.scheduled_time.isoformat(),
        "escalated": raised,
        "overdue": overdue,
    }
    logger.info("tickets escalated", extra=summary)
    return summary
