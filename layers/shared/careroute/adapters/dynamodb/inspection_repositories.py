"""The inspection ports on DynamoDB (and SQS): thin classes over the inspection tables and
the inspection-job queue, and the ports of each inspection use case built from them, once
per container. The tables must be bound first (`bind_tables`, at cold start)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from careroute.adapters.dynamodb import inspections
from careroute.adapters.dynamodb.plan_jobs import SqsJobs
from careroute.adapters.dynamodb.repositories import PORTS
from careroute.adapters.wiring import Adapters, wired
from careroute.domain.inspections import InspectionTarget, Inspector
from careroute.messages.inspections import InspectionPlanJob
from careroute.service_layer.inspections import DistrictPlanning, Inspecting, InspectionFanOut
from careroute.service_layer.ports import MonthResult, ResultSaved


class DynamoInspectionTargets:
    def save_targets(self, targets: Iterable[InspectionTarget]) -> int:
        return inspections.save_targets(targets)

    def get_target(self, target_id: str, consistent: bool = False) -> InspectionTarget:
        return inspections.get_target(target_id, consistent)

    def due_by(self, district_id: str, last_day: date) -> Iterator[InspectionTarget]:
        return inspections.due_by(district_id, last_day)

    def institutions_of(self, district_id: str) -> Iterator[InspectionTarget]:
        return inspections.institutions_of(district_id)


class DynamoInspectors:
    def save_inspectors(self, inspectors: Iterable[Inspector]) -> int:
        return inspections.save_inspectors(inspectors)

    def inspectors_of(self, district_id: str) -> list[Inspector]:
        return inspections.inspectors_of(district_id)

    def inspector_in(self, district_id: str, inspector_id: str) -> bool:
        return inspections.inspector_in(district_id, inspector_id)


class DynamoInspectionPlans:
    def save_plan(self, routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        inspections.save_plan(routes, summary)

    def get_route(self, inspector_id: str, day: date) -> dict[str, Any]:
        return inspections.get_route(inspector_id, day)

    def plan_summary(self, district_id: str, day: date) -> dict[str, Any] | None:
        return inspections.plan_summary(district_id, day)


class DynamoInspectionResults:
    def save_result(
        self, document: dict[str, Any], target: InspectionTarget, after: InspectionTarget
    ) -> ResultSaved:
        return inspections.save_result(document, target, after)

    def get_result(self, result_id: str) -> dict[str, Any] | None:
        return inspections.get_result(result_id)

    def results_in(self, district_id: str, month: str) -> Iterator[MonthResult]:
        return inspections.results_in(district_id, month)


INSPECTION_PORTS: Adapters = {
    **PORTS,
    "targets": DynamoInspectionTargets,
    "inspectors": DynamoInspectors,
    "plans": DynamoInspectionPlans,
    "results": DynamoInspectionResults,
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
