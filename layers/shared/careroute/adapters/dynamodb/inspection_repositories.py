"""The inspection ports on DynamoDB (and SQS): thin classes over the inspection tables and
the inspection-job queue, and the ports of each inspection use case built from them, once
per container. The tables must be bound first (`bind_tables`, at cold start)."""

from __future__ import annotations

from careroute.adapters.dynamodb import inspections
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.adapters.dynamodb.repositories import (
    DynamoCommunities,
    DynamoScopes,
    DynamoTickets,
    holidays_in_force,
)
from careroute.messages.inspections import InspectionPlanJob
from careroute.service_layer.inspections import DistrictPlanning, Inspecting, InspectionFanOut


class DynamoInspectionTargets:
    save_targets = staticmethod(inspections.save_targets)
    get_target = staticmethod(inspections.get_target)
    due_by = staticmethod(inspections.due_by)
    institutions_of = staticmethod(inspections.institutions_of)


class DynamoInspectors:
    save_inspectors = staticmethod(inspections.save_inspectors)
    inspectors_of = staticmethod(inspections.inspectors_of)
    inspector_in = staticmethod(inspections.inspector_in)


class DynamoInspectionPlans:
    save_plan = staticmethod(inspections.save_plan)
    get_route = staticmethod(inspections.get_route)
    plan_summary = staticmethod(inspections.plan_summary)


class DynamoInspectionResults:
    save_result = staticmethod(inspections.save_result)
    get_result = staticmethod(inspections.get_result)
    results_in = staticmethod(inspections.results_in)


def inspection_fan_out(inspection_jobs_queue_url: str) -> InspectionFanOut:
    """The ports of the nightly inspection planner: the registry's districts, the holiday
    calendar and the inspection-job queue."""
    return InspectionFanOut(
        communities=DynamoCommunities(),
        holidays=holidays_in_force(),
        jobs=SqsJobs[InspectionPlanJob](inspection_jobs_queue_url),
    )


def district_planning() -> DistrictPlanning:
    """The ports of the inspection solver, on DynamoDB."""
    return DistrictPlanning(
        targets=DynamoInspectionTargets(),
        inspectors=DynamoInspectors(),
        plans=DynamoInspectionPlans(),
    )


def inspecting() -> Inspecting:
    """The ports of the inspections API (routes, results, progress), on DynamoDB."""
    return Inspecting(
        targets=DynamoInspectionTargets(),
        inspectors=DynamoInspectors(),
        plans=DynamoInspectionPlans(),
        results=DynamoInspectionResults(),
        tickets=DynamoTickets(),
        communities=DynamoCommunities(),
        scopes=DynamoScopes(),
    )
