"""Shapes of what crosses the inspections' edges: the district plan job on SQS, the result an
inspector posts, and the progress officials read. Validated with pydantic; errors name the
field. No AWS imports."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field, field_validator

from careroute.domain.inspections import ItemScore, Rectification
from careroute.domain.vocabulary import FindingCategory, Severity
from careroute.messages.base import Message
from careroute.messages.visits import DayPlanJob, Id, require_offset


class InspectionPlanJob(DayPlanJob):
    """Plan one district's inspectors for one date."""

    district_id: Id


class RectificationBody(Message):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    item: str = Field(max_length=40, description="The checklist item to put right")
    deadline: date = Field(description="Put right by this date (after the inspection day)")
    category: FindingCategory = FindingCategory.SAFETY_HAZARD
    severity: Severity = Severity.NORMAL
    note: str = Field(default="", max_length=500)

    def to_domain(self) -> Rectification:
        return Rectification(self.item, self.deadline, self.category, self.severity, self.note)


class InspectionResultBody(Message):
    """POST /inspections/results: one inspection's scores and rectification items."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    inspector_id: Id
    target_id: Id
    inspected_at: datetime = Field(description="When the inspection happened, ISO 8601 with offset")
    scores: dict[str, int] = Field(
        min_length=1, max_length=20, description="Checklist item -> score 0..5 (every item)"
    )
    rectifications: list[RectificationBody] = Field(default_factory=list, max_length=20)
    beds: int | None = Field(
        default=None, ge=0, le=10_000, description="A care institution's beds, as counted"
    )
    occupied_beds: int | None = Field(
        default=None, ge=0, le=10_000, description="Of those, taken by residents on the day"
    )
    notes: str = Field(default="", max_length=2000)

    _offset = field_validator("inspected_at")(require_offset)

    def score_items(self) -> tuple[ItemScore, ...]:
        return tuple(ItemScore(item, score) for item, score in sorted(self.scores.items()))


class DistrictProgress(Message):
    district_id: str
    due: int = Field(description="Due by the month's end: done (for such a due date) + open")
    done: int = Field(description="Inspections recorded in the month")
    done_on_time: int
    open: int = Field(description="Due by the month's end and not yet inspected")
    overdue: int = Field(description="Open and past their due date (as of today or month end)")


class InspectionProgress(Message):
    month: str
    scope: str
    as_of: date
    total: DistrictProgress
    districts: list[DistrictProgress]
