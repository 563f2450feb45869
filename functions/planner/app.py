"""Nightly planner: a Scheduler tick -> one SQS plan job per community for the next day."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.repositories import nightly_planning
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.messages.visits import NightlyTick
from careroute.observability import logger
from careroute.service_layer.planning import fan_out

setup = handler_setup.with_policy()
ports = nightly_planning(setup.settings.plan_jobs_queue_url)


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    tick = NightlyTick.model_validate(event)
    result = fan_out(tick, context.aws_request_id, setup.policy(), ports)
    logger.set_correlation_id(result.run_id)  # the solver logs each job under the same id
    count_metrics(
        PlanJobsSent=result.jobs, CoverVisits=result.covered, UncoveredVisits=result.uncovered
    )
    summary = {
        "plan_date": result.plan_date.isoformat(),
        "run_id": result.run_id,
        "jobs": result.jobs,
        "absent": result.absent,
        "covered": result.covered,
        "uncovered": result.uncovered,
    }
    return reported("plan jobs sent", summary)


cold_start.loaded()
