"""The result an assessor posts (POST /assessments/results). Validated with pydantic; errors
name the field. No AWS imports."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from careroute.domain.eligibility import CareLevel
from careroute.messages.visits import ID_PATTERN, require_offset


class AssessmentResultBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    request_id: str = Field(pattern=ID_PATTERN)
    assessor_id: str = Field(pattern=ID_PATTERN)
    level: CareLevel = Field(description="self (self-care), semi (semi-disabled) or disabled")
    assessed_at: datetime = Field(description="When the assessment was made, ISO 8601 + offset")
    notes: str = Field(default="", max_length=2000)

    _offset = field_validator("assessed_at")(require_offset)
