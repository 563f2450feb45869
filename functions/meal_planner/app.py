"""Nightly meal planner: a Scheduler tick -> one SQS plan job per canteen of the canteens
table for the next day's lunch deliveries."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.meal_repositories import meal_fan_out
from careroute.entrypoints import handler_setup
from careroute.messages.visits import NightlyTick
from careroute.observability import logger, metrics, tracer
from careroute.service_layer.meals import fan_out

settings = handler_setup.bound_settings()
ports = meal_fan_out(settings.meal_jobs_queue_url)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = NightlyTick.model_validate(event)
    result = fan_out(tick, context.aws_request_id, ports)
    metrics.add_metric(name="MealJobsSent", unit=MetricUnit.Count, value=result.jobs)
    summary = result.summary()
    logger.info("meal plan jobs sent", extra=summary)
    return summary
