"""The inspection ports on DynamoDB (and SQS): the inspection tables' module (which serves the
targets, inspectors, plans and results ports itself) and the inspection-job queue, and the
ports of each inspection use case built from them, once per container. The tables must be
bound first (`bind_tables`, at cold start)."""

from __future__ import annotations

from careroute.adapters.dynamodb import inspections
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import Adapters, wired
from careroute.messages.inspections import InspectionPlanJob
from careroute.service_layer.inspections import DistrictPlanning, Inspecting, InspectionFanOut

INSPECTION_PORTS: Adapters = {
    **PORTS,
    # the inspections' table module: its functions are the methods of all four ports
    "targets": lambda: inspections,
    "inspectors": lambda: inspections,
    "plans": lambda: inspections,
    "results": lambda: inspections,
}
"""The registry's adapters and the inspections', by port name."""


def inspection_fan_out(inspection_jobs_queue_url: str) -> InspectionFanOut:
    """The ports of the nightly inspection planner: the registry's districts, the holiday
    calendar and the inspection-job queue."""
    jobs = SqsJobs[InspectionPlanJob](inspection_jobs_queue_url)
    return wired(InspectionFanOut, INSPECTION_PORTS, jobs=jobs)


def district_planning() -> DistrictPlanning:
    """The ports of the inspection solver, on DynamoDB."""
    return wired(DistrictPlanning, INSPECTION_PORTS)


def inspecting() -> Inspecting:
    """The ports of the inspections API (routes, results, progress), on DynamoDB."""
    return wired(Inspecting, INSPECTION_PORTS)
