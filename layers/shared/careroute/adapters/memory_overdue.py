"""The overdue view in memory, with the behaviour of the DynamoDB adapter
(`tests/contract/test_overdue_view_ports.py` checks both)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from careroute.service_layer.ports.overdue import CommunityWatch, DueEntry


class MemoryOverdueView:
    def __init__(self) -> None:
        self._by_community: dict[str, CommunityWatch] = {}

    def save_watches(self, watches: Iterable[CommunityWatch]) -> int:
        written = 0
        for watch in watches:
            entries = tuple(sorted(watch.entries, key=lambda e: e.elder_id))
            self._by_community[watch.community_id] = replace(watch, entries=entries)
            written += 1
        return written

    def put_entry(self, community_id: str, elder_id: str, entry: DueEntry | None) -> bool:
        watch = self._by_community.get(community_id)
        if watch is None:
            return False
        kept = [e for e in watch.entries if e.elder_id != elder_id]
        if entry is not None:
            kept.append(entry)
        entries = tuple(sorted(kept, key=lambda e: e.elder_id))
        self._by_community[community_id] = replace(watch, entries=entries)
        return True

    def read_watches(self, community_ids: Iterable[str]) -> dict[str, CommunityWatch]:
        found = (self._by_community.get(c) for c in community_ids)
        return {watch.community_id: watch for watch in found if watch is not None}
