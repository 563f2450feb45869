"""`DayReading` in memory: the community, the steward and the two routes read from the
communities', stewards' and routes' memory adapters one after the other (nothing to save by
asking at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from careroute.domain.errors import NotFoundError
from careroute.service_layer.ports import CommunityRepository, RouteRepository, StewardRepository
from careroute.service_layer.ports.plan_reads import DayReads


@dataclass(frozen=True)
class MemoryDayReads:
    communities: CommunityRepository
    stewards: StewardRepository
    routes: RouteRepository

    def day_reads(self, community_id: str, steward_id: str, plan_date: date) -> DayReads:
        community = self.communities.get_community(community_id)
        try:
            steward = self.stewards.get_steward(steward_id)
        except NotFoundError:
            steward = None
        yesterday = self.routes.find_route(steward_id, plan_date - timedelta(days=1))
        stored = self.routes.find_route(steward_id, plan_date)
        return DayReads(community, steward, yesterday, stored)
