"""What crosses the needs assessments' edges: a request asked for (POST /assessments/requests),
the result an assessor posts (POST /assessments/results) and the district figures officials
read (GET /assessments/summary). Validated with pydantic; errors name the field. No AWS."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field, field_validator

from careroute.domain.eligibility import CareLevel
from careroute.messages.base import Message
from careroute.messages.visits import Id, require_offset


class AssessmentRequestBody(Message):
    """POST /assessments/requests: ask for an elder's needs assessment."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community_id: Id
    elder_id: Id
    reason: str = Field(default="", max_length=500)


class AssessmentResultBody(Message):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    request_id: Id
    assessor_id: Id
    scores: dict[str, int] = Field(
        min_length=1,
        max_length=20,
        description="The instrument's score per dimension (policy [assessment]): self_care, "
        "basic_movement, mental_state, perception_social by default; the total gives the level",
    )
    level: CareLevel | None = Field(
        default=None,
        description="Optional check: the care level the assessor expects (self, semi or "
        "disabled); refused when the scores give another",
    )
    assessed_at: datetime = Field(description="When the assessment was made, ISO 8601 + offset")
    notes: str = Field(default="", max_length=2000)

    _offset = field_validator("assessed_at")(require_offset)


class DistrictAssessments(Message):
    district_id: str
    open: int = Field(description="Requests not yet assessed")
    overdue: int = Field(description="Open past their deadline")
    done: int
    by_ability_level: dict[str, int] = Field(
        description="Done requests per ability level, recomputed from their stored scores"
    )
    by_care_level: dict[str, int] = Field(description="Done requests per care level graded")
    bed_eligible: int = Field(description="Done requests whose level qualifies for a home bed")


class AssessmentSummary(Message):
    scope: str
    as_of: date
    districts: list[DistrictAssessments]
