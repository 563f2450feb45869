"""Shapes of what crosses the edges: schedule input, plan jobs on SQS, API request bodies.

Validated with pydantic; errors name the field. No AWS imports.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator, model_validator

from careroute.domain.vocabulary import (
    Finding,
    FindingCategory,
    GeoPoint,
    Outcome,
    Severity,
    Stay,
)
from careroute.messages.base import Message

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
"""An id as it crosses an edge (an elder's, a community's, a facility's...): 1-64 letters,
digits, '_' or '-'."""
CLOCK_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"
"""A local clock time, HH:MM (24:00 ends a day)."""


def require_offset(value: datetime) -> datetime:
    """Times cross the edge with their UTC offset: a bare local time is ambiguous."""
    if value.tzinfo is None:
        raise ValueError("must carry a UTC offset, e.g. 2026-12-01T09:30:00+08:00")
    return value


class ScheduleTick(Message):
    """The ScheduleV2 Input of a scheduled function (see template.yaml): its job's name and
    the moment it was scheduled for. A retried tick carries the same moment, so the job
    decides the same; each subclass names its job."""

    model_config = ConfigDict(extra="ignore")

    job: str
    scheduled_time: datetime

    _aware = field_validator("scheduled_time")(require_offset)


class NightlyTick(ScheduleTick):
    """The nightly plan's tick."""

    job: str = "nightly-plan"
    plan_date: date | None = None
    """Plan this date instead of the day after `scheduled_time` (manual runs)."""
    district_ids: list[str] | None = None
    """Plan only these districts (manual runs)."""


class EscalationTick(ScheduleTick):
    """The hourly ticket escalator's tick: tickets are escalated as of `scheduled_time`."""

    job: str = "escalate-tickets"


class DispatchRetryTick(ScheduleTick):
    """The tick of the dispatcher's retry of waiting home-service orders."""

    job: str = "retry-dispatch"


class EligibilityTick(ScheduleTick):
    """The daily benefit scan's tick: the scan date is the local date of `scheduled_time`."""

    job: str = "benefit-scan"


class PaceTick(ScheduleTick):
    """The daily coverage-pace figure's tick: the day is the local date of `scheduled_time`."""

    job: str = "coverage-pace"


class CoverItem(Message):
    """One visit taken over from an absent neighbour's community."""

    model_config = ConfigDict(extra="forbid")

    community_id: Id
    elder_id: Id


class DayPlanJob(Message):
    """One SQS message of a nightly run: plan one scope's workers for one date (each
    subclass names the scope)."""

    model_config = ConfigDict(extra="forbid")

    plan_date: date
    run_id: str = Field(min_length=1, max_length=64)
    holidays: list[date] = Field(default_factory=list, max_length=400)
    """Public holidays from the bureau's calendar (nobody works; deadlines move before them)."""
    workdays: list[date] = Field(default_factory=list, max_length=100)
    """Make-up working days (调休): weekend days worked to bridge a holiday."""


class PlanJob(DayPlanJob):
    """Plan one community's steward for one date."""

    community_id: Id
    steward_id: Id | None = None
    """The community's steward when the job was sent: the solver reads it with the community's
    day in one request (None: the solver finds the community's steward first)."""
    cover: list[CoverItem] = Field(default_factory=list, max_length=50)
    """Elders of absent neighbours this steward visits on the date."""
    handed_out: list[Id] = Field(default_factory=list, max_length=200)
    """Elders of this community handed to neighbours on the date: the route leaves them out."""
    keep_cover: bool = False
    """A re-plan of a day already planned (a neighbour called in sick this morning): the
    cover the stored route holds when the job is solved stays, and `cover` is added to it,
    so two sick calls of one morning add up instead of the later replacing the earlier."""


class FindingBody(Message):
    """A need found on a visit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: FindingCategory
    severity: Severity
    note: str = Field(default="", max_length=500)

    def to_domain(self) -> Finding:
        return Finding(self.category, self.severity, self.note)


class LocationBody(Message):
    """The phone's GPS point when the outcome was recorded."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)

    def to_domain(self) -> GeoPoint:
        return GeoPoint(self.lat, self.lng)


class StayBody(Message):
    """Where an elder away from home is staying: the hospital's name and its map point."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    place: str = Field(min_length=1, max_length=100)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)

    def to_domain(self) -> Stay:
        return Stay(self.place, GeoPoint(self.lat, self.lng))


STAY_OUTCOMES = frozenset({Outcome.HOSPITALISED, Outcome.VISITED})
"""The outcomes a stay goes with: found gone to hospital (and where), or visited there."""
MAX_FINDINGS = 20


class OutcomeFields(Message):
    """What one visit outcome says, shared by the API body and the recorded request."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    steward_id: Id | None = None
    elder_id: Id
    community_id: Id | None = Field(
        default=None,
        description="The elder's community, only for a cover stop (an absent neighbour's elder)",
    )
    outcome: Outcome
    visited_at: datetime = Field(description="When the visit happened, ISO 8601 with offset")
    notes: str = Field(default="", max_length=2000)
    findings: list[FindingBody] = Field(default_factory=list, max_length=MAX_FINDINGS)
    location: LocationBody | None = Field(default=None, description="The phone's GPS point")
    stay: StayBody | None = Field(
        default=None,
        description=(
            "Where the elder is staying away from home: with 'hospitalised', the hospital the"
            " steward learned of (the month's visit is then planned there); with 'visited',"
            " that the visit was made there (the elder stays hospitalised)"
        ),
    )

    _offset = field_validator("visited_at")(require_offset)

    @model_validator(mode="after")
    def _stay_fits_outcome(self) -> OutcomeFields:
        if self.stay is not None and self.outcome not in STAY_OUTCOMES:
            raise ValueError(
                f"stay goes only with outcome 'hospitalised' or 'visited', not '{self.outcome}'"
            )
        return self


class VisitRequest(OutcomeFields):
    """POST /visits body: one outcome recorded by a steward (the steward is required)."""

    steward_id: Id
