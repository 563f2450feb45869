"""`DayWriting` in memory: the route and the marks written to the routes' and the marks' memory
adapters one after the other (nothing to save by asking at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from careroute.service_layer.ports import OverflowMarks, RouteRepository
from careroute.service_layer.ports.plan_writes import DayMarks, Route


@dataclass(frozen=True)
class MemoryDayWrites:
    routes: RouteRepository
    overflow: OverflowMarks

    def store_day(self, community_id: str, day: date, marks: DayMarks, route: Route | None) -> None:
        if route is not None:
            self.routes.save_route(route)
        for kind, on in marks.items():
            self.overflow.mark_overflow(day, community_id, on, kind)
