"""Request and response bodies of the HTTP API (they also make its OpenAPI document).

No AWS imports. The steward is never taken from a body: it is the caller of the token.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from careroute.domain.vocabulary import Category, ElderStatus, Outcome, Tier
from careroute.messages.base import Message
from careroute.messages.errors import ErrorDetail as ErrorDetail
from careroute.messages.holidays import Holiday as Holiday
from careroute.messages.holidays import HolidayCalendarAnswer as HolidayCalendarAnswer
from careroute.messages.holidays import Holidays as Holidays
from careroute.messages.tickets import TicketList as TicketList
from careroute.messages.tickets import TicketRow as TicketRow
from careroute.messages.visits import CLOCK_PATTERN, Id, OutcomeFields, VisitRequest
from careroute.planning.stop_ref import STOP_REF_PATTERN

IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"
MAX_BATCH = 50


class OutcomeBody(OutcomeFields):
    """One visit outcome, as the steward's phone sends it."""

    steward_id: Id | None = Field(
        default=None,
        description="Optional, for old clients: the steward is the token's; if given it must match",
    )

    stop_ref: str | None = Field(
        default=None,
        pattern=STOP_REF_PATTERN,
        description=(
            "Optional: the stop's `stop_ref` from the route read, sent back as given; the "
            "outcome is then recorded without a read of the route. A reference that does not "
            "hold for the stored steward and elder is ignored"
        ),
    )

    def as_request(self, steward_id: str) -> VisitRequest:
        fields = self.model_dump(include=set(OutcomeFields.model_fields) - {"steward_id"})
        return VisitRequest(steward_id=steward_id, **fields)


class BatchItem(OutcomeBody):
    idempotency_key: str = Field(
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="The key the phone gave this outcome when it was queued (one per visit)",
    )


class OutcomeBatch(Message):
    """Outcomes queued offline, sent together when the phone is back online."""

    model_config = ConfigDict(extra="forbid")

    items: list[BatchItem] = Field(min_length=1, max_length=MAX_BATCH)


class Visit(Message):
    visit_id: str
    elder_id: str
    outcome: Outcome
    tier: str
    visited_at: datetime
    recorded_at: datetime


class BatchItemResult(Message):
    index: int
    idempotency_key: str
    status: int = Field(description="What POST /visits would have answered for this item")
    visit: Visit | None = None
    error: ErrorDetail | None = None


class BatchResult(Message):
    results: list[BatchItemResult]
    recorded: int = Field(description="Items stored now or earlier under the same key")
    failed: int


MAX_PAGE = 200


class OverdueElder(Message):
    """An elder past their visit deadline: ids and dates only, no name or address."""

    elder_id: str
    community_id: str
    tier: Tier
    last_visited_on: date | None
    deadline: date | None = Field(description="None when the elder was never visited")
    days_overdue: int | None


class OverdueList(Message):
    scope: str
    on: date
    count: int = Field(description="Overdue elders in the scope (all pages)")
    by_tier: dict[str, int] = Field(
        default_factory=dict, description="Overdue elders per risk tier (all pages)"
    )
    by_district: dict[str, int] = Field(
        default_factory=dict, description="Overdue elders per district id (all pages)"
    )
    elders: list[OverdueElder] = Field(description="This page, most overdue first")
    next_cursor: str | None = Field(
        default=None, description="Pass as `after` for the next page; None on the last page"
    )


class Window(Message):
    model_config = ConfigDict(extra="forbid")

    start: str = Field(pattern=CLOCK_PATTERN, description="HH:MM")
    end: str = Field(pattern=CLOCK_PATTERN, description="HH:MM")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start > self.end:
            raise ValueError("window.start must not be after window.end")
        return self


class ElderRow(Message):
    """One registry entry; name and address only for the community's steward and city_admin."""

    elder_id: str
    community_id: str
    tier: Tier
    status: ElderStatus
    categories: list[Category]
    window: Window
    last_visited_on: date | None
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    guardian: str | None = Field(default=None, description="Emergency contact or guardian")
    guardian_phone: str | None = None


class ElderPage(Message):
    elders: list[ElderRow]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; None: done")
    personal_data: bool = Field(description="Whether names and addresses are included")


class ElderPatch(Message):
    """Registry change: any of these fields; each change is kept in the elder's history."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: ElderStatus | None = None
    categories: list[Category] | None = Field(default=None, max_length=len(Category))
    address: str | None = Field(default=None, min_length=1, max_length=200)
    window: Window | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> ElderPatch:
        if all(v is None for v in (self.status, self.categories, self.address, self.window)):
            raise ValueError("give at least one of status, categories, address, window")
        return self

    def changes(self) -> dict[str, Any]:
        """The given fields as API (JSON) values; categories sorted and unique."""
        given = self.model_dump(mode="json", exclude_none=True)
        if "categories" in given:
            given["categories"] = sorted(set(given["categories"]))
        return dict(given)


class HistoryEntry(Message):
    at: datetime
    actor_sub: str
    actor_role: str
    field: str
    old: Any = None
    new: Any = None
    reason: str = Field(
        default="", description="Why, when not an official's edit (a visit outcome)"
    )


class AuditRead(Message):
    at: datetime
    actor_sub: str
    actor_role: str
    what: str = Field(description="route, elders_list or history")
    elder_ids: list[str] = Field(description="The elders whose personal data was shown")


class AuditLog(Message):
    community_id: str
    count: int
    reads: list[AuditRead] = Field(description="Newest first")


MAX_AUDIT = 500


class ElderHistory(Message):
    elder_id: str
    community_id: str
    changes: list[HistoryEntry]


class PatchResult(Message):
    elder_id: str
    community_id: str
    changed: list[str] = Field(description="Fields whose value changed (unchanged ones skipped)")


MAX_LEAVE_DAYS = 366


class LeaveBody(Message):
    """A steward's leave: the whole set of dates away (it replaces the stored set)."""

    model_config = ConfigDict(extra="forbid")

    dates: list[dt.date] = Field(
        max_length=MAX_LEAVE_DAYS,
        description="YYYY-MM-DD, each once, each within 400 days of today; [] clears",
    )

    @field_validator("dates")
    @classmethod
    def _unique(cls, dates: list[dt.date]) -> list[dt.date]:
        seen: set[dt.date] = set()
        for day in dates:
            if day in seen:
                raise ValueError(f"each date may appear once; {day.isoformat()} repeats")
            seen.add(day)
        return sorted(dates)


class StewardLeave(Message):
    steward_id: str
    community_id: str
    dates: list[dt.date] = Field(description="Dates the steward is away, sorted")


class CloseTicketBody(Message):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str = Field(min_length=1, max_length=500, description="What was done")
    result: str = Field(min_length=1, max_length=500, description="What came of it")


class CapacityHelp(Message):
    """Helper-hours one community's stewards should give a short community."""

    from_community_id: str
    from_community: str
    hours: float
    level: str = Field(description="street (a neighbour in the same street) or district")


class CapacityCommunity(Message):
    """One community's month: hours needed (tries with retries, travel) against hours had."""

    community_id: str
    name: str
    street_id: str
    street: str
    district_id: str
    stewards: int
    elders: int
    visits_required: int
    tries_expected: float
    hours_required: float
    hours_available: float
    visit_slots: int
    shortfall_hours: float
    help: list[CapacityHelp]
    uncovered_hours: float = Field(description="Shortfall no helper in the district could take")


class CapacityStreet(Message):
    """A street's month: its communities' shortfalls and what they can give each other."""

    street_id: str
    street: str
    district_id: str
    shortfall_hours: float
    street_help_hours: float
    outside_help_hours: float = Field(description="What must come from the rest of the district")
    short_communities: list[str]


class CapacityAssumptions(Message):
    attempt_success: float = Field(description="Share of tries that end in a completed visit")
    usable_share: float = Field(description="Share of a shift that goes to visits")


class CapacityReport(Message):
    """The month's capacity forecast of a scope (no elder data)."""

    month: str
    scope: str
    assumptions: CapacityAssumptions
    communities: int
    streets: int
    flagged_communities: int
    flagged_streets: int
    shortfall_hours: float
    help_hours: float
    uncovered_hours: float
    community_rows: list[CapacityCommunity] = Field(
        description="The flagged communities, largest shortfall first (every one with rows=all)"
    )
    street_rows: list[CapacityStreet] = Field(
        description="The flagged streets (every one with rows=all)"
    )
