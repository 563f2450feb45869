"""Daily benefit scan: a Scheduler tick -> elders newly qualifying for a benefit get an
office ticket, a task for their next visit and a benefit claim, and the office is told (once
per elder per rule)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from dataclasses import replace
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb import benefit_claims
from careroute.adapters.dynamodb.repositories import benefit_scan
from careroute.domain.vocabulary import china_date
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.entrypoints.notification_setup import notices
from careroute.messages.visits import EligibilityTick
from careroute.service_layer.eligibility import scan

setup = handler_setup.with_policy()
ports = replace(benefit_scan(), notices=notices(), claims=benefit_claims)


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    at = EligibilityTick.model_validate(event).scheduled_time
    rules = setup.policy()
    report = scan(china_date(at), at, rules.benefits, rules.tickets, ports)
    count_metrics(BenefitTicketsOpened=report.notified, **report.told.metrics())
    return reported("benefit scan done", report.summary())


cold_start.loaded()
