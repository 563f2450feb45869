"""Nightly needs-assessment planner: a Scheduler tick -> next day's routes for every
district's assessors (open requests by deadline, qualified assessors only)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.observability import logger, metrics, tracer
from careroute.messages.visits import NightlyTick
from careroute.service_layer.assessment_planning import plan_day
from careroute.service_layer.planning import plan_date_of

setup = handler_setup.with_policy()


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = NightlyTick.model_validate(event)
    day = plan_date_of(tick)
    districts = plan_day(day, setup.policy(), clock.now())
    planned = sum(d["planned"] for d in districts)
    missed = sum(d["unassigned_mandatory"] for d in districts)
    metrics.add_metric(name="AssessmentsPlanned", unit=MetricUnit.Count, value=planned)
    metrics.add_metric(name="AssessmentsMandatoryUnassigned", unit=MetricUnit.Count, value=missed)
    summary = {
        "plan_date": day.isoformat(),
        "districts": len(districts),
        "candidates": sum(d["candidates"] for d in districts),
        "planned": planned,
        "unassigned_mandatory": missed,
    }
    logger.info("assessment routes planned", extra=summary)
    return summary
