"""Request and response bodies of the HTTP API (they also make its OpenAPI document).

No AWS imports. The steward is never taken from a body: it is the caller of the token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from careroute.domain import Outcome
from careroute.messages import ID_PATTERN, VisitRequest

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"
MAX_BATCH = 50


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("visited_at must carry a UTC offset, e.g. 2026-12-01T09:30:00+08:00")
    return value


class OutcomeBody(BaseModel):
    """One visit outcome, as the steward's phone sends it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    steward_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Optional, for old clients: the steward is the token's; if given it must match",
    )
    elder_id: str = Field(pattern=ID_PATTERN)
    outcome: Outcome
    visited_at: datetime = Field(description="When the visit happened, ISO 8601 with offset")
    notes: str = Field(default="", max_length=2000)

    _offset = field_validator("visited_at")(_aware)

    def as_request(self, steward_id: str) -> VisitRequest:
        return VisitRequest(
            steward_id=steward_id,
            elder_id=self.elder_id,
            outcome=self.outcome,
            visited_at=self.visited_at,
            notes=self.notes,
        )


class BatchItem(OutcomeBody):
    idempotency_key: str = Field(
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="The key the phone gave this outcome when it was queued (one per visit)",
    )


class OutcomeBatch(BaseModel):
    """Outcomes queued offline, sent together when the phone is back online."""

    model_config = ConfigDict(extra="forbid")

    items: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH)


class Visit(BaseModel):
    visit_id: str
    elder_id: str
    outcome: Outcome
    tier: str
    visited_at: datetime
    recorded_at: datetime


class ErrorDetail(BaseModel):
    code: str = Field(description="Machine-readable, e.g. invalid_request, forbidden, not_found")
    message: str = Field(description="What is wrong, for a human")


class ErrorBody(BaseModel):
    error: ErrorDetail


class BatchItemResult(BaseModel):
    index: int
    idempotency_key: str
    status: int = Field(description="What POST /visits would have answered for this item")
    visit: Visit | None = None
    error: ErrorDetail | None = None


class BatchResult(BaseModel):
    results: list[BatchItemResult]
    recorded: int = Field(description="Items stored now or earlier under the same key")
    failed: int


def error_responses(*statuses: int) -> dict[int, dict[str, Any]]:
    """OpenAPI `responses` entries for errors: all share ErrorBody."""
    text = {
        400: "Bad request",
        401: "No valid bearer token",
        403: "The caller's role or scope does not allow this",
        404: "Not found",
        409: "Idempotency-Key reused for a different request",
        413: "Body too large",
        422: "Invalid request",
        503: "Storage busy; retry",
    }
    return {
        s: {"description": text[s], "content": {"application/json": {"model": ErrorBody}}}
        for s in statuses
    }
