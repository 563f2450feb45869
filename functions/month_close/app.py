"""The month's close: a Scheduler tick on a month's first morning, after the nightly count ->
the street office's "unreachable" ticket for every elder the month just over ended without a
visit (the misses the count kept that morning), so each one is looked for."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb import scopes, tickets
from careroute.adapters.dynamodb.misses_view import DynamoMissesView
from careroute.adapters.dynamodb.repositories import DynamoElders, DynamoVisits
from careroute.domain.vocabulary import china_date
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import event_entry, reported
from careroute.messages.visits import PaceTick
from careroute.service_layer.month_close import MonthClosing, close_month
from careroute.service_layer.month_misses import MissesReading

setup = handler_setup.with_policy()
reading = MissesReading(scopes, DynamoElders(), DynamoVisits(), DynamoMissesView())
ports = MonthClosing(reading, tickets)


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = PaceTick.model_validate(event)
    day = china_date(tick.scheduled_time)
    opened = close_month(day, tick.scheduled_time, setup.policy(), ports)
    return reported("month closed", {"date": day.isoformat(), "unreachable_tickets": opened})


cold_start.loaded()
