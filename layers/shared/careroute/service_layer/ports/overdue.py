"""The port of the overdue view: each community's elders who are late or due soon, kept
by the nightly count and by the projector, so an official's overdue list reads one item
per community instead of every elder."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from careroute.domain.vocabulary import Tier


@dataclass(frozen=True)
class DueEntry:
    """An active elder's visit deadline as the overdue list computes it (ids, tier and
    dates only). `deadline` is None for an elder never visited: overdue from the start."""

    elder_id: str
    community_id: str
    tier: Tier
    last_visited_on: date | None
    deadline: date | None

    def overdue_on(self, on: date) -> bool:
        return self.deadline is None or self.deadline < on


@dataclass(frozen=True)
class CommunityWatch:
    """One community's view as counted on `as_of`: every active elder whose deadline falls
    before `as_of` plus the view's horizon (and elders the projector updated since)."""

    community_id: str
    as_of: date
    entries: tuple[DueEntry, ...]


class OverdueView(Protocol):
    def save_watches(self, watches: Iterable[CommunityWatch]) -> int:
        """Replace each community's view whole; the communities written."""
        ...

    def put_entry(self, community_id: str, elder_id: str, entry: DueEntry | None) -> bool:
        """Set (None: remove) one elder's entry in the community's view; False, and nothing
        written, when the community has no view yet (the next count makes it)."""
        ...

    def read_watches(self, community_ids: Iterable[str]) -> dict[str, CommunityWatch]:
        """The views of those communities (a community without one is absent)."""
        ...
