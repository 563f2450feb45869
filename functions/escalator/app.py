"""Hourly escalator: a Scheduler tick -> open tickets past due move up a level."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.repositories import DynamoTickets
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.messages.visits import EscalationTick
from careroute.service_layer.tickets import escalate_overdue, overdue_count

handler_setup.bound_settings()
tickets = DynamoTickets()


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    at = EscalationTick.model_validate(event).scheduled_time
    raised = escalate_overdue(tickets, at)
    overdue = overdue_count(tickets, at)  # still open past their due time after this run
    count_metrics(TicketsEscalated=raised, TicketsOverdue=overdue)
    summary = {"scheduled_time": at.isoformat(), "escalated": raised, "overdue": overdue}
    return reported("tickets escalated", summary)
