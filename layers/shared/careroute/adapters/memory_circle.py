"""The 15-minute service circle's ports in memory: the facilities, the daily counts per
scope and each community's rows, with the behaviour of the DynamoDB adapters
(`tests/contract/` checks both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from careroute.adapters.memory_store import ReplacedWhole, put_all, stored_of
from careroute.domain.coverage import Scope
from careroute.planning.service_circle import Facility
from careroute.service_layer.ports import CircleCount
from careroute.service_layer.ports.circle_rows import CommunityCircle


class MemoryFacilities(ReplacedWhole[Facility]):
    def __init__(self) -> None:
        super().__init__(lambda f: f.facility_id)

    replace_facilities = ReplacedWhole.replace_whole
    all_facilities = ReplacedWhole.in_id_order


class MemoryCircleCounts:
    def __init__(self) -> None:
        self._by_scope: dict[Scope, CircleCount] = {}

    def save_counts(self, counts: Mapping[Scope, tuple[int, int]], day: date) -> int:
        for scope, (elders, within) in counts.items():
            self._by_scope[scope] = CircleCount(elders, within, day)
        return len(counts)

    def read_count(self, scope: Scope) -> CircleCount | None:
        return self._by_scope.get(scope)


class MemoryCircleRows:
    def __init__(self) -> None:
        self._by_community: dict[str, CommunityCircle] = {}

    def save_rows(self, rows: Iterable[CommunityCircle]) -> int:
        return put_all(self._by_community, rows, lambda row: row.community_id)

    def read_rows(self, community_ids: Iterable[str]) -> dict[str, CommunityCircle]:
        return stored_of(self._by_community, community_ids)
