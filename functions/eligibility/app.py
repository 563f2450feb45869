"""Daily benefit scan: a Scheduler tick -> elders newly qualifying for a benefit get an
office ticket and a task for their next visit (once per elder per rule)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.repositories import benefit_scan
from careroute.domain.vocabulary import china_date
from careroute.entrypoints import handler_setup
from careroute.observability import logger, metrics, tracer
from careroute.messages.visits import EligibilityTick
from careroute.service_layer.eligibility import scan

setup = handler_setup.with_policy()
ports = benefit_scan()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = EligibilityTick.model_validate(event)
    rules = setup.policy()
    on = china_date(tick.scheduled_time)
    report = scan(on, tick.scheduled_time, rules.benefits, rules.tickets, ports)
    metrics.add_metric(name="BenefitTicketsOpened", unit=MetricUnit.Count, value=report.notified)
    summary: dict[str, Any] = report.summary()
    logger.info("benefit scan done", extra=summary)
    return summary
