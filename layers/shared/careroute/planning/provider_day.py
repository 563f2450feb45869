"""A home-service provider's day: each worker's stops in order, with their planned starts.

Pure: no AWS. The dispatcher builds a new version of the day on the version it read and
stores it only if that version is still there, so two dispatches cannot overwrite each
other; urgent visits held on workers' days travel with the plan (careroute.planning.urgent_holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from careroute.domain.orders import DayRoutes
from careroute.planning.urgent_holds import UrgentHold, is_urgent


@dataclass(frozen=True)
class DayPlan:
    provider_id: str
    day: date
    version: int
    """0 when the provider has no plan for the day yet."""
    routes: DayRoutes
    held: tuple[UrgentHold, ...] = ()
    """Urgent visits on workers' days (listed in `routes` as `urgent:<incident id>`)."""

    @property
    def order_ids(self) -> list[str]:
        return [o for stops in self.routes.values() for o, _ in stops if not is_urgent(o)]

    def start_of(self, order_id: str) -> int | None:
        for stops in self.routes.values():
            for stop_id, start in stops:
                if stop_id == order_id:
                    return start
        return None
