"""What planning one community's day writes, asked for at once: the steward's route and the
community's day marks (overflow, a next day pinned full). The solver wrote them in three
requests; DynamoDB takes them in one BatchWriteItem."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from careroute.service_layer.ports.visits import DayMark

Route = dict[str, Any]
"""A route document (docs/plan-format.md)."""
DayMarks = Mapping[DayMark, bool]
"""A community's marks of a plan date: each kind given set (True) or cleared (False)."""


class DayWriting(Protocol):
    def store_day(self, community_id: str, day: date, marks: DayMarks, route: Route | None) -> None:
        """Set (True) or clear (False) the community's marks of each kind in `marks` for the
        day, as `OverflowMarks.mark_overflow` does, and with `route` store (or replace) the
        steward's route, as `RouteRepository.save_route` does (None: a route stored
        conditionally is stored before, by the caller)."""
        ...
