"""Meal solver: SQS canteen jobs -> the day's lunch orders (meal orders table) -> validated
delivery routes per canteen and day (partial batch failures)."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.meal_repositories import canteen_day_planning
from careroute.domain import clock
from careroute.entrypoints import batch_setup, handler_setup
from careroute.messages.meals import MealPlanJob
from careroute.observability import logger, metrics, tracer
from careroute.service_layer.meal_planning import plan_canteen

handler_setup.bound_settings()
ports = canteen_day_planning()


def record_handler(record: SQSRecord) -> None:
    job = MealPlanJob.model_validate_json(record.body)
    summary = plan_canteen(job, clock.now(), ports)
    metrics.add_metric(name="MealOrdersPlanned", unit=MetricUnit.Count, value=summary["planned"])
    metrics.add_metric(
        name="MealOrdersUnassigned", unit=MetricUnit.Count, value=summary["unassigned"]
    )
    logger.info("canteen meal routes planned", extra=summary)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return batch_setup.sqs_batch(event, context, record_handler)
