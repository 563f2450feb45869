"""Shapes of what crosses the edges of urgent-event handling: the device event on the queue
(docs/urgent-events.md), the minute escalator's tick, and the incident API's bodies and
rows. Validated with pydantic; errors name the field. No AWS imports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from careroute.domain.incidents import EventType, Incident, IncidentOutcome
from careroute.messages.base import Message
from careroute.messages.visits import Id, ScheduleTick, require_offset

EVENT_ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
MAX_PAYLOAD_KEYS = 20


class DeviceEvent(Message):
    """One message on the urgent-events queue: what a device or the call centre reports."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    schema_version: Literal[1] = 1
    event_id: str = Field(
        pattern=EVENT_ID_PATTERN, description="Unique per event; a resend keeps it"
    )
    device_id: Id
    elder_ref: Id | None = Field(
        default=None,
        description="The elder's registry id; required from a call centre, checked otherwise",
    )
    type: EventType
    occurred_at: datetime = Field(description="When the device saw it, ISO 8601 with offset")
    payload: dict[str, Any] = Field(default_factory=dict)

    _offset = field_validator("occurred_at")(require_offset)

    @model_validator(mode="after")
    def _payload_fits(self) -> DeviceEvent:
        if len(self.payload) > MAX_PAYLOAD_KEYS:
            raise ValueError(f"payload: at most {MAX_PAYLOAD_KEYS} keys")
        if self.type is EventType.NO_MOVEMENT:
            hours = self.payload.get("hours")
            if not isinstance(hours, int | float) or isinstance(hours, bool) or not 0 < hours <= 72:
                raise ValueError("payload.hours: a no_movement event needs hours between 0 and 72")
        return self


class IncidentTick(ScheduleTick):
    """The minute escalator's tick (see template.yaml)."""

    job: str = "escalate-incidents"


class CloseIncidentBody(Message):
    model_config = ConfigDict(extra="forbid")

    outcome: IncidentOutcome


class IncidentRow(Message):
    """One incident as the API shows it (ids only; the responder's route has the address)."""

    incident_id: str
    elder_id: str
    community_id: str
    street_id: str
    district_id: str
    event_type: str
    severity: str
    status: str
    level: str
    events: int
    opened_at: datetime
    ack_due_at: datetime
    arrive_due_at: datetime
    responder_id: str | None = None
    eta: datetime | None = None
    dispatched_at: datetime | None = None
    acknowledged_at: datetime | None = None
    arrived_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    dispatch_note: str | None = None

    @classmethod
    def of(cls, i: Incident) -> IncidentRow:
        """The incident's own fields (enums as their values; what the row does not show, such
        as the event ids, left out), its count of events, and empty texts as absent. The fields
        are read as they are (`vars`: all flat), not copied deep as `asdict` would."""
        return cls.model_validate(
            {
                **vars(i),
                "events": i.event_count,
                "responder_id": i.responder_id or None,
                "dispatch_note": i.dispatch_note or None,
            }
        )


class IncidentList(Message):
    count: int
    incidents: list[IncidentRow]
