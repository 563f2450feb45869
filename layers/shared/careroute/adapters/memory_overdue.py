"""The overdue view in memory, with the behaviour of the DynamoDB adapter
(`tests/contract/test_overdue_view_ports.py` checks both)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from careroute.adapters.memory_store import put_all, stored_of
from careroute.service_layer.ports.overdue import CommunityWatch, DueEntry


class MemoryOverdueView:
    def __init__(self) -> None:
        self._by_community: dict[str, CommunityWatch] = {}

    def save_watches(self, watches: Iterable[CommunityWatch]) -> int:
        in_order = (_with_entries(watch, watch.entries) for watch in watches)
        return put_all(self._by_community, in_order, lambda watch: watch.community_id)

    def put_entry(self, community_id: str, elder_id: str, entry: DueEntry | None) -> bool:
        watch = self._by_community.get(community_id)
        if watch is None:
            return False
        kept = [e for e in watch.entries if e.elder_id != elder_id]
        if entry is not None:
            kept.append(entry)
        self._by_community[community_id] = _with_entries(watch, kept)
        return True

    def read_watches(self, community_ids: Iterable[str]) -> dict[str, CommunityWatch]:
        return stored_of(self._by_community, community_ids)


def _with_entries(watch: CommunityWatch, entries: Iterable[DueEntry]) -> CommunityWatch:
    """The watch with those entries, by elder id (as the DynamoDB item's map reads back)."""
    return replace(watch, entries=tuple(sorted(entries, key=lambda e: e.elder_id)))
