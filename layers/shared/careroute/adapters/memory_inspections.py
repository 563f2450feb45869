"""The inspection ports in memory: targets, inspectors, each district day's plan, results
and the inspection-job queue, with the behaviour of the DynamoDB adapters (`tests/contract/`
checks both). Documents are stored as JSON, as DynamoDB's are."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from careroute.adapters.memory_jobs import MemoryJobs
from careroute.adapters.memory_store import get_stored, put_all
from careroute.domain.errors import NotFoundError
from careroute.domain.inspections import InspectionTarget, Inspector, TargetKind
from careroute.domain.vocabulary import china_date
from careroute.messages.inspections import InspectionPlanJob
from careroute.service_layer.ports import MonthResult, ResultSaved


class MemoryInspectionTargets:
    def __init__(self) -> None:
        self._by_id: dict[str, InspectionTarget] = {}

    def save_targets(self, targets: Iterable[InspectionTarget]) -> int:
        return put_all(self._by_id, targets, lambda t: t.target_id)

    def get_target(self, target_id: str, consistent: bool = False) -> InspectionTarget:
        missing = f"inspection target {target_id} not found"
        return get_stored(self._by_id, target_id, missing)

    def due_by(self, district_id: str, last_day: date) -> Iterator[InspectionTarget]:
        due = [
            t
            for t in self._by_id.values()
            if t.district_id == district_id and t.due_date is not None and t.due_date <= last_day
        ]
        return iter(sorted(due, key=lambda t: (t.due_date, t.target_id)))

    def institutions_of(self, district_id: str) -> Iterator[InspectionTarget]:
        found = [
            t
            for t in self._by_id.values()
            if t.district_id == district_id and t.kind is TargetKind.INSTITUTION
        ]
        return iter(sorted(found, key=lambda t: (t.due_date or date.max, t.target_id)))

    def write_after(self, expected: InspectionTarget, after: InspectionTarget) -> bool:
        """Store the target as a result leaves it, only while its due date is still the one
        `expected` was read with; False otherwise (or unknown)."""
        stored = self._by_id.get(expected.target_id)
        if stored is None or stored.due_date != expected.due_date:
            return False
        self._by_id[stored.target_id] = after
        return True


class MemoryInspectors:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], Inspector] = {}

    def save_inspectors(self, inspectors: Iterable[Inspector]) -> int:
        return put_all(self._by_key, inspectors, lambda i: (i.district_id, i.inspector_id))

    def inspectors_of(self, district_id: str) -> list[Inspector]:
        return [self._by_key[key] for key in sorted(self._by_key) if key[0] == district_id]

    def inspector_in(self, district_id: str, inspector_id: str) -> bool:
        return (district_id, inspector_id) in self._by_key


class MemoryInspectionPlans:
    def __init__(self) -> None:
        self._documents: dict[tuple[str, str], str] = {}

    def save_plan(self, routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        for route in routes:
            self._documents[(f"route#{route['inspector_id']}", route["date"])] = json.dumps(route)
        self._documents[(f"plan#{summary['district_id']}", summary["date"])] = json.dumps(summary)

    def _document(self, key: str, day: date) -> dict[str, Any] | None:
        found = self._documents.get((key, day.isoformat()))
        document: dict[str, Any] | None = json.loads(found) if found is not None else None
        return document

    def get_route(self, inspector_id: str, day: date) -> dict[str, Any]:
        document = self._document(f"route#{inspector_id}", day)
        if document is None:
            raise NotFoundError(f"no inspection route for {inspector_id} on {day}")
        return document

    def plan_summary(self, district_id: str, day: date) -> dict[str, Any] | None:
        return self._document(f"plan#{district_id}", day)


class MemoryInspectionResults:
    """Results by id, listed per district and month; saving one writes its target as the
    result leaves it in the targets given (all or nothing)."""

    def __init__(self, targets: MemoryInspectionTargets) -> None:
        self._targets = targets
        self._by_id: dict[str, tuple[str, datetime, str]] = {}
        """result id -> (district#month, inspected at, document as JSON)."""

    def save_result(
        self, document: dict[str, Any], target: InspectionTarget, after: InspectionTarget
    ) -> ResultSaved:
        result_id = str(document["result_id"])
        if result_id in self._by_id:
            return ResultSaved.EXISTS
        inspected_at = datetime.fromisoformat(document["inspected_at"])
        on = china_date(inspected_at)
        if not self._targets.write_after(target, after):
            return ResultSaved.TARGET_CHANGED
        month = f"{target.district_id}#{on.strftime('%Y-%m')}"
        self._by_id[result_id] = (month, inspected_at, json.dumps(document))
        return ResultSaved.CREATED

    def get_result(self, result_id: str) -> dict[str, Any] | None:
        found = self._by_id.get(result_id)
        document: dict[str, Any] | None = json.loads(found[2]) if found is not None else None
        return document

    def results_in(self, district_id: str, month: str) -> Iterator[MonthResult]:
        wanted = sorted(
            (
                (at, text)
                for key, at, text in self._by_id.values()
                if key == f"{district_id}#{month}"
            ),
            key=lambda found: found[0],
        )
        for _at, text in wanted:
            doc = json.loads(text)
            due = date.fromisoformat(doc["due_date"]) if doc.get("due_date") else None
            yield MonthResult(doc["target_id"], due, bool(doc["on_time"]))


class MemoryInspectionJobs(MemoryJobs[InspectionPlanJob]):
    """The queue of district days."""

    def __init__(self) -> None:
        super().__init__(InspectionPlanJob)
