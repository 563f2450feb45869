"""Inspections' and needs assessments' ports: targets, inspectors, district-day plans, results,
assessors, requests and routes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from careroute.domain.assessments import AssessmentRequest, Assessor
from careroute.domain.elder_history import Entry
from careroute.domain.eligibility import CareLevel
from careroute.domain.inspections import InspectionTarget, Inspector
from careroute.domain.vocabulary import Elder
from careroute.messages.inspections import InspectionPlanJob
from careroute.service_layer.ports.jobs import JobQueue


class InspectionTargets(Protocol):
    """What district inspectors check (institutions, home care beds, adaptation jobs), each
    with the date its next inspection is due."""

    def save_targets(self, targets: Iterable[InspectionTarget]) -> int:
        """Store (or replace) targets; the count written."""
        ...

    def get_target(self, target_id: str, consistent: bool = False) -> InspectionTarget:
        """The target; NotFoundError when there is none. `consistent`: see every write made
        before the call."""
        ...

    def due_by(self, district_id: str, last_day: date) -> Iterator[InspectionTarget]:
        """The district's targets due on or before `last_day`, soonest first."""
        ...

    def institutions_of(self, district_id: str) -> Iterator[InspectionTarget]:
        """The district's care institutions, soonest due first."""
        ...


class InspectorDirectory(Protocol):
    """Each district's inspectors."""

    def save_inspectors(self, inspectors: Iterable[Inspector]) -> int:
        """Store (or replace) inspectors; the count written."""
        ...

    def inspectors_of(self, district_id: str) -> list[Inspector]:
        """The district's inspectors, by id."""
        ...

    def inspector_in(self, district_id: str, inspector_id: str) -> bool:
        """Is `inspector_id` one of the district's inspectors?"""
        ...


class InspectionPlans(Protocol):
    """Each district day's inspection plan: one route document per inspector at work, and
    the plan's summary (docs/plan-format.md); planning the day again replaces them."""

    def save_plan(self, routes: list[dict[str, Any]], summary: dict[str, Any]) -> None:
        """Store a district day's routes and its summary (`district_id`, `date`)."""
        ...

    def get_route(self, inspector_id: str, day: date) -> dict[str, Any]:
        """The inspector's route of the day; NotFoundError when none was planned."""
        ...

    def plan_summary(self, district_id: str, day: date) -> dict[str, Any] | None:
        """The district day's plan summary, or None."""
        ...


class ResultSaved(StrEnum):
    CREATED = "created"
    EXISTS = "exists"
    """A result with this id is stored already (a retry, or a reused key)."""
    TARGET_CHANGED = "target_changed"
    """The target's due date is no longer the one read (another result came first)."""


@dataclass(frozen=True)
class MonthResult:
    """What the monthly progress needs of a stored inspection result."""

    target_id: str
    due_date: date | None
    on_time: bool


class InspectionResults(Protocol):
    """Inspection results (documents by result id), each stored with its target's next due
    date in one step."""

    def save_result(
        self, document: dict[str, Any], target: InspectionTarget, after: InspectionTarget
    ) -> ResultSaved:
        """Store the result document and write its target as the result leaves it (`after`:
        next due date, latest inspection day and scores, beds counted), all or nothing, only
        while the target's due date is the one read (`target.due_date`); the target also
        records by which result."""
        ...

    def get_result(self, result_id: str) -> dict[str, Any] | None:
        """The stored result document (read consistently), or None."""
        ...

    def results_in(self, district_id: str, month: str) -> Iterator[MonthResult]:
        """The district's results inspected in the month ('YYYY-MM', China time), oldest
        first."""
        ...


InspectionJobQueue = JobQueue[InspectionPlanJob]
"""The inspection jobs: one district's day each."""


class AssessorDirectory(Protocol):
    """Each district's needs assessors."""

    def save_assessors(self, assessors: Iterable[Assessor]) -> int:
        """Store (or replace) assessors (their office and skills; the shift, lunch and days
        off are the domain's defaults); the count written."""
        ...

    def assessors_of(self, district_id: str) -> list[Assessor]:
        """The district's assessors, by id."""
        ...


@dataclass(frozen=True)
class Grading:
    """What a needs-assessment result writes: its request closed under `key`, and the
    elder's care level and categories (`categories`, sorted values) with history `changes`."""

    level: CareLevel
    categories: tuple[str, ...]
    key: str
    at: datetime
    assessor_id: str
    changes: tuple[Entry, ...]
    scores: tuple[tuple[str, int], ...] = ()
    """The instrument's score per dimension (kept on the request)."""


class AssessmentRequests(Protocol):
    """Needs-assessment requests, each closed once by a result that grades its elder."""

    def save_requests(self, requests: Iterable[AssessmentRequest]) -> int:
        """Store (or replace, open again) requests; the count written."""
        ...

    def open_request(self, request: AssessmentRequest) -> bool:
        """Store a new open request unless one with its id exists; True when stored."""
        ...

    def requests_of(self, district_id: str) -> Iterator[AssessmentRequest]:
        """The district's requests (open and done), by request id."""
        ...

    def get_request(
        self, district_id: str, request_id: str
    ) -> tuple[AssessmentRequest, str | None]:
        """The request (read consistently) and the Idempotency-Key of the result that closed
        it (None while open); NotFoundError when there is none."""
        ...

    def record_result(self, request: AssessmentRequest, elder: Elder, grading: Grading) -> bool:
        """Close the open request and grade the elder as `grading` says, all or nothing.
        True when this call wrote it; False when the same key did before (a retry).
        ConflictError when another result closed the request, or the elder's categories or
        care level are no longer `elder`'s."""
        ...


class AssessorRoutes(Protocol):
    """Each assessor's route of a day; planning the day again replaces it."""

    def save_route(self, document: dict[str, Any], now: datetime) -> None:
        """Store an assessor's route document (`assessor_id`, `date`)."""
        ...

    def get_route(self, assessor_id: str, day: date) -> dict[str, Any] | None:
        """The assessor's route of the day, or None."""
        ...
