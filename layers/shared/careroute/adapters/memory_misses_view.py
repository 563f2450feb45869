"""The month's misses view in memory, with the behaviour of the DynamoDB adapter
(`tests/contract/test_misses_view_ports.py` checks both)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from careroute.service_layer.ports.misses_view import MonthMiss


class MemoryMissesView:
    def __init__(self) -> None:
        self._stored: dict[tuple[str, str], tuple[date, list[MonthMiss]]] = {}

    def save_misses(
        self, month: str, by_community: Mapping[str, Sequence[MonthMiss]], as_of: date
    ) -> int:
        for community_id, misses in by_community.items():
            self._stored[(month, community_id)] = (as_of, list(misses))
        return len(by_community)

    def read_misses(
        self, month: str, community_ids: Iterable[str]
    ) -> dict[str, tuple[date, list[MonthMiss]]]:
        found = {c: self._stored.get((month, c)) for c in community_ids}
        return {c: stored for c, stored in found.items() if stored is not None}
