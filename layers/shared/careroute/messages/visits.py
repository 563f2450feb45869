"""Shapes of what crosses the edges: schedule input, plan jobs on SQS, API request bodies.

Validated with pydantic; errors name the field. No AWS imports.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from careroute.domain.vocabulary import Finding, FindingCategory, GeoPoint, Outcome, Severity

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def require_offset(value: datetime) -> datetime:
    """Times cross the edge with their UTC offset: a bare local time is ambiguous."""
    if value.tzinfo is None:
        raise ValueError("must carry a UTC offset, e.g. 2026-12-01T09:30:00+08:00")
    return value


class NightlyTick(BaseModel):
    """The ScheduleV2 Input of the nightly plan (see template.yaml)."""

    model_config = ConfigDict(extra="ignore")

    job: str = "nightly-plan"
    scheduled_time: datetime
    plan_date: date | None = None
    """Plan this date instead of the day after `scheduled_time` (manual runs)."""
    district_ids: list[str] | None = None
    """Plan only these districts (manual runs)."""

    _aware = field_validator("scheduled_time")(lambda value: require_offset(value))


class EscalationTick(BaseModel):
    """The ScheduleV2 Input of the hourly ticket escalator (see template.yaml); tickets are
    escalated as of `scheduled_time`, so a retried tick decides the same."""

    model_config = ConfigDict(extra="ignore")

    job: str = "escalate-tickets"
    scheduled_time: datetime

    _aware = field_validator("scheduled_time")(lambda value: require_offset(value))


class DispatchRetryTick(BaseModel):
    """The ScheduleV2 Input of the dispatcher's retry of waiting home-service orders."""

    model_config = ConfigDict(extra="ignore")

    job: str = "retry-dispatch"
    scheduled_time: datetime

    _aware = field_validator("scheduled_time")(lambda value: require_offset(value))


class EligibilityTick(BaseModel):
    """The ScheduleV2 Input of the daily benefit scan (see template.yaml); the scan date is
    the local date of `scheduled_time`, so a retried tick scans the same day."""

    model_config = ConfigDict(extra="ignore")

    job: str = "benefit-scan"
    scheduled_time: datetime

    _aware = field_validator("scheduled_time")(lambda value: require_offset(value))


class PaceTick(BaseModel):
    """The ScheduleV2 Input of the daily coverage-pace figure (see template.yaml); the day
    is the local date of `scheduled_time`, so a retried tick measures the same day."""

    model_config = ConfigDict(extra="ignore")

    job: str = "coverage-pace"
    scheduled_time: datetime

    _aware = field_validator("scheduled_time")(lambda value: require_offset(value))


class CoverItem(BaseModel):
    """One visit taken over from an absent neighbour's community."""

    model_config = ConfigDict(extra="forbid")

    community_id: str = Field(pattern=ID_PATTERN)
    elder_id: str = Field(pattern=ID_PATTERN)


class PlanJob(BaseModel):
    """One SQS message: plan one community's steward for one date."""

    model_config = ConfigDict(extra="forbid")

    community_id: str = Field(pattern=ID_PATTERN)
    plan_date: date
    run_id: str = Field(min_length=1, max_length=64)
    holidays: list[date] = Field(default_factory=list, max_length=400)
    """Public holidays from the bureau's calendar (nobody works; deadlines move before them)."""
    cover: list[CoverItem] = Field(default_factory=list, max_length=50)
    """Elders of absent neighbours this steward visits on the date."""


class FindingBody(BaseModel):
    """A need found on a visit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: FindingCategory
    severity: Severity
    note: str = Field(default="", max_length=500)

    def to_domain(self) -> Finding:
        return Finding(self.category, self.severity, self.note)


class LocationBody(BaseModel):
    """The phone's GPS point when the outcome was recorded."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)

    def to_domain(self) -> GeoPoint:
        return GeoPoint(self.lat, self.lng)


MAX_FINDINGS = 20


class OutcomeFields(BaseModel):
    """What one visit outcome says, shared by the API body and the recorded request."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    steward_id: str | None = Field(default=None, pattern=ID_PATTERN)
    elder_id: str = Field(pattern=ID_PATTERN)
    community_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="The elder's community, only for a cover stop (an absent neighbour's elder)",
    )
    outcome: Outcome
    visited_at: datetime = Field(description="When the visit happened, ISO 8601 with offset")
    notes: str = Field(default="", max_length=2000)
    findings: list[FindingBody] = Field(default_factory=list, max_length=MAX_FINDINGS)
    location: LocationBody | None = Field(default=None, description="The phone's GPS point")

    _offset = field_validator("visited_at")(require_offset)


class VisitRequest(OutcomeFields):
    """POST /visits body: one outcome recorded by a steward (the steward is required)."""

    steward_id: str = Field(pattern=ID_PATTERN)
