"""Nightly meal planner: a Scheduler tick -> one SQS plan job per canteen of the canteens
table for the next day's lunch deliveries."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.meal_repositories import meal_fan_out
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.messages.visits import NightlyTick
from careroute.service_layer.meals import fan_out

ports = meal_fan_out(handler_setup.bound_settings().meal_jobs_queue_url)


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    sent = fan_out(NightlyTick.model_validate(event), context.aws_request_id, ports)
    count_metrics(MealJobsSent=sent.jobs)
    return reported("meal plan jobs sent", sent.summary())
