"""Nightly meal planner: a Scheduler tick -> one SQS plan job per canteen of the canteens
table for the next day's lunch deliveries."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from careroute.adapters.dynamodb.meal_repositories import meal_fan_out
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import fan_out_entry
from careroute.service_layer.meals import fan_out

ports = meal_fan_out(handler_setup.bound_settings().meal_jobs_queue_url)
lambda_handler = fan_out_entry(fan_out, ports, metric="MealJobsSent", message="meal plan jobs sent")


cold_start.loaded()
