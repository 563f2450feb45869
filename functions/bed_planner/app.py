"""Nightly home care bed planner: a Scheduler tick -> next day's bed routes for every
provider with beds (beds due that day mandatory, beds due soon optional), one route per
worker, through the fleet router and its validator."""

from careroute.entrypoints import cold_start  # first: the collector paused while loading

# isort: split

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.bed_repositories import bed_keeping
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, fleets_planned, reported
from careroute.messages.visits import NightlyTick
from careroute.service_layer.beds import plan_bed_day
from careroute.service_layer.night_plan_date import plan_date_of

setup = handler_setup.with_policy()
ports = bed_keeping()


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    day = plan_date_of(NightlyTick.model_validate(event))
    policy = setup.policy()
    providers = plan_bed_day(day, policy.home_care_beds, policy.circuity, ports)
    missed = sum(len(p["unassigned_mandatory"]) for p in providers)
    summary = fleets_planned(day, "providers", providers, unassigned_mandatory=missed)
    count_metrics(BedVisitsPlanned=summary["planned"], BedVisitsMandatoryUnassigned=missed)
    return reported("bed routes planned", summary)


cold_start.loaded()
