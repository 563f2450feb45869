"""`DayReading` in memory: the community and the two routes read from the communities' and
routes' memory adapters one after the other (nothing to save by asking at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from careroute.service_layer.ports import CommunityRepository, RouteRepository
from careroute.service_layer.ports.plan_reads import DayReads


@dataclass(frozen=True)
class MemoryDayReads:
    communities: CommunityRepository
    routes: RouteRepository

    def day_reads(self, community_id: str, steward_id: str, plan_date: date) -> DayReads:
        community = self.communities.get_community(community_id)
        yesterday = self.routes.find_route(steward_id, plan_date - timedelta(days=1))
        return DayReads(community, yesterday, self.routes.find_route(steward_id, plan_date))
