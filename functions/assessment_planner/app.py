"""Nightly needs-assessment planner: a Scheduler tick -> next day's routes for every
district's assessors (open requests by deadline, qualified assessors only)."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.assessment_repositories import assessment_planning
from careroute.domain import clock
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, fleets_planned, reported
from careroute.messages.visits import NightlyTick
from careroute.service_layer.assessment_planning import plan_day
from careroute.service_layer.night_plan_date import plan_date_of

setup = handler_setup.with_policy()
ports = assessment_planning()


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    day = plan_date_of(NightlyTick.model_validate(event))
    districts = plan_day(day, setup.policy(), clock.now(), ports)
    missed = sum(d["unassigned_mandatory"] for d in districts)
    summary = fleets_planned(day, "districts", districts, unassigned_mandatory=missed)
    count_metrics(AssessmentsPlanned=summary["planned"], AssessmentsMandatoryUnassigned=missed)
    return reported("assessment routes planned", summary)


cold_start.loaded()
