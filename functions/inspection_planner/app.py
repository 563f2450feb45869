"""Nightly inspection planner: a Scheduler tick -> one SQS plan job per district for the
next day."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from careroute.adapters.dynamodb.inspection_repositories import inspection_fan_out
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import fan_out_entry
from careroute.service_layer.inspections import fan_out

ports = inspection_fan_out(handler_setup.bound_settings().inspection_jobs_queue_url)
lambda_handler = fan_out_entry(
    fan_out, ports, metric="InspectionJobsSent", message="inspection plan jobs sent"
)


cold_start.loaded()
