"""Hourly escalator: a Scheduler tick -> tickets no steward can reach in time go to the duty
officer, then open tickets past due move up a level, and whoever held and holds each is told."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb import registry, tickets
from careroute.adapters.dynamodb.repositories import holidays_in_force
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.entrypoints.notification_setup import notices
from careroute.messages.visits import EscalationTick
from careroute.service_layer.ticket_escalation import Escalation, run_escalator
from careroute.service_layer.tickets import overdue_count

setup = handler_setup.with_policy()
ports = Escalation(tickets, registry, holidays_in_force(), notices())


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    at = EscalationTick.model_validate(event).scheduled_time
    done = run_escalator(at, setup.policy().ticket_duty, ports)
    overdue = overdue_count(ports.tickets, at)  # still open past their due time after this run
    count_metrics(
        TicketsHandedOver=done.handed_over,
        TicketsEscalated=done.escalated,
        TicketsOverdue=overdue,
        **done.told.metrics(),
    )
    summary = {
        "scheduled_time": at.isoformat(),
        "handed_over": done.handed_over,
        "escalated": done.escalated,
        "overdue": overdue,
        **done.told.summary(),
    }
    return reported("tickets escalated", summary)


cold_start.loaded()
