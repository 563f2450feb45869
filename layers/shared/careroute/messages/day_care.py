"""Shapes of what crosses day care's edges: a place or a stay booked over the API. Validated
with pydantic; errors name the field. No AWS imports."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from careroute.domain.day_care import CareKind
from careroute.messages.base import Message
from careroute.messages.elder_body import ElderBody
from careroute.messages.visits import Id


class PlaceBody(ElderBody):
    """POST /day-care/bookings: day care for one day, or a respite stay first_day..last_day."""

    centre_id: Id = Field(description="A day-care centre's facility id")
    kind: CareKind
    first_day: date
    last_day: date


class CancelBody(Message):
    """POST .../cancel: an optional body with the reason (not stored); it may be left out."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=200)
