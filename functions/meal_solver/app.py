"""Meal solver: SQS canteen jobs -> the day's lunch orders (meal orders table) -> validated
delivery routes per canteen and day (partial batch failures)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from careroute.adapters.dynamodb.meal_repositories import canteen_day_planning
from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.entrypoints.batch_setup import sqs_entry
from careroute.entrypoints.handler_setup import count_metrics
from careroute.messages.meals import MealPlanJob
from careroute.observability import logger
from careroute.service_layer.meal_planning import plan_canteen

handler_setup.bound_settings()
ports = canteen_day_planning()


def record_handler(record: SQSRecord) -> None:
    job = MealPlanJob.model_validate_json(record.body)
    summary = plan_canteen(job, clock.now(), ports)
    count_metrics(MealOrdersPlanned=summary["planned"], MealOrdersUnassigned=summary["unassigned"])
    logger.info("canteen meal routes planned", extra=summary)


lambda_handler = sqs_entry(record_handler)


cold_start.loaded()
