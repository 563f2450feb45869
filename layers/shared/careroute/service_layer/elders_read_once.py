"""The elders as one nightly fan-out reads them: each community's list read once.

The fan-out looks at a community's elders up to three times (which communities are short of
hours on the planner's first night, then the workload of those looked at and the spare
minutes of their helpers); nothing it does changes them, so the first answer serves the
others. Everything else goes to the repository behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from careroute.domain.elder_history import Entry
from careroute.domain.vocabulary import Elder
from careroute.service_layer.ports import ElderRepository, StatusChange


class EldersReadOnce:
    """An `ElderRepository` keeping every community's elders list it read (for one fan-out:
    it does not see changes made elsewhere; a change made through it drops the list)."""

    def __init__(self, elders: ElderRepository) -> None:
        self._elders = elders
        self._read: dict[str, list[Elder]] = {}

    def elders_of_community(self, community_id: str) -> list[Elder]:
        if community_id not in self._read:
            self._read[community_id] = self._elders.elders_of_community(community_id)
        return list(self._read[community_id])

    def elders_of_communities(self, community_ids: Iterable[str]) -> dict[str, list[Elder]]:
        wanted = list(dict.fromkeys(community_ids))
        unread = [c for c in wanted if c not in self._read]
        self._read.update(self._elders.elders_of_communities(unread))
        return {c: list(self._read[c]) for c in wanted}

    def _changes(self, community_id: str) -> ElderRepository:
        """The repository behind, the community's kept list dropped first."""
        self._read.pop(community_id, None)
        return self._elders

    def add_elder(self, elder: Elder) -> bool:
        return self._changes(elder.community_id).add_elder(elder)

    def save_elders(self, elders: Iterable[Elder]) -> int:
        saved = list(elders)
        for elder in saved:
            self._read.pop(elder.community_id, None)
        return self._elders.save_elders(saved)

    def get_elder(self, community_id: str, elder_id: str, consistent: bool = False) -> Elder:
        return self._elders.get_elder(community_id, elder_id, consistent)

    def get_elders(self, community_id: str, elder_ids: Iterable[str]) -> dict[str, Elder]:
        return self._elders.get_elders(community_id, elder_ids)

    def add_benefit_task(self, community_id: str, elder_id: str, rule_id: str) -> bool:
        return self._changes(community_id).add_benefit_task(community_id, elder_id, rule_id)

    def mark_visited(self, community_id: str, elder_id: str, on: date) -> bool:
        return self._changes(community_id).mark_visited(community_id, elder_id, on)

    def mark_contacted(self, community_id: str, elder_id: str, on: date) -> bool:
        return self._changes(community_id).mark_contacted(community_id, elder_id, on)

    def mark_attempt(self, community_id: str, elder_id: str, at: datetime) -> bool:
        return self._changes(community_id).mark_attempt(community_id, elder_id, at)

    def raise_urgent_until(self, community_id: str, elder_id: str, until: date) -> bool:
        return self._changes(community_id).raise_urgent_until(community_id, elder_id, until)

    def change_status(self, change: StatusChange) -> bool:
        return self._changes(change.community_id).change_status(change)

    def changes(self, community_id: str, elder_id: str) -> list[Entry]:
        return self._elders.changes(community_id, elder_id)

    def elders_after(self, community_id: str, after: str | None) -> Iterator[Elder]:
        return self._elders.elders_after(community_id, after)

    def change_registry(self, before: Elder, after: Elder, changes: Iterable[Entry]) -> None:
        self._read.pop(after.community_id, None)
        self._changes(before.community_id).change_registry(before, after, changes)
