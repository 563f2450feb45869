"""The body of a home-service order (POST /orders): the orders function's own, apart from the
API function's bodies (`messages/api.py`) so that neither loads the other's domain."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from careroute.domain.orders import ServiceType
from careroute.messages.elder_body import ElderBody
from careroute.messages.visits import CLOCK_PATTERN


class OrderBody(ElderBody):
    service: ServiceType
    service_date: date
    window_start: str = Field(pattern=CLOCK_PATTERN, description="HH:MM local time")
    window_end: str = Field(pattern=CLOCK_PATTERN, description="HH:MM local time")
    self_paid: bool = False
