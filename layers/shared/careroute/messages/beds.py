"""Shapes of what crosses the home care beds' edges: a bed recorded by an official, its steps
(build, accept, close) and a service visit a worker records. Validated with pydantic; errors
name the field. No AWS imports."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field, field_validator

from careroute.domain.bed_visits import BedVisitOutcome
from careroute.domain.beds import BedAction, Subsistence
from careroute.messages.base import Message
from careroute.messages.elder_body import ElderBody
from careroute.messages.visits import Id, require_offset


class BedBody(ElderBody):
    """POST /beds: an official records an elder's bed application."""

    provider_id: Id = Field(description="The provider that runs the bed")
    subsistence: Subsistence = Field(description="The elder's certified means-tested status")


class BedStepBody(Message):
    """POST /beds/{bed_id}/steps: build (with the equipment installed), accept or close."""

    model_config = ConfigDict(extra="forbid")

    action: BedAction
    on: date = Field(description="The day of the step (not after today)")
    equipment: list[str] = Field(default_factory=list, max_length=20)


class BedVisitBody(Message):
    """POST /beds/{bed_id}/visits: a worker of the bed's provider records a visit."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    visited_at: datetime = Field(description="When the visit began, with a UTC offset")
    outcome: BedVisitOutcome
    minutes: int | None = Field(
        default=None, ge=0, le=480, description="Minutes served (default: the policy's)"
    )
    note: str = Field(default="", max_length=500)

    _offset = field_validator("visited_at")(require_offset)
