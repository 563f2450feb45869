"""Nightly home care bed planner: a Scheduler tick -> next day's bed routes for every
provider with beds (beds due that day mandatory, beds due soon optional), one route per
worker, through the fleet router and its validator."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from careroute.adapters.dynamodb.bed_repositories import bed_keeping
from careroute.entrypoints import handler_setup
from careroute.entrypoints.handler_setup import count_metrics, event_entry, reported
from careroute.messages.visits import NightlyTick
from careroute.service_layer.beds import plan_bed_day
from careroute.service_layer.planning import plan_date_of

setup = handler_setup.with_policy()
ports = bed_keeping()


@event_entry
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    day = plan_date_of(NightlyTick.model_validate(event))
    policy = setup.policy()
    providers = plan_bed_day(day, policy.home_care_beds, policy.circuity, ports)
    planned = sum(p["planned"] for p in providers)
    missed = sum(len(p["unassigned_mandatory"]) for p in providers)
    count_metrics(BedVisitsPlanned=planned, BedVisitsMandatoryUnassigned=missed)
    summary = {
        "plan_date": day.isoformat(),
        "providers": len(providers),
        "candidates": sum(p["candidates"] for p in providers),
        "planned": planned,
        "unassigned_mandatory": missed,
    }
    return reported("bed routes planned", summary)
